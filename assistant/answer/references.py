"""Cross-references between the articles of one law: which provisions cite a given article.

A law's penalty provisions name the duties they punish by number ("Where anyone violates Article 31 … a fine of …",
"违反本条例第三十一条规定的，…处…罚款"). A question about the consequence of breaking a duty is answered there, while
what it retrieves is the duty: the answer step follows the citation back (answer/extractive.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ..catalogue import Catalogue
from ..chunking import PATH_SEPARATOR
from ..language import article_number, cited_articles
from ..types import RetrievedChunk


class CrossReferences:
    """The citing articles of each article of a document, read from its indexed text on first use and kept while
    the catalogue (the index revision) stays the same."""

    def __init__(self, catalogue: Callable[[], Catalogue], lookup: Callable[[list[str]], list[RetrievedChunk]]) -> None:
        self._catalogue = catalogue
        self._lookup = lookup
        self._seen: Catalogue | None = None
        self._citing: dict[str, dict[int, list[int]]] = {}

    def citing(self, doc_id: str, article: int) -> list[RetrievedChunk]:
        """The chunks of the articles of ``doc_id`` that cite ``article``, in document order."""
        catalogue = self._catalogue()
        if catalogue is not self._seen:
            self._seen, self._citing = catalogue, {}
        if doc_id not in self._citing:
            self._citing[doc_id] = self._read(catalogue, doc_id)
        ids = [i for citer in self._citing[doc_id].get(article, []) for i in catalogue.article_chunks(doc_id, citer)]
        return self._lookup(ids) if ids else []

    def follow(
        self, chunks: list[RetrievedChunk], limit: int
    ) -> tuple[list[RetrievedChunk], dict[str, RetrievedChunk]]:
        """The evidence with the provisions that cite the articles of its first ``limit`` chunks (a law's penalty
        articles cite the duties they punish): what breaking the duty costs is stated there. Each ranks as the chunk
        it cites, when that one ranks better, and is read with it (the second value: by the citing chunk's id, the
        chunk it cites)."""
        # An article of which some chunk is evidence already brings its other chunks as neighbours (evidence.py).
        held = {(c.doc_id, c.heading_path) for c in chunks}
        added: list[RetrievedChunk] = []
        reached_from: dict[str, RetrievedChunk] = {}
        for chunk in chunks[:limit]:
            article = article_number(chunk.heading_path.rsplit(PATH_SEPARATOR, 1)[-1])
            if not article:
                continue
            citing = self.citing(chunk.doc_id, article)
            for other in citing:
                reached_from.setdefault(other.chunk_id, chunk)
            new = [c for c in citing if (c.doc_id, c.heading_path) not in held]
            added += [replace(c, rank=chunk.rank) for c in new]
            held |= {(c.doc_id, c.heading_path) for c in new}
        # One retrieved below the duty it cites ranks with it: for this question, it is the better half of the pair.
        raised = [
            replace(c, rank=source.rank)
            if (source := reached_from.get(c.chunk_id)) is not None and 0 < source.rank < c.rank
            else c
            for c in chunks
        ]
        return raised + added, reached_from

    def _read(self, catalogue: Catalogue, doc_id: str) -> dict[int, list[int]]:
        citing: dict[int, set[int]] = defaultdict(set)
        for chunk in self._lookup(catalogue.chunk_ids(doc_id)):
            own = catalogue.article_of(chunk.chunk_id)
            for cited in cited_articles(chunk.text) - {own}:
                if own:
                    citing[cited].add(own)
        return {cited: sorted(citers) for cited, citers in citing.items()}
