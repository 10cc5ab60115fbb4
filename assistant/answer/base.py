"""What every generator shares: evidence units, composing cited answers, refusals."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from ..chunking import split_sentences
from ..retrieve import Retrieval
from ..types import Answer, AnswerSentence, Citation, RetrievedChunk

REFUSAL = "The indexed documents do not answer this question."
TokenSink = Callable[[str], None]

ITEM = re.compile(r"^\(?[一二三四五六七八九十]+\)|^\d+[.、)]|^[a-z]\)")
CJK = re.compile(r"[\u3400-\u9fff]")
# A sentence that leans on the one before it ("It has attracted...", "Two years later, its workforce...").
ANAPHOR = re.compile(
    r"^(?:[^,]{0,40},\s)?(?:it|its|they|their|this|these|those|such|he|she|the (?:aim|project|institute|company|"
    r"firm|move|plan|programme|program|measures?|centre|center|community|zone|town))\b|\b(?:these|those) \w+"
    r"|^In (?:January|February|March|April|May|June|July|August|September|October|November|December),"
    # a definite description opening the sentence ("On the west bank,") points at something named just before
    r"|^(?:On|In|At|Along|Across) the [a-z]+(?: [a-z]+)?,",
    re.I,
)
# A provision that refers back within its article ("本条第一款规定的…", "前款…") is quoted with what it refers to.
ZH_BACK_REFERENCE = re.compile(r"^(?:本条第[一二三四五六七八九十]+款|前[一二三]?款|前两款|上述)")


@dataclass
class EvidenceUnit:
    """A citable span: a sentence, a list's lead with its items, or a sentence with the one it leans on."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    score: float = 0.0
    sentences: int = 1


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, retrieval: Retrieval, on_token: TokenSink | None = None) -> Answer:
        """An answer whose sentences cite evidence units; LLM generators stream tokens to ``on_token``."""


def refusal(question: str, retrieval: Retrieval, reason: str = REFUSAL) -> Answer:
    return Answer(
        question=question, sentences=[], citations=[], retrieved=retrieval.chunks, refused=True, refusal_reason=reason
    )


def evidence_units(chunk: RetrievedChunk) -> list[EvidenceUnit]:
    """Sentences of a chunk, with a list's lead sentence (ending in ':') and its items kept as one unit."""
    units: list[EvidenceUnit] = []
    list_open = False
    for s, e in split_sentences(chunk.text):
        sentence = chunk.text[s:e]
        if list_open and ITEM.match(sentence):
            units[-1].end = chunk.start + e
            units[-1].text = chunk.text[units[-1].start - chunk.start : e]
            continue
        # One sentence of context at most: chains of back-references would quote whole paragraphs.
        if units and units[-1].sentences == 1 and ANAPHOR.search(sentence) and not CJK.search(sentence):
            units[-1].end = chunk.start + e
            units[-1].text = chunk.text[units[-1].start - chunk.start : e]
            units[-1].sentences = 2
            continue
        if units and ZH_BACK_REFERENCE.match(sentence):
            start = units[0].start
            units[:] = [EvidenceUnit(chunk, start, chunk.start + e, chunk.text[start - chunk.start : e])]
            list_open = False
            continue
        units.append(EvidenceUnit(chunk, chunk.start + s, chunk.start + e, sentence))
        list_open = sentence.endswith(":")
    return units


def compose(question: str, retrieval: Retrieval, parts: list[tuple[str, list[EvidenceUnit]]]) -> Answer:
    """An answer from (sentence, the evidence units it cites) pairs; markers are numbered by first use."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    sentences = []
    for text, units in parts:
        cited = []
        for unit in units:
            key = (unit.chunk.doc_id, unit.start, unit.end)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(citation(numbers[key], unit))
            cited.append(numbers[key])
        sentences.append(AnswerSentence(text=" ".join(text.split()), citations=tuple(dict.fromkeys(cited))))
    return Answer(
        question=question, sentences=sentences, citations=citations, retrieved=retrieval.chunks, refused=False
    )


def citation(number: int, unit: EvidenceUnit) -> Citation:
    meta = unit.chunk.metadata
    return Citation(
        number=number,
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
