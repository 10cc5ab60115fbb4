"""Chunks as BM25 sees them (TokenRows), and the inverted index of a set of token rows."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..catalogue import FIELDS, fields_of
from ..chunking import version_of
from .tokens import search_tokens

POSTINGS_PAGE = 65_536
"""Rows inverted at a time: the sort's working memory is a page's (token, row) pairs, not the whole index's (at 1M
chunks a single sort held ~1.7 GB of temporaries)."""


class TokenRows:
    """Chunks as BM25 sees them: ids, token ids into one vocabulary, and the fields filters read.

    An index keeps the rows it was built from (its forward index, on disk beside it), so an ingest or a replay
    updates BM25 by dropping and appending rows instead of reading every chunk back from the store and
    tokenising it again (23 s at 100k). The tokens of all rows are one flat int32 buffer with a length per row,
    and field values are shared between the chunks that repeat them (a document's title, type, language): at a
    million chunks, an array and a title string per chunk cost gigabytes."""

    def __init__(self) -> None:
        # "" first: id 0 is held by no chunk (kept from the bm25s layout this replaced).
        self.vocab: dict[str, int] = {"": 0}
        self.ids: list[str] = []
        self._flat = array("i")
        self._lengths = array("q")
        self.fields: dict[str, list[Any]] = {name: [] for name in FIELDS}
        self._shared: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, chunk_id: str, text: str, meta: dict[str, Any], tokens: Sequence[str] | None = None) -> None:
        """One chunk: its id, index text and store metadata; ``tokens``: search_tokens(text), when already made."""
        made = search_tokens(text) if tokens is None else tokens
        vocab = self.vocab
        self._flat.extend([vocab.setdefault(token, len(vocab)) for token in made])
        self._lengths.append(len(made))
        self.ids.append(chunk_id)
        for name, value in zip(FIELDS, fields_of(meta)):
            self.fields[name].append(self._shared.setdefault(value, value))

    def flat(self) -> np.ndarray:
        """Every row's tokens, one after the other (a copy)."""
        return np.frombuffer(self._flat, dtype=np.int32).copy() if len(self._flat) else np.zeros(0, np.int32)

    def flat_view(self) -> np.ndarray:
        """Every row's tokens without a copy: no row can be added while the view lives (it pins the buffer)."""
        return np.frombuffer(self._flat, dtype=np.int32) if len(self._flat) else np.zeros(0, np.int32)

    def lengths(self) -> np.ndarray:
        return np.frombuffer(self._lengths, dtype=np.int64).copy() if len(self._lengths) else np.zeros(0, np.int64)

    def set_tokens(self, flat: np.ndarray, lengths: np.ndarray) -> None:
        """Replace every row's tokens: ``flat`` holds them one row after the other, ``lengths`` says where."""
        self._flat = array("i", np.ascontiguousarray(flat, dtype=np.int32).tobytes())
        self._lengths = array("q", np.ascontiguousarray(lengths, dtype=np.int64).tobytes())

    def set_field(self, name: str, values: list[Any]) -> None:
        """Replace a field's value for every row (values equal to one already held are shared)."""
        self.fields[name] = [self._shared.setdefault(v, v) for v in values]

    def extend(self, other: TokenRows) -> None:
        # other.vocab's insertion order is its id order (ids are only ever handed out as len(vocab)).
        remap = np.asarray([self.vocab.setdefault(token, len(self.vocab)) for token in other.vocab], dtype=np.int32)
        self._flat.frombytes(remap[other.flat()].astype(np.int32).tobytes())
        self._lengths.extend(other._lengths)
        self.ids.extend(other.ids)
        for name in FIELDS:
            self.fields[name].extend(self._shared.setdefault(v, v) for v in other.fields[name])

    def copy(self) -> TokenRows:
        rows = TokenRows()
        rows.vocab = dict(self.vocab)
        rows.ids = list(self.ids)
        rows._flat = array("i", self._flat)
        rows._lengths = array("q", self._lengths)
        rows.fields = {name: list(values) for name, values in self.fields.items()}
        rows._shared = dict(self._shared)
        return rows

    def drop(self, doc_ids: set[str], versions: set[str]) -> None:
        """Leave out whole documents, and single versions of documents (chunking.version_id)."""
        keep = np.asarray(
            [
                self.fields["doc_id"][i] not in doc_ids and version_of(chunk_id) not in versions
                for i, chunk_id in enumerate(self.ids)
            ],
            dtype=bool,
        )
        if keep.all():
            return
        lengths = self.lengths()
        self.set_tokens(self.flat()[np.repeat(keep, lengths)], lengths[keep])
        kept = np.flatnonzero(keep).tolist()
        self.ids = [self.ids[i] for i in kept]
        self.fields = {name: [values[i] for i in kept] for name, values in self.fields.items()}

    def document_frequency(self) -> np.ndarray:
        """For each vocabulary id, the number of chunks holding it."""
        return postings(self.flat(), self.lengths(), len(self.vocab))[3]

    def compact(self, frequency: np.ndarray) -> np.ndarray:
        """Forget tokens no chunk holds any more (removals leave them behind); returns the new frequencies."""
        alive = frequency > 0
        alive[0] = True
        if alive.all():
            return frequency
        remap = np.cumsum(alive, dtype=np.int64).astype(np.int32) - 1
        self.vocab = {token: int(remap[i]) for token, i in self.vocab.items() if alive[i]}
        self.set_tokens(remap[self.flat()], self.lengths())
        return frequency[alive]


Postings = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""(indptr by token id, rows, term frequencies, document frequencies)."""


def postings(flat: np.ndarray, lengths: np.ndarray, width: int) -> Postings:
    """The inverted index of token rows (``flat``: their tokens one row after the other, ``lengths``: per row):
    (indptr by token id, rows, term frequencies, document frequencies); the rows holding token t are
    rows[indptr[t]:indptr[t + 1]], in row order.

    Built a page of rows at a time, twice: a first pass counts each token's rows, so the second can place every
    page's postings straight into arrays of their final size."""
    n = len(lengths)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    pages = [(start, min(n, start + POSTINGS_PAGE)) for start in range(0, n, POSTINGS_PAGE)]
    df = np.zeros(width, dtype=np.int64)
    for start, end in pages:
        df += np.bincount(_page_pairs(flat, offsets, start, end)[0], minlength=width)
    indptr = np.zeros(width + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    rows = np.empty(int(indptr[-1]), dtype=np.int32)
    # Counts within one chunk: float16 holds them exactly to 2,048, at half the memory of every posting.
    tf = np.empty(int(indptr[-1]), dtype=np.float16)
    cursor = indptr[:-1].copy()
    for start, end in pages:
        token, row, count = _page_pairs(flat, offsets, start, end)
        # Pairs come sorted by (token, row): a pair's place is its token's cursor plus its rank in the token's run.
        rank = np.arange(len(token), dtype=np.int64) - np.searchsorted(token, token)
        place = cursor[token] + rank
        rows[place] = row
        tf[place] = count
        cursor += np.bincount(token, minlength=width)
    return indptr, rows, tf, df


def _page_pairs(
    flat: np.ndarray, offsets: np.ndarray, start: int, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows start..end as (token, row, term frequency) triples, one per distinct pair, sorted by token then row."""
    page = end - start
    tokens = np.asarray(flat[offsets[start] : offsets[end]], dtype=np.int64)
    if not len(tokens):
        return np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)
    # Sorting (token, row) keys and counting runs: np.unique takes ~8x longer on 6M pairs (100k chunks).
    keys = tokens * page + np.repeat(np.arange(page, dtype=np.int64), np.diff(offsets[start : end + 1]))
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    count = np.diff(np.append(starts, len(keys))).astype(np.float32)
    unique = keys[starts]
    return unique // page, (unique % page + start).astype(np.int32), count


def postings_of(tokens: list[np.ndarray], width: int) -> Postings:
    """``postings`` of rows given one array each."""
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    flat = np.concatenate(tokens) if tokens else np.zeros(0, np.int32)
    return postings(flat, lengths, width)


SHARED_FIELDS = frozenset({"title"})
"""Fields held as arrays of shared strings instead of fixed-width ones: a title is long and the same for every chunk
of its document (as fixed-width characters, 352 MB at a million chunks). Filters never compare them row by row."""


def field_array(name: str, values: Sequence[Any]) -> np.ndarray:
    """One field's values for every row, as the catalogue holds them."""
    if name not in SHARED_FIELDS:
        return np.asarray(values)
    shared: dict[Any, Any] = {}
    array = np.empty(len(values), dtype=object)
    array[:] = [shared.setdefault(v, v) for v in values]
    return array


def fields_arrays(fields: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    return {name: field_array(name, fields.get(name, [])) for name in FIELDS}
