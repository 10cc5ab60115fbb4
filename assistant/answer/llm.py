"""What LLM generators share: numbered sources in, cited sentences out, spans located in the cited chunks."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator

from ..chunking import split_sentences
from ..language import CITATION_MARKER
from ..prompts import REFUSAL_SENTINEL, answer_messages
from ..retrieve import Retrieval
from ..settings import LLMSettings
from ..types import Answer
from .base import REFUSAL, EvidenceUnit, Generator, TokenSink, compose, refusal
from .extractive import ExtractiveGenerator

_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")


class GeneratorError(RuntimeError):
    """The language model cannot be reached or loaded; the message names it and what to do."""


def cited_sentences(text: str, sources: int) -> list[tuple[str, list[int]]]:
    """Sentences with the source numbers they cite; numbers outside 1..sources are invented and dropped.

    A marker written after the full stop ("… costs. [1]") belongs to the sentence before it.
    """
    result: list[tuple[str, list[int]]] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        leading = _LEADING_MARKERS.match(sentence)
        if leading and result:
            result[-1][1].extend(int(n) for n in CITATION_MARKER.findall(leading.group(0)))
            sentence = sentence[leading.end() :]
        numbers = [int(n) for n in CITATION_MARKER.findall(sentence)]
        plain = CITATION_MARKER.sub("", sentence).strip()
        if plain:
            result.append((plain, numbers))
    return [(s, [n for n in dict.fromkeys(ns) if 1 <= n <= sources]) for s, ns in result]


class LLMGenerator(Generator):
    def __init__(self, settings: LLMSettings, extractive: ExtractiveGenerator) -> None:
        self.settings = settings
        self.extractive = extractive

    @abstractmethod
    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The model's answer, token by token."""

    def generate(self, question: str, retrieval: Retrieval, on_token: TokenSink | None = None) -> Answer:
        sources = retrieval.chunks[: self.settings.sources]
        if not sources:
            return refusal(question, retrieval)
        pieces = []
        for token in self.stream(answer_messages(question, sources)):
            pieces.append(token)
            if on_token:
                on_token(token)
        text = "".join(pieces).strip()
        if not text or REFUSAL_SENTINEL in text:
            return refusal(question, retrieval)
        parts = []
        for sentence, numbers in cited_sentences(text, len(sources)):
            units = [self._locate(sentence, sources[n - 1].chunk_id, retrieval) for n in numbers]
            parts.append((sentence, [u for u in units if u is not None]))
        if not parts:
            return refusal(question, retrieval, REFUSAL)
        return compose(question, retrieval, parts)

    def _locate(self, sentence: str, chunk_id: str, retrieval: Retrieval) -> EvidenceUnit | None:
        """The unit of the cited chunk that best supports the sentence: citations point at sentences, not chunks."""
        chunk = next((c for c in retrieval.chunks if c.chunk_id == chunk_id), None)
        if chunk is None:
            return None
        return self.extractive.locate(sentence, chunk, retrieval.dense_trust)
