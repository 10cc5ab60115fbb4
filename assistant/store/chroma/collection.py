"""One Chroma collection behind the VectorStore interface, whichever client reaches it.

llama-index's ChromaVectorStore is not used: this store needs what it does not offer (ids-only pages to list
documents cheaply, metadata updates for aliases, the collection's metadata for the published revision, distances
alone for filtered search), and what it does offer got in the way: its scores are exp(-distance), which had to be
turned back into cosine similarity, and each chunk carried its metadata twice (``_node_content``), 10% of a write.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ...chunking import version_of
from ...settings import StoreSettings
from ...types import Chunk, Document, RetrievedChunk
from .. import (
    ALIASES_KEY,
    StoredDocument,
    StoreError,
    VectorStore,
    chunk_metadata,
    stored_documents,
    to_retrieved,
)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_PAGE = 5000
REVISION_KEY = "revision"
"""Collection metadata key that every writer bumps after changing the collection (see VectorStore.revision)."""
CHANGE_LOG_SUFFIX = "-changes"
CHANGE_LOG_KEPT = 500
"""Transactions kept in the change log: a process further behind than this rebuilds its BM25 from the store."""


def hnsw_configuration(settings: StoreSettings) -> dict[str, Any]:
    """The collection configuration the store creates its collection with (fixed at creation)."""
    return {
        "hnsw": {
            "space": "cosine",
            "ef_construction": settings.hnsw_ef_construction,
            "ef_search": settings.hnsw_ef_search,
            "max_neighbors": settings.hnsw_m,
        }
    }


class ChromaStore(VectorStore):
    """One Chroma collection; the subclasses differ only in the client that reaches it."""

    mode: str

    def __init__(self, settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]):
        import chromadb

        self._name = collection_name
        self._log: Any = None
        self._index_dir = index_dir
        try:
            self._client = self._connect(settings, index_dir, chromadb.config.Settings(anonymized_telemetry=False))
            # embedding_function=None: vectors always come from our Embedder, never Chroma's ONNX download.
            self._collection = self._client.get_or_create_collection(
                collection_name,
                embedding_function=None,
                metadata=fingerprint,
                configuration=hnsw_configuration(settings),
            )
        except Exception as exc:  # chromadb raises ValueError, ConnectionError, httpx errors...
            raise StoreError(f"cannot open the Chroma {self.mode} store at {self._where(settings)}: {exc}") from exc

    @abstractmethod
    def _connect(self, settings: StoreSettings, index_dir: Path, client_settings: Any) -> Any:
        """The chromadb client; sets ``description``."""

    @abstractmethod
    def _where(self, settings: StoreSettings) -> str: ...

    @property
    def collection(self) -> Any:
        return self._collection

    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        rows = [
            (chunk.chunk_id, chunk.text, chunk_metadata(doc, chunk, i, len(chunks)))
            for doc, chunks, _ in items
            for i, chunk in enumerate(chunks)
        ]
        if not rows:
            return
        vectors = np.concatenate([np.asarray(v, dtype=np.float32) for _, chunks, v in items if chunks])
        # Chroma's cost is mostly per call (about 12 ms embedded, plus the rows), so documents share calls, up to
        # its max batch size (5461 embedded). A process killed between two calls leaves the document cut there
        # incomplete (fewer chunks than n_chunks), and the next ingest redoes it.
        step = max(1, int(self._client.get_max_batch_size()))
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            self._collection.add(
                ids=[chunk_id for chunk_id, _, _ in part],
                documents=[text for _, text, _ in part],
                metadatas=[meta for _, _, meta in part],
                embeddings=vectors[start : start + step],
            )

    def delete_document(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        self._collection.delete(where={"$and": [{"doc_id": doc_id}, {"doc_hash": content_hash}]})

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        found: Any = self._collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        if not found["ids"]:
            return
        value = json.dumps(sorted(aliases.items()), ensure_ascii=False)
        metadatas: Any = [{**meta, ALIASES_KEY: value} for meta in found["metadatas"]]
        self._collection.update(ids=found["ids"], metadatas=metadatas)

    def _pages(self, include: list[Any], where: dict[str, Any] | None = None, size: int = _PAGE) -> Iterator[Any]:
        offset = 0
        while True:
            page = self._collection.get(where=where, include=include, limit=size, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def documents(self) -> dict[str, StoredDocument]:
        # Reading every chunk's metadata costs ~0.25 ms a chunk (25 s at 100k chunks, most of a re-ingest), so:
        # count chunks from their ids alone (cheap), and read metadata only for each version's first chunk.
        groups: dict[str, int] = {}
        for page in self._pages([]):
            for chunk_id in page["ids"]:
                group = version_of(chunk_id)
                groups[group] = groups.get(group, 0) + 1
        heads: dict[str, dict[str, Any]] = {}
        found: Any = self._collection.get(where={"chunk_index": 0}, include=["metadatas"])
        for chunk_id, meta in zip(found["ids"], found["metadatas"]):
            heads[version_of(chunk_id)] = meta
        headless = [group for group in groups if group not in heads]
        if headless:  # a version whose first chunk is gone (an interrupted delete): read its chunks' metadata
            wanted = set(headless)
            for page in self._pages(["metadatas"]):
                for chunk_id, meta in zip(page["ids"], page["metadatas"]):
                    if version_of(chunk_id) in wanted:
                        heads.setdefault(version_of(chunk_id), meta)
        return stored_documents((heads[group], count) for group, count in groups.items())

    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
        depth: int = 0,
    ) -> list[RetrievedChunk]:
        if ids is not None and not ids:
            return []
        if exact and ids is not None:
            return self._compare(vector, k, ids)
        if mask is not None:
            return self._nearest_allowed(vector, k, *mask)
        if depth > k and ids is None:
            return self._scored(self._distances(vector, depth)[:k])
        try:
            return self._nearest(vector, k, ids)
        except Exception as exc:
            if ids is None or "finding id" not in str(exc):
                raise
        # Chroma refuses an id it does not hold. The allowed ids come from a BM25 index built before another
        # process removed documents (server mode, until it publishes): keep those still there, ask again.
        present = set(self._collection.get(ids=ids, include=[])["ids"])
        kept = [i for i in ids if i in present]
        return self._nearest(vector, k, kept) if kept else []

    def _nearest(self, vector: np.ndarray, k: int, ids: list[str] | None) -> list[RetrievedChunk]:
        # No count() first: Chroma answers n_results above the count with what it has, and an embedded count()
        # costs 10-50 ms at 100k chunks.
        found: Any = self._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            ids=ids,
            include=["documents", "metadatas", "distances"],
        )
        return [
            to_retrieved(chunk_id, text, meta, _cosine(distance))
            for chunk_id, text, meta, distance in zip(
                found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0]
            )
        ]

    def _compare(self, vector: np.ndarray, k: int, ids: list[str]) -> list[RetrievedChunk]:
        stored: Any = self._collection.get(ids=ids, include=["embeddings"])
        if not stored["ids"]:
            return []
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        norms = np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector), 1e-12)
        cosine = matrix @ np.asarray(vector, dtype=np.float32) / norms
        order = np.argsort(-cosine, kind="stable")[:k]
        return self._scored([(stored["ids"][i], float(cosine[i])) for i in order])

    def _nearest_allowed(
        self, vector: np.ndarray, k: int, rows: dict[str, int], allowed: np.ndarray
    ) -> list[RetrievedChunk]:
        share = np.count_nonzero(allowed) / max(len(allowed), 1)
        if not share:
            return []
        # Twice as deep as the share needs on average, so that a question leaning towards what the filter leaves
        # out still finds k; and at least 20 k, as HNSW searches as wide as it is asked to (ef), which gives the k
        # nearest allowed a recall over 0.99 at 100k chunks, at or above that of Chroma's own filter.
        depth = math.ceil(k * max(20.0, 2 / share))
        nearest = [(i, score) for i, score in self._distances(vector, depth) if i in rows and allowed[rows[i]]]
        return self._scored(nearest[:k])

    def _distances(self, vector: np.ndarray, depth: int) -> list[tuple[str, float]]:
        """The ``depth`` nearest chunks' ids and cosine similarities, nearest first. Distances alone come back:
        ~0.005 ms a chunk, against ~0.1 with texts and metadata."""
        near: Any = self._collection.query(query_embeddings=[vector.tolist()], n_results=depth, include=["distances"])
        return [(chunk_id, _cosine(distance)) for chunk_id, distance in zip(near["ids"][0], near["distances"][0])]

    def _scored(self, scored: list[tuple[str, float]]) -> list[RetrievedChunk]:
        found = {chunk.chunk_id: chunk for chunk in self.get([chunk_id for chunk_id, _ in scored])}
        return [replace(found[i], score=score) for i, score in scored if i in found]

    def get(self, ids: list[str]) -> list[RetrievedChunk]:
        if not ids:
            return []
        found: Any = self._collection.get(ids=ids, include=["documents", "metadatas"])
        by_id = {
            chunk_id: to_retrieved(chunk_id, text, meta, 0.0)
            for chunk_id, text, meta in zip(found["ids"], found["documents"], found["metadatas"])
        }
        return [by_id[i] for i in ids if i in by_id]

    def document_chunks(self, doc_id: str) -> list[RetrievedChunk]:
        # In pages: one get() of a 19 MB document's 12,452 chunks took 420 MB on top of what they hold, pages 100.
        chunks = [
            to_retrieved(chunk_id, text, meta, 0.0)
            for page in self._pages(["documents", "metadatas"], where={"doc_id": doc_id}, size=1000)
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"])
        ]
        return sorted(chunks, key=lambda c: (c.start, c.chunk_id))

    def iter_chunks(self) -> Iterator[RetrievedChunk]:
        for page in self._pages(["documents", "metadatas"]):
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield to_retrieved(chunk_id, text, meta, 0.0)

    def count(self) -> int:
        return int(self._collection.count())

    def other_collections(self) -> list[tuple[str, int]]:
        return sorted(
            (c.name, int(c.count()))
            for c in self._client.list_collections()
            if c.name != self._name and not c.name.endswith(CHANGE_LOG_SUFFIX)
        )

    def _metadata(self) -> dict[str, Any]:
        # The Collection object caches its metadata; ask the client for the current one (one small request).
        try:
            return dict(self._client.get_collection(self._name, embedding_function=None).metadata or {})
        except Exception as exc:  # the server went away, or someone deleted the collection under us
            raise StoreError(f"cannot read the Chroma collection {self._name} ({self.description}): {exc}") from exc

    def revision(self) -> str:
        return str(self._metadata().get(REVISION_KEY, "0"))

    def bump_revision(self) -> str:
        metadata = self._metadata()
        counter = str(metadata.get(REVISION_KEY, "0")).split("-", 1)[0]
        # A random suffix: two writers bumping from the same counter still publish different revisions.
        number = int(counter) + 1 if counter.isdigit() else 1
        metadata[REVISION_KEY] = f"{number}-{uuid.uuid4().hex[:8]}"
        self._collection.modify(metadata=metadata)
        return str(metadata[REVISION_KEY])

    def log_change(self, change: dict[str, Any]) -> None:
        """One row per transaction in a small collection beside the chunks (``<collection>-changes``), keyed by
        the revision it ended at and found by the one it started from; the oldest beyond ``CHANGE_LOG_KEPT`` go."""
        log = self._change_log()
        sequence = _sequence(str(change["end"]))
        log.upsert(
            ids=[str(change["end"])],
            documents=[json.dumps(change, ensure_ascii=False)],
            metadatas=[{"before": str(change["before"]), "sequence": sequence}],
            embeddings=[[0.0]],
        )
        if sequence > CHANGE_LOG_KEPT:
            log.delete(where={"sequence": {"$lt": sequence - CHANGE_LOG_KEPT}})

    def changes_from(self, revision: str) -> list[dict[str, Any]]:
        found: Any = self._change_log().get(where={"before": revision}, include=["documents"])
        return [json.loads(text) for text in found["documents"]]

    def _change_log(self) -> Any:
        if self._log is None:
            self._log = self._client.get_or_create_collection(self._name + CHANGE_LOG_SUFFIX, embedding_function=None)
        return self._log


def _sequence(revision: str) -> int:
    counter = revision.split("-", 1)[0]
    return int(counter) if counter.isdigit() else 0


def _cosine(distance: float) -> float:
    """Chroma's distance in a cosine space is 1 - cosine similarity."""
    return 1.0 - float(distance)
