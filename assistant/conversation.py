"""Follow-up questions in a chat: what to search for when a question leans on the one before it.

"And what share of the costs?" after a question about the voucher scheme, "第四十六条呢？" after one about
《数据安全法》第四十五条, "Can the processor charge for them?" — each is searched together with the subject of the
previous question: its law, its named entities and its other content words. The question's own words still decide
what kind of answer it wants (answer/questions.py reads only its first clause). An article number carries over
only to a bare reference ("它规定了什么？"): "做不到的话会怎么罚？" after a question on Article 33 asks about the
penalty article, not Article 33 again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answer.questions import INTERROGATIVE_TOKENS, proper_names
from .language import EN_ARTICLE_REFERENCE, ZH_ARTICLE_REFERENCE, has_cjk
from .lexical import tokenize
from .structure import parse_question

_EN_CONTINUES = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|and what|what else)\b"
    r"|\b(?:it|its|they|them|their|theirs|this|that|these|those|he|she|his|her|the same|such)\b",
    re.I,
)
_ZH_CONTINUES = re.compile(
    r"^\s*(?:那|那么|还有|另外|此外|而且|并且|如果|要是)|它|其|该|上述|前述|这|此|呢[？?]?\s*$|也"
)
_ARTICLE_LABEL = re.compile(f"{ZH_ARTICLE_REFERENCE.pattern}|{EN_ARTICLE_REFERENCE.pattern}", re.I)
BARE_REFERENCE_TOKENS = 1
"""A follow-up with at most this many words of its own ("它规定了什么？", "what does it say?") is about the same
article as the question before; with more, it asks about something else in the same law."""


def is_follow_up(question: str, previous: str, titles: Sequence[str]) -> bool:
    """Does ``question`` lean on ``previous``? It points back (a pronoun, "and …", "…呢？"), or it names no
    subject of its own (no law, article or name) while the previous question named one."""
    continues = _ZH_CONTINUES if has_cjk(question) else _EN_CONTINUES
    if continues.search(question):
        return True
    own = parse_question(question, list(titles))
    if own.titles or own.unknown_laws or proper_names(question):
        return False
    before = parse_question(previous, list(titles))
    return bool(before.titles or before.unknown_laws or before.articles or proper_names(previous))


def contextualise(question: str, history: Sequence[str], titles: Sequence[str]) -> str:
    """What to search for: the question, followed by the subject of the previous one when it is a follow-up."""
    previous = next((h for h in reversed(history) if h.strip()), "")
    if not previous or not is_follow_up(question, previous, titles):
        return question
    own = parse_question(question, list(titles))
    context = previous
    words = [t for t in tokenize(_ARTICLE_LABEL.sub(" ", question)) if t not in INTERROGATIVE_TOKENS]
    if own.articles or len(words) > BARE_REFERENCE_TOKENS:
        context = _ARTICLE_LABEL.sub(" ", context)
    return f"{question.strip()} {' '.join(context.split())}"
