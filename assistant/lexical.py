"""BM25 with language-aware tokenisation: jieba for Chinese, stemmed and stop-worded English."""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import PATH_SEPARATOR
from .structure import article_number

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z]+|\d+(?:[.,]\d+)*%?")
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
    for match in _TOKEN.finditer(text.lower()):
        piece = match.group()
        if "\u3400" <= piece[0] <= "\u9fff":
            tokens.extend(w for w in _jieba().cut_for_search(piece) if w not in ZH_STOP and w.strip())
        elif piece[0].isalpha():
            if piece not in EN_STOP:
                tokens.append(_stemmer().stemWord(piece))
        else:
            tokens.append(piece.replace(",", ""))
    return tokens


class LexicalIndex:
    """A BM25 index over chunk index texts, persisted in one folder beside the vector index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._bm25: Any = None
        self.ids: list[str] = []
        self.filter_fields: dict[str, np.ndarray] = {}
        self.revision = ""
        self.document_frequency: dict[str, int] = {}

    def build(self, entries: Iterable[tuple[str, str, dict[str, Any]]], revision: str) -> None:
        """Rebuild from (chunk id, index text, metadata) and save atomically (write aside, then swap)."""
        import bm25s

        ids, corpus, metas = [], [], []
        for chunk_id, text, meta in entries:
            ids.append(chunk_id)
            corpus.append(tokenize(text))
            metas.append(meta)
        bm25 = bm25s.BM25()
        if corpus:
            bm25.index(corpus, show_progress=False)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if corpus:
            bm25.save(str(staging), show_progress=False)
        fields = {
            "doc_id": [m["doc_id"] for m in metas],
            "type": [m["type"] for m in metas],
            "lang": [m["lang"] for m in metas],
            "date_num": [int(m["date_num"]) for m in metas],
            "title": [m["title"] for m in metas],
            "article": [article_number(str(m["heading"]).rsplit(PATH_SEPARATOR, 1)[-1]) for m in metas],
        }
        frequency: Counter[str] = Counter(token for tokens in corpus for token in set(tokens))
        (staging / "chunks.json").write_text(
            json.dumps({"revision": revision, "ids": ids, "fields": fields, "df": frequency}, ensure_ascii=False),
            encoding="utf-8",
        )
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self._load_from(bm25 if corpus else None, ids, fields, revision, dict(frequency))

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
        self.ids = ids
        self.filter_fields = {k: np.asarray(v) for k, v in fields.items()}
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
