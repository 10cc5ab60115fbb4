"""Test doubles for the two heavy seams, for pure-logic tests only (the fast tier, ``make unit``).

``HashingEmbedder`` implements ``Embedder`` without a model: words (and single CJK characters) hashed into a
fixed number of buckets, so texts that share words are near and the vectors are the same on every run.
``MemoryStore`` implements ``VectorStore`` in a dict, with brute-force cosine search.

What they cannot stand in for: the real model's notion of meaning (paraphrase, cross-language), its tokenizer's
budget, and Chroma's own behaviour (HNSW, persistence, a server shared by processes). Tests of those use the
``embedder``/``make_assistant`` fixtures and are in the slow tier (tests/conftest.py).
"""

from .embedder import HashingEmbedder
from .store import MemoryStore

__all__ = ["HashingEmbedder", "MemoryStore"]
