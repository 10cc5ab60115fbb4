"""BM25 with language-aware tokenisation: jieba for Chinese, stemmed and stop-worded English.

- ``tokens.py``: ``tokenize``, ``search_tokens`` (what BM25 indexes) and the stop words.
- ``rows.py``: ``TokenRows`` (chunks as BM25 sees them) and the inverted index of a set of rows.
- ``base.py``: the built, unchanging base, saved and loaded.
- ``bm25.py``: the live view of a base and a delta (tombstones, statistics) and the BM25 scores.
- ``index.py``: ``LexicalIndex`` (building, changing, publishing with compaction, saving, loading) and
  ``LexicalChanges``.
"""

from __future__ import annotations

from ..components import Component, Package
from .bm25 import K1, B
from .index import COMPACT_MIN, COMPACT_SHARE, LexicalChanges, LexicalIndex
from .rows import TokenRows
from .tokens import EN_STOP, TOKEN_SCHEME, ZH_STOP, coverage_tokens, coverage_words, search_tokens, tokenize

__all__ = [
    "COMPACT_MIN",
    "COMPACT_SHARE",
    "EN_STOP",
    "K1",
    "LEXICAL",
    "TOKEN_SCHEME",
    "ZH_STOP",
    "B",
    "LexicalChanges",
    "LexicalIndex",
    "TokenRows",
    "coverage_tokens",
    "coverage_words",
    "search_tokens",
    "tokenize",
]

LEXICAL = Component(
    "lexical index", "BM25 (numpy, base + delta)", LexicalIndex, (Package("jieba"), Package("PyStemmer"))
)
"""Always in use: BM25 beside the dense ranking, and the filter catalogue."""
