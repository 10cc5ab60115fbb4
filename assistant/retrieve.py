"""Hybrid retrieval: dense + BM25 fused by reciprocal rank, filters, article lookups, recency, diversity."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from .catalogue import Catalogue
from .embedding import Embedder
from .language import has_cjk
from .lexical import LexicalIndex
from .related_words import RelatedWords
from .relations import Relations
from .settings import RetrievalSettings
from .structure import article_laws, mentioned, parse_question
from .types import RetrievedChunk

if TYPE_CHECKING:
    from .index import Index

_CURRENT_STATE = re.compile(r"\b(current|currently|now|latest|in force|today)\b|现行|目前|当前|最新|现在", re.I)
RERANK_DEPTH = 20
logger = logging.getLogger(__name__)
DOC_TYPES = ("regulation", "news", "other")
LANGUAGES = ("zh", "en")
# Dense routes for a filter (bench/filters.py measured them at 100k chunks, embedded Chroma). Chroma's own filters,
# ids or a metadata `where`, cost 20-50 ms: resolving the allowed ids costs ~0.5 ms per thousand, and when few pass,
# the HNSW search walks most of the graph looking for them (~50 ms below a few hundred). A `where` is slower still.
EXACT_MAX = 500
"""Up to this many allowed chunks, compare the question with each (~0.02 ms a chunk)."""
KEEP_MIN_SHARE = 0.1
"""From this share of all chunks allowed, search the whole store deeper and keep the allowed (VectorStore.query's
mask); ids again when that finds fewer than k."""
WHOLE_SEARCH_MAX = 2_000
"""Up to this many chunks, an unfiltered search reads every chunk the HNSW graph reaches (as deep as the collection,
~0.005 ms a chunk), so it finds the nearest exactly. Chroma persists its graph only every sync_threshold (1,000)
records: a collection this small is searched through a graph built, with threads, in the process that opens it,
which differs from process to process, and at the usual depth some missed the third-nearest chunk of a question
(the same question answered differently from run to run)."""


class FilterError(ValueError):
    """A filter value that cannot be used; the message names it and the valid choices."""


@dataclass(frozen=True)
class Filters:
    doc_ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def __post_init__(self) -> None:
        for value in self.types:
            if value not in DOC_TYPES:
                raise FilterError(f"unknown type '{value}'; valid types: {', '.join(DOC_TYPES)}")
        for value in self.langs:
            if value not in LANGUAGES:
                raise FilterError(f"unknown language '{value}'; valid languages: {', '.join(LANGUAGES)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError as exc:
                    raise FilterError(f"--{name} '{value}' is not a date; use YYYY-MM-DD") from exc

    @property
    def active(self) -> bool:
        return bool(self.doc_ids or self.types or self.langs or self.since or self.until)

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Filters:
        known = {"doc_ids", "types", "langs", "since", "until"}
        unknown = set(data) - known
        if unknown:
            raise FilterError(f"unknown filter {sorted(unknown)}; valid filters: {', '.join(sorted(known))}")

        def as_tuple(value: object) -> tuple[str, ...]:
            return (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())  # type: ignore[attr-defined]

        return cls(
            doc_ids=as_tuple(data.get("doc_ids")),
            types=as_tuple(data.get("types")),
            langs=as_tuple(data.get("langs")),
            since=str(data.get("since", "")),
            until=str(data.get("until", "")),
        )


@dataclass
class Retrieval:
    chunks: list[RetrievedChunk]
    named_articles: list[str] = field(default_factory=list)
    """Chunk ids of articles the question names, when found."""
    missing_article: str = ""
    """An article the question names that the named document does not have."""
    dense_trust: float = 1.0
    """How much of the question the embedding model could read (its [UNK]-free share, to coverage_power); 0 below
    min_dense_trust, where its similarities are noise."""
    question_vector: np.ndarray | None = None
    """The question's embedding, when the dense retriever computed it."""
    missing_law: str = ""
    """A law the question names that no indexed document is, and that the retrieved text does not mention."""
    cited_laws: tuple[str, ...] = ()
    """Laws the question names that no indexed document is, but that the retrieved text cites: a passage citing one
    does not say what it says itself."""
    named_titles: tuple[str, ...] = ()
    """Titles of indexed documents the question names."""
    borrowed: str = ""
    """What a follow-up was searched with beyond its own words: the previous question (conversation.py)."""
    related: tuple[str, ...] = ()
    """Indexed words BM25 also searched for, near in meaning to question words no passage holds (related_words.py)."""
    related_to: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The same words by the question word they stand for, nearest first ("sue": ("lawsuit", "litigation"))."""
    unmatched_titles: tuple[str, ...] = ()
    """The named titles, when the question names documents none of whose passages in its language was found: the
    evidence would be another document's."""
    unmatched_langs: tuple[str, ...] = ()
    """The languages those documents are indexed in, as far as the filters allow (none: they leave them out)."""


class Retriever:
    def __init__(self, settings: RetrievalSettings, index: Index, embedder: Embedder):
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self._reranker: Any = None
        self._reranker_failed = False
        cache = index.settings.index_dir / "related-words"
        self.related_words = RelatedWords(embedder, cache, settings.related_word_similarity, settings.related_words)

    def mask(self, filters: Filters, catalogue: Catalogue) -> np.ndarray | None:
        """Allowed chunks as a boolean mask over the catalogue's ids (None: no filter)."""
        if not filters.active:
            return None
        fields = catalogue.fields
        allowed = np.ones(len(catalogue), dtype=bool)
        if filters.doc_ids:
            known = catalogue.doc_ids
            missing = [d for d in filters.doc_ids if d not in known]
            if missing:
                choices = ", ".join(sorted(known)[:10]) + (" ..." if len(known) > 10 else "")
                raise FilterError(f"unknown document '{missing[0]}'; indexed documents: {choices}")
            allowed &= np.isin(fields["doc_id"], list(filters.doc_ids))
        if filters.types:
            allowed &= np.isin(fields["type"], list(filters.types))
        if filters.langs:
            allowed &= np.isin(fields["lang"], list(filters.langs))
        if filters.since:
            allowed &= fields["date_num"] >= int(filters.since.replace("-", ""))
        if filters.until:
            allowed &= (fields["date_num"] <= int(filters.until.replace("-", ""))) & (fields["date_num"] > 0)
        return allowed

    def _dense(self, vector: np.ndarray, mask: np.ndarray | None, catalogue: Catalogue) -> list[RetrievedChunk]:
        """The nearest chunks the filter allows, by whichever route costs least for how many it allows."""
        k = self.settings.candidates
        store = self.index.store
        if mask is None:
            count = len(catalogue.ids)
            return store.query(vector, k, depth=count if count <= WHOLE_SEARCH_MAX else 0)
        allowed = int(np.count_nonzero(mask))
        if allowed >= KEEP_MIN_SHARE * len(mask):
            found = store.query(vector, k, mask=(catalogue.rows, mask))
            # Fewer than k among the nearest looked at: the question is about what the filter leaves out.
            if len(found) >= min(k, allowed):
                return found
        ids = [catalogue.ids[i] for i in np.flatnonzero(mask)]
        return store.query(vector, k, ids=ids, exact=len(ids) <= EXACT_MAX)

    def retrieve(
        self, question: str, filters: Filters | None = None, vector: np.ndarray | None = None, also: str = ""
    ) -> Retrieval:
        """The chunks that best match ``question``; ``also``: words the lexical search looks for beside the
        question's (those its answer is worded with, answer.questions.answer_words)."""
        filters = filters or Filters()
        settings = self.settings
        lexical = self.index.lexical  # one BM25 index and catalogue for the whole question: a rebuild makes another
        catalogue = lexical.catalogue
        mask = self.mask(filters, catalogue)
        # A model that cannot read the question (all-MiniLM maps most Chinese characters to [UNK]) gets
        # its say in the fusion cut accordingly; a multilingual model keeps full weight.
        trust = self.embedder.coverage(question) ** settings.coverage_power
        if trust < settings.min_dense_trust:
            trust = 0.0
        dense_weight = settings.dense_weight * (trust if settings.mode == "hybrid" else 1.0)
        dense = settings.mode in ("hybrid", "dense") and dense_weight > 0
        unseen = self.related_words.unseen(question, lexical) if settings.mode != "dense" else []
        # The words go through the model with the question: one call costs about what the question's alone does.
        embedded = ([question] if dense and vector is None else []) + unseen
        vectors = self.embedder.embed(embedded) if embedded else np.zeros((0, 0), np.float32)
        if dense and vector is None:
            vector, vectors = vectors[0], vectors[1:]
        near = self.related_words.neighbours(vectors, lexical) if unseen else []
        related_to = {word: tuple(words) for word, words in zip(unseen, near, strict=True) if words}
        related = self.related_words.flattened(near)
        searched = " ".join([question, also, *related]).strip()
        scores, texts = self._fuse(searched, vector if dense else None, dense_weight, lexical, mask)

        named, missing_article, unknown_laws, named_titles = self._named_articles(question, mask, catalogue)
        # A named article outranks every fused score (each at most 2/rrf_k), its chunks in document order.
        for position, chunk_id in enumerate(named):
            scores[chunk_id] = 1.0 + 1.0 / (position + 1)
        ranked = self._ranked(scores, texts)
        lang = "zh" if has_cjk(question) else "en"
        if (
            named_titles
            and not named
            and (within := self._within(named_titles, lang, mask, catalogue, [texts[c] for c in ranked])) is not None
        ):
            # "When did the harbour act take effect?": a law's name is seldom a word of its text, and the question's
            # other words may match other documents better, so none of its passages came back. Searched within the
            # named law, its own passages compete for the answer.
            found, held = self._fuse(searched, vector if dense else None, dense_weight, lexical, within)
            for chunk_id, score in found.items():
                scores[chunk_id] = max(scores.get(chunk_id, 0.0), score)
            texts.update(held)
            ranked = self._ranked(scores, texts)
        if settings.reranker:
            ranked = self._rerank(question, ranked, texts, set(named))
        if named_titles and not named:
            ranked = self._prefer_titles(ranked, texts, scores, set(named_titles))
        if catalogue.relations.superseded_by and not filters.doc_ids:
            ranked = self._prefer_in_force(question, ranked, texts, scores, catalogue.relations)
        if _CURRENT_STATE.search(question):
            ranked = self._prefer_recent(ranked, texts, scores)
        ranked = self._cap_per_document(ranked, texts)
        chunks = [
            replace(texts[cid], score=scores[cid], rank=rank + 1) for rank, cid in enumerate(ranked[: settings.top_k])
        ]
        evidence = " ".join(c.text for c in chunks).lower()
        missing_law = next((law for law in unknown_laws if not mentioned(law, evidence)), "")
        cited_laws = tuple(law for law in unknown_laws if mentioned(law, evidence))
        # Passages of the named law in another language than the question's are no evidence the answer step can
        # read (neither BM25 nor the bundled model matches across languages): boosted in, they came by chance.
        unmatched = (
            named_titles
            and not named
            and not any(
                c.metadata.get("title") in named_titles and c.metadata.get("lang", lang) == lang for c in chunks
            )
        )
        return Retrieval(
            chunks=chunks,
            named_articles=[c for c in named if c in texts],
            missing_article=missing_article,
            dense_trust=trust,
            question_vector=vector,
            related=tuple(related),
            related_to=related_to,
            missing_law=missing_law,
            cited_laws=cited_laws,
            named_titles=named_titles,
            unmatched_titles=named_titles if unmatched else (),
            unmatched_langs=self._languages(named_titles, catalogue, mask) if unmatched else (),
        )

    @staticmethod
    def _languages(titles: tuple[str, ...], catalogue: Catalogue, mask: np.ndarray | None) -> tuple[str, ...]:
        """The languages the chunks of documents titled ``titles`` are in, of those the filters allow."""
        held = np.isin(catalogue.fields["title"], list(titles))
        if mask is not None:
            held &= mask
        return tuple(sorted({str(lang) for lang in catalogue.fields["lang"][held].tolist()}))

    def _fuse(
        self,
        question: str,
        vector: np.ndarray | None,
        dense_weight: float,
        lexical: LexicalIndex,
        mask: np.ndarray | None,
    ) -> tuple[dict[str, float], dict[str, RetrievedChunk]]:
        """Dense (when given the question's ``vector``) and BM25 rankings fused by reciprocal rank: each chunk's
        score, and the chunks the dense search brought back whole."""
        settings = self.settings
        scores: dict[str, float] = {}
        texts: dict[str, RetrievedChunk] = {}
        if vector is not None:
            for rank, chunk in enumerate(self._dense(vector, mask, lexical.catalogue)):
                scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + dense_weight / (settings.rrf_k + rank + 1)
                texts[chunk.chunk_id] = chunk
        if settings.mode in ("hybrid", "lexical") and settings.lexical_weight > 0:
            for rank, (chunk_id, _) in enumerate(lexical.search(question, settings.candidates, mask)):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + settings.lexical_weight / (settings.rrf_k + rank + 1)
        return scores, texts

    def _named_articles(
        self, question: str, mask: np.ndarray | None, catalogue: Catalogue
    ) -> tuple[list[str], str, tuple[str, ...], tuple[str, ...]]:
        """Chunks of the articles the question names, the name of one it names that does not exist, the laws it
        names that no indexed document is, and the indexed titles it names."""
        if not len(catalogue):
            return [], "", (), ()
        parsed = parse_question(question, catalogue.titles)
        if not parsed.articles:
            return [], "", parsed.unknown_laws, parsed.titles
        laws = article_laws(question, catalogue.titles)
        if laws.asked:
            return [], "", parsed.unknown_laws, laws.asked
        # "the ferry law's Article 9" is no article of the harbour rules the question names too
        found = {
            chunk_id
            for number in parsed.articles
            for chunk_id in catalogue.articles([number], laws.bound.get(number) or parsed.titles, mask)
        }
        ordered = sorted(found, key=catalogue.rows.__getitem__)
        missing = ""
        if parsed.titles and not ordered:
            number = parsed.articles[0]
            title = (laws.bound.get(number) or parsed.titles)[0]
            missing = f"{title} 第{number}条" if has_cjk(title) else f"{title}, Article {number}"
        return ordered, missing, parsed.unknown_laws, parsed.titles

    def _rerank(
        self, question: str, ranked: list[str], texts: dict[str, RetrievedChunk], pinned: set[str]
    ) -> list[str]:
        """Reorder the head of the ranking by a cross-encoder; named articles stay first. Skipped, with one
        warning, when the model cannot be loaded (none ships with weights here)."""
        model = self._cross_encoder()
        if model is None:
            return ranked
        head = [cid for cid in ranked[:RERANK_DEPTH] if cid not in pinned]
        scores = model.predict([(question, texts[cid].text) for cid in head])
        reordered = [cid for _, cid in sorted(zip(scores, head, strict=True), key=lambda pair: -float(pair[0]))]
        return [cid for cid in ranked if cid in pinned] + reordered + ranked[RERANK_DEPTH:]

    def _cross_encoder(self) -> Any:
        if self._reranker_failed:
            return None
        if self._reranker is None:
            from sentence_transformers import CrossEncoder

            from .embedding import resolve_model

            try:
                self._reranker = CrossEncoder(resolve_model(self.settings.reranker))
            except Exception as exc:  # missing weights, no network, a corrupt folder: all mean "no reranker"
                self._reranker_failed = True
                logger.warning(
                    "reranker '%s' could not be loaded (%s); ranking without it", self.settings.reranker, exc
                )
                return None
        return self._reranker

    def _ranked(self, scores: dict[str, float], texts: dict[str, RetrievedChunk]) -> list[str]:
        """The best scored candidates' ids, their chunks fetched into ``texts`` (BM25 gives ids alone)."""
        ranked = sorted(scores, key=lambda cid: -scores[cid])[: self.settings.candidates]
        missing = [cid for cid in ranked if cid not in texts]
        texts.update({c.chunk_id: c for c in self.index.store.get(missing)})
        return [cid for cid in ranked if cid in texts]

    @staticmethod
    def _within(
        titles: tuple[str, ...],
        lang: str,
        mask: np.ndarray | None,
        catalogue: Catalogue,
        candidates: list[RetrievedChunk],
    ) -> np.ndarray | None:
        """The chunks of the named laws in the question's language, as a mask, when none of them is among the
        ``candidates``: None when one is, or when the filters leave none."""
        if any(c.metadata.get("title") in titles and c.metadata.get("lang", lang) == lang for c in candidates):
            return None
        fields = catalogue.fields
        within = np.isin(fields["title"], list(titles)) & (fields["lang"] == lang)
        if mask is not None:
            within &= mask
        return within if within.any() else None

    def _prefer_titles(
        self, ranked: list[str], texts: dict[str, RetrievedChunk], scores: dict[str, float], titles: set[str]
    ) -> list[str]:
        """A question naming a law ("under the PIPL", "数据安全法规定…") is about that law: its chunks come first."""
        bonus = self.settings.named_law_boost / (self.settings.rrf_k + 1)
        for cid in ranked:
            if texts[cid].metadata.get("title") in titles:
                scores[cid] += bonus
        return sorted(ranked, key=lambda cid: -scores[cid])

    def _prefer_in_force(
        self,
        question: str,
        ranked: list[str],
        texts: dict[str, RetrievedChunk],
        scores: dict[str, float],
        relations: Relations,
    ) -> list[str]:
        """Of two versions of one law, the one in force comes first; the earlier one only when the question asks
        for it by its year ("in the 2016 version"). A date filter that leaves out the newer version needs nothing:
        its chunks are not there."""
        penalty = self.settings.superseded_penalty / (self.settings.rrf_k + 1)
        retrieved = {texts[cid].doc_id for cid in ranked}
        asked = {doc for doc in retrieved if relations.asks_for_older(question, doc)}
        demoted = {doc for doc in retrieved if doc in relations.superseded_by and doc not in asked}
        demoted |= {relations.superseded_by[doc].doc_id for doc in asked}
        if not demoted:
            return ranked
        for cid in ranked:
            if texts[cid].doc_id in demoted:
                scores[cid] -= penalty
        return sorted(ranked, key=lambda cid: -scores[cid])

    def _prefer_recent(
        self, ranked: list[str], texts: dict[str, RetrievedChunk], scores: dict[str, float]
    ) -> list[str]:
        """Among the documents competing near the top, lift the newest one's chunks."""
        head = ranked[:10]
        dated = {texts[c].doc_id: str(texts[c].metadata.get("date", "")) for c in head if texts[c].metadata.get("date")}
        if len(set(dated.values())) < 2:
            return ranked
        newest = max(dated, key=lambda d: dated[d])
        bonus = self.settings.recency_boost / (self.settings.rrf_k + 1)
        for cid in ranked:
            if texts[cid].doc_id == newest:
                scores[cid] += bonus
        return sorted(ranked, key=lambda cid: -scores[cid])

    def _cap_per_document(self, ranked: list[str], texts: dict[str, RetrievedChunk]) -> list[str]:
        """At most ``per_doc_cap`` chunks of one document in the top five while other documents compete."""
        cap = self.settings.per_doc_cap
        head: list[str] = []
        deferred: list[str] = []
        per_doc: dict[str, int] = {}
        for cid in ranked:
            doc = texts[cid].doc_id
            if len(head) < 5 and per_doc.get(doc, 0) >= cap:
                deferred.append(cid)
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            head.append(cid)
            if len(head) == 5:
                break
        rest = [cid for cid in ranked if cid not in head and cid not in deferred]
        return head + deferred + rest
