"""Chunks as BM25 sees them (TokenRows), and the inverted index of a set of token rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..catalogue import FIELDS, fields_of
from ..chunking import version_of
from .tokens import tokenize


class TokenRows:
    """Chunks as BM25 sees them: ids, token ids into one vocabulary, and the fields filters read.

    An index keeps the rows it was built from (its forward index, on disk beside it), so an ingest or a replay
    updates BM25 by dropping and appending rows instead of reading every chunk back from the store and
    tokenising it again (23 s at 100k)."""

    def __init__(self) -> None:
        # "" first: id 0 is held by no chunk (kept from the bm25s layout this replaced).
        self.vocab: dict[str, int] = {"": 0}
        self.ids: list[str] = []
        self.tokens: list[np.ndarray] = []
        self.fields: dict[str, list[Any]] = {name: [] for name in FIELDS}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, chunk_id: str, text: str, meta: dict[str, Any], tokens: Sequence[str] | None = None) -> None:
        """One chunk: its id, index text and store metadata; ``tokens``: tokenize(text), when already made."""
        made = tokenize(text) if tokens is None else tokens
        ids = [self.vocab.setdefault(token, len(self.vocab)) for token in made]
        self._append(chunk_id, np.asarray(ids, dtype=np.int32), fields_of(meta))

    def extend(self, other: TokenRows) -> None:
        # other.vocab's insertion order is its id order (ids are only ever handed out as len(vocab)).
        remap = np.asarray([self.vocab.setdefault(token, len(self.vocab)) for token in other.vocab], dtype=np.int32)
        for i, chunk_id in enumerate(other.ids):
            self._append(chunk_id, remap[other.tokens[i]], tuple(other.fields[n][i] for n in FIELDS))

    def copy(self) -> TokenRows:
        rows = TokenRows()
        rows.vocab = dict(self.vocab)
        rows.ids = list(self.ids)
        rows.tokens = list(self.tokens)
        rows.fields = {name: list(values) for name, values in self.fields.items()}
        return rows

    def drop(self, doc_ids: set[str], versions: set[str]) -> None:
        """Leave out whole documents, and single versions of documents (chunking.version_id)."""
        keep = [
            i
            for i, chunk_id in enumerate(self.ids)
            if self.fields["doc_id"][i] not in doc_ids and version_of(chunk_id) not in versions
        ]
        if len(keep) == len(self.ids):
            return
        self.ids = [self.ids[i] for i in keep]
        self.tokens = [self.tokens[i] for i in keep]
        self.fields = {name: [values[i] for i in keep] for name, values in self.fields.items()}

    def _append(self, chunk_id: str, tokens: np.ndarray, fields: tuple[Any, ...]) -> None:
        self.ids.append(chunk_id)
        self.tokens.append(tokens)
        for name, value in zip(FIELDS, fields):
            self.fields[name].append(value)

    def lengths(self) -> np.ndarray:
        return np.fromiter((len(t) for t in self.tokens), dtype=np.int64, count=len(self.tokens))

    def document_frequency(self) -> np.ndarray:
        """For each vocabulary id, the number of chunks holding it."""
        return postings_of(self.tokens, len(self.vocab))[3]

    def compact(self, frequency: np.ndarray) -> np.ndarray:
        """Forget tokens no chunk holds any more (removals leave them behind); returns the new frequencies."""
        alive = frequency > 0
        alive[0] = True
        if alive.all():
            return frequency
        remap = np.cumsum(alive, dtype=np.int64).astype(np.int32) - 1
        self.vocab = {token: int(remap[i]) for token, i in self.vocab.items() if alive[i]}
        self.tokens = [remap[t] for t in self.tokens]
        return frequency[alive]


def postings_of(tokens: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The inverted index of token rows: (indptr by token id, rows, term frequencies, document frequencies); the
    rows holding token t are rows[indptr[t]:indptr[t + 1]], in row order."""
    n = len(tokens)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n)
    if not lengths.sum():
        return np.zeros(width + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(width, np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # Sorting (token, row) pairs and counting runs: np.unique takes ~8x longer on 6M pairs (100k chunks).
    keys = np.concatenate(tokens).astype(np.int64) * n + rows
    del rows
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    del first
    tf = np.diff(np.append(starts, len(keys))).astype(np.float32)
    unique = keys[starts]
    del keys
    token = unique // n
    df = np.bincount(token, minlength=width).astype(np.int64)
    indptr = np.zeros(width + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return indptr, (unique % n).astype(np.int32), tf, df


def fields_arrays(fields: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    return {name: np.asarray(fields.get(name, [])) for name in FIELDS}
