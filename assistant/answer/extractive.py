"""The default generator: quotes the window of evidence that answers, verbatim, or refuses. No LLM needed.

Candidates are windows of the evidence (answer/evidence.py). A fitted linear model ranks them by what they cover
of the question, of its focus and of its expected answer type, by the embedding model's similarity and by the
retrieval rank; a second fitted model decides from the best one whether the documents answer at all
(answer/scoring.py, fitted by evals/fit_answer.py).
"""

from __future__ import annotations

import logging
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..chunking import heading_article, split_sentences
from ..embedding import Embedder
from ..language import LAW_NAMES, cited_articles, has_cjk, law_key, named_paragraphs
from ..lexical import EN_STOP, coverage_tokens, tokenize
from ..retrieve import Retrieval
from ..settings import AnswerSettings
from ..structure import mentioned, parse_question, without_laws
from ..types import Answer, RetrievedChunk
from . import evidence as ev
from . import shaping
from .answer_types import (
    AGENT,
    AMOUNT,
    CONSEQUENCE,
    DATE,
    DEADLINE,
    DEFINITION,
    EXTREME,
    LIST,
    MEASURED_SANCTION,
    MONEY_HEAD,
    NUMBER,
    PERCENT,
    REASON,
    TIME,
    WHEN,
    YEAR,
    YESNO,
    answer_words,
    asks,
    main_clause,
    type_names,
)
from .base import REFUSAL, Generator, SentenceSink, compose, refusal
from .questions import (
    PRONOUN,
    QuestionFrame,
    abbreviates,
    asked_words,
    demonym_of,
    duty_tokens,
    frame,
    name_parts,
    name_spans,
    proper_names,
    without_the_askers_situation,
)
from .references import BREACH_OF_A_LAW, CITED_BREACH, GENERAL_BREACH, CrossReferences
from .scoring import (
    ANSWERABLE_FEATURES,
    MONTHS,
    STATES_DUTY,
    STATES_EXCEPTION,
    STATES_MEMBERSHIP,
    STATES_SCOPE,
    STATES_SUPERVISION,
    WINDOW_FEATURES,
    AnswerModel,
    another_grade,
    default_model,
    defined_term,
    defined_term_tokens,
    named_elsewhere,
    required_types,
    states,
    total_only,
    types_present,
)
from .sums import largest_sum

logger = logging.getLogger(__name__)
_CACHE_SIZE = 20_000
_SPELT_LIKE_A_WORD = re.compile(r"[A-Z]{2,4}")


_STATES_EXCLUSION = re.compile(r"\bnot (?:be )?applicable\b|\b(?:shall|does|do|will) not apply\b|不适用", re.I)
"""How a law states what it does not apply to ("This Law is not applicable where …", "不适用本办法")."""


def _statement_asked(asked: QuestionFrame) -> re.Pattern[str] | None:
    """What states the answer to a question restating a duty or a law, when not the duty or the law itself: an
    exception to it (scoring.STATES_EXCEPTION), or what the law applies to (scoring.STATES_SCOPE); for exceptions
    to what a law applies to, what it does not apply to; for who oversees it, the body it charges with supervision
    (scoring.STATES_SUPERVISION)."""
    if asked.exception and asked.scope:
        return _STATES_EXCLUSION
    if asked.exception:
        return STATES_EXCEPTION
    if asked.scope:
        return STATES_SCOPE
    if asked.supervisor:
        return STATES_SUPERVISION
    return None


def _clipped(phrase: str, evidence: Sequence[str]) -> bool:
    """Whether a word of ``phrase`` is the clipped form of a longer word the evidence uses ("info" for
    "information", "admin" for "administration"), as English shortens words in speech."""
    return any(
        re.search(rf"\b{word}[a-z]{{3,}}", text, re.I)
        for word in re.findall(r"[a-z]{4,}", phrase.lower())
        for text in evidence
    )


def _defines_another_term(found: Candidates, best: int) -> bool:
    """Whether a question for a term's definition gets, as its best window, one defining another term (one sharing
    no word with it, or a broader one: 数据 for 重要数据), where no window defines the term asked. A term in other
    words ("big online platform" for "large online platform") is the same term."""
    asked = {t for t in found.frame.focus if not _NOT_A_TERMS_WORD.match(t)}
    if DEFINITION not in found.frame.types or not asked:
        return False
    defined = [
        [{t for t in defined_term_tokens(u.text) if not _NOT_A_TERMS_WORD.match(t)} for u in w.units]
        for w in found.windows
    ]
    if any(asked <= terms for window in defined for terms in window):
        return False
    return any(terms and (terms < asked or terms.isdisjoint(asked)) for terms in defined[best])


_NOT_A_TERMS_WORD = re.compile(r"^(?:#.|\d+|第.*|.*条|本法|条例|办法|规定)$")
"""What stands before a defined term besides it: a character token, an item or article number, "本法所称"."""


_WHOLE_DATE = re.compile(rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,\s*\d{{4}}")
"""A whole date, as a law's title block and its articles write it ("2022年3月1日", "January 1, 2025")."""


_DATING_WORDS = 2
"""The most words a question asking a law's own date has besides the law's name: its verb ("take effect", "come
into force", "生效", "adopted"). One with more ("Under the ferry law, a barred skipper waits how many years?") asks
about something in the law."""


_DATING_ACTS = (
    re.compile(r"\b(?:adopt\w*|passed)\b|通过", re.I),
    re.compile(r"\b(?:promulgat\w*|publish\w*)\b|公布|发布", re.I),
    re.compile(r"\b(?:effect\w*|force|commenc\w*)\b|施行|生效|实施", re.I),
    re.compile(r"\b(?:amend\w*|revis\w*)\b|修订|修正|修改", re.I),
    re.compile(r"\b(?:repeal\w*|abolish\w*)\b|废止|废除|失效", re.I),
)
"""The steps that date a law: its adoption, its promulgation, its taking effect, an amendment, its repeal. Asked
when a law took one, only a provision stating that one answers: the date it took effect is not when it was amended."""


def _dating_acts(own: str, laws: frozenset[str]) -> tuple[re.Pattern[str], ...]:
    """The steps of a law (see _DATING_ACTS) the question asks the date of, in its own words (none: any date)."""
    words = without_laws(own, list(laws))
    return tuple(act for act in _DATING_ACTS if act.search(words))


def _dated_laws(asking: QuestionFrame, own: str, retrieval: Retrieval) -> frozenset[str]:
    """The titles of the laws the question asks the date of, when it names nothing in them (see Candidates);
    ``own``: its words, without those a follow-up borrows."""
    if not retrieval.named_titles or TIME not in asking.types:
        return frozenset()
    if asking.time not in (DATE, WHEN, YEAR):
        return frozenset()  # a length of time or a deadline is some provision's, not the law's
    unnamed = without_laws(own, list(retrieval.named_titles))
    if unnamed.strip() == own.strip() and not any(act.search(own) for act in _DATING_ACTS):
        # "By what date?" after a question on a duty under the ferry law asks when the duty falls due: a follow-up
        # asks a law's own date by naming the law or the step dated ("那它是哪天生效的？").
        return frozenset()
    words = [w for w in asked_words(unnamed) if not w.startswith("#")]
    return frozenset(retrieval.named_titles) if len(words) <= _DATING_WORDS else frozenset()


_ABOUT_A_TEXT = frozenset(
    (
        "cover",
        "govern",
        "regul",
        "tell",
        "purpos",
        "aim",
        "goal",
        "主要",
        "管",
        "讲",
        "内容",
        "目的",
        "宗旨",
        "作用",
        "立法",
    )
)
"""Words asking what a text is about as a whole ("What does the ferry act cover?", "渡船条例主要管什么？"), as
asked_words gives them: stemmed, and Chinese words whole."""


def _whole_laws(asking: QuestionFrame, own: str, retrieval: Retrieval) -> frozenset[str]:
    """The laws a question asks about as a whole ("What is the ferry act?", "渡船条例是什么？"): it names them in
    its own words, no article of them, and asks nothing else of them, but what they are about or for. A follow-up
    naming only a law ("那港口条例呢？") asks of it what the question before asked."""
    if retrieval.borrowed or not retrieval.named_titles or retrieval.named_articles:
        return frozenset()
    if set(asking.types) - {DEFINITION, LIST, REASON}:
        return frozenset()
    unnamed = without_laws(own, list(retrieval.named_titles))
    if unnamed.strip() == own.strip():
        return frozenset()
    words = [w for w in asked_words(unnamed) if not w.startswith("#")]
    return frozenset(retrieval.named_titles) if set(words) <= _ABOUT_A_TEXT else frozenset()


def _opens_a_law(window: ev.Window, laws: frozenset[str]) -> bool:
    """Is the window the opening of the first article of one of ``laws`` (what a law is for: "为了…，制定本法")?"""
    chunk = window.units[0].chunk
    return (
        chunk.metadata.get("title") in laws
        and heading_article(chunk.heading_path) == 1
        and window.units[0].position == 0
    )


_PENALISED_PARTY = frozenset(
    tokenize(
        "company companies firm firms business businesses organization organizations enterprise enterprises "
        "itself themselves set impose get hit face cost case big high much amount break breaking"
    )
) | {"公司", "企业", "单位", "组织", "本身", "自身", "设定", "层面"}
"""Words a question on a law's penalty may hold besides the law, the penalty and its size, naming no breach: who
is fined, that a fine is imposed or faced ("the worst fine a firm could face"), that the law itself sets it."""


def _fining_laws(asking: QuestionFrame, own: str, retrieval: Retrieval) -> frozenset[str]:
    """The laws a question asks the penalty of as a whole ("Ferry act: its highest fine?",
    "违反渡船条例最多罚多少？"): it names them, no article of them, and no breach: nothing but the law, the penalty,
    its size and who pays. Which breach costs most is the law's to say, in its provisions that fine."""
    if retrieval.borrowed or not retrieval.named_titles or retrieval.named_articles or not asking.consequence:
        return frozenset()
    rest = without_laws(own, list(retrieval.named_titles))
    if rest.strip() == own.strip():
        return frozenset()
    for asked in (CONSEQUENCE, EXTREME, MONEY_HEAD):
        rest = asked.sub(" ", rest)
    words = [w for w in asked_words(rest) if not w.startswith("#")]
    return frozenset(retrieval.named_titles) if set(words) <= _PENALISED_PARTY | _BREACH_VERB_TOKENS else frozenset()


def _fines(window: ev.Window, laws: frozenset[str]) -> float:
    """The highest fine window states, when it is a provision of one of ``laws`` that fines; else 0."""
    if window.units[0].chunk.metadata.get("title") not in laws or not MEASURED_SANCTION.search(window.text):
        return 0.0
    return largest_sum(window.text)


def _dates(found: Candidates, i: int, laws: frozenset[str]) -> bool:
    """Whether window ``i`` states the asked time, in a provision of one of ``laws``."""
    title = found.windows[i].passage.chunks[0].metadata.get("title")
    stated = all(act.search(found.windows[i].text) for act in found.dating_acts)
    return bool(found.rows[i, WINDOW_FEATURES.index("types")]) and title in laws and stated


def _front_matter(window: ev.Window) -> bool:
    """Is the window from a law's title block, before its first article or chapter (the meeting that adopted it,
    the date it takes effect), where no heading stands?"""
    chunk = window.units[0].chunk
    return chunk.metadata.get("type") == "regulation" and not chunk.heading_path


def _focus_words(asking: QuestionFrame) -> str:
    """The English words of a question's focus, as written in its first clause, when that clause is a noun phrase
    asking nothing of its own ("Tonnage threshold?" asks about tonnage): empty otherwise."""
    clause = main_clause(asking.text)
    if asking.lang != "en" or not asking.focus or asks(clause):
        return ""
    words = re.findall(r"[A-Za-z][\w'-]*", clause)
    return " ".join(w for w in words if set(tokenize(w)) & set(asking.focus))


def _initials(acronym: str, text: str) -> bool:
    """Does ``text`` spell ``acronym`` out in capitalised words ("United States" for US)?"""
    words = r"\s+".join(rf"{letter}[a-z]+" for letter in acronym)
    return bool(re.search(rf"\b{words}\b", text))


_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


@dataclass
class Judgement:
    """What the answer step concluded about a question's evidence (see ExtractiveGenerator.judge)."""

    found: Candidates | None = None
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The window model's score of each candidate window."""
    best: int = -1
    probability: float = 0.0
    """That the documents answer the question."""
    refusal: Answer | None = None
    """The refusal to give, when they do not."""

    @property
    def best_score(self) -> float:
        return float(self.scores[self.best]) if self.best >= 0 else float("-inf")

    def score_of(self, start: int, end: int, doc_id: str) -> float:
        """The best score among the windows that hold the span (an LLM sentence's located citation): how well the
        evidence it rests on answers the question; -inf when it is none of the evidence."""
        if self.found is None:
            return float("-inf")
        held = [
            float(self.scores[i])
            for i, window in enumerate(self.found.windows)
            if any(u.chunk.doc_id == doc_id and u.start <= start and end <= u.end for u in window.units)
        ]
        return max(held, default=float("-inf"))


@dataclass
class Candidates:
    """Everything the answer step weighed for one question (also what evals/fit_answer.py learns from)."""

    frame: QuestionFrame
    windows: list[ev.Window]
    rows: np.ndarray
    """WINDOW_FEATURES of each window, in order."""
    weights: dict[str, float]
    """IDF weight of each salient question token."""
    context: dict[int, set[str]] = field(default_factory=dict)
    """Tokens each passage's title and heading path add (by id of the passage)."""
    cited: dict[int, tuple[set[str], set[int]]] = field(default_factory=dict)
    """For a passage reached by following a citation: the tokens of the provisions it was reached from, and their
    article numbers (by id of the passage)."""
    named: bool = False
    paragraphs: tuple[int, ...] = ()
    """The paragraphs of the named article the question asks about by number (第四款, paragraph 2)."""
    absent_paragraphs: tuple[int, ...] = ()
    """Paragraphs the question names that the named article does not have."""
    other_language: list[RetrievedChunk] = field(default_factory=list)
    """Retrieved chunks in another language than the question (not quoted)."""
    citing: frozenset[str] = frozenset()
    """Ids of the chunks reached by following a citation back from the evidence (a duty's penalty article)."""
    borrowed: frozenset[str] = frozenset()
    """The weighted tokens a follow-up borrows from the question before, not its own."""
    read_as_term: dict[int, frozenset[str]] = field(default_factory=dict)
    """The units defining a term the question does not use, read as that term's tokens (by id of the unit)."""
    dated_laws: frozenset[str] = frozenset()
    """The titles of the laws a question asks the date of, naming nothing in them ("When does the ferry law take
    effect?"): only their own provisions date them."""
    whole_laws: frozenset[str] = frozenset()
    """The titles of the laws a question asks about as a whole ("What is the ferry act?"): their first article
    answers, the purpose every law states first."""
    dating_acts: tuple[re.Pattern[str], ...] = ()
    """The steps of those laws the question asks the date of ("take effect", "废止"); none: any date answers."""
    fining_laws: frozenset[str] = frozenset()
    """The titles of the laws a question asks the penalty of, naming no breach of them ("How high can fines under the
    ferry act go?"): their provisions that fine, the highest fine first for a question on the most."""

    def context_of(self, window: ev.Window) -> set[str]:
        """What the window is read with (``context``), and the text of the provisions its passage was reached from
        unless the window punishes another breach: Article 48 of the Data Security Law punishes a breach of
        Article 35 in its first paragraph and of Article 36 in its second, and reached from Article 36, only the
        second is about Article 36's duty."""
        base = self.context.get(id(window.passage), set())
        tokens, articles = self.cited.get(id(window.passage), (set(), set()))
        if not tokens or any(_breach_of_another(u, articles) for u in window.units):
            return base
        return base | tokens

    def tokens_of(self, window: ev.Window) -> set[str]:
        """The coverage tokens the window is read with: its units' (a definition of a term the question does not
        use as that term alone) and its context's."""
        units = (self.read_as_term.get(id(u)) or coverage_tokens(u.text) for u in window.units)
        return set().union(*units) | self.context_of(window)

    def reached_by_citation(self, window: ev.Window) -> bool:
        """Is the window wholly in provisions reached by following a citation (see ``citing``)?"""
        return all(u.chunk.chunk_id in self.citing for u in window.units)

    @property
    def asks_for_article(self) -> bool:
        """The question names an article and asks nothing more of it ("What does Article 55 say?"), not even what
        breaking it costs ("违反第十三条怎么罚？")."""
        frame = self.frame
        return self.named and not (frame.types or frame.focus or frame.extreme or frame.consequence)


class ExtractiveGenerator(Generator):
    """Quotes the best evidence window verbatim; refuses when the evidence does not answer the question."""

    def __init__(
        self,
        settings: AnswerSettings,
        embedder: Embedder,
        idf: Callable[[str], float],
        lookup: Callable[[list[str]], list[RetrievedChunk]],
        model: AnswerModel | None = None,
        references: CrossReferences | None = None,
        passages: Callable[[], int] = lambda: 0,
        document: Callable[[str], list[str]] = lambda doc_id: [],
    ) -> None:
        self.settings = settings
        self.passages = passages
        """How many passages the index holds."""
        self.document = document
        """The ids of every chunk of a document, in document order."""
        self.embedder = embedder
        self.idf = idf
        self.lookup = lookup
        self.references = references
        self.model = model or _load_model()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    # --- the answer --------------------------------------------------------------------------------------------

    def generate(self, question: str, retrieval: Retrieval, on_sentence: SentenceSink | None = None) -> Answer:
        judged = self.judge(question, retrieval)
        if judged.refusal is not None or judged.found is None:
            return judged.refusal or refusal(question, retrieval, confidence=0.0)
        found, best = judged.found, judged.best
        chosen = shaping.with_provision_number(found, shaping.extend(found, best, self.settings))
        second = shaping.second(found, judged.scores, best, chosen, self.settings)
        quoted = [(chosen, judged.scores[best])]
        if second is not None:
            quoted.append((found.windows[second], judged.scores[second]))
        if found.fining_laws and found.frame.extreme:
            quoted += self._tied_fines(found, judged.scores, best, [w for w, _ in quoted])
        parts = [(q.text, [replace(q, score=float(score))]) for window, score in quoted for q in shaping.quotes(window)]
        answer = compose(question, retrieval, parts)
        answer.confidence = judged.probability
        if found.absent_paragraphs:
            numbers = ", ".join(str(n) for n in found.absent_paragraphs)
            answer.note = f"The article has no paragraph {numbers}: what it says is quoted instead."
        if found.windows[best].passage.chunks[0].metadata.get("lang") not in (None, found.frame.lang):
            language = _LANGUAGE_NAMES.get(str(found.windows[best].passage.chunks[0].metadata.get("lang")), "")
            only = f"Quoted in {language}: the indexed documents hold this article in {language} only."
            answer.note = f"{answer.note} {only}".strip()
        return answer

    def judge(self, question: str, retrieval: Retrieval) -> Judgement:
        """The evidence's windows, scored; the best one; and whether the documents answer the question at all (a
        refusal when not). An LLM's sentences are held to the same judgement (answer/llm.py)."""
        if retrieval.missing_article:
            reason = f"{REFUSAL} {retrieval.missing_article} does not exist in the indexed text."
            return Judgement(refusal=refusal(question, retrieval, reason, 0.0))
        if retrieval.missing_law:
            reason = f"{REFUSAL} {_law_label(retrieval.missing_law)} is not indexed."
            return Judgement(refusal=refusal(question, retrieval, reason, 0.0))
        if not retrieval.chunks:
            return Judgement(refusal=refusal(question, retrieval, confidence=0.0))
        if retrieval.unmatched_titles:
            # Another document's passage would be quoted as if the named one said it.
            reason = _unmatched(retrieval, frame(question).lang)
            return Judgement(refusal=refusal(question, retrieval, reason, 0.0))
        # A document's byline counts as evidence of a name: "per the Jiemian feature" names its publisher.
        bylines = [_byline(c) for c in retrieval.chunks]
        # A law named by a short form of its title (科技进步法里…) is no unknown name, nor is what the segmenter
        # glues to its last character.
        asked = without_laws(without_the_askers_situation(main_clause(question)), list(retrieval.named_titles))
        unseen = self.idf("\uffff")  # a token no chunk holds: the highest IDF there is
        if name := self.unknown_name(asked, [c.text for c in retrieval.chunks] + bylines):
            return Judgement(refusal=refusal(question, retrieval, f"{REFUSAL} None of them mentions {name}.", 0.0))
        asking = frame(question)
        thing = asking.noun or _focus_words(asking)
        noun = tokenize(thing)
        # what breaking a rule costs is stated as a fine or an order, seldom named ("What is the penalty for …?")
        named_thing = noun and set(noun) <= set(asking.focus) and not CONSEQUENCE.search(thing)
        broad = self.passages() >= self.settings.absent_noun_min_passages
        unheard = all(self.idf(t) >= unseen - 1e-9 for t in noun)
        if (
            named_thing
            and broad
            and unheard
            and not retrieval.named_articles
            and not self._misspelt(thing, unseen)
            and not _clipped(thing, [c.text for c in retrieval.chunks])
        ):
            # "What valuation did it reach?": no passage names the thing asked for, whatever else they match. A
            # question naming an article asks about that article: a word no passage holds is the asker's for what
            # it says ("the avenues under Article 38" for its conditions), and a figure it lacks fails on its type.
            reason = f"{REFUSAL} None of them mentions {thing}."
            return Judgement(refusal=refusal(question, retrieval, reason, 0.0))
        found = self.candidates(question, retrieval)
        if not found.windows:
            return Judgement(found=found, refusal=refusal(question, retrieval, self._elsewhere(found), 0.0))
        scores = self.model.window.logit(found.rows)
        best = self.stating_duty(found, scores, self.choose(found, scores))
        probability = self._answerable(found, scores, best)
        if _statement_asked(found.frame):
            # The duty or the law the question restates answers it too, where no exception or scope is stated.
            probability = max(probability, self._answerable(found, scores, int(np.argmax(scores))))
        stating = self.stating_sanction(found, scores, best)
        if stating != best:
            # Both bear on whether the documents answer: the provision the question describes, and the one that
            # says what breaking it costs.
            probability = max(probability, self._answerable(found, scores, stating))
            best = stating
        judged = Judgement(found=found, scores=scores, best=best, probability=probability)
        if (cited := retrieval.cited_laws) and not any(
            mentioned(law, found.windows[best].text.lower()) for law in cited
        ):
            # "Which fines does the harbour act set?" with the harbour act unindexed: the ferry rules citing it fine
            # on their own account, not for the act
            reason = f"{REFUSAL} {_law_label(cited[0])} is not indexed; the passages only cite it."
            judged.refusal = refusal(question, retrieval, reason, 0.0)
            return judged
        if found.frame.contents and not STATES_MEMBERSHIP.search(found.windows[best].text):
            # "名单上有哪些渡船？": a provision creating the list matches every word and puts nothing on it
            reason = f"{REFUSAL} The closest passage does not say what is on that list."
            judged.refusal = refusal(question, retrieval, reason, probability)
            return judged
        if _defines_another_term(found, best):
            # "那船舶法里呢？" after a question on what one law means by 客运渡船: its definition of 船舶 is not it
            reason = f"{REFUSAL} The closest passage defines another term."
            judged.refusal = refusal(question, retrieval, reason, probability)
            return judged
        if other := another_grade(found.frame.text, found.windows[best].text, [w.text for w in found.windows]):
            # daily users asked, monthly ones counted: a threshold over a month answers for no other period
            reason = f"{REFUSAL} The closest passage speaks of another period or size ({other})."
            judged.refusal = refusal(question, retrieval, reason, probability)
            return judged
        if _no_doer_anywhere(found):
            # "Who built the east pier?" where the one sentence on the pier names no builder
            reason = f"{REFUSAL} The passages that speak of it do not say who."
            judged.refusal = refusal(question, retrieval, reason, probability)
            return judged
        if found.dating_acts and not _dates(found, best, found.dated_laws):
            # "When was the harbour act repealed?": its text dates its adoption and its taking effect, not that
            reason = f"{REFUSAL} The law's text dates other steps of it than the one asked."
            judged.refusal = refusal(question, retrieval, reason, probability)
            return judged
        threshold = self.settings.refusal_threshold
        if _no_figure_anywhere(found) or probability < (self.model.threshold if threshold is None else threshold):
            judged.refusal = refusal(question, retrieval, self._why_not(found, best), probability)
        return judged

    def _answerable(self, found: Candidates, scores: np.ndarray, best: int) -> float:
        """The probability that the documents answer the question, read from window ``best``."""
        return float(self.model.answerable.probability(self.answerable_row(found, best, float(scores[best])))[0])

    def stating_duty(self, found: Candidates, scores: np.ndarray, best: int) -> int:
        """For a question asking what a party must do ("What duties do pier operators have?", "码头经营者有哪些
        义务？"), whose chosen window defines a term and states no duty: the best scored window that states one. The
        definition of the party matches its name best, but says nothing it must do."""
        # of a follow-up, its own words: "How many berths make a pier big?" after "What must big piers do?"
        asked = main_clause(found.frame.text)
        if not duty_tokens(asked) or DEFINITION in found.frame.types or found.asks_for_article:
            return best
        window = found.windows[best]
        if STATES_DUTY.search(window.text) or not any(defined_term(u.text) for u in window.units):
            return best
        stating = [i for i, w in enumerate(found.windows) if STATES_DUTY.search(w.text)]
        return max(stating, key=lambda i: scores[i], default=best)

    def stating_sanction(self, found: Candidates, scores: np.ndarray, best: int) -> int:
        """For a question on what breaking a rule costs, whose chosen window states no sanction: the best scored
        window that states one (a fine, a punishment, a liability), when the evidence holds any. The duty the
        question describes matches it best, but does not say what follows; a provision that cites no article
        (so that citations cannot lead to it) is found this way. A referral to other law ("构成犯罪的，依法追究
        刑事责任") gives way to a provision imposing a sanction of its own that scores nearly as well."""
        if not found.frame.consequence or found.asks_for_article:
            return best
        if not _states_consequence(found.windows[best]):
            stating = [i for i, w in enumerate(found.windows) if _states_consequence(w)]
            best = max(stating, key=lambda i: scores[i], default=best)
        if MEASURED_SANCTION.search(found.windows[best].text) or not CONSEQUENCE.search(found.windows[best].text):
            return best

        # Provisions reached as punishing the duty asked about all answer it: their wording decides nothing. One
        # merely retrieved must score nearly as well, and punish no other numbered duty.
        floor = scores[best] - self.settings.referral_margin
        measured = [
            i
            for i, w in enumerate(found.windows)
            if MEASURED_SANCTION.search(w.text)
            and (found.reached_by_citation(w) or (scores[i] >= floor and not cited_articles(w.text)))
        ]
        return max(measured, key=lambda i: scores[i], default=best)

    @staticmethod
    def choose(found: Candidates, scores: np.ndarray) -> int:
        """The window that answers: the best scored; for a question on what breaking a rule costs, the best scored
        of the provisions that punish it and state what is asked (a fine) better than the best does: the duty itself
        ranks higher, being what the question describes, but says nothing of the penalty."""
        best = int(np.argmax(scores))
        column = WINDOW_FEATURES.index("types")
        if found.frame.consequence:
            punishing = [
                i
                for i, w in enumerate(found.windows)
                if found.rows[i, column] > found.rows[best, column] and found.reached_by_citation(w)
            ]
            best = max(punishing, key=lambda i: scores[i], default=best)
        if REASON in found.frame.types and not found.rows[best, column]:
            # "Why will the city run the buses?" restates what it asks the reason for: the window matching it best
            # is that statement. The reason is in the best window that states one.
            stating = [i for i in range(len(found.windows)) if found.rows[i, column] > 0]
            best = max(stating, key=lambda i: scores[i], default=best)
        if found.dated_laws and not _dates(found, best, found.dated_laws):
            # "When does the ferry law take effect?" asks of the law itself: the provisions matching its name best
            # date nothing, or another law's passage gives its own date; the one dating it was reached for (see
            # _typed_reach).
            stating = [i for i in range(len(found.windows)) if _dates(found, i, found.dated_laws)]
            best = max(stating, key=lambda i: scores[i], default=best)
        statement = _statement_asked(found.frame)
        if statement is not None and not statement.search(found.windows[best].text):
            # "Must the operator always warn them?" restates the duty, which the best window states; whether it always
            # holds is said by the exception, where the evidence states one. "Does the harbour law apply to rowing
            # boats?" is answered where the law says what it applies to. Of several such statements, the one nearest
            # in meaning: its words are the duty's or the law's, not the question's.
            stating = [i for i, w in enumerate(found.windows) if statement.search(w.text)]
            dense = WINDOW_FEATURES.index("unit_dense")
            best = max(stating, key=lambda i: (found.rows[i, dense], scores[i]), default=best)
        if found.frame.contents and not STATES_MEMBERSHIP.search(found.windows[best].text):
            # "Which vessels are on the catalogue?": the provision creating it matches best; what goes on it is said
            # where the text puts something on it
            stating = [i for i, w in enumerate(found.windows) if STATES_MEMBERSHIP.search(w.text)]
            best = max(stating, key=lambda i: scores[i], default=best)
        if _front_matter(found.windows[best]):
            # "2022年3月1日 施行" under a law's title records what its last article enacts ("本规定自2022年3月1日起
            # 施行"): the article is the provision to cite, where one states the same date.
            dates = set(_WHOLE_DATE.findall(found.windows[best].text))
            doc = found.windows[best].units[0].chunk.doc_id
            stating = [
                i
                for i, w in enumerate(found.windows)
                if w.units[0].chunk.doc_id == doc
                and not _front_matter(w)
                and found.rows[i, column] >= found.rows[best, column]
                and dates & set(_WHOLE_DATE.findall(w.text))
            ]
            best = max(stating, key=lambda i: scores[i], default=best)
        if found.whole_laws:
            # "What is the ferry act?": what it is for, as its first article says
            openings = [i for i, w in enumerate(found.windows) if _opens_a_law(w, found.whole_laws)]
            best = max(openings, key=lambda i: scores[i], default=best)
        if found.fining_laws:
            # "How high can fines under the ferry act go?": of its provisions that fine, the one setting the highest
            # fine; for its penalties at large, the best scored of them
            fining = [i for i, w in enumerate(found.windows) if _fines(w, found.fining_laws)]
            if found.frame.extreme:
                best = max(fining, key=lambda i: (_fines(found.windows[i], found.fining_laws), scores[i]), default=best)
            else:
                best = max(fining, key=lambda i: scores[i], default=best)
        if found.asks_for_article:
            # "What does Article 55 say?": the article's opening provision (a lead with its items, whole).
            # Of several articles under that number (no law named), the one whose opening matches best.
            openings = [i for i, w in enumerate(found.windows) if w.units[0].position == 0]
            best = max(openings, key=lambda i: scores[i], default=best)
        return best

    def candidates(self, question: str, retrieval: Retrieval, embed_all: bool = False) -> Candidates:
        """The windows of the evidence with their features; ``embed_all`` embeds every window (for fitting)."""
        question_frame = _cue_in_a_term(frame(question), question, retrieval.chunks[: self.settings.evidence_chunks])
        if question_frame.exception and retrieval.borrowed and frame(retrieval.borrowed).scope:
            # "Any exceptions?" after "Does the ferry law apply to every boat?": exceptions to what it applies to
            question_frame = replace(question_frame, scope=True)
        if retrieval.borrowed and (own_names := tuple(name_spans(question.removesuffix(retrieval.borrowed)))):
            # "And the south pier?" after "How many berths has the north pier?": the figure asked is the south
            # pier's; the north pier, named in the words borrowed from the question before, is not asked about.
            question_frame = replace(question_frame, names=own_names)
        unseen = self.idf("\uffff")
        # An act named in words no passage holds ("Is there an exact deadline?") is none the evidence could name;
        # nor are the characters of such a word (提 and 前 of 提前) words of the act.
        held = frozenset(t for t in question_frame.timed_act if self.idf(t) < unseen - 1e-9)
        dropped = [t for t in question_frame.timed_act - held if not t.startswith("#")]
        held = frozenset(t for t in held if not (t.startswith("#") and any(t[1:] in word for word in dropped)))
        question_frame = replace(question_frame, timed_act=held)
        chunks, named = self._evidence_chunks(question_frame, retrieval)
        reached_from: dict[str, RetrievedChunk] = {}
        duties: set[int] = set()
        if question_frame.consequence and self.references is not None:
            # The duties asked about: the named articles, when the question names (or carries over) some.
            head = sum(c.chunk_id in retrieval.named_articles for c in chunks) if named else len(chunks)
            head = min(head, self.settings.citing_from)
            duties = {heading_article(c.heading_path) for c in chunks[:head]}
            # A law's general penalty clauses answer for an article the question names, or for a breach of the law
            # as a whole the question describes: for evidence merely retrieved, they would outrank the provision
            # that answers.
            general = named or bool(BREACH_OF_A_LAW.search(question))
            chunks, reached_from = self.references.follow(chunks, head, general=general)
        top = retrieval.chunks[: self.settings.evidence_chunks]
        other = [c for c in top if c.metadata.get("lang") != question_frame.lang]
        passages = ev.passages(chunks, self.lookup)
        # With an article named, every other penalty provision is held to it, reached by citation or retrieved.
        judged = (
            {c.chunk_id for c in chunks if c.chunk_id not in retrieval.named_articles} if named else set(reached_from)
        )
        own = question.removesuffix(retrieval.borrowed) if retrieval.borrowed else question
        dated = _dated_laws(question_frame, own, retrieval)
        whole = _whole_laws(question_frame, own, retrieval) if not dated else frozenset()
        fining = _fining_laws(question_frame, own, retrieval) if not (dated or whole) else frozenset()
        # "那违反国家核心数据管理制度呢？" after a question on Article 45's first paragraph: the breach the question
        # names is what it asks about, and the paragraph punishing it is no other breach.
        # "最多罚多少？" after "违规把乘客名单传到境外怎么处理？": the breach is the one the question before named.
        breaching = next(
            (
                text
                for text in (own, retrieval.borrowed if question_frame.consequence else "")
                if _NAMES_A_BREACH.search(text)
            ),
            "",
        )
        # the law's name is none of the breach's words: the penalty paragraph says 本法
        breaching = without_laws(breaching, list(retrieval.named_titles))
        named_breach = {t: self.idf(t) for t in asked_words(breaching) if t not in _BREACH_VERB_TOKENS}
        unit_tokens = _tokens_of_units(passages)
        read_as_term = (
            {} if DEFINITION in question_frame.types else self._read_as_terms(passages, set(coverage_tokens(question)))
        )
        unit_tokens.update({i: set(term) for i, term in read_as_term.items()})
        breach = _Breach(named_breach, unit_tokens, judged)
        # A penalty paragraph opening with the breach named outranks those of the other duties retrieved with it.
        breach.found = any(breach.punished_by(u) for p in passages for u in p.units)
        windows = [w for p in passages for w in ev.windows(p) if not breach.punishes_another(w, duties)]
        if not named and not question_frame.consequence:
            # Exceptions to what a law applies to are its own too, stated anywhere in it ("This Law is not
            # applicable where …"), as its date is.
            excluding = question_frame.exception and question_frame.scope
            own_laws = dated or (frozenset(retrieval.named_titles) if excluding else frozenset())
            if question_frame.supervisor and not own_laws:
                # "这块谁监管？": the law named, else the one the evidence is from, charges a body with it somewhere
                own_laws = frozenset(retrieval.named_titles) or frozenset(
                    str(c.metadata.get("title")) for c in chunks[:1]
                )
            acts = _dating_acts(own, dated) if dated else ()
            windows += self._typed_reach(question_frame, retrieval, chunks, windows, unit_tokens, own_laws, acts)
        if whole and not any(_opens_a_law(w, whole) for w in windows):
            openings = ev.passages(self._openings(whole, question_frame.lang, retrieval), self.lookup)
            unit_tokens.update(_tokens_of_units(openings))
            windows += [w for p in openings for w in ev.windows(p) if _opens_a_law(w, whole)]
        if fining:
            weighed = {c.chunk_id for p in passages for c in p.chunks}
            fining_chunks = [
                c for c in self._fining(fining, question_frame.lang, retrieval) if c.chunk_id not in weighed
            ]
            fines = ev.passages(fining_chunks, self.lookup)
            unit_tokens.update(_tokens_of_units(fines))
            windows += [w for p in fines for w in ev.windows(p) if _fines(w, fining)]
        # "第四款呢？" after a question on Article 6: the article's fourth paragraph is the evidence, not its first.
        paragraphs = named_paragraphs(own) if named else ()
        articles = [p for p in passages if any(c.chunk_id in retrieval.named_articles for c in p.chunks)]
        in_paragraphs = {id(u) for p in articles for u in ev.paragraph_units(p, paragraphs)}
        if in_paragraphs:
            # what it leans on ("前款", "the preceding paragraph") may come with it
            windows = [w for w in windows if id(w.units[-1]) in in_paragraphs] or windows
        # Chinese words count with their characters, as BM25 searches them: a colloquial question and the statute's
        # wording often share characters but no word (续 and 延续, 到期 and 届满).
        borrowed = set(coverage_tokens(retrieval.borrowed)) - set(coverage_tokens(own))
        if PRONOUN.search(own) and not proper_names(own):
            # "What targets has the city set for it?": "it" is the town the question before named, as much asked
            # about as the question's own words; a window on another cluster's targets does not answer. A follow-up
            # naming something of its own ("the cluster on the Pudong side: when did it open?") points to that.
            borrowed -= {t for name in proper_names(retrieval.borrowed) for t in coverage_tokens(name)}
        # A word no passage holds ("刷脸", tokenised 刷 and 脸) covers no window: counted, it only shrinks every
        # window's coverage alike, drowning the words that tell them apart.
        weights = {
            t: self.idf(t) * (self.settings.borrowed_word_weight if t in borrowed else 1.0)
            for t in dict.fromkeys(asked_words(question))
            if self.idf(t) < unseen - 1e-9
        }
        # "有哪些要求", "what obligations": the noun names the kind of answer, which a provision states with "shall"
        # or "应当" and a list lead; the passage using the noun ("按要求说明") is seldom the one stating the duty.
        duty = duty_tokens(question)
        if any(t not in duty for t in weights):
            weights = {t: w for t, w in weights.items() if t not in duty}
        found = Candidates(question_frame, windows, np.zeros((len(windows), len(WINDOW_FEATURES))), weights)
        found.borrowed = frozenset(borrowed)
        found.read_as_term = read_as_term
        found.named = named
        found.paragraphs = paragraphs if in_paragraphs else ()
        found.absent_paragraphs = tuple(
            n for n in paragraphs if articles and not any(ev.paragraph_units(p, [n]) for p in articles)
        )
        found.citing = frozenset(reached_from)
        found.dated_laws = dated
        found.dating_acts = _dating_acts(own, dated) if dated else ()
        found.whole_laws = whole
        found.fining_laws = fining
        # Named only when nothing in the question's language competes: a Chinese chunk that the dense retriever
        # ranks fifth for an English question is usually noise (the bundled model does not read Chinese).
        found.other_language = other if not named and not chunks else []
        if not windows:
            return found
        passages = list({id(w.passage): w.passage for w in windows}.values())
        found.context = {id(p): self._context_tokens(p) for p in passages}
        found.cited = {id(p): cited for p in passages if (cited := _cited_context(p, reached_from))[0]}
        total = sum(weights.values()) or 1.0
        related = self._related(own, retrieval)
        focus_total = sum(self.idf(t) for t in question_frame.focus) or 1.0
        # A definition question's focus is the term defined: a window holding its words elsewhere defines another.
        defining = (
            [frozenset().union(*(defined_term_tokens(u.text) for u in w.units)) for w in windows]
            if DEFINITION in question_frame.types
            else []
        )
        for i, window in enumerate(windows):
            context = found.context_of(window)
            tokens = set().union(*(unit_tokens[id(u)] for u in window.units)) | context
            ranks = [u.chunk.rank for u in window.units if u.chunk.rank]
            found.rows[i] = (
                _covered(weights, related, tokens, total),
                max(_covered(weights, related, unit_tokens[id(u)] | context, total) for u in window.units),
                sum(self.idf(t) for t in question_frame.focus if t in (defining[i] if defining else tokens))
                / focus_total
                if question_frame.focus
                else 1.0,
                types_present(question_frame, window, unit_tokens),
                0.0,
                0.0,
                1.0 / math.sqrt(min(ranks)) if ranks else 0.0,
                float(window.units[0].position == 0),
                float(len(window.units)),
                min(window.chars, 1000) / 200.0,
            )
        if dated:
            # The provision dating a law answers a question on its date wherever it was retrieved, as its law's best
            # retrieved chunk: reached when nothing retrieved dates the law, it ranks so; retrieved low on its own,
            # it ranked worse than if it had not been retrieved at all.
            column = WINDOW_FEATURES.index("rank")
            law_ranks: dict[str, int] = {}
            for chunk in retrieval.chunks:
                if chunk.metadata.get("title") in dated and chunk.rank:
                    law_ranks.setdefault(chunk.doc_id, chunk.rank)
            for i, window in enumerate(windows):
                law_rank = law_ranks.get(window.units[0].chunk.doc_id)
                if law_rank and _dates(found, i, dated):
                    found.rows[i, column] = max(found.rows[i, column], 1.0 / math.sqrt(law_rank))
        self._dense(question, retrieval, found, embed_all)
        return found

    def _related(self, question: str, retrieval: Retrieval) -> list[tuple[frozenset[str], float]]:
        """The question's own words (not those of the question a follow-up borrows) that no passage holds and that
        retrieval also searched for by meaning ("sue" as "lawsuit", "litigation"): the tokens standing for each, and
        its weight (the IDF of the nearest). Interrogatives stay out, as do words for the form of the answer: "how
        long" asks for no "longer" period, and "How do they define it?" for no "meaning" in the text."""
        asked = set(asked_words(question))
        form = set(coverage_tokens(answer_words(question)))
        groups = []
        for word, near in retrieval.related_to.items():
            tokens = [t for w in near for t in coverage_tokens(w)]
            if tokens and set(coverage_tokens(word)) & asked and not form & set(tokens):
                groups.append((frozenset(tokens), self.idf(tokens[0])))
        return groups

    def answerable_row(self, found: Candidates, best: int, score: float) -> np.ndarray:
        row = dict(zip(WINDOW_FEATURES, found.rows[best], strict=True))
        window = found.windows[best]
        tokens = set(coverage_tokens(window.text)) | found.context_of(window)
        missing = [w for t, w in found.weights.items() if t not in tokens]
        peak = max(found.weights.values(), default=1.0) or 1.0
        values = {
            "window_score": score,
            "lexical": row["lexical"],
            "focus": row["focus"],
            "types": row["types"],
            "dense": row["dense"],
            "rank": row["rank"],
            "missing_idf": max(missing, default=0.0) / peak,
            "trust": self.embedder.coverage(found.frame.text),
            # A law's provision dating it is the one a question asking only when that law took effect points to,
            # as an article number would; so is its first article, for a question on what the law is.
            "named_article": float(
                found.named
                or bool(found.dated_laws and _dates(found, best, found.dated_laws))
                or _opens_a_law(window, found.whole_laws)
                or bool(_fines(window, found.fining_laws))
            ),
            "typed": float(bool(found.frame.types) or found.frame.wants_quantity),
            "relevance": max(row["lexical"], row["dense"]),
            "types_stated": float(row["types"] > 0),
            "typed_unit_lexical": self._typed_unit_lexical(found, window, row["unit_lexical"]),
        }
        return np.asarray([[values[name] for name in ANSWERABLE_FEATURES]])

    @staticmethod
    def _typed_unit_lexical(found: Candidates, window: ev.Window, unit_lexical: float) -> float:
        """How much of the question the unit that states the asked-for type covers (the most, over such units):
        a figure in a sentence about something else ("more than 500 companies" of another cluster) answers little.
        For a question asking for no type, the best unit's coverage."""
        kinds = required_types(found.frame) - {LIST}
        if not kinds:
            return unit_lexical
        total = sum(found.weights.values()) or 1.0
        context = found.context_of(window)
        units = window.units
        covered = [
            sum(w for t, w in found.weights.items() if t in tokens) / total
            for i, u in enumerate(units)
            if all(states(kind, u.text, found.frame) for kind in kinds)
            # "It has attracted more than 500 companies": what "it" is, the sentence before says
            for said in [f"{units[i - 1].text} {u.text}" if u.leans_back and i > 0 else u.text]
            for tokens in [set(coverage_tokens(said)) | context]
        ]
        return max(covered, default=0.0)

    def _misspelt(self, phrase: str, unseen: float) -> bool:
        """Whether a word no passage holds is a slip of typing for one some passage does: a letter left out inside
        it, or two inside it swapped ("deparment", "coordiantion"). Not a word that differs at its ends or by a
        changed letter: "valuation" is no "evaluation", "perks" no "parks"."""
        for word in re.findall(r"[a-z]{5,}", phrase.lower()):
            inside = range(1, len(word))
            edits = {word[:i] + c + word[i:] for i in inside for c in "abcdefghijklmnopqrstuvwxyz"}
            edits |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 2)}
            if any(tokens and all(self.idf(t) < unseen - 1e-9 for t in tokens) for tokens in map(tokenize, edits)):
                return True
        return False

    def unknown_name(self, question: str, evidence: Sequence[str] = ()) -> str:
        """A name the question uses (Shenzhen, 新加坡) that no indexed passage contains: then the question is about
        something the documents do not cover, however well its other words match. Law names are not counted: a
        law with no English text indexed is still found by its Chinese title; nor is an abbreviation the evidence
        spells out ("MLPS": "multi-level protection scheme")."""
        unseen = self.idf("\uffff")  # a token no chunk holds: the highest IDF there is
        law_words = {t for names in LAW_NAMES.values() for name in names for t in tokenize(name)}
        for name in proper_names(question):
            if re.search(rf"\b(?:a|an)\s+{re.escape(name)}\b", question):
                # "Does the PIPL apply to a US company?": a name describing a party the question supposes (its
                # country, its town) is not what it asks the documents about.
                continue
            if _SPELT_LIKE_A_WORD.fullmatch(name) and name.lower() in EN_STOP:
                # "US", "IT": read as the function word it is spelt like, the acronym leaves no token to look up; it
                # is known only as written, in capitals, or spelt out in capitalised words ("United States").
                if not any(re.search(rf"\b{name}\b", text) or _initials(name, text) for text in evidence):
                    return name
                continue
            tokens = [t for t in tokenize(name) if t not in law_words]
            # "深圳经济特区": no passage names 深圳, however many hold 经济 and 特区
            unknown = tokens and any(
                (part_tokens := [t for t in tokenize(part) if t not in law_words])
                and all(self.idf(t) >= unseen - 1e-9 for t in part_tokens)
                for part in name_parts(name)
            )
            named = any(
                abbreviates(name, text) or demonym_of(name, text) or set(tokens) <= set(tokenize(text))
                for text in evidence
            )
            if unknown and not named:
                return name
        return ""

    # --- evidence ----------------------------------------------------------------------------------------------

    def _read_as_terms(self, passages: Sequence[ev.Passage], question_tokens: set[str]) -> dict[int, frozenset[str]]:
        """The units defining a term the question does not use (it holds less than half the term, IDF-weighted),
        each read as its term alone (by id of the unit): what a definition says of its term ("'Pier cargo' is cargo
        that, once spilled, …") shares words with a question on something else ("What if cargo is spilled?")
        without speaking of it."""
        read = {}
        for unit in (u for p in passages for u in p.units):
            term = defined_term(unit.text)
            if term and sum(self.idf(t) for t in term if t in question_tokens) < sum(self.idf(t) for t in term) / 2:
                read[id(unit)] = term
        return read

    def _evidence_chunks(self, question: QuestionFrame, retrieval: Retrieval) -> tuple[list[RetrievedChunk], bool]:
        """The chunks whose windows compete: a named article's (in the question's language when it has one), else
        the top chunks in the question's language."""
        same = [c for c in retrieval.chunks if c.metadata.get("lang", question.lang) == question.lang]
        if retrieval.named_articles:
            named = [c for c in retrieval.chunks if c.chunk_id in retrieval.named_articles]
            own = [c for c in named if c.metadata.get("lang") == question.lang] or named
            if retrieval.borrowed and not parse_question(question.text.removesuffix(retrieval.borrowed), []).articles:
                # An article carried over from the question before ("违反了怎么罚？" after one on Article 30) leads to
                # the provisions citing it, but the answer may be elsewhere in its law: what was retrieved from it
                # competes too.
                laws = {c.doc_id for c in own}
                others = [c for c in same if c.doc_id in laws and c.chunk_id not in retrieval.named_articles]
                return own + others[: self.settings.evidence_chunks], True
            return own, True
        # A question naming a law is about that law: its chunks, when retrieved, are the evidence.
        named = [c for c in same if c.metadata.get("title") in retrieval.named_titles]
        return (named or same)[: self.settings.evidence_chunks], False

    def _typed_reach(
        self,
        frame: QuestionFrame,
        retrieval: Retrieval,
        chunks: list[RetrievedChunk],
        windows: list[ev.Window],
        unit_tokens: dict[int, set[str]],
        own_laws: frozenset[str],
        acts: tuple[re.Pattern[str], ...] = (),
    ) -> list[ev.Window]:
        """When no window of the top chunks states what the question asks for (a date, a figure, a body; what a law
        applies to, for a question on whether it covers a case), the windows that do from the next
        few chunks: "When do the Regulations take effect?" matches every article naming "these Regulations" about
        as well as the one that gives the date, and "Does the ferry law cover our club's rowing boats?" every duty
        of boat owners about as well as the article saying what the law does not apply to. For a question on the
        date of the ``own_laws`` alone, or on what they do not apply to, only their provisions answer, found anywhere
        in them; for a question on the date of one of their steps (``acts``: taking effect, repeal), only a
        provision naming that step. ``unit_tokens`` gains the tokens of the units those chunks add."""
        kinds = required_types(frame) - {LIST}
        # A window defining another term states "a definition" in part; only the asked term's own answers.
        full = 1.0 if DEFINITION in kinds else 1e-9
        # Not an exception: where none is stated, the duty itself, which the evidence holds, answers whether it
        # always holds.
        statement = _statement_asked(frame) if frame.scope or frame.supervisor else None
        if not (kinds or statement) or not self.settings.typed_reach:
            return []

        def answers(window: ev.Window) -> bool:
            return (
                bool(not kinds or types_present(frame, window, unit_tokens) >= full)
                and (statement is None or bool(statement.search(window.text)))
                and (not own_laws or window.passage.chunks[0].metadata.get("title") in own_laws)
                and all(act.search(window.text) for act in acts)
            )

        if any(answers(w) for w in windows):
            return []
        seen = {c.chunk_id for c in chunks}
        same = [c for c in retrieval.chunks if c.metadata.get("lang", frame.lang) == frame.lang]
        titles = {c.metadata.get("title") for c in chunks}
        further = [c for c in same if c.chunk_id not in seen and (not chunks or c.metadata.get("title") in titles)]
        reached = ev.passages(further[: self.settings.typed_reach], self.lookup)
        unit_tokens.update(_tokens_of_units(reached))
        stating = [w for p in reached for w in ev.windows(p) if answers(w)]
        if stating or not own_laws:
            return stating
        # "When does the ferry law take effect?" names nothing but the law: what dates it is its own, in an article
        # worded "shall come into force" or "自…起施行", which shares no word with the question and may rank anywhere.
        # Each ranks as its law's best retrieved chunk, which the question's naming of the law brought.
        held = seen | {c.chunk_id for c in further[: self.settings.typed_reach]}
        laws: dict[str, int] = {}
        for chunk in retrieval.chunks:
            # the law in the question's language: its other version's date is no quote the question can read
            if chunk.metadata.get("title") in own_laws and chunk.metadata.get("lang", frame.lang) == frame.lang:
                laws.setdefault(chunk.doc_id, chunk.rank)
        rest = [
            replace(c, rank=laws[c.doc_id])
            for doc_id in sorted(laws)
            for c in self.lookup([i for i in self.document(doc_id) if i not in held])
        ]
        whole = ev.passages(rest, self.lookup) if rest else []
        unit_tokens.update(_tokens_of_units(whole))
        return [w for p in whole for w in ev.windows(p) if answers(w)]

    def _openings(self, laws: frozenset[str], lang: str, retrieval: Retrieval) -> list[RetrievedChunk]:
        """The first chunks of each of ``laws`` retrieved in the question's language, ranked as its best retrieved
        chunk: where its first article is, whatever the question matched."""
        ranks: dict[str, int] = {}
        for chunk in retrieval.chunks:
            if chunk.metadata.get("title") in laws and chunk.metadata.get("lang", lang) == lang:
                ranks.setdefault(chunk.doc_id, chunk.rank)
        first = [
            replace(c, rank=ranks[doc_id])
            for doc_id in sorted(ranks)
            for c in self.lookup(self.document(doc_id)[: self.settings.typed_reach])
        ]
        return [c for c in first if heading_article(c.heading_path) == 1]

    def _tied_fines(
        self, found: Candidates, scores: np.ndarray, best: int, quoted: list[ev.Window]
    ) -> list[tuple[ev.Window, float]]:
        """The other provisions of the law setting as high a fine as window ``best`` does, best scored first, one
        window each: where several breaches cost the most, each is part of the answer."""
        top = _fines(found.windows[best], found.fining_laws)
        held = {id(w.passage) for w in quoted}
        tied = []
        for i in np.argsort(-scores, kind="stable"):
            window = found.windows[int(i)]
            if len(held) >= self.settings.tied_fines:
                break
            if id(window.passage) not in held and _fines(window, found.fining_laws) == top:
                held.add(id(window.passage))
                tied.append((shaping.extend(found, int(i), self.settings), scores[int(i)]))
        return tied

    def _fining(self, laws: frozenset[str], lang: str, retrieval: Retrieval) -> list[RetrievedChunk]:
        """The chunks of each of ``laws`` retrieved in the question's language that fine, wherever they are in it,
        ranked as its best retrieved chunk."""
        ranks: dict[str, int] = {}
        for chunk in retrieval.chunks:
            if chunk.metadata.get("title") in laws and chunk.metadata.get("lang", lang) == lang:
                ranks.setdefault(chunk.doc_id, chunk.rank)
        return [
            replace(c, rank=ranks[doc_id])
            for doc_id in sorted(ranks)
            for c in self.lookup(self.document(doc_id))
            if MEASURED_SANCTION.search(c.text) and largest_sum(c.text)
        ]

    @staticmethod
    def _context_tokens(passage: ev.Passage) -> set[str]:
        """What a window is read with: its document's title (and the law's other names) and its heading path."""
        chunk = passage.chunks[0]
        title = str(chunk.metadata.get("title", ""))
        names = " ".join(LAW_NAMES.get(law_key(title), ()))
        return set(coverage_tokens(f"{title} {names} {law_key(title)} {chunk.heading_path}"))

    def _dense(self, question: str, retrieval: Retrieval, found: Candidates, embed_all: bool) -> None:
        """Embedding similarity of the windows most worth it: all with ``embed_all``, else the best few by the
        other features (embedding every sentence of the evidence costs ~7 ms each on a CPU)."""
        column = WINDOW_FEATURES.index("dense")
        unit_column = WINDOW_FEATURES.index("unit_dense")
        if retrieval.dense_trust <= 0.0:
            return  # the model cannot read the question (MiniLM on Chinese): its similarities would be noise
        order = np.argsort(-self.model.window.logit(found.rows), kind="stable")
        picked = order if embed_all else order[: self.settings.dense_windows]
        units = list({id(u): u for i in picked for u in found.windows[i].units}.values())
        if not embed_all:
            units = units[: self.settings.dense_units]
        statement = _statement_asked(found.frame)
        if (statement is not None or found.dated_laws) and not embed_all:
            # The exception or scope that answers shares few words with the question, which restates the duty or
            # the law: only its meaning tells it from exceptions to other duties (see choose). So does the provision
            # dating a law ("shall come into force" for "take effect").
            stating = [
                i
                for i in order[len(picked) :]
                if (
                    statement.search(found.windows[int(i)].text)
                    if statement
                    else _dates(found, int(i), found.dated_laws)
                )
            ]
            picked = np.concatenate([picked, np.array(stating, dtype=picked.dtype)])
            held = {id(u) for u in units}
            units += [u for i in stating for u in found.windows[int(i)].units if id(u) not in held]
        vectors = self._unit_vectors([u.text for u in units])
        by_unit = {id(u): v for u, v in zip(units, vectors, strict=True)}
        query = retrieval.question_vector
        if retrieval.borrowed and query is not None:
            # A follow-up is searched with the previous question's words, whose vector alone pulls each window
            # toward what was already answered; its own words, counted as much, say what it asks now.
            own = self.embedder.embed([question.removesuffix(retrieval.borrowed)])[0] + query
            query = own / (float(np.linalg.norm(own)) or 1.0)
        if query is None:
            query = self.embedder.embed([question])[0]
        trust = retrieval.dense_trust
        for i in picked:
            members = [by_unit[id(u)] for u in found.windows[int(i)].units if id(u) in by_unit]
            if len(members) < len(found.windows[int(i)].units):
                continue
            summed = np.sum(members, axis=0)
            norm = float(np.linalg.norm(summed)) or 1.0
            found.rows[int(i), column] = float(summed @ query) / norm * trust
            found.rows[int(i), unit_column] = max(float(m @ query) for m in members) * trust
        if not embed_all:  # the others are not compared: they rank below, as windows without similarity
            unseen = np.setdiff1d(np.arange(len(found.windows)), picked)
            found.rows[unseen, column] = 0.0
            found.rows[unseen, unit_column] = 0.0

    def _unit_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._vectors[text] = vector
            while len(self._vectors) > _CACHE_SIZE:
                self._vectors.popitem(last=False)
        for text in texts:
            self._vectors.move_to_end(text)
        return [self._vectors[t] for t in texts]

    def _why_not(self, found: Candidates, best: int) -> str:
        window = found.windows[best]
        missing_types = [
            kind for kind in sorted(found.frame.types - {LIST}) if not states(kind, window.text, found.frame)
        ]
        if (elsewhere := self._elsewhere(found)) != REFUSAL:
            return elsewhere
        if missing_types:
            return f"{REFUSAL} The closest passage gives no {type_names(missing_types)}."
        if others := named_elsewhere(found.frame, window):
            kinds = type_names(sorted(required_types(found.frame)))
            asked = max(found.frame.names, key=lambda name: len(name.split()))  # "Model Power Community", not Pudong
            article = "an" if kinds[0] in "aeiou" else "a"
            return f"{REFUSAL} The closest passage gives {article} {kinds} for {' and '.join(others)}, not for {asked}."
        if total_only(found.frame, window):
            return f"{REFUSAL} The closest passage gives a total, not a figure per {' '.join(found.frame.shared_by)}."
        return REFUSAL

    def _elsewhere(self, found: Candidates) -> str:
        """A refusal that names documents in another language which may hold the answer."""
        titles = list(dict.fromkeys(str(c.metadata.get("title", c.doc_id)) for c in found.other_language[:3]))
        if not titles:
            return REFUSAL
        language = _LANGUAGE_NAMES.get(str(found.other_language[0].metadata.get("lang", "")), "another language")
        asked = _LANGUAGE_NAMES.get(found.frame.lang, found.frame.lang)
        return (
            f"{REFUSAL} No {asked} passage answers it; these documents in {language} may: "
            + "; ".join(f"《{t}》" if language == "Chinese" else t for t in titles)
            + "."
        )


def _covered(
    weights: dict[str, float], related: list[tuple[frozenset[str], float]], tokens: set[str], total: float
) -> float:
    """The IDF-weighted share of the question's words that ``tokens`` hold. A word no passage holds counts only
    where they hold a word near it in meaning: it raises the share of what speaks of it in other words, and lowers
    no one's share for lacking it."""
    held = sum(w for t, w in weights.items() if t in tokens)
    near = sum(w for group, w in related if group & tokens)
    return (held + near) / (total + near)


def _no_figure_anywhere(found: Candidates) -> bool:
    """Whether a question asking for a figure (not whether there is one) finds it in no window of the evidence:
    a sum, a count or a share of what it asks about, per one where it asks per one, or the time limit of the act a
    deadline question names (other times answer "when" loosely: a year for a date). Its words may match a passage
    well ("1 billion yuan worth of vouchers" for the most one firm can get), but nothing there answers."""
    quantity = required_types(found.frame) & {AMOUNT, NUMBER, PERCENT}
    if found.frame.time == DEADLINE:
        quantity |= required_types(found.frame) & {TIME}
    if not quantity or YESNO in found.frame.types:
        return False  # "Is there a fee?" may be answered "free of charge"
    return not np.any(found.rows[:, WINDOW_FEATURES.index("types")] > 0)


def _no_doer_anywhere(found: Candidates) -> bool:
    """Whether a question asking who acted on a thing (QuestionFrame.acted_on) finds passages speaking of that
    thing, and none of them names a doer in a sentence on it (scoring.types_present scores such a window 0.5)."""
    acted_on = set(found.frame.acted_on)
    if not acted_on or required_types(found.frame) != {AGENT} or YESNO in found.frame.types:
        return False

    def speaks_of_it(window: ev.Window) -> bool:
        return any(acted_on & set(coverage_tokens(u.text)) for u in window.passage.units)

    column = WINDOW_FEATURES.index("types")
    speaking = [i for i, w in enumerate(found.windows) if speaks_of_it(w)]
    return bool(speaking) and not any(found.rows[i, column] >= 1.0 for i in speaking)


_MINOR_WORDS = frozenset({"of", "on", "for", "the", "and", "in", "to", "a", "an"})
"""Left in lower case inside a law's English name, as titles are written."""


_OPENS_A_VIOLATION = re.compile(
    r"^(?:(?:第[〇零一二三四五六七八九十百\d]+条|Article\s+\d+)\s*)?"
    r"(?:违反|[^，。]{0,30}?[不未]履行本(?:法|条例|规定|办法)第|where\b[^,，]{0,40}\bviolat"
    r"|where\b[^,，]{0,40}\bfails? to (?:fulfil|perform)\w*[^,，]{0,60}\bArticles? \d)",
    re.I,
)
"""A penalty provision's own breach, as statutes open one: "违反本法第二十七条规定的", "Where anyone violates …", or a
duty of a numbered article left undone ("渡轮公司不履行本法第九条规定的义务的", "Where an operator fails to perform
the duties in Article 9")."""


_CUE_AND_NOUN = re.compile(
    r"\b(?:penalt(?:y|ies)|fine[sd]?|punish\w*|sanction\w*|liable|liability|consequences?)\s+([A-Za-z][\w-]*)", re.I
)


def _cue_in_a_term(question_frame: QuestionFrame, question: str, chunks: Sequence[RetrievedChunk]) -> QuestionFrame:
    """A word of penalties inside a term the evidence uses ("What coverage must the liability insurance have?",
    where a provision encourages "liability insurance products") names that thing: unless the question asks what
    breaking a rule costs in other words too, it does not."""
    if not question_frame.consequence:
        return question_frame
    sentences = [
        s.lower() for c in chunks for a, b in split_sentences(c.text) if not MEASURED_SANCTION.search(s := c.text[a:b])
    ]
    terms = [
        m
        for m in _CUE_AND_NOUN.finditer(question)
        if m.group(1).lower() not in EN_STOP and any(m.group(0).lower() in s for s in sentences)
    ]
    if not terms:
        return question_frame
    plain = question
    for term in reversed(terms):  # each term stands as its noun: "liability insurance" -> "insurance"
        plain = plain[: term.start()] + term.group(1) + plain[term.end() :]
    return question_frame if frame(plain).consequence else replace(question_frame, consequence=False)


def _states_consequence(window: ev.Window) -> bool:
    """Whether the window says what breaking a rule costs: a sanction or liability, or a penalty provision's
    opening that names the duties it punishes (which may only hand the case on to other law)."""
    return bool(CONSEQUENCE.search(window.text) or CITED_BREACH.search(window.text))


def _tokens_of_units(passages: Sequence[ev.Passage]) -> dict[int, set[str]]:
    """The coverage tokens of each unit of the passages, by id of the unit."""
    return {id(u): set(coverage_tokens(u.text)) for p in passages for u in p.units}


def _cited_context(passage: ev.Passage, reached_from: dict[str, RetrievedChunk]) -> tuple[set[str], set[int]]:
    """For a provision reached by following a citation, the text of the provisions it cites ("violates Article
    42": Article 42's duty is what it punishes) and their article numbers."""
    sources = list(
        {
            reached_from[c.chunk_id].chunk_id: reached_from[c.chunk_id]
            for c in passage.chunks
            if c.chunk_id in reached_from
        }.values()
    )
    tokens = set(coverage_tokens(" ".join(c.text for c in sources)))
    return tokens, {heading_article(c.heading_path) for c in sources}


def _opening_breach(unit: ev.Unit) -> set[int] | None:
    """For a unit opening a paragraph with a breach of its own, the articles it cites (its own left out); None for
    any other unit."""
    if not _OPENS_A_VIOLATION.search(unit.text):
        return None
    return cited_articles(unit.text) - {heading_article(unit.chunk.heading_path)}


def _breach_of_another(unit: ev.Unit, articles: set[int]) -> bool:
    """Whether the unit opens a paragraph punishing the breach of articles other than ``articles``."""
    cited = _opening_breach(unit) or set()
    return bool(cited) and not cited & articles


class _Breach:
    """The breach a question on what breaking a rule costs names (``named``: its words, IDF-weighted), and the
    penalty provisions reached by following a citation (``judged``) that punish it."""

    def __init__(self, named: dict[str, float], unit_tokens: dict[int, set[str]], judged: set[str]) -> None:
        self.named = named
        self.total = sum(named.values())
        self.unit_tokens = unit_tokens
        self.judged = judged
        self.found = False
        """Whether a judged paragraph opens with the named breach."""

    def punished_by(self, unit: ev.Unit) -> bool:
        """Does the unit, in a judged provision, open a paragraph with a breach holding most of the named one?"""
        if not self.total or unit.chunk.chunk_id not in self.judged or _opening_breach(unit) is None:
            return False
        return sum(w for t, w in self.named.items() if t in self.unit_tokens[id(unit)]) >= self.total / 2

    def punishes_another(self, window: ev.Window, duties: set[int]) -> bool:
        """Whether the window, in a judged provision, holds a paragraph that opens with a breach of its own: one
        citing none of the ``duties`` (the evidence's articles), or, where a paragraph opening with the named breach
        was found, any other. Article 45 of the Data Security Law punishes breaches of Article 27 in its first
        paragraph and of the core data rules in its second (违反国家核心数据管理制度的…). A paragraph that goes on
        with the same breach ("If the violator refuses …", "拒不改正…") opens with none; one on breaches of the law
        at large ("违反本法规定…") punishes every duty; where the named breach was found, a paragraph going on with
        another breach punishes that one."""

        def another(unit: ev.Unit) -> bool:
            if unit.chunk.chunk_id not in self.judged:
                return False
            opening = unit if not self.found else ev.paragraph_opening(unit, window.passage)
            cited = _opening_breach(opening)
            if cited is None or GENERAL_BREACH.search(opening.text) or self.punished_by(opening):
                return False
            return self.found or not duties & cited

        return any(another(u) for u in window.units)


_NAMES_A_BREACH = re.compile(r"违反|违规|\bviolat|\bbreach", re.I)
_BREACH_VERB_TOKENS = frozenset(
    coverage_tokens("违反 违规 violate violates violated violating violation breach breaches")
)
"""The verb a breach is named with: every penalty paragraph holds it, so it tells none apart."""


def _byline(chunk: RetrievedChunk) -> str:
    """Who published and wrote the chunk's document, as its sidecar says (a news article's outlet and author)."""
    return " ".join(str(chunk.metadata.get(key, "")) for key in ("publisher", "author")).strip()


def _law_label(law: str) -> str:
    names = LAW_NAMES.get(law)
    if names:
        words = [w if i and w in _MINOR_WORDS else w.capitalize() for i, w in enumerate(names[0].split())]
        return f"The {' '.join(words)} (《{law}》)"
    return f"《{law}》"


def _unmatched(retrieval: Retrieval, lang: str) -> str:
    """Why a question naming a document gets no passage of it: the filters leave it out, its text is in another
    language than the question (which neither BM25 nor the bundled model matches across), or nothing in it does."""
    titles = retrieval.unmatched_titles
    title = next((t for t in titles if has_cjk(t) == (lang == "zh")), titles[0])
    label = _law_label(law_key(title)) if has_cjk(title) else title
    if not retrieval.unmatched_langs:
        return f"{REFUSAL} The filters leave out {label}."
    if lang not in retrieval.unmatched_langs:
        held = " and ".join(_LANGUAGE_NAMES.get(held, held) for held in retrieval.unmatched_langs)
        asked = _LANGUAGE_NAMES.get(lang, lang)
        return (
            f"{REFUSAL} {label} is indexed in {held} only, and an {asked} question is not matched against its text: "
            f"ask in {held}, or name the article you mean."
        )
    return f"{REFUSAL} No passage of {label} matches it."


def _load_model() -> AnswerModel:
    from .scoring import MODEL_FILE

    if MODEL_FILE.is_file():
        model = AnswerModel.load()
        if model.window.features == WINDOW_FEATURES and model.answerable.features == ANSWERABLE_FEATURES:
            return model
        logger.warning("%s was fitted for other features; run evals/fit_answer.py again", MODEL_FILE)
    return default_model()
