"""BM25 (Lucene's variant) over a base and a delta: the live view of both, with tombstones, and the scores."""

from __future__ import annotations

import math

import numpy as np

from ..catalogue import FIELDS, Catalogue
from .base import Base
from .rows import TokenRows, field_array, postings, postings_of
from .tokens import search_tokens

K1 = 1.5
B = 0.75
"""BM25 parameters (Lucene's variant, bm25s's defaults, which this index replaced)."""


class Scoring:
    """What searches read of a LexicalIndex: the live chunks of its base (less its tombstones) and its delta, their
    statistics, and BM25 scores over them, equal to those of an index built from scratch on the same chunks."""

    base: Base
    dead: np.ndarray
    delta: TokenRows

    def _derive(self) -> None:
        """The live view of base and delta: ids, fields and catalogue, statistics, the delta's postings."""
        base, delta = self.base, self.delta
        nb = len(base.ids)
        alive = np.flatnonzero(~self.dead) if self.dead.any() else None
        base_ids = base.ids if alive is None else base.id_array[alive].tolist()
        self.ids: list[str] = base_ids + delta.ids if delta.ids else list(base_ids)
        self.filter_fields: dict[str, np.ndarray] = {}
        for name in FIELDS:
            kept = base.fields[name] if alive is None else base.fields[name][alive]
            added = field_array(name, delta.fields[name])
            if not len(added):
                self.filter_fields[name] = kept
            elif not len(kept) or kept.dtype.kind == added.dtype.kind:
                self.filter_fields[name] = np.concatenate([kept, added]) if len(kept) else added
            else:
                self.filter_fields[name] = field_array(name, kept.tolist() + delta.fields[name])
        self.catalogue = Catalogue(self.ids, self.filter_fields)
        slots = np.arange(nb + len(delta), dtype=np.int64)
        self._slots = slots if alive is None else np.concatenate([alive, slots[nb:]])
        """The slot (base row, then nb + delta row) of each live row."""
        self._slot_ids = base.ids + delta.ids if delta.ids else base.ids
        delta_lengths = delta.lengths()
        dead_rows = np.flatnonzero(self.dead)
        self._dead_df = np.zeros(0, dtype=np.int64)
        if len(dead_rows):
            self._dead_df = postings_of([base.tokens(int(r)) for r in dead_rows], len(base.vocab))[3]
        total = base.total - int(base.lengths[dead_rows].sum()) + int(delta_lengths.sum())
        n = len(self.ids)
        average = total / n if n else 1.0
        lengths = np.concatenate([base.lengths, delta_lengths]).astype(np.float32)
        self._norm = (K1 * ((1 - B) + B * lengths / np.float32(average))).astype(np.float32)
        self._delta = postings(delta.flat(), delta_lengths, len(delta.vocab))

    def _df(self, token: str) -> int:
        df = 0
        col = self.base.vocab.get(token)
        if col is not None:
            df += int(self.base.df[col]) - (int(self._dead_df[col]) if len(self._dead_df) else 0)
        col = self.delta.vocab.get(token)
        if col is not None:
            df += int(self._delta[3][col])
        return df

    @property
    def document_frequency(self) -> dict[str, int]:
        """Each token's number of live chunks holding it (tokens none holds left out)."""
        frequency = {token: self._df(token) for token in [*self.base.vocab, *self.delta.vocab]}
        return {token: df for token, df in frequency.items() if df}

    def holds(self, token: str) -> bool:
        """Whether any live chunk holds the token."""
        return self._df(token) > 0

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token over the indexed chunks."""
        n = len(self.ids)
        df = self._df(token)
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best chunks by BM25 (Lucene's variant) among those ``mask`` allows, best first, ties by id."""
        tokens = search_tokens(query)
        n = len(self.ids)
        if not tokens or not n:
            return []
        nb = len(self.base.ids)
        scores = np.zeros(nb + len(self.delta), dtype=np.float32)
        for token in tokens:
            df = self._df(token)
            if not df:
                continue
            idf = np.float32(math.log(1.0 + (n - df + 0.5) / (df + 0.5)))
            col = self.base.vocab.get(token)
            if col is not None:
                start, end = self.base.indptr[col], self.base.indptr[col + 1]
                rows, tf = self.base.rows[start:end], self.base.tf[start:end]
                scores[rows] += idf * (tf / (self._norm[rows] + tf))
            col = self.delta.vocab.get(token)
            if col is not None:
                indptr, delta_rows, delta_tf, _ = self._delta
                start, end = indptr[col], indptr[col + 1]
                rows, tf = delta_rows[start:end].astype(np.int64) + nb, delta_tf[start:end]
                scores[rows] += idf * (tf / (self._norm[rows] + tf))
        if mask is not None or len(self._slots) != len(scores):
            allowed = np.zeros(len(scores), dtype=bool)
            allowed[self._slots if mask is None else self._slots[mask.astype(bool)]] = True
            scores[~allowed] = 0
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            kth = np.partition(scores[hits], len(hits) - k)[len(hits) - k]
            hits = hits[scores[hits] >= kth]
        ranked = sorted((-float(scores[s]), self._slot_ids[s]) for s in hits.tolist())[:k]
        return [(chunk_id, -negative) for negative, chunk_id in ranked]
