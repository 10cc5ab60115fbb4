"""Cross-references between the articles of one law: which provisions cite a given article.

A law's penalty provisions name the duties they punish by number ("Where anyone violates Article 31 … a fine of …",
"违反本条例第三十一条规定的，…处…罚款"). A question about the consequence of breaking a duty is answered there, while
what it retrieves is the duty: the answer step follows the citation back (answer/extractive.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ..catalogue import Catalogue
from ..chunking import heading_article
from ..language import cited_articles
from ..types import RetrievedChunk
from .answer_types import CONSEQUENCE

_GENERAL = 0
"""Where _read files the articles that punish breaches of the law at large (no article is numbered 0)."""
GENERAL_BREACH = re.compile(
    r"违反本(?:法|条例|规定|办法)(?:其他有关)?规定"
    r"|\bviolat\w*\s+(?:of\s+)?(?:(?:the|other)\s+(?:relevant\s+)?provisions\s+of\s+)?(?:this\s+Law|these\s+Regulations)",
    re.I,
)
"""A breach of the law at large, not of a numbered article: "违反本法规定处理个人信息", "in violation of the provisions
of this Law", and the residual clause for breaches no other article punishes ("违反本条例其他有关规定的")."""
CITED_BREACH = re.compile(
    r"违反本(?:法|条例|规定|办法)第[\d〇零一二三四五六七八九十百]+条"
    r"|\bviolat\w*\s+(?:the\s+provisions\s+of\s+)?Articles?\s+\d",
    re.I,
)
"""A penalty provision's opening, naming the duties it punishes by number ("违反本规定第六条、第九条第二款…规定的",
"Where anyone violates the provisions of Article 12, …"): what follows is what breaking them costs, even where it
only hands the case on ("…按照有关法律、行政法规和部门规章的规定予以处理")."""
BREACH_OF_A_LAW = re.compile(
    r"违反(?:了)?(?:本|该|此|这部)?(?:《[^》]{2,40}》|[\u4e00-\u9fff]{0,24}?(?:法|条例|规定|办法))"
    r"|(?i:\b(?:violat|break|breach|infring)\w*\s+(?:of\s+)?(?:the\s+)?(?:provisions\s+of\s+)?(?:the\s+)?)"
    r"(?:(?i:laws?|regulations?|rules|measures|provisions)\b|[A-Z]{3,5}\b|(?:[A-Z][\w-]*\s+){1,8}"
    r"(?:Law|Regulations?|Measures|Provisions)\b)"
)
"""A question describing a breach of a law as a whole ("违反办法规定的", "if a company violates the PIPL"): what it
costs is stated in the law's general penalty clauses, as for a duty no article cites."""


class CrossReferences:
    """The citing articles of each article of a document, read from its indexed text on first use and kept while
    the catalogue (the index revision) stays the same."""

    def __init__(self, catalogue: Callable[[], Catalogue], lookup: Callable[[list[str]], list[RetrievedChunk]]) -> None:
        self._catalogue = catalogue
        self._lookup = lookup
        self._seen: Catalogue | None = None
        self._citing: dict[str, dict[int, list[int]]] = {}

    def citing(self, doc_id: str, article: int, general: bool = False) -> list[RetrievedChunk]:
        """The chunks of the articles of ``doc_id`` that cite ``article``, in document order; with ``general``, when
        none does, those of the articles that punish breaches of the law at large."""
        catalogue = self._catalogue()
        if catalogue is not self._seen:
            self._seen, self._citing = catalogue, {}
        if doc_id not in self._citing:
            self._citing[doc_id] = self._read(catalogue, doc_id)
        citers = self._citing[doc_id].get(article, [])
        if general and not citers:
            citers = [citer for citer in self._citing[doc_id].get(_GENERAL, []) if citer != article]
        ids = [i for citer in citers for i in catalogue.article_chunks(doc_id, citer)]
        return self._lookup(ids) if ids else []

    def follow(
        self, chunks: list[RetrievedChunk], limit: int, general: bool = False
    ) -> tuple[list[RetrievedChunk], dict[str, RetrievedChunk]]:
        """The evidence with the provisions that cite the articles of its first ``limit`` chunks (a law's penalty
        articles cite the duties they punish): what breaking the duty costs is stated there. Each ranks as the chunk
        it cites, when that one ranks better, and is read with it (the second value: by the citing chunk's id, the
        chunk it cites). With ``general``, a duty no article cites leads to the law's general penalty clauses."""
        # An article of which some chunk is evidence already brings its other chunks as neighbours (evidence.py).
        held = {(c.doc_id, c.heading_path) for c in chunks}
        added: list[RetrievedChunk] = []
        reached_from: dict[str, RetrievedChunk] = {}
        for chunk in chunks[:limit]:
            article = heading_article(chunk.heading_path)
            if not article:
                continue
            # A provision that states a sanction itself is no duty that the general clauses would punish.
            citing = self.citing(chunk.doc_id, article, general and not CONSEQUENCE.search(chunk.text))
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
        """By cited article, the articles citing it; under _GENERAL, the articles that punish breaches of the law
        at large ("违反本法规定…", "in violation of the provisions of this Law"), which answer for a duty no article
        cites."""
        citing: dict[int, set[int]] = defaultdict(set)
        for chunk in self._lookup(catalogue.chunk_ids(doc_id)):
            own = catalogue.article_of(chunk.chunk_id)
            if not own:
                continue
            for cited in cited_articles(chunk.text) - {own}:
                citing[cited].add(own)
            if GENERAL_BREACH.search(chunk.text) and CONSEQUENCE.search(chunk.text):
                citing[_GENERAL].add(own)
        return {cited: sorted(citers) for cited, citers in citing.items()}
