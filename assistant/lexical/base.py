"""The base of a BM25 index: built whole from token rows, saved, loaded, and never changed after."""

from __future__ import annotations

import hashlib
import json
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from .rows import TokenRows, fields_arrays, postings_of


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
        postings = postings_of([], 1)
        return cls("", [], fields_arrays({}), {"": 0}, np.zeros(0, np.int32), np.zeros(0, np.int64), postings)

    def tokens(self, row: int) -> np.ndarray:
        return np.asarray(self.flat[self.offsets[row] : self.offsets[row + 1]])

    @classmethod
    def of(cls, rows: TokenRows) -> Base:
        postings = postings_of(rows.tokens, len(rows.vocab))
        rows.compact(postings[3])  # tokens no chunk holds any more are forgotten at each compaction
        if len(rows.vocab) != len(postings[3]):
            postings = postings_of(rows.tokens, len(rows.vocab))
        lengths = rows.lengths()
        flat = np.concatenate(rows.tokens).astype(np.int32) if rows.tokens else np.zeros(0, np.int32)
        tag = hashlib.sha256(os.urandom(16)).hexdigest()[:16]
        return cls(tag, list(rows.ids), fields_arrays(rows.fields), dict(rows.vocab), flat, lengths, postings)

    def save(self, folder: Path, revision: str) -> None:
        np.save(folder / "forward.npy", self.flat)
        np.savez(folder / "base.npz", lengths=self.lengths, indptr=self.indptr, rows=self.rows, tf=self.tf, df=self.df)
        fields = {name: values.tolist() for name, values in self.fields.items()}
        meta = {"tag": self.tag, "revision": revision, "ids": self.ids, "fields": fields, "vocab": list(self.vocab)}
        (folder / "base.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
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
