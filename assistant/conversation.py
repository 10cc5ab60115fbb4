"""Follow-up questions in a chat: what to search for when a question leans on the one before it.

"And what share of the costs?" after a question about the voucher scheme, "第四十六条呢？" after one about
《数据安全法》第四十五条, "Can the processor charge for them?" — each is searched together with the subject of the
previous question: its law, its named entities and its other content words. The question's own words still decide
what kind of answer it wants (answer/questions.py reads only its first clause). A follow-up naming a law of its own
("数据安全法呢？") keeps the rest of the question before, not its law. An article number carries over to a bare
reference ("它规定了什么？") and to a question on what breaking it costs ("做不到的话会怎么罚？": the provisions
citing it answer); a follow-up asking something else ("那重要数据目录预计什么时候公布？") is about the law, not the
article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answer.answer_types import asks
from .answer.questions import (
    BACK_TO_THE_FIRST,
    EN_PRONOUNS,
    INTERROGATIVE_TOKENS,
    ZH_PRONOUNS,
    asked_words,
    drops_its_subject,
    duty_tokens,
    frame,
    proper_names,
)
from .language import (
    EN_ARTICLE_REFERENCE,
    EN_ORDINALS,
    LAW_NAMES,
    ZH_ARTICLE_REFERENCE,
    article_from_numeral,
    has_cjk,
    int_to_chinese,
    named_paragraphs,
)
from .lexical import coverage_tokens, tokenize
from .structure import parse_question, without_laws

_EN_CONTINUES = re.compile(
    rf"^\s*(?:and|but|also|so|then|what about|how about|and what|what else)\b|{EN_PRONOUNS}"
    r"|\b(?:this|that|these|those|the same|such)\b",
    re.I,
)
_ZH_CONTINUES = re.compile(
    rf"^\s*(?:那|那么|还有|另外|此外|而且|并且|如果|要是)|{ZH_PRONOUNS}|该|上述|前述|这|此|呢[？?]?\s*$|也"
)
_EN_OWN_LAW = re.compile(
    r"\b(?:under|in|by|of|per|according to)\s+(?:the\s+)?(?!(?:this|that|these|those|same|its|their|said)\b)"
    r"(?:(?!the\b)[\w-]+\s+){1,5}(?:laws?|regulations?|rules|measures|provisions|act)\b",
    re.I,
)
"""A law the question names in words of its own ("under the 2024 network data regulations"), whether or not they
are a title the index knows; not one it points back to ("under this law", "under the regulations")."""
_LAW_KIND = re.compile(r"\b(?:laws?|regulations?|rules|measures|provisions|code|act)$")
"""The last word of a law's English name that says it is a law ("data security law"): a name without one
("algorithmic recommendation") may name a topic instead."""
_EN_SIBLING_ARTICLE = re.compile(
    r"\b(?:the\s+)?(next|following|previous|preceding)\s+(?:article|provision|one)\b"
    r"|\b(?:the\s+)?(?:article|provision|one)\s+(after|before)\s+(?:that|it|this)(?:\s+one)?\b",
    re.I,
)
_ZH_SIBLING_ARTICLE = re.compile(r"([下后上前])一条")
_ARTICLE_LABEL = re.compile(f"{ZH_ARTICLE_REFERENCE.pattern}|{EN_ARTICLE_REFERENCE.pattern}", re.I)
_CORRECTION = re.compile(
    r"\bI (?:meant|mean|was asking about|was talking about)\b"
    r"|我(?:是说|是指|指的是|说的是|问的是)|不是[^，,。？?]{0,12}[，,]\s*(?:而)?是",
    re.I,
)
"""A turn that corrects the one before ("Sorry, I meant the Data Security Law", "不是这个，是第二十二条"): it asks the
same question of what it names instead."""
_SAME_QUESTION = re.compile(
    r"^\W*(?:(?:and|ok|okay|now|so|then)\W+)?(?:the )?same (?:question|thing|goes)\b"
    r"(?:\s+(?:for|about|with|under|of|on|in))?"
    r"|\bask(?:ing)? (?:the same|that|it) (?:again )?(?:for|about|of|under)\b"
    r"|^\W*(?:那|那么)?(?:同样的问题|同一个?问题|一样的问题|同样地?问)",
    re.I,
)
"""A turn asking the question before again, of something else ("Same thing for the DSL?", "同样的问题，换成数据安全法
呢？"): like a correction, it asks that question of what it names. Only where the turn opens with it: "Is it the same
thing as …?" compares."""
_APOLOGY = re.compile(
    r"^\s*(?:(?:sorry|no|oops|oh|actually)\b[\s,.!-]*)+|^\s*(?:抱歉|不好意思|对不起|哦|噢)[，,。！!]?", re.I
)
_DENIED = re.compile(
    r",?\s*\b(?:and )?not (?:the |this |that )?(?:(?-i:[A-Z])[\w'’-]*(?:\s+(?-i:[A-Z])[\w'’-]*)*(?:\s+\d+)?|one)\b"
    r"|不是[^，,。？?]{0,12}(?=[，,])",
    re.I,
)
"""What a correction says it did not mean ("…, not the PIPL"): no subject of the question."""
_THE_FIRST_NAMED = re.compile(
    r"\bthe former\b|\bthe first (?:one|of (?:them|those|the two))\b"
    r"|前者|(?:前面|之前|刚才|最开始)(?:说|提|问)的|第一个(?=呢|[？?，,]|$)|第一种(?:情况|情形)",
    re.I,
)
"""A reference to the first of the things a chat has asked about ("the former", "前者", "前面问的"):
with two or more questions before, it leans on the first of them, not the last."""
_BACK_TO_A_TOPIC = re.compile(
    # at the start, where it turns the chat: "send it back to the user" asks about the user
    r"^\s*(?:(?:ok(?:ay)?|so|and|now|right)[,\s]+)?(?:(?:going|coming|getting|turning)\s+)?back to\s+"
    r"(?P<en>(?:(?!\b(?:what|which|who|whom|how|when|where|why|is|are|does|do|did|can|could|must|should|will)\b)"
    r"[^,—–:;?.!])+)"
    r"|^\s*(?:那|好|好的|嗯)?[，,]?\s*(?:再?回到|再?说回|再?回头说)(?P<zh>[^，,：:。？?！!]+?)(?:的问题|这个问题|那个问题|上来)?[，,：:]",
    re.I,
)
"""A chat turned back to an earlier topic ("Back to the ferry grant — …", "说回渡船登记，…"): the follow-up leans on the
last question before the one just asked that speaks of it, not on the one just asked."""
BARE_REFERENCE_TOKENS = 1
"""A follow-up with at most this many words of its own ("它规定了什么？", "what does it say?") is about the same
article as the question before; with more, it asks about something else in the same law."""


def is_follow_up(question: str, previous: str, titles: Sequence[str]) -> bool:
    """Does ``question`` lean on ``previous``? It points back (a pronoun, "and …", "…呢？"), or it names no
    subject of its own (no law, article or name) while the previous question named one."""
    continues = _ZH_CONTINUES if has_cjk(question) else _EN_CONTINUES
    if continues.search(question) or (has_cjk(question) and drops_its_subject(question)):
        return True
    own = parse_question(question, list(titles))
    if own.titles and not _asks_beyond_the_law(question, own.titles, titles):
        return True  # "上海的数据条例里是怎么规定的？", "And what does the PIPL say?": the same, of another law
    if own.titles or own.unknown_laws or proper_names(question):
        return False
    # A breach supposed without the rule it breaks ("不备案会怎样？", "What if we don't?") is the rule before.
    if frame(question).consequence or _elliptic(question):
        return True
    before = parse_question(previous, list(titles))
    return bool(before.titles or before.unknown_laws or before.articles or proper_names(previous))


_TIME_UNITS = frozenset(tokenize("time times year years month months week weeks day days hour hours")) | frozenset(
    tokenize("一次 次 年 月 日 天 小时 周 星期 工作日")
)
_LIKE_BEFORE = frozenset(tokenize("similar same corresponding equivalent 对应 相应 类似 同样 一样"))
"""Words pointing back to what was asked before ("渡船法里也有类似的规矩？", "a similar duty?"): no subject of their
own."""


def _elliptic(question: str) -> bool:
    """Does the question say too little to be asked alone: at most one word of its own besides its interrogatives
    and the units of time it asks in ("How many times a month?", "With whom?", "寄给谁？", "几天一次？")? It asks
    about what the question before it did, whether or not that one named a law."""
    words = [w for w in asked_words(question) if not w.startswith("#") and w not in _TIME_UNITS]
    return len(words) <= BARE_REFERENCE_TOKENS


_SAYING = frozenset(tokenize("say says said state states stated provide provides stipulate stipulates mention")) | {
    "#说",
    "#讲",
    "#写",
    "#提",
    "#里",
    "#中",
}
"""Verbs of what a law says, and the locatives of 'in the law' (里, 中): a question made only of them and a law's
name asks what that law says about the topic before."""


def _asks_beyond_the_law(question: str, named: Sequence[str], titles: Sequence[str]) -> bool:
    """Does the question ask about anything but the law it names and what that law says?"""
    asked = set(asked_words(without_laws(question, list(titles))))
    # Nor about the form of the answer ("几年一次？") or the kind of answer ("有什么要求？"), or the likeness of
    # what was asked before: a question made of those and a law's name asks the topic before of that law.
    formal = {t for t in asked if t in _TIME_UNITS or t in _LIKE_BEFORE} | duty_tokens(question)
    dropped = {t for title in named for t in coverage_tokens(title)} | _SAYING | formal
    dropped |= {f"#{c}" for t in formal if not t.startswith("#") and has_cjk(t) for c in t}
    return bool(asked - dropped)


def contextualise(question: str, history: Sequence[str], titles: Sequence[str]) -> str:
    """What to search for: the question, followed by the subject of the previous one when it is a follow-up."""
    asked = [h for h in history if h.strip()]
    if not asked:
        return question
    if BACK_TO_THE_FIRST.search(question) or (len(asked) > 1 and _THE_FIRST_NAMED.search(question)):
        return f"{question.strip()} {' '.join(contextualise(asked[0], [], titles).split())}"
    if len(asked) > 1 and (back := _BACK_TO_A_TOPIC.search(question)):
        earlier = asked[:-1]
        topic = set(coverage_tokens(back.group("en") or back.group("zh")))
        # a topic named in other words than before ("that river subsidy") is still one asked before the last question
        at = next((i for i in reversed(range(len(earlier))) if topic & set(coverage_tokens(earlier[i]))), -1)
        return f"{question.strip()} {' '.join(contextualise(earlier[at], earlier[:at], titles).split())}"
    correcting = bool(_CORRECTION.search(question) or _SAME_QUESTION.search(question))
    if correcting:
        corrected = _DENIED.sub(" ", _SAME_QUESTION.sub(" ", _CORRECTION.sub(" ", _APOLOGY.sub("", question))))
        question = " ".join(corrected.split()).strip(" ,.;!，。；！")
    # A previous question that was itself a follow-up ("没做到会怎么样？") stands for what it was searched with: a
    # chain of follow-ups keeps the subject the chat began with.
    previous = contextualise(asked[-1].strip(), asked[:-1], titles)
    if not (correcting or is_follow_up(question, previous, titles)):
        return question
    question = _sibling_article(question, previous, titles)
    own = parse_question(question, list(titles))
    context = previous
    zh = has_cjk(question)
    if (
        own.unknown_laws
        or any(has_cjk(title) == zh for title in own.titles)
        or (not zh and (_EN_OWN_LAW.search(question) or _names_a_law_as_such(question)))
    ):
        # "And the Network Data Security Regulations?" after a question on the PIPL asks the same of another law. A
        # law indexed only in another language ("what about algorithmic recommendation?") may name a topic instead:
        # the law before stays. Its article numbers go with it: they number that law's articles.
        context = _ARTICLE_LABEL.sub(" ", without_laws(context, list(titles)))
    words = [t for t in tokenize(_ARTICLE_LABEL.sub(" ", question)) if t not in INTERROGATIVE_TOKENS]
    # What breaking the article costs ("违反了怎么罚？") is answered by the provisions that cite it: it carries over. So
    # does the article whose paragraph a follow-up names alone ("第四款呢？", "and paragraph 2?").
    paragraph_of_it = bool(named_paragraphs(question)) and not own.articles
    if own.articles or (len(words) > BARE_REFERENCE_TOKENS and not frame(question).consequence and not paragraph_of_it):
        context = _ARTICLE_LABEL.sub(" ", context)
    if correcting and not asks(question):
        # The question is the one before, of what the correction names: it reads first, as asked.
        return f"{' '.join(context.split())} {question.strip()}"
    return f"{question.strip()} {' '.join(context.split())}"


def _names_a_law_as_such(question: str) -> bool:
    """Does an English question name a law by a name that can only be a law's: one ending in a word such as "law"
    or "regulations" ("No, I meant the Data Security Law"), or an abbreviation ("DSL")?"""
    lowered = question.lower()
    return any(
        re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered)
        for names in LAW_NAMES.values()
        for name in names
        if " " not in name or _LAW_KIND.search(name)
    )


def _sibling_article(question: str, previous: str, titles: Sequence[str]) -> str:
    """``question`` with an article named by its place next to the one the question before named ("and the one
    after that?", "下一条呢？" after one on Article 21) written as that article's number."""
    zh = has_cjk(question)
    match = (_ZH_SIBLING_ARTICLE if zh else _EN_SIBLING_ARTICLE).search(question)
    before = parse_question(previous, list(titles)).articles
    if match is None or len(before) != 1:
        return question
    direction = next(group for group in match.groups() if group).lower()
    number = before[0] + (1 if direction in ("下", "后", "next", "following", "after") else -1)
    if number < 1:
        return question
    label = f"第{int_to_chinese(number)}条" if zh else f"Article {number}"
    return f"{question[: match.start()]}{label}{question[match.end() :]}"


_EN_LISTED_ITEM = re.compile(
    rf"\b(?:the\s+)?({'|'.join(EN_ORDINALS)})\s+(?:one|item|point|entry|bullet|category|type|kind|class)\b"
    r"|\b(?:item|point)\s*\(?(\d{1,2})\)?(?![\d.,])",
    re.I,
)
_ZH_LISTED_ITEM = re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,2})(?:项|点|种|个|类)(?!问题)")


def listed_item(question: str) -> int:
    """The number of the item a follow-up asks about in the list the question before was answered with: "Just the
    fifth one - what does it cover?", "item (3)?", "第三项具体指什么？" -> 5, 3, 3; 0 when it names none. Not the
    first question of the chat ("回到第一个问题"), nor an article or its paragraph (第三条, 第二款)."""
    if BACK_TO_THE_FIRST.search(question):
        return 0
    if match := _ZH_LISTED_ITEM.search(question):
        return article_from_numeral(match.group(1))
    if match := _EN_LISTED_ITEM.search(question):
        return EN_ORDINALS.index(match.group(1).lower()) + 1 if match.group(1) else int(match.group(2))
    return 0


_ZH_ENUMERATION_CLAUSE = re.compile(r"[^，。；：,;:]*、[^，。；：,;:]*")
_ZH_INTRODUCING = re.compile(r"^.*(?:分为|分成|包括|包含|是指|利用|即|有)")
_ZH_OTHER_ITEM = re.compile(r"(?:和|或者|以及|及|与|或)")
_ZH_ENUMERATION_END = re.compile(r"(?:等|[一二三四五六七八九十两几\d]+[类种项个]).*$")
_EN_ENUMERATION = re.compile(r"(?:[^,;:.]+,\s+)+(?:and|or)\s+[^,;:.]+|[^,;:.]+,\s+[^,;:.]+\s+(?:and|or)\s+[^,;:.]+")
_EN_INTRODUCING = re.compile(
    r"^.*\b(?:into|includ(?:e|es|ing)|cover(?:s|ing)?|compris(?:e|es|ing)|consists? of|are|is|namely|such as|like)\s+",
    re.I,
)


def enumerated(text: str) -> list[str]:
    """The terms of the longest list written inline in ``text`` ("分为公共泊位、专用泊位和临时泊位三类" -> 公共泊位,
    专用泊位, 临时泊位; "split into open, conditional and closed data" -> open, conditional, closed data): what
    "第二类", "the second category" point to when the answer before named them in one sentence, without numbers."""
    lists: list[list[str]] = []
    if has_cjk(text):
        for clause in _ZH_ENUMERATION_CLAUSE.findall(text):
            parts = clause.split("、")
            parts[0] = _ZH_INTRODUCING.sub("", parts[0])
            parts[-1:] = _ZH_OTHER_ITEM.split(parts[-1], maxsplit=1)
            parts[-1] = _ZH_ENUMERATION_END.sub("", parts[-1])
            lists.append([p.strip() for p in parts if p.strip()])
    else:
        for match in _EN_ENUMERATION.finditer(text):
            parts = re.split(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+", match.group(0))
            parts[0] = _EN_INTRODUCING.sub("", parts[0])
            lists.append([p.strip() for p in parts if p.strip()])
    longest = max(lists, key=len, default=[])
    return longest if len(longest) > 1 else []


_CLASSIFIED = re.compile(
    rf"第(?:[一二三四五六七八九十]{{1,3}}|\d{{1,2}})[类种]|\b(?:{'|'.join(EN_ORDINALS)})\s+(?:category|type|kind|class)\b",
    re.I,
)
"""An item named by its place among kinds ("第二类", "the third category"): a list of kinds may be written inline."""


def names_a_kind(question: str) -> bool:
    return bool(_CLASSIFIED.search(question))


def naming_item(question: str, term: str) -> str:
    """``question`` with its ordinal reference to an item ("第二类", "the second category") written as the item."""
    pattern = _ZH_LISTED_ITEM if has_cjk(question) else _EN_LISTED_ITEM
    return pattern.sub(term, question, count=1)


_QUESTION_END = re.compile(r"(?<=[?？])\s*|,?\s+and\s+(?=(?:what|which|who|whom|whose|when|where|why|how)\b)", re.I)
"""Where a message's next question starts: after a question mark, or at "and" before an interrogative ("Who keeps
the register, and how long is it kept?")."""


def question_parts(question: str, most: int) -> list[str]:
    """The questions a message asks ("由谁审批？多久办完？", "Who keeps it and how long?"): each is a
    follow-up of the ones before it. At most ``most``, the last holding the rest; a message asking one is one."""
    parts = [part for part in _QUESTION_END.split(question.strip()) if part.strip(" ?？")]
    if len(parts) <= most:
        return parts or [question]
    return [*parts[: most - 1], " ".join(parts[most - 1 :])]
