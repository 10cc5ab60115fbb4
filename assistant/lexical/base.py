"""The base of a BM25 index: built whole from token rows, saved, loaded, and never changed after."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .rows import TokenRows, fields_arrays, postings, postings_of


class Base:
    """A built, unchanging BM25 index: its chunks, their forward index (tokens per row) and inverted index
    (postings with term frequencies). Shared by every LexicalIndex made from it; only a compaction replaces it."""

    def __init__(
        self,
        tag: str,
        ids: list[str],
        fields: dict[str, np.ndarray],
        vocab: dict[str, int],
        flat: np.ndarray,
        lengths: np.ndarray,
        postings: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    ) -> None:
        self.tag = tag
        self.ids = ids
        self.fields = fields
        self.vocab = vocab
        self.flat = flat
        self.lengths = lengths
        self.offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])
        self.indptr, self.rows, self.tf, self.df = postings
        self.total = int(lengths.sum())

    @cached_property
    def id_array(self) -> np.ndarray:
        """The ids as one object array: the live ids under tombstones are one fancy index, not a Python loop."""
        return np.asarray(self.ids, dtype=object)

    @classmethod
    def empty(cls) -> Base:
        nothing = postings_of([], 1)
        return cls("", [], fields_arrays({}), {"": 0}, np.zeros(0, np.int32), np.zeros(0, np.int64), nothing)

    def tokens(self, row: int) -> np.ndarray:
        return np.asarray(self.flat[self.offsets[row] : self.offsets[row + 1]])

    @classmethod
    def of(cls, rows: TokenRows) -> Base:
        """The base of ``rows``, which it takes over: their tokens are viewed, not copied (~340 MB at a million
        chunks), so no row can be added to them after."""
        flat, lengths = rows.flat_view(), rows.lengths()
        indptr, posting_rows, tf, df = postings(flat, lengths, len(rows.vocab))
        before = len(rows.vocab)
        df = rows.compact(df)  # tokens no chunk holds any more are forgotten at each compaction
        if len(rows.vocab) != before:
            # Forgotten tokens have no postings, so the others' keep their order: only the pointers shrink.
            flat = rows.flat_view()
            indptr = np.zeros(len(df) + 1, dtype=np.int64)
            np.cumsum(df, out=indptr[1:])
        tag = hashlib.sha256(os.urandom(16)).hexdigest()[:16]
        fields = fields_arrays(rows.fields)
        return cls(tag, list(rows.ids), fields, dict(rows.vocab), flat, lengths, (indptr, posting_rows, tf, df))

    def save(self, folder: Path, revision: str) -> None:
        np.save(folder / "forward.npy", self.flat)
        np.savez(folder / "base.npz", lengths=self.lengths, indptr=self.indptr, rows=self.rows, tf=self.tf, df=self.df)
        # Written a page at a time: the index as one JSON string, beside the lists it is made from, was the peak
        # of a million-chunk build.
        with (folder / "base.json").open("w", encoding="utf-8") as out:
            out.write(f'{{"tag": {json.dumps(self.tag)}, "revision": {json.dumps(revision)}, "ids": ')
            _write_list(out, self.ids)
            out.write(', "fields": {')
            for i, (name, values) in enumerate(self.fields.items()):
                out.write(f"{', ' if i else ''}{json.dumps(name)}: ")
                _write_list(out, values)
            out.write('}, "vocab": ')
            _write_list(out, list(self.vocab))
            out.write("}")
        (folder / "state.json").write_text(json.dumps({"tag": self.tag, "revision": revision}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Base:
        meta = json.loads((folder / "base.json").read_text(encoding="utf-8"))
        with np.load(folder / "base.npz") as arrays:
            lengths = arrays["lengths"]
            postings = (arrays["indptr"], arrays["rows"], arrays["tf"], arrays["df"])
        flat = np.load(folder / "forward.npy", mmap_mode="r")  # read only for removals and compactions
        vocab = {token: i for i, token in enumerate(meta["vocab"])}
        fields = fields_arrays(meta["fields"])
        return cls(meta["tag"], meta["ids"], fields, vocab, flat, lengths, postings)


def _write_list(out: TextIO, values: Sequence[Any] | np.ndarray, page: int = 65_536) -> None:
    out.write("[")
    for start in range(0, len(values), page):
        chunk = values[start : start + page]
        items = chunk.tolist() if isinstance(chunk, np.ndarray) else list(chunk)
        out.write(("," if start else "") + json.dumps(items, ensure_ascii=False)[1:-1])
    out.write("]")
