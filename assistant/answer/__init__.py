"""Generator seam: turn retrieved chunks into a short answer whose sentences carry citations."""

from __future__ import annotations

from ..settings import Settings
from .base import REFUSAL, EvidenceUnit, Generator, SentenceSink, refusal
from .extractive import ExtractiveGenerator

__all__ = [
    "REFUSAL",
    "EvidenceUnit",
    "ExtractiveGenerator",
    "Generator",
    "SentenceSink",
    "make_generator",
    "refusal",
]


def make_generator(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """The generator ``answer.generator`` names; LLM back-ends are imported only when chosen."""
    if settings.answer.generator == "openai":
        from .openai import OpenAIGenerator

        return OpenAIGenerator(settings.llm, settings.answer, extractive.embedder, extractive.idf, extractive.judge)
    if settings.answer.generator == "llamacpp":
        from .llamacpp import LlamaCppGenerator

        return LlamaCppGenerator(settings.llm, settings.answer, extractive.embedder, extractive.idf, extractive.judge)
    return extractive
