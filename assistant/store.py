"""Vector store seam: Chroma embedded (PersistentClient) or a Chroma server (HttpClient), via llama-index."""

from __future__ import annotations

import json
import math
import os
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from .chunking import version_of
from .settings import StoreSettings
from .types import Chunk, Document, RetrievedChunk

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_PAGE = 5000
WRITER_LOCK = "writer.lock"
"""File in index_dir that the one process writing to an embedded index holds locked (see ChromaStore.writing)."""
REVISION_KEY = "revision"
"""Collection metadata key that every writer bumps after changing the collection (see VectorStore.revision)."""


class StoreError(RuntimeError):
    """The vector store cannot be reached or opened; the message names it."""


class IndexBusy(StoreError):
    """Another process is writing to this embedded index; the message says what to do."""


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    title: str
    content_hash: str
    date: str
    doc_type: str
    lang: str
    source: str
    chunks: int
    expected_chunks: int
    aliases: tuple[tuple[str, str], ...] = ()
    """(doc id, source path) of other files with exactly this text: indexed once, under ``doc_id``."""
    file_hash: str = ""
    """documents.file_hash of the file when it was indexed; empty for documents indexed before it was recorded."""
    translation_of: str = ""
    supersedes: str = ""

    @property
    def complete(self) -> bool:
        return self.chunks == self.expected_chunks


ALIASES_KEY = "aliases"
"""Chunk metadata key holding a document's aliases as JSON [[doc id, source], ...] (see StoredDocument.aliases)."""


def parse_aliases(value: Any) -> tuple[tuple[str, str], ...]:
    try:
        return tuple((str(doc_id), str(source)) for doc_id, source in json.loads(str(value or "[]")))
    except (ValueError, TypeError):
        return ()


def chunk_metadata(doc: Document, chunk: Chunk, index: int, total: int) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "doc_hash": doc.content_hash,
        "lang": doc.lang,
        "type": doc.doc_type,
        "date": doc.date,
        "date_num": int(doc.date.replace("-", "")) if doc.date else 0,
        "url": doc.url,
        "heading": chunk.heading_path,
        "start": chunk.start,
        "end": chunk.end,
        "chunk_index": index,
        "n_chunks": total,
        "file_hash": doc.file_hash,
        "translation_of": doc.translation_of,
        "supersedes": doc.supersedes,
    }


def to_retrieved(chunk_id: str, text: str, metadata: dict[str, Any], score: float) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=chunk_id,
        doc_id=str(metadata["doc_id"]),
        text=text,
        start=int(metadata["start"]),
        end=int(metadata["end"]),
        heading_path=str(metadata.get("heading", "")),
        metadata=metadata,
        score=score,
    )


class VectorStore(ABC):
    description: str

    @abstractmethod
    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        """Store several documents' chunks with their vectors, in as few calls as the store allows."""

    @abstractmethod
    def delete_document(self, doc_id: str) -> None: ...

    @abstractmethod
    def documents(self) -> dict[str, StoredDocument]: ...

    @abstractmethod
    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
    ) -> list[RetrievedChunk]:
        """The k chunks nearest ``vector``, nearest first, scored by cosine similarity.

        ``ids``: only among these (any the store no longer holds are skipped); with ``exact``, by comparing the
        vector with each of them rather than searching the HNSW graph (for a few hundred ids: each vector is read
        back). ``mask``: (row of each chunk id, allowed rows): only chunks it allows, looked for among the nearest
        of the whole store, as deep as the share it allows calls for; fewer than k when the others are further down.
        """

    @abstractmethod
    def get(self, ids: list[str]) -> list[RetrievedChunk]: ...

    @abstractmethod
    def document_chunks(self, doc_id: str) -> list[RetrievedChunk]:
        """Every stored chunk of one document (of each version it has), in text order."""

    @abstractmethod
    def iter_chunks(self) -> Iterator[RetrievedChunk]: ...

    @abstractmethod
    def count(self) -> int: ...

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        """Record the other files (doc id -> source path) whose text is this document's."""
        raise NotImplementedError

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        """Delete one version's chunks of a document, leaving any other version's."""
        raise NotImplementedError

    def other_collections(self) -> list[tuple[str, int]]:
        """(name, chunk count) of the other collections in the same database: indexes built with other settings."""
        return []

    @abstractmethod
    def revision(self) -> str:
        """The revision the last writer published: one cheap read that changes after any process changes the store."""

    @abstractmethod
    def bump_revision(self) -> None:
        """Publish that this process changed the store, so every process sharing it rebuilds what it derives."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held while this process changes the store; raises IndexBusy when another process may not share it."""
        yield

    def hold_writing(self) -> None:  # noqa: B027  (a store with nothing to hold does nothing)
        """Hold what ``writing`` holds until the process ends (the chat UI, which may write at any time)."""

    def writer_elsewhere(self) -> bool:
        """Whether another process is writing to the store in a way this one cannot see until it restarts."""
        return False


class ChromaStore(VectorStore):
    """Both Chroma modes: they differ only in the client."""

    def __init__(self, settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]):
        import chromadb
        from llama_index.vector_stores.chroma import ChromaVectorStore

        client_settings = chromadb.config.Settings(anonymized_telemetry=False)
        self._name = collection_name
        self._index_dir = index_dir
        # Embedded only: a Chroma server orders its writers itself, and every process sees what the others write.
        self._writer: FileLock | None = None
        try:
            if settings.mode == "server":
                client = chromadb.HttpClient(
                    host=settings.host,
                    port=settings.port,
                    ssl=settings.ssl,
                    headers=auth_headers(settings),
                    settings=client_settings,
                )
                scheme = "https" if settings.ssl else "http"
                self.description = f"server {scheme}://{settings.host}:{settings.port}"
            else:
                index_dir.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=client_settings)
                self.description = f"embedded {index_dir / 'chroma'}"
                # One object per lock file in this process, counting its holders across threads: the UI holds it
                # while it runs, and its uploads take it again on other threads, which must not be refused.
                self._writer = FileLock(
                    (index_dir / WRITER_LOCK).resolve(), timeout=0, thread_local=False, is_singleton=True
                )
            # embedding_function=None: vectors always come from our Embedder, never Chroma's ONNX download.
            self._collection = client.get_or_create_collection(
                collection_name,
                embedding_function=None,
                metadata=fingerprint,
                configuration={
                    "hnsw": {
                        "space": "cosine",
                        "ef_construction": settings.hnsw_ef_construction,
                        "ef_search": settings.hnsw_ef_search,
                        "max_neighbors": settings.hnsw_m,
                    }
                },
            )
        except Exception as exc:  # chromadb raises ValueError, ConnectionError, httpx errors...
            where = f"{settings.host}:{settings.port}" if settings.mode == "server" else str(index_dir)
            raise StoreError(f"cannot open the Chroma {settings.mode} store at {where}: {exc}") from exc
        self._client = client
        self._llama = ChromaVectorStore(chroma_collection=self._collection)

    @contextmanager
    def writing(self) -> Iterator[None]:
        if self._writer is None:
            yield
            return
        self._acquire(self._writer)
        try:
            yield
        finally:
            self._writer.release()

    def hold_writing(self) -> None:
        if self._writer is not None:
            self._acquire(self._writer)

    def _acquire(self, lock: FileLock) -> None:
        try:
            lock.acquire()
        except Timeout:
            # Two processes on one embedded index disagree: each loads the HNSW index once and never sees the
            # other's additions (docs/reliability.md, 3), so the second writer is refused rather than let start.
            raise IndexBusy(
                f"another process is writing to the index at {self._index_dir} (an ingest, or the chat UI for as "
                "long as it runs); wait for the ingest to finish, add the files through that UI, or stop it. For "
                'several processes on one index, run a Chroma server (store.mode = "server")'
            ) from None

    def writer_elsewhere(self) -> bool:
        if self._writer is None:
            return False
        try:
            self._writer.acquire()
        except Timeout:
            return True
        self._writer.release()
        return False

    @property
    def collection(self) -> Any:
        return self._collection

    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = [
            TextNode(
                id_=chunk.chunk_id,
                text=chunk.text,
                metadata=chunk_metadata(doc, chunk, i, len(chunks)),
                start_char_idx=chunk.start,
                end_char_idx=chunk.end,
                embedding=vectors[i].tolist(),
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc.doc_id)},
            )
            for doc, chunks, vectors in items
            for i, chunk in enumerate(chunks)
        ]
        # Chroma's cost is mostly per call (about 12 ms embedded, plus the rows), so documents share calls, up to
        # its max batch size (5461 embedded). A process killed between two calls leaves the document cut there
        # incomplete (fewer chunks than n_chunks), and the next ingest redoes it.
        step = max(1, int(self._client.get_max_batch_size()))
        for start in range(0, len(nodes), step):
            self._llama.add(list[Any](nodes[start : start + step]))

    def delete_document(self, doc_id: str) -> None:
        self._llama.delete(ref_doc_id=doc_id)

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
        counts: dict[str, int] = {}
        first: dict[str, dict[str, Any]] = {}
        for group, count in groups.items():
            meta = heads[group]
            key = f"{meta['doc_id']}\0{meta['doc_hash']}"
            counts[key] = counts.get(key, 0) + count
            first.setdefault(key, meta)
        result: dict[str, StoredDocument] = {}
        for key, meta in first.items():
            doc_id = str(meta["doc_id"])
            stored = StoredDocument(
                doc_id=doc_id,
                title=str(meta["title"]),
                content_hash=str(meta["doc_hash"]),
                date=str(meta["date"]),
                doc_type=str(meta["type"]),
                lang=str(meta["lang"]),
                source=str(meta["source"]),
                chunks=counts[key],
                expected_chunks=int(meta["n_chunks"]),
                aliases=parse_aliases(meta.get(ALIASES_KEY)),
                file_hash=str(meta.get("file_hash", "")),
                translation_of=str(meta.get("translation_of", "")),
                supersedes=str(meta.get("supersedes", "")),
            )
            # Two hashes under one id means an interrupted replace: report it incomplete so it is redone.
            if doc_id in result:
                stored = StoredDocument(**{**stored.__dict__, "expected_chunks": -1})
            result[doc_id] = stored
        return result

    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
    ) -> list[RetrievedChunk]:
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if ids is not None and not ids:
            return []

        def fetch(scored: list[tuple[str, float]]) -> list[RetrievedChunk]:
            found = {chunk.chunk_id: chunk for chunk in self.get([chunk_id for chunk_id, _ in scored])}
            return [replace(found[i], score=score) for i, score in scored if i in found]

        if exact and ids is not None:
            stored: Any = self._collection.get(ids=ids, include=["embeddings"])
            if not stored["ids"]:
                return []
            matrix = np.asarray(stored["embeddings"], dtype=np.float32)
            norms = np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector), 1e-12)
            cosine = matrix @ np.asarray(vector, dtype=np.float32) / norms
            order = np.argsort(-cosine, kind="stable")[:k]
            return fetch([(stored["ids"][i], float(cosine[i])) for i in order])
        if mask is not None:
            rows, allowed = mask
            share = np.count_nonzero(allowed) / max(len(allowed), 1)
            if not share:
                return []
            # Twice as deep as the share needs on average, so that a question leaning towards what the filter
            # leaves out still finds k; and at least 20 k, as HNSW searches as wide as it is asked to (ef), which
            # gives the k nearest allowed a recall over 0.99 at 100k chunks, at or above that of Chroma's own filter.
            # Distances alone come back: ~0.005 ms a chunk, against ~0.1 with texts and metadata.
            depth = math.ceil(k * max(20.0, 2 / share))
            near: Any = self._collection.query(
                query_embeddings=[vector.tolist()], n_results=depth, include=["distances"]
            )
            nearest = [
                (chunk_id, 1.0 - float(distance))
                for chunk_id, distance in zip(near["ids"][0], near["distances"][0])
                if chunk_id in rows and allowed[rows[chunk_id]]
            ]
            return fetch(nearest[:k])

        def ask(allowed: list[str] | None) -> Any:
            # No count() first: Chroma answers n_results above the count with what it has, and an embedded
            # count() costs 10-50 ms at 100k chunks.
            extra: dict[str, Any] = {"ids": allowed} if allowed is not None else {}
            return self._llama.query(VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=k), **extra)

        try:
            result = ask(ids)
        except Exception as exc:
            if ids is None or "finding id" not in str(exc):
                raise
            # Chroma refuses an id it does not hold. The allowed ids come from a BM25 index built before another
            # process removed documents (server mode, until it publishes): keep those still there, ask again.
            present = set(self._collection.get(ids=ids, include=[])["ids"])
            kept = [i for i in ids if i in present]
            if not kept:
                return []
            result = ask(kept)
        retrieved = []
        for node, similarity in zip(result.nodes or [], result.similarities or []):
            # llama-index reports exp(-distance); turn it back into cosine similarity.
            cosine = 1.0 + math.log(max(similarity, 1e-12))
            retrieved.append(to_retrieved(node.node_id, node.get_content(), dict(node.metadata), cosine))
        return retrieved

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

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        found: Any = self._collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        if not found["ids"]:
            return
        value = json.dumps(sorted(aliases.items()), ensure_ascii=False)
        metadatas: Any = [{**meta, ALIASES_KEY: value} for meta in found["metadatas"]]
        self._collection.update(ids=found["ids"], metadatas=metadatas)

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        self._collection.delete(where={"$and": [{"doc_id": doc_id}, {"doc_hash": content_hash}]})

    def other_collections(self) -> list[tuple[str, int]]:
        return sorted((c.name, int(c.count())) for c in self._client.list_collections() if c.name != self._name)

    def _metadata(self) -> dict[str, Any]:
        # The Collection object caches its metadata; ask the client for the current one (one small request).
        try:
            return dict(self._client.get_collection(self._name, embedding_function=None).metadata or {})
        except Exception as exc:  # the server went away, or someone deleted the collection under us
            raise StoreError(f"cannot read the Chroma collection {self._name} ({self.description}): {exc}") from exc

    def revision(self) -> str:
        return str(self._metadata().get(REVISION_KEY, "0"))

    def bump_revision(self) -> None:
        metadata = self._metadata()
        counter = str(metadata.get(REVISION_KEY, "0")).split("-", 1)[0]
        # A random suffix: two writers bumping from the same counter still publish different revisions.
        number = int(counter) + 1 if counter.isdigit() else 1
        metadata[REVISION_KEY] = f"{number}-{uuid.uuid4().hex[:8]}"
        self._collection.modify(metadata=metadata)


def auth_headers(settings: StoreSettings) -> dict[str, str]:
    """The Authorization header for a Chroma server that wants a token; empty when none is configured."""
    if not settings.token_env:
        return {}
    token = os.environ.get(settings.token_env, "")
    if not token:
        raise StoreError(f"store.token_env names ${settings.token_env}, but that variable is empty or unset")
    if settings.token_header == "Authorization":
        return {"Authorization": f"Bearer {token}"}
    return {settings.token_header: token}


def make_store(
    settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]
) -> VectorStore:
    return ChromaStore(settings, index_dir, collection_name, fingerprint)
