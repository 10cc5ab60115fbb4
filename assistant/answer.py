"""Generator seam: turn retrieved chunks into a short answer whose sentences carry citations."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from .chunking import split_sentences
from .embedding import Embedder
from .lexical import tokenize
from .retrieve import Retrieval
from .settings import AnswerSettings
from .types import Answer, AnswerSentence, Citation, RetrievedChunk

REFUSAL = "The indexed documents do not answer this question."
_ITEM = re.compile(r"^\(?[一二三四五六七八九十]+\)|^\d+[.、)]|^[a-z]\)")
_QUANTITY_Q = re.compile(r"\bhow (many|much|large|big)\b|\bwhat (percentage|share|amount|proportion)\b|多少|几[个家项年]|金额|比例", re.I)
_DATE_Q = re.compile(r"\bwhen\b|\bwhat (year|date|month)\b|\bwhich (year|month)\b|何时|什么时候|哪一?年|哪天|日期", re.I)
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+(?:[万亿]?元|年|日|个|倍|%|分之)")
_HAS_DATE = re.compile(r"\b(1[89]|20)\d{2}\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b|\d+年|\d+月|\d+日")
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z0-9+-]*\b")
_BOOK_TITLE = re.compile(r"《([^》]+)》")


@dataclass
class _Unit:
    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    score: float = 0.0


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, retrieval: Retrieval) -> Answer: ...


def refusal(question: str, retrieval: Retrieval, reason: str = REFUSAL) -> Answer:
    return Answer(question=question, sentences=[], citations=[], retrieved=retrieval.chunks, refused=True,
                  refusal_reason=reason)


def evidence_units(chunk: RetrievedChunk) -> list[_Unit]:
    """Sentences of a chunk, with a list's lead sentence (ending in ':') and its items kept as one unit."""
    units: list[_Unit] = []
    list_open = False
    for s, e in split_sentences(chunk.text):
        sentence = chunk.text[s:e]
        if list_open and _ITEM.match(sentence):
            units[-1].end = chunk.start + e
            units[-1].text = chunk.text[units[-1].start - chunk.start : e]
            continue
        units.append(_Unit(chunk, chunk.start + s, chunk.start + e, sentence))
        list_open = sentence.endswith(":")
    return units


class ExtractiveGenerator(Generator):
    """Quotes the best evidence sentences verbatim; refuses when the evidence does not answer the question."""

    def __init__(self, settings: AnswerSettings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    def generate(self, question: str, retrieval: Retrieval) -> Answer:
        chunks = retrieval.chunks
        if retrieval.named_articles:
            chunks = [c for c in chunks if c.chunk_id in retrieval.named_articles]
        else:
            chunks = chunks[: self.settings.evidence_chunks]
        if not chunks:
            return refusal(question, retrieval)
        if reason := unanswerable_reason(question, retrieval):
            return refusal(question, retrieval, reason)
        units = [u for chunk in chunks for u in evidence_units(chunk)]
        self._score(question, units)
        if retrieval.named_articles:
            chosen = [u for u in units if u.chunk.chunk_id == retrieval.named_articles[0]][:1]
        else:
            best = max(units, key=lambda u: u.score)
            if best.score < self.settings.min_support:
                return refusal(question, retrieval)
            ranked = sorted(units, key=lambda u: -u.score)
            chosen = [u for u in ranked if u.score >= best.score * self.settings.keep_ratio][: self.settings.max_sentences]
        if missing := missing_kind(question, chosen):
            return refusal(question, retrieval, f"{REFUSAL} They give no {missing} for it.")
        return compose(question, retrieval, [(u.text, u) for u in chosen])

    def _score(self, question: str, units: list[_Unit]) -> None:
        vectors = self.embedder.embed([question] + [u.text for u in units])
        dense = vectors[1:] @ vectors[0]
        query_tokens = set(tokenize(question))
        for unit, similarity in zip(units, dense):
            overlap = len(query_tokens & set(tokenize(unit.text))) / max(len(query_tokens), 1)
            weight = 0.3 if unit.chunk.metadata.get("lang") == "zh" else 0.7
            rank_prior = 0.05 / unit.chunk.rank if unit.chunk.rank else 0.0
            unit.score = float(weight * similarity + (1 - weight) * overlap + rank_prior)


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


def missing_kind(question: str, chosen: list[_Unit]) -> str:
    text = " ".join(u.text for u in chosen)
    if _QUANTITY_Q.search(question) and not _HAS_NUMBER.search(text):
        return "figure"
    if _DATE_Q.search(question) and not _HAS_DATE.search(text):
        return "date"
    return ""


def compose(question: str, retrieval: Retrieval, parts: list[tuple[str, _Unit]]) -> Answer:
    """An answer from (sentence, evidence unit) pairs; markers are numbered by first use."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    sentences = []
    for text, unit in parts:
        key = (unit.chunk.doc_id, unit.start, unit.end)
        if key not in numbers:
            numbers[key] = len(citations) + 1
            meta = unit.chunk.metadata
            citations.append(
                Citation(
                    number=numbers[key],
                    doc_id=unit.chunk.doc_id,
                    title=str(meta.get("title", "")),
                    date=str(meta.get("date", "")),
                    doc_type=str(meta.get("type", "")),
                    heading_path=unit.chunk.heading_path,
                    start=unit.start,
                    end=unit.end,
                    quote=unit.text,
                    chunk_id=unit.chunk.chunk_id,
                    score=round(unit.score, 4),
                    source=str(meta.get("source", "")),
                    url=str(meta.get("url", "")),
                )
            )
        sentences.append(AnswerSentence(text=" ".join(text.split()), citations=(numbers[key],)))
    return Answer(question=question, sentences=sentences, citations=citations, retrieved=retrieval.chunks,
                  refused=False)


def make_generator(settings: AnswerSettings, embedder: Embedder) -> Generator:
    return ExtractiveGenerator(settings, embedder)

