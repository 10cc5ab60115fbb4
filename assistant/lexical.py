"""BM25 with language-aware tokenisation: jieba for Chinese, stemmed and stop-worded English."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
import zipfile
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .catalogue import FIELDS, Catalogue, fields_of
from .chunking import version_id, version_of
from .components import Component, Package
from .language import CJK, CJK_RANGES, fold

_TOKEN = re.compile(rf"[{CJK_RANGES}]+|[a-z]+|\d+(?:[.,]\d+)*%?")
EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "there",
        "their",
        "they",
        "these",
        "those",
        "than",
        "about",
        "into",
        "over",
        "under",
        "any",
        "all",
        "also",
        "been",
        "being",
        "not",
        "no",
        "but",
        "if",
        "so",
        "such",
        "our",
        "we",
        "you",
        "your",
        "i",
    ]
)
ZH_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "等",
        "为",
        "由",
        "其",
        "之",
        "并",
        "而",
        "被",
        "把",
        "以",
        "于",
        "中",
        "上",
        "下",
        "哪些",
        "什么",
        "如何",
        "怎么",
        "吗",
        "呢",
        "有",
        "应当",
        "规定",
    ]
)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """The same tokens for documents and queries: jieba search-mode words for CJK, stems for English."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        piece = match.group()
        if CJK.match(piece):
            tokens.extend(w for w in _jieba().cut_for_search(piece) if w not in ZH_STOP and w.strip())
        elif piece[0].isalpha():
            if piece not in EN_STOP:
                tokens.append(_stemmer().stemWord(piece))
        else:
            tokens.append(piece.replace(",", ""))
    return tokens


K1 = 1.5
B = 0.75
"""BM25 parameters (Lucene's variant, bm25s's defaults, which this index replaced)."""
COMPACT_MIN = 2_000
COMPACT_SHARE = 0.05
"""A delta (chunks added plus chunks removed since the base was built) is folded into a new base once it is over
both COMPACT_MIN chunks and COMPACT_SHARE of the base: a full re-index, paid once per that much change."""


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

    def add(self, chunk_id: str, text: str, meta: dict[str, Any]) -> None:
        """One chunk: its id, index text and store metadata."""
        ids = [self.vocab.setdefault(token, len(self.vocab)) for token in tokenize(text)]
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
        return _postings(self.tokens, len(self.vocab))[3]

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


def _postings(tokens: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


def _fields_arrays(fields: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    return {name: np.asarray(fields.get(name, [])) for name in FIELDS}


class _Base:
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
    def empty(cls) -> _Base:
        postings = _postings([], 1)
        return cls("", [], _fields_arrays({}), {"": 0}, np.zeros(0, np.int32), np.zeros(0, np.int64), postings)

    def tokens(self, row: int) -> np.ndarray:
        return np.asarray(self.flat[self.offsets[row] : self.offsets[row + 1]])

    @classmethod
    def of(cls, rows: TokenRows) -> _Base:
        postings = _postings(rows.tokens, len(rows.vocab))
        rows.compact(postings[3])  # tokens no chunk holds any more are forgotten at each compaction
        if len(rows.vocab) != len(postings[3]):
            postings = _postings(rows.tokens, len(rows.vocab))
        lengths = rows.lengths()
        flat = np.concatenate(rows.tokens).astype(np.int32) if rows.tokens else np.zeros(0, np.int32)
        tag = hashlib.sha256(os.urandom(16)).hexdigest()[:16]
        return cls(tag, list(rows.ids), _fields_arrays(rows.fields), dict(rows.vocab), flat, lengths, postings)

    def save(self, folder: Path, revision: str) -> None:
        np.save(folder / "forward.npy", self.flat)
        np.savez(folder / "base.npz", lengths=self.lengths, indptr=self.indptr, rows=self.rows, tf=self.tf, df=self.df)
        fields = {name: values.tolist() for name, values in self.fields.items()}
        meta = {"tag": self.tag, "revision": revision, "ids": self.ids, "fields": fields, "vocab": list(self.vocab)}
        (folder / "base.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        (folder / "state.json").write_text(json.dumps({"tag": self.tag, "revision": revision}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> _Base:
        meta = json.loads((folder / "base.json").read_text(encoding="utf-8"))
        with np.load(folder / "base.npz") as arrays:
            lengths = arrays["lengths"]
            postings = (arrays["indptr"], arrays["rows"], arrays["tf"], arrays["df"])
        flat = np.load(folder / "forward.npy", mmap_mode="r")  # read only for removals and compactions
        vocab = {token: i for i, token in enumerate(meta["vocab"])}
        fields = _fields_arrays(meta["fields"])
        return cls(meta["tag"], meta["ids"], fields, vocab, flat, lengths, postings)


class LexicalChanges:
    """What one ingest or removal did to the store, to bring the BM25 index it started from up to date."""

    def __init__(self, base: LexicalIndex | None) -> None:
        self.base = base
        """The index that matched the store when the changes began; None: rebuild from the store instead."""
        self.added = TokenRows()
        self.removed_docs: set[str] = set()
        self.removed_versions: set[str] = set()
        self.added_docs: set[str] = set()

    def add(self, chunk_id: str, text: str, meta: dict[str, Any]) -> None:
        self.added.add(chunk_id, text, meta)
        self.added_docs.add(str(meta["doc_id"]))

    def remove_document(self, doc_id: str) -> None:
        self.removed_docs.add(doc_id)
        # Only a document written in this run has added rows: the check spares a full scan per pruned document.
        if doc_id in self.added_docs:
            self.added.drop({doc_id}, set())

    def remove_version(self, doc_id: str, content_hash: str) -> None:
        version = version_id(doc_id, content_hash)
        self.removed_versions.add(version)
        if doc_id in self.added_docs:
            self.added.drop(set(), {version})

    def apply(self) -> LexicalIndex | None:
        """The base index with these changes made (not yet saved); None when there is no base to start from."""
        if self.base is None:
            return None
        return self.base.changed(self.removed_docs, self.removed_versions, self.added)


class LexicalIndex:
    """A BM25 index over chunk index texts, persisted in one folder beside the vector index, with the filter
    catalogue of the same chunks (catalogue.py).

    It is a base (built whole, unchanging) plus a delta: the chunks added since, indexed on their own, and the
    base rows removed since (tombstones). Scores are BM25 over the union: N, the average length and each token's
    document frequency count the live chunks of both, so a search gives what an index built from scratch on the
    same chunks gives (ties broken by chunk id in both). A change costs what it adds and removes plus a few
    vector passes over the rows; the delta is folded into a new base (a full re-index) once it is over
    COMPACT_MIN chunks and COMPACT_SHARE of the base.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.base = _Base.empty()
        self.dead = np.zeros(0, dtype=bool)
        """Tombstones: base rows removed since the base was built."""
        self.delta = TokenRows()
        self.revision = ""
        self._derive()

    # -- building, changing, saving ------------------------------------------------------------------------------

    def build(self, entries: Iterable[tuple[str, str, dict[str, Any]]], revision: str) -> None:
        """Rebuild from (chunk id, index text, metadata) and save."""
        rows = TokenRows()
        for chunk_id, text, meta in entries:
            rows.add(chunk_id, text, meta)
        self.save(rows, revision)

    def rows(self) -> TokenRows:
        """The live chunks as one set of rows (for a compaction)."""
        rows = TokenRows()
        rows.vocab = dict(self.base.vocab)
        alive = np.flatnonzero(~self.dead)
        rows.ids = [self.base.ids[i] for i in alive]
        rows.tokens = [self.base.tokens(int(i)) for i in alive]
        rows.fields = {name: self.base.fields[name][alive].tolist() for name in FIELDS}
        rows.extend(self.delta)
        return rows

    def changed(self, removed_docs: set[str], removed_versions: set[str], added: TokenRows) -> LexicalIndex:
        """This index with documents and versions removed and rows added: a new index, sharing this one's base,
        not yet saved (``publish``)."""
        fresh = LexicalIndex(self.folder)
        fresh.base = self.base
        fresh.dead = self.dead.copy()
        fresh.delta = self.delta.copy()
        if removed_docs or removed_versions:
            docs = set(removed_docs) | {v.rsplit("#", 1)[0] for v in removed_versions}
            if len(self.base.ids):
                doc_ids = self.base.fields["doc_id"]
                if len(docs) <= 32:  # a few equality passes: np.isin sorts a million strings (~1 s)
                    found = np.zeros(len(doc_ids), dtype=bool)
                    for doc in docs:
                        found |= doc_ids == doc
                else:
                    found = np.isin(doc_ids, sorted(docs))
                hits = np.flatnonzero(found & ~fresh.dead)
                for row in hits.tolist():
                    doc_id = str(self.base.fields["doc_id"][row])
                    if doc_id in removed_docs or version_of(self.base.ids[row]) in removed_versions:
                        fresh.dead[row] = True
            fresh.delta.drop(removed_docs, removed_versions)
        if len(added):
            fresh.delta.extend(added)
        fresh.revision = self.revision
        fresh._derive()
        return fresh

    def publish(self, revision: str) -> None:
        """Save at ``revision``: the delta alone while it is small, else a compaction (``save``)."""
        changed = int(self.dead.sum()) + len(self.delta)
        big = changed > COMPACT_MIN and changed > COMPACT_SHARE * len(self.base.ids)
        # A delta is only ever saved beside its own base: another process on this machine may have compacted since.
        if not len(self.base.ids) or big or self._folder_tag() != self.base.tag:
            self.save(self.rows(), revision)
        else:
            self._save_delta(revision)

    def save(self, rows: TokenRows, revision: str) -> None:
        """Index ``rows`` as a new base and save atomically (write aside, then swap)."""
        base = _Base.of(rows)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        base.save(staging, revision)
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self.base, self.dead, self.delta, self.revision = base, np.zeros(len(base.ids), bool), TokenRows(), revision
        self._derive()

    def _folder_tag(self) -> str:
        try:
            return str(json.loads((self.folder / "state.json").read_text(encoding="utf-8"))["tag"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def _save_delta(self, revision: str) -> None:
        """Write the delta beside the base, replacing the last one in one rename."""
        meta = {
            "base": self.base.tag,
            "revision": revision,
            "ids": self.delta.ids,
            "fields": self.delta.fields,
            "vocab": list(self.delta.vocab),
        }
        flat = np.concatenate(self.delta.tokens).astype(np.int32) if self.delta.tokens else np.zeros(0, np.int32)
        staging = self.folder / "delta.new.npz"
        with staging.open("wb") as out:
            np.savez(
                out,
                meta=np.asarray(json.dumps(meta, ensure_ascii=False)),
                dead=np.flatnonzero(self.dead),
                flat=flat,
                lengths=self.delta.lengths(),
            )
        os.replace(staging, self.folder / "delta.npz")
        self.revision = revision

    def load(self, reuse: LexicalIndex | None = None) -> bool:
        """Load the saved index; False when there is none. The base of ``reuse`` is kept when the folder holds
        the same one (then only the delta is read)."""
        try:
            state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            reused = reuse is not None and reuse.base.tag == state["tag"]
            base = reuse.base if reuse is not None and reused else _Base.load(self.folder)
            revision = str(state["revision"])
            dead = np.zeros(len(base.ids), dtype=bool)
            delta = TokenRows()
            if (self.folder / "delta.npz").is_file():
                with np.load(self.folder / "delta.npz") as arrays:
                    meta = json.loads(str(arrays["meta"]))
                    dead[arrays["dead"]] = True
                    flat, lengths = arrays["flat"], arrays["lengths"]
                if meta["base"] == base.tag:
                    revision = str(meta["revision"])
                    delta.vocab = {token: i for i, token in enumerate(meta["vocab"])}
                    delta.ids = list(meta["ids"])
                    delta.tokens = list(np.split(flat, np.cumsum(lengths)[:-1])) if len(lengths) else []
                    delta.fields = {name: list(meta["fields"][name]) for name in FIELDS}
                else:
                    dead[:] = False
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile):
            return False
        self.base, self.dead, self.delta, self.revision = base, dead, delta, revision
        self._derive()
        return True

    # -- what searches read --------------------------------------------------------------------------------------

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
            added = np.asarray(delta.fields[name])
            if not len(added):
                self.filter_fields[name] = kept
            elif not len(kept) or kept.dtype.kind == added.dtype.kind:
                self.filter_fields[name] = np.concatenate([kept, added]) if len(kept) else added
            else:
                self.filter_fields[name] = np.asarray(kept.tolist() + delta.fields[name])
        self.catalogue = Catalogue(self.ids, self.filter_fields)
        slots = np.arange(nb + len(delta), dtype=np.int64)
        self._slots = slots if alive is None else np.concatenate([alive, slots[nb:]])
        """The slot (base row, then nb + delta row) of each live row."""
        self._slot_ids = base.ids + delta.ids if delta.ids else base.ids
        delta_lengths = delta.lengths()
        dead_rows = np.flatnonzero(self.dead)
        self._dead_df = np.zeros(0, dtype=np.int64)
        if len(dead_rows):
            self._dead_df = _postings([base.tokens(int(r)) for r in dead_rows], len(base.vocab))[3]
        total = base.total - int(base.lengths[dead_rows].sum()) + int(delta_lengths.sum())
        n = len(self.ids)
        average = total / n if n else 1.0
        lengths = np.concatenate([base.lengths, delta_lengths]).astype(np.float32)
        self._norm = (K1 * ((1 - B) + B * lengths / np.float32(average))).astype(np.float32)
        self._delta = _postings(delta.tokens, len(delta.vocab))

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

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token over the indexed chunks."""
        n = len(self.ids)
        df = self._df(token)
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best chunks by BM25 (Lucene's variant) among those ``mask`` allows, best first, ties by id."""
        tokens = tokenize(query)
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


LEXICAL = Component(
    "lexical index", "BM25 (numpy, base + delta)", LexicalIndex, (Package("jieba"), Package("PyStemmer"))
)
"""Always in use: BM25 beside the dense ranking, and the filter catalogue."""
