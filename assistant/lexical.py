"""BM25 with language-aware tokenisation: jieba for Chinese, stemmed and stop-worded English."""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from collections.abc import Iterable
from functools import lru_cache
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


class TokenRows:
    """Chunks as BM25 sees them: ids, token ids into one vocabulary, and the fields filters read.

    An index is built from these and keeps them on disk beside it, so an ingest updates BM25 by dropping and
    appending rows instead of reading every chunk back from the store and tokenising it again (23 s at 100k)."""

    def __init__(self) -> None:
        # "" first: bm25s wants an empty-token column; no chunk holds it.
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

    def document_frequency(self) -> np.ndarray:
        """For each vocabulary id, the number of chunks holding it."""
        if not self.tokens:
            return np.zeros(len(self.vocab), dtype=np.int64)
        rows = np.repeat(np.arange(len(self.tokens), dtype=np.int64), [len(t) for t in self.tokens])
        # Sorting (row, token) pairs and counting each once: np.unique takes ~8x longer on 6M pairs (100k chunks).
        pairs = np.sort(rows * len(self.vocab) + np.concatenate(self.tokens))
        first = np.ones(len(pairs), dtype=bool)
        first[1:] = pairs[1:] != pairs[:-1]
        return np.bincount(pairs[first] % len(self.vocab), minlength=len(self.vocab))

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

    def save(self, folder: Path, revision: str) -> None:
        lengths = np.asarray([len(t) for t in self.tokens], dtype=np.int64)
        flat = np.concatenate(self.tokens) if self.tokens else np.zeros(0, dtype=np.int32)
        np.savez(folder / "rows.npz", flat=flat.astype(np.int32), lengths=lengths)
        saved = {"revision": revision, "vocab": list(self.vocab)}
        (folder / "vocab.json").write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, revision: str, ids: list[str], fields: dict[str, list[Any]]) -> TokenRows | None:
        """The rows saved beside the index at ``revision``; None when they are missing or another build's (the
        folder is shared by every process on the machine, and any of them may have rebuilt it since)."""
        try:
            saved = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            with np.load(folder / "rows.npz") as arrays:
                flat, lengths = arrays["flat"], arrays["lengths"]
            vocab = saved["vocab"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if saved.get("revision") != revision or len(lengths) != len(ids) or not vocab or vocab[0] != "":
            return None
        rows = cls()
        rows.vocab = {token: i for i, token in enumerate(vocab)}
        rows.ids = list(ids)
        rows.tokens = list(np.split(flat, np.cumsum(lengths)[:-1])) if len(lengths) else []
        rows.fields = {name: list(fields[name]) for name in FIELDS}
        return rows


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

    def apply(self) -> TokenRows | None:
        """The base index's rows with these changes made; None when there is no base to start from."""
        rows = self.base.rows() if self.base is not None else None
        if rows is None:
            return None
        rows.drop(self.removed_docs, self.removed_versions)
        rows.extend(self.added)
        return rows


class LexicalIndex:
    """A BM25 index over chunk index texts, persisted in one folder beside the vector index, with the filter
    catalogue of the same chunks (catalogue.py)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._bm25: Any = None
        self.ids: list[str] = []
        self.filter_fields: dict[str, np.ndarray] = {}
        self.catalogue = Catalogue([], {})
        self.revision = ""
        self.document_frequency: dict[str, int] = {}

    def build(self, entries: Iterable[tuple[str, str, dict[str, Any]]], revision: str) -> None:
        """Rebuild from (chunk id, index text, metadata) and save."""
        rows = TokenRows()
        for chunk_id, text, meta in entries:
            rows.add(chunk_id, text, meta)
        self.save(rows, revision)

    def rows(self) -> TokenRows | None:
        """What this index was built from, read back from its folder (None when not there)."""
        fields = {name: self.filter_fields[name].tolist() if name in self.filter_fields else [] for name in FIELDS}
        return TokenRows.load(self.folder, self.revision, self.ids, fields)

    def save(self, rows: TokenRows, revision: str) -> None:
        """Index ``rows`` and save atomically (write aside, then swap)."""
        import bm25s
        from bm25s.tokenization import Tokenized

        frequency = rows.compact(rows.document_frequency())
        bm25 = bm25s.BM25()
        if rows.ids:
            bm25.index(Tokenized(ids=[t.tolist() for t in rows.tokens], vocab=rows.vocab), show_progress=False)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if rows.ids:
            bm25.save(str(staging), show_progress=False)
        rows.save(staging, revision)
        df = {token: int(frequency[i]) for token, i in rows.vocab.items() if frequency[i]}
        (staging / "chunks.json").write_text(
            json.dumps({"revision": revision, "ids": rows.ids, "fields": rows.fields, "df": df}, ensure_ascii=False),
            encoding="utf-8",
        )
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self._load_from(bm25 if rows.ids else None, rows.ids, rows.fields, revision, df)

    def load(self) -> bool:
        """Load the saved index; False when there is none."""
        import bm25s

        meta_path = self.folder / "chunks.json"
        if not meta_path.is_file():
            return False
        saved = json.loads(meta_path.read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(self.folder), mmap=False, show_progress=False) if saved["ids"] else None
        self._load_from(bm25, saved["ids"], saved["fields"], saved["revision"], saved.get("df", {}))
        return True

    def _load_from(
        self, bm25: Any, ids: list[str], fields: dict[str, list[Any]], revision: str, frequency: dict[str, int]
    ) -> None:
        self._bm25 = bm25
        self.document_frequency = frequency
        self.ids = list(ids)
        self.filter_fields = {k: np.asarray(v) for k, v in fields.items()}
        self.catalogue = Catalogue(self.ids, self.filter_fields)
        self.revision = revision

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token over the indexed chunks."""
        n = len(self.ids)
        df = self.document_frequency.get(token, 0)
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        tokens = tokenize(query)
        if self._bm25 is None or not tokens or not self.ids:
            return []
        k = min(k, len(self.ids))
        weights = mask.astype(np.float32) if mask is not None else None
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, weight_mask=weights)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


LEXICAL = Component("lexical index", "bm25s", LexicalIndex, (Package("bm25s"), Package("jieba"), Package("PyStemmer")))
"""Always in use: BM25 beside the dense ranking, and the filter catalogue."""
