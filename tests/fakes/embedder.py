"""A deterministic embedder without a model: hashed word counts, L2-normalised."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

from assistant.embedding import Embedder

_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased words, and each CJK character as a word of its own (as a WordPiece vocabulary splits them)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


class HashingEmbedder(Embedder):
    """Each token adds one to the bucket its hash names; the same text always gives the same vector."""

    def __init__(self, dimension: int = 256, max_tokens: int = 256) -> None:
        self.name = "hashing-fake"
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.calls = 0
        """How many times embed() was called (tests of batching read it)."""

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little") % self.dimension

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokens(text):
                vectors[row, self._bucket(token)] += 1.0
            norm = float(np.linalg.norm(vectors[row]))
            if norm:
                vectors[row] /= norm
            else:  # an empty text still gets a unit vector, as a real model gives one
                vectors[row, 0] = 1.0
        return vectors

    def count_tokens(self, text: str) -> int:
        return len(tokens(text))

    def coverage(self, text: str) -> float:
        return 1.0 if tokens(text) else 0.0
