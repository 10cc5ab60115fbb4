"""The filter catalogue: each chunk's fields that filters, named-article lookups and document relations read.

It is kept with the BM25 index (lexical/), in the same files and under the same revision, and swapped with it
whole: a question reads one consistent catalogue from start to end, while an ingest or another process's publish
makes the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from .chunking import PATH_SEPARATOR
from .language import article_number
from .relations import Relations

FIELDS = ("doc_id", "type", "lang", "date_num", "title", "article", "translation_of", "supersedes")
"""Per-chunk fields kept beside BM25 for filters and named-article lookups (see retrieve.Retriever.mask)."""


def fields_of(meta: dict[str, Any]) -> tuple[Any, ...]:
    """A chunk's catalogue fields, in FIELDS order, from its store metadata."""
    return (
        meta["doc_id"],
        meta["type"],
        meta["lang"],
        int(meta["date_num"]),
        meta["title"],
        article_number(str(meta["heading"]).rsplit(PATH_SEPARATOR, 1)[-1]),
        str(meta.get("translation_of", "")),
        str(meta.get("supersedes", "")),
    )


class Catalogue:
    """The fields of every indexed chunk, one array per field, in the order of ``ids`` (the BM25 index's rows).

    What is derived from them (titles, relations, ...) is computed once per catalogue, on first use: each question
    would otherwise scan every chunk.
    """

    def __init__(self, ids: list[str], fields: dict[str, np.ndarray]) -> None:
        self.ids = ids
        self.fields = fields

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def doc_ids(self) -> frozenset[str]:
        return frozenset(self.fields["doc_id"].tolist()) if self.ids else frozenset()

    @cached_property
    def titles(self) -> list[str]:
        """Titles of the indexed documents, sorted."""
        return sorted(set(self.fields["title"].tolist())) if self.ids else []

    @cached_property
    def rows(self) -> dict[str, int]:
        """The row of each chunk id in ``ids`` and in filter masks."""
        return {chunk_id: row for row, chunk_id in enumerate(self.ids)}

    @cached_property
    def relations(self) -> Relations:
        """Translations and versions among the indexed documents."""
        return Relations.of(self.fields) if self.ids else Relations()

    def articles(self, numbers: Sequence[int], titles: Sequence[str], mask: np.ndarray | None) -> list[str]:
        """Ids of the chunks of these articles, of documents with these titles (any, when none), that ``mask``
        allows, in index order."""
        if not self.ids:
            return []
        hits = np.isin(self.fields["article"], list(numbers))
        if mask is not None:
            hits &= mask
        rows = np.flatnonzero(hits).tolist()
        if titles:
            wanted = set(titles)
            rows = [i for i in rows if self.fields["title"][i] in wanted]
        return [self.ids[i] for i in rows]

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Ids of every chunk of one document (all its versions), in index order."""
        if not self.ids:
            return []
        return [self.ids[i] for i in np.flatnonzero(self.fields["doc_id"] == doc_id)]

    def article_of(self, chunk_id: str) -> int:
        """The number of the article a chunk belongs to (0 for none, or for a chunk not indexed)."""
        row = self.rows.get(chunk_id)
        return 0 if row is None else int(self.fields["article"][row])

    def article_chunks(self, doc_id: str, article: int) -> list[str]:
        """Ids of the chunks of one article of one document, in document order."""
        if not self.ids:
            return []
        hits = (self.fields["doc_id"] == doc_id) & (self.fields["article"] == article)
        return [self.ids[i] for i in np.flatnonzero(hits)]
