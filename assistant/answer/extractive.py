"""The default generator: quotes the best evidence verbatim, no LLM needed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..embedding import Embedder
from ..lexical import tokenize
from ..retrieve import Retrieval
from ..settings import AnswerSettings
from ..types import Answer, RetrievedChunk
from .base import (
    ITEM,
    REFUSAL,
    ZH_BACK_REFERENCE,
    EvidenceUnit,
    Generator,
    TokenSink,
    compose,
    evidence_units,
    refusal,
)

_QUANTITY_Q = re.compile(
    r"\bhow (many|much|large|big|long)\b|\bwhat (percentage|share|amount|proportion)\b"
    r"|多少|多长|多久|几[个家项年天]|比例|多高",
    re.I,
)
# An amount is asked for; group 1, when present, names what is measured, which the evidence must name too.
_MONEY_Q = re.compile(
    r"\b(budget|revenue|profit|valuation|price|salary)s?\b|(费率|预算|收入)|金额|罚款.{0,6}(?:多少|多高|幅度|上限)|罚多少",
    re.I,
)
_DATE_Q = re.compile(
    r"\bwhen\b|\bwhat (year|date|month)\b|\bwhich (year|month)\b|何时|什么时候|哪一?年|哪一?天|日期", re.I
)
# "Who led ...", "Who is the president of ...": the role or act asked about is the word after "who".
_WHO_Q = re.compile(r"^\s*who\s+(?:(?:is|was|are|were)\s+)?(?:(?:the|a|an)\s+)?([A-Za-z]+)", re.I)
_HAS_NUMBER = re.compile(
    r"\d|[一二三四五六七八九十百千万亿两]+(?:[万亿]?元|年|日|个|倍|%|分之|周岁|工作日)|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?)\b",
    re.I,
)
# A year is a date, not the figure a "how many" question asks for.
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b(?:年)?")
_HAS_MONEY = re.compile(
    r"\d[\d,.]*\s*(?:%|percent|(?:million|billion|trillion)?\s*(?:yuan|dollars|usd|rmb|euros?))|[$¥€]\s?\d|"
    r"[\d一二三四五六七八九十百千万亿两]+[万亿]?元|百分之",
    re.I,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-zA-Z]+(?:\s+(?:of\s+)?[A-Z][a-zA-Z]+)*")
_HAS_DATE = re.compile(
    r"\b(1[89]|20)\d{2}\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b|\d+年|\d+月|\d+日"
)
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z0-9+-]*\b")
_BOOK_TITLE = re.compile(r"《([^》]+)》")


class ExtractiveGenerator(Generator):
    """Quotes the best evidence sentences verbatim; refuses when the evidence does not answer the question."""

    def __init__(
        self,
        settings: AnswerSettings,
        embedder: Embedder,
        idf: Callable[[str], float],
        lookup: Callable[[list[str]], list[RetrievedChunk]],
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.idf = idf
        self.lookup = lookup

    def generate(self, question: str, retrieval: Retrieval, on_token: TokenSink | None = None) -> Answer:
        chunks = retrieval.chunks
        if retrieval.named_articles:
            chunks = [c for c in chunks if c.chunk_id in retrieval.named_articles]
        else:
            chunks = chunks[: self.settings.evidence_chunks]
        if retrieval.missing_article:
            return refusal(
                question, retrieval, f"{REFUSAL} {retrieval.missing_article} does not exist in the indexed text."
            )
        if not chunks:
            return refusal(question, retrieval)
        if reason := unanswerable_reason(question, retrieval):
            return refusal(question, retrieval, reason)
        units = [u for chunk in chunks for u in evidence_units(chunk)]
        self.score(question, units, retrieval.dense_trust)
        if retrieval.named_articles:
            chosen = [u for u in units if u.chunk.chunk_id == retrieval.named_articles[0]][:1]
        else:
            best = max(units, key=lambda u: u.score)
            if best.score < self.settings.min_support:
                return refusal(question, retrieval)
            if missing := missing_kind(question, [best]):
                return refusal(question, retrieval, f"{REFUSAL} They give no {missing} for it.")
            ranked = sorted(units, key=lambda u: -u.score)
            chosen = [u for u in ranked if u.score >= best.score * self.settings.keep_ratio][
                : self.settings.max_sentences
            ]
        if missing := missing_kind(question, chosen):
            return refusal(question, retrieval, f"{REFUSAL} They give no {missing} for it.")
        parts: list[EvidenceUnit] = []
        for unit in chosen:
            context = self._context(unit)
            if context is not None and all(context.start != p.start for p in parts):
                parts.append(context)
            parts.append(unit)
        return compose(question, retrieval, [(u.text, [u]) for u in parts])

    def _context(self, unit: EvidenceUnit) -> EvidenceUnit | None:
        """What a quoted unit needs in order to be read alone, when an earlier chunk of its article holds it:
        the sentence introducing a numbered item ("…有下列情形之一的:"), or the paragraph that "本条第一款" or
        "前款" points back to."""
        if ITEM.match(unit.text):
            chunk: RetrievedChunk | None = unit.chunk
            while chunk is not None:
                for candidate in reversed([u for u in evidence_units(chunk) if u.end <= unit.start]):
                    first = candidate.text.split("\n", 1)[0]
                    if first.endswith(":"):
                        return EvidenceUnit(
                            chunk, candidate.start, candidate.start + len(first), first, candidate.score
                        )
                    if not ITEM.match(candidate.text):
                        return None
                chunk = self._previous_chunk(chunk)
        elif ZH_BACK_REFERENCE.match(unit.text) and unit.start == unit.chunk.start:
            previous = self._previous_chunk(unit.chunk)
            if previous is not None:
                units = evidence_units(previous)
                return units[0] if unit.text.startswith("本条第一款") else units[-1]
        return None

    def _previous_chunk(self, chunk: RetrievedChunk) -> RetrievedChunk | None:
        """The chunk before this one when it continues the same article."""
        index = int(chunk.metadata.get("chunk_index", 0))
        if index == 0:
            return None
        previous = self.lookup([f"{chunk.chunk_id.rsplit(':', 1)[0]}:{index - 1}"])
        if previous and previous[0].heading_path == chunk.heading_path:
            return replace(previous[0], rank=chunk.rank)
        return None

    def score(self, question: str, units: list[EvidenceUnit], dense_trust: float) -> None:
        """Embedding similarity (as far as the model can read the question) plus query-term overlap.

        A sentence lacking what the question asks for (a figure, an amount, a date, a name) is marked down.
        """
        vectors = self.embedder.embed([question] + [u.text for u in units])
        dense = vectors[1:] @ vectors[0]
        query_weights = {t: self.idf(t) for t in tokenize(question)}
        total = sum(query_weights.values()) or 1.0
        weight = self.settings.dense_share * dense_trust
        for unit, similarity in zip(units, dense):
            overlap = sum(w for t, w in query_weights.items() if t in set(tokenize(unit.text))) / total
            rank_prior = 0.05 / unit.chunk.rank if unit.chunk.rank else 0.0
            unit.score = float(weight * similarity + (1 - weight) * overlap + rank_prior)
            if missing_kind(question, [unit]):
                unit.score *= 0.7


def unanswerable_reason(question: str, retrieval: Retrieval) -> str:
    """Cheap signs that the documents cannot answer: a named entity or law they never mention."""
    evidence = " ".join(c.text + " " + str(c.metadata.get("title", "")) for c in retrieval.chunks).lower()
    for name in _BOOK_TITLE.findall(question):
        short = name.removeprefix("中华人民共和国")
        if short not in evidence:
            return f"{REFUSAL} 《{name}》 is not among the indexed documents."
    body = question.strip()
    for word in _PROPER.findall(body):
        if word.lower() not in evidence and word.lower() not in {"article", "what", "which", "how", "does", "is"}:
            return f"{REFUSAL} They do not mention {word}."
    return ""


def missing_kind(question: str, chosen: list[EvidenceUnit]) -> str:
    """What the question asks for that the chosen evidence lacks: a figure, an amount, a date or a name.

    The evidence must also name what is measured or done: a question about a budget is not answered by a
    sentence that gives an output target, nor "who is the president" by a sentence naming founders.
    """
    text = " ".join(u.text for u in chosen)
    tokens = set(tokenize(text))
    if money := _MONEY_Q.search(question):
        focus = money.group(1) or money.group(2) or ""
        if not _HAS_MONEY.search(text) or not set(tokenize(focus)) <= tokens:
            return "amount"
    if _QUANTITY_Q.search(question) and not _HAS_NUMBER.search(_YEAR.sub(" ", text)):
        return "figure"
    if _DATE_Q.search(question) and not _HAS_DATE.search(text):
        return "date"
    if who := _WHO_Q.match(question):
        asked = {w.lower() for w in re.findall(r"[A-Za-z]+", question)}
        if not any(set(n.lower().split()) - asked for n in _NAME.findall(text)):
            return "name"
        if not set(tokenize(who.group(1))) <= tokens:
            return "name"
    return ""
