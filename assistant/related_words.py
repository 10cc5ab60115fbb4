"""Words of the indexed text that mean what a question's word means, when the text never uses that word.

BM25 finds only the words a question shares with the text: "Can I sue them?" misses "file a lawsuit", "sending data
abroad" misses "overseas", British spellings miss American ones ("organisation", "licence"). The embedding model
knows such words alike, and says so for single words too: "sue" and "lawsuit" 0.82, "abroad" and "overseas" 0.91,
where a merely related word ("budget" and "costs") stays below 0.7. So a question word that no indexed chunk holds
is searched for also as the indexed words nearest to it in the model's space, above a similarity.

The candidates are the whole words of the model's own vocabulary that the BM25 index holds: no vocabulary has to
be kept beside the index, and the list stays bounded (about 21,000 words for MiniLM) however large the index grows.
Each candidate is embedded once (about 0.8 ms a word on a CPU) and kept in a cache file under the index folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
import weakref
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from .embedding import Embedder
from .lexical import tokenize

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z]+")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s*|[\"“(]\s*)$")


class HeldTokens(Protocol):
    def holds(self, token: str) -> bool: ...


class RelatedWords:
    def __init__(self, embedder: Embedder, cache_dir: Path, similarity: float, limit: int) -> None:
        self.embedder = embedder
        self.similarity = similarity
        self.limit = limit
        digest = hashlib.sha256(embedder.name.encode("utf-8")).hexdigest()[:16]
        self.cache_file = cache_dir / f"{digest}.npz"
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] | None = None
        self._held: tuple[weakref.ref[HeldTokens], list[str], np.ndarray] | None = None
        """For the BM25 index last asked about (not kept alive by it: a rebuild replaces the index): the candidates
        it holds and their vectors, one row each."""

    def expand(self, question: str, index: HeldTokens) -> list[str]:
        """The indexed words to search for beside ``question``'s (``unseen``, embedded, then ``nearest``)."""
        unseen = self.unseen(question, index)
        return self.nearest(self.embedder.embed(unseen), index) if unseen else []

    def unseen(self, question: str, index: HeldTokens) -> list[str]:
        """The words of ``question`` to search for by meaning: those ``index`` holds no stem of (none when turned
        off). Names (capitalised inside a sentence, or in capitals) are left alone: "Beijing" is near "Shanghai",
        but a question about Beijing is not about Shanghai."""
        if self.limit <= 0:
            return []
        return [word for word in _unseen_words(question) if not any(index.holds(t) for t in tokenize(word))]

    def nearest(self, vectors: np.ndarray, index: HeldTokens) -> list[str]:
        """For each vector of an unseen word, the indexed words nearest to it above the similarity, at most
        ``limit`` BM25 tokens each; each BM25 token once."""
        return self.flattened(self.neighbours(vectors, index))

    def flattened(self, neighbours: list[list[str]]) -> list[str]:
        """The words of ``neighbours`` in order, one for each BM25 token: what BM25 searches for beside the question."""
        found: dict[str, str] = {}
        for words in neighbours:
            for word in words:
                found.setdefault(self._tokens[word], word)
        return list(found.values())

    def neighbours(self, vectors: np.ndarray, index: HeldTokens) -> list[list[str]]:
        """The indexed words nearest to each vector, nearest first, above the similarity: at most ``limit`` BM25
        tokens for each (one list a vector, in order)."""
        with self._lock:
            words, matrix = self._candidates(index)
        if not words or not len(vectors):
            return [[] for _ in range(len(vectors))]
        lists: list[list[str]] = []
        for similarities in np.asarray(vectors, np.float32) @ matrix.T:
            above = np.flatnonzero(similarities >= self.similarity)
            tokens: set[str] = set()
            near: list[str] = []
            for row in above[np.argsort(-similarities[above], kind="stable")]:
                token = self._tokens[words[row]]
                if len(tokens) == self.limit and token not in tokens:
                    break
                if token not in tokens:
                    near.append(words[row])
                tokens.add(token)
            lists.append(near)
        return lists

    @cached_property
    def _tokens(self) -> dict[str, str]:
        """The model's whole words and each one's BM25 token (those BM25 drops as stop words left out)."""
        tokens = {word: tokenize(word) for word in self.embedder.words()}
        return {word: found[0] for word, found in tokens.items() if len(found) == 1}

    def _candidates(self, index: HeldTokens) -> tuple[list[str], np.ndarray]:
        if self._held is not None and self._held[0]() is index:
            return self._held[1], self._held[2]
        words = [word for word, token in self._tokens.items() if index.holds(token)]
        vectors = self._load()
        missing = [word for word in words if word not in vectors]
        if missing:
            vectors.update(zip(missing, self.embedder.embed(missing), strict=True))
            self._save(vectors)
        matrix = (
            np.stack([vectors[w] for w in words]).astype(np.float32)
            if words
            else np.zeros((0, self.embedder.dimension), np.float32)
        )
        self._held = (weakref.ref(index), words, matrix)
        return words, matrix

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is not None:
            return self._vectors
        self._vectors = {}
        if self.cache_file.exists():
            try:
                with np.load(self.cache_file) as data:
                    self._vectors = dict(zip(data["words"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError) as exc:  # a cache: a damaged one is made again
                logger.warning("related words: ignoring unreadable cache %s (%s)", self.cache_file, exc)
        return self._vectors

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        """Written whole and renamed into place: another process reading it sees the old file or the new one."""
        temporary = self.cache_file.with_name(f"{self.cache_file.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            matrix = np.stack(list(vectors.values())).astype(np.float16)
            with temporary.open("wb") as out:
                np.savez(out, words=np.array(list(vectors)), vectors=matrix)
            os.replace(temporary, self.cache_file)
        except OSError as exc:  # a read-only index folder: the words are embedded again by the next process
            logger.warning("related words: cannot write cache %s (%s)", self.cache_file, exc)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)  # what a failed write left


def _unseen_words(question: str) -> list[str]:
    """The question's words that may be searched for by meaning: lower-case words, and capitalised ones only where
    a sentence starts; each once, lower-cased, stop words left out."""
    words: dict[str, None] = {}
    for match in _WORD.finditer(question):
        word = match.group()
        if word[1:] != word[1:].lower():
            continue  # "GDPR", "PhD", "MiniMax": names and acronyms
        if word[0].isupper() and not _SENTENCE_START.search(question[: match.start()]):
            continue
        if tokenize(word.lower()):
            words[word.lower()] = None
    return list(words)
