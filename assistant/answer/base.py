"""What every generator shares: evidence units, composing cited answers, refusals."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..retrieve import Retrieval
from ..types import Answer, AnswerSentence, Citation, RetrievedChunk

REFUSAL = "The indexed documents do not answer this question."
SentenceSink = Callable[[str, list["EvidenceUnit"]], None]
"""Called by a generator that writes as it goes, with each sentence and what it cites, as soon as it is complete."""


@dataclass
class EvidenceUnit:
    """A verbatim quote: a run of evidence units contiguous within one chunk."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    score: float = 0.0


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, retrieval: Retrieval, on_sentence: SentenceSink | None = None) -> Answer:
        """An answer whose sentences cite evidence units; a generator that writes as it goes hands each sentence to
        ``on_sentence`` as soon as it is complete (to be checked and shown), never its raw tokens."""


def refusal(question: str, retrieval: Retrieval, reason: str = REFUSAL, confidence: float | None = None) -> Answer:
    return Answer(
        question=question,
        sentences=[],
        citations=[],
        retrieved=retrieval.chunks,
        refused=True,
        refusal_reason=reason,
        confidence=confidence,
    )


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
        score = max((u.score for u in units), default=None)
        sentences.append(
            AnswerSentence(text=" ".join(text.split()), citations=tuple(dict.fromkeys(cited)), score=score)
        )
    return Answer(
        question=question, sentences=sentences, citations=citations, retrieved=retrieval.chunks, refused=False
    )


def joined(question: str, answers: list[Answer]) -> Answer:
    """One answer to a message asking several things, from the answer to each part (in order): their sentences,
    each once, with the citations renumbered by first use. A part the documents do not answer is said so in the
    note; when none is answered, the first part's refusal stands."""
    answered = [a for a in answers if not a.refused]
    if not answered:
        return replace(answers[0], question=question)
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    sentences: list[AnswerSentence] = []
    dropped: list[AnswerSentence] = []
    retrieved = {c.chunk_id: c for a in answered for c in a.retrieved}
    spans = {(c.doc_id, c.start, c.end) for a in answered for c in a.citations}
    # A later part's quote may hold an earlier part's whole ("X opened in 2018." and "X opened in 2018. It serves
    # …"): the longer quote stands for both, and the shorter is not said twice.
    held = {
        (d, s, e) for d, s, e in spans if any(o[0] == d and o[1] <= s and e <= o[2] and o != (d, s, e) for o in spans)
    }
    for answer in answered:
        renumbered = {}
        for cited in answer.citations:
            key = (cited.doc_id, cited.start, cited.end)
            if key in held:
                continue
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(replace(cited, number=numbers[key]))
            renumbered[cited.number] = numbers[key]
        for sentence in answer.sentences:
            if sentence.citations and not any(n in renumbered for n in sentence.citations):
                continue
            if all(sentence.text != s.text for s in sentences):
                sentences.append(
                    replace(sentence, citations=tuple(renumbered[n] for n in sentence.citations if n in renumbered))
                )
        dropped += [
            replace(s, citations=tuple(renumbered[n] for n in s.citations if n in renumbered)) for s in answer.dropped
        ]
    notes = [a.note for a in answered if a.note]
    if unanswered := [a.question for a in answers if a.refused]:
        notes.append("Not answered by the indexed documents: " + " ".join(unanswered))
    confidences = [a.confidence for a in answered if a.confidence is not None]
    return Answer(
        question=question,
        sentences=sentences,
        citations=citations,
        retrieved=list(retrieved.values()),
        refused=False,
        dropped=dropped,
        confidence=min(confidences) if confidences else None,
        note=" ".join(notes),
        decision=" ".join(a.decision for a in answered if a.decision),
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
