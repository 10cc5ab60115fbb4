"""Generator seam: turn retrieved chunks into a short answer whose sentences carry citations.

Generators are registered by name (``answer.generator``) with the packages they need; LLM back-ends are imported
only when chosen. To add one: write a ``Generator``, and register a factory for it below.
"""

from __future__ import annotations

from collections.abc import Callable

from ..components import Package, Registry
from ..settings import Settings
from .base import REFUSAL, EvidenceUnit, Generator, SentenceSink, refusal
from .extractive import ExtractiveGenerator

__all__ = [
    "GENERATORS",
    "REFUSAL",
    "EvidenceUnit",
    "ExtractiveGenerator",
    "Generator",
    "SentenceSink",
    "make_generator",
    "refusal",
]

GeneratorFactory = Callable[[Settings, ExtractiveGenerator], Generator]
"""(settings, the extractive generator, which every answer can fall back on) -> the generator."""

GENERATORS: Registry[GeneratorFactory] = Registry("generator")


@GENERATORS.register("extractive")
def _extractive(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """Quotes the evidence that answers; no LLM."""
    return extractive


@GENERATORS.register("openai", Package("llama-index-llms-openai-like"))
def _openai(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """Any OpenAI-compatible chat endpoint (settings [llm])."""
    from .openai import OpenAIGenerator

    return OpenAIGenerator(settings.llm, settings.answer, extractive.embedder, extractive.idf, extractive.judge)


@GENERATORS.register("llamacpp", Package("llama-cpp-python", extra="llm"))
def _llamacpp(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """A local GGUF model file (llm.gguf_path)."""
    from .llamacpp import LlamaCppGenerator

    return LlamaCppGenerator(settings.llm, settings.answer, extractive.embedder, extractive.idf, extractive.judge)


def make_generator(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """The generator ``answer.generator`` names."""
    return GENERATORS[settings.answer.generator].factory(settings, extractive)
