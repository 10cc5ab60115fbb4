"""The nouns the pipeline stages share."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    source: str
    text: str
    content_hash: str
    lang: str
    doc_type: str
    date: str = ""
    url: str = ""
    file_hash: str = ""
    """Hash of the file's bytes and its sidecar's (documents.file_hash): a re-ingest skips reading an unchanged file."""
    translation_of: str = ""
    """Doc id of the document this one translates (its sidecar's ``translation_of``): the original controls."""
    supersedes: str = ""
    """Doc id of the earlier version of the same law that this one replaces (its sidecar's ``supersedes``)."""
    publisher: str = ""
    """Who published it (its sidecar's ``publisher``): a reader may name a news article by its outlet."""
    author: str = ""


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    heading_path: str
    index_text: str
    """What is embedded and indexed: ``text`` behind the title and ``context``."""
    tokens: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """Its BM25 tokens (lexical.tokenize of ``index_text``) when an ingest worker process made them; None: the
    index writer makes them as it writes."""
    context: str = ""
    """The headings as written ("Chapter IV Individuals' Rights in … › Article 50"), which ``index_text`` puts
    before the passage; kept with the chunk, so that a BM25 index rebuilt from the store indexes the same text."""


@dataclass(frozen=True)
class RetrievedChunk:
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    heading_path: str
    metadata: dict[str, Any]
    score: float
    rank: int = 0


@dataclass(frozen=True)
class Counterpart:
    """The same article in the other language: a translation's original (which controls), or an original's
    official translation."""

    doc_id: str
    title: str
    lang: str
    label: str
    """How the UI names it: "中文原文 · 第五十五条", "Official English · Article 55"."""
    heading_path: str = ""
    start: int = 0
    end: int = 0
    quote: str = ""
    missing: str = ""
    """Why there is none, when the other text has no article of that number."""


@dataclass(frozen=True)
class Citation:
    number: int
    doc_id: str
    title: str
    date: str
    doc_type: str
    heading_path: str
    start: int
    end: int
    quote: str
    chunk_id: str
    score: float
    source: str = ""
    url: str = ""
    counterpart: Counterpart | None = None
    version: str = ""
    """Which version of a law with several indexed versions: "as amended 2025-10-28", or "superseded by …"."""


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...]
    supported: bool = True
    score: float | None = None
    """How well the evidence it cites answers the question (the answer step's window score), when judged."""
    reason: str = ""
    """Why it was dropped, for a dropped sentence: unsupported by its citation, off the question, repeated."""


@dataclass
class Answer:
    question: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    retrieved: list[RetrievedChunk]
    refused: bool
    refusal_reason: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    dropped: list[AnswerSentence] = field(default_factory=list)
    """Generated sentences the verifier removed as unsupported by their citations."""
    confidence: float | None = None
    """How likely the documents answer the question (0-1), as the answer step judged it; None when not judged."""
    note: str = ""
    """Something the reader should know about the quotes (e.g. that they are in another language)."""
    searched_for: str = ""
    """What was searched for, when it is not the question itself (a follow-up read with the question before it)."""
    decision: str = ""
    """Why this answer was shown rather than another generator's (an LLM's answer losing to the quoted one)."""
    final: bool = True
    """False for the partial answers a stream shows while a generator is still writing (each sentence checked)."""

    @property
    def text(self) -> str:
        if self.refused:
            return self.refusal_reason
        return " ".join(
            f"{'' if s.supported else '(unsupported) '}{s.text} {''.join(f'[{n}]' for n in s.citations)}".strip()
            for s in self.sentences
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "confidence": self.confidence,
            "note": self.note,
            "searched_for": self.searched_for,
            "decision": self.decision,
            "filters": self.filters,
            "sentences": [asdict(s) for s in self.sentences],
            "dropped": [asdict(s) for s in self.dropped],
            "citations": [asdict(c) for c in self.citations],
            "retrieved": [
                {k: v for k, v in asdict(r).items() if k != "metadata"} | {"title": r.metadata.get("title", "")}
                for r in self.retrieved
            ],
        }
