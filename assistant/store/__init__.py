"""Vector store seam: what the index layer asks of a store, and the stores registered by name (``store.mode``).

A store keeps each chunk's text, vector and metadata (``chunk_metadata``), lists the indexed documents from them,
finds the nearest chunks to a vector, and publishes a revision that changes whenever any process changes it.
To add one: subclass ``VectorStore`` in a module of this package, and register a factory for it below.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..components import Package, Registry
from ..settings import StoreSettings
from ..types import Chunk, Document, RetrievedChunk


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
        "context": chunk.context,
        "start": chunk.start,
        "end": chunk.end,
        "chunk_index": index,
        "n_chunks": total,
        "file_hash": doc.file_hash,
        "translation_of": doc.translation_of,
        "supersedes": doc.supersedes,
        "publisher": doc.publisher,
        "author": doc.author,
    }


def stored_documents(versions: Iterable[tuple[dict[str, Any], int]]) -> dict[str, StoredDocument]:
    """Documents from their versions (the metadata of a version's first chunk, and its number of chunks found).
    Two hashes under one id means an interrupted replace: that document is reported incomplete, so it is redone."""
    counts: dict[str, int] = {}
    first: dict[str, dict[str, Any]] = {}
    for meta, count in versions:
        key = f"{meta['doc_id']}\0{meta['doc_hash']}"
        counts[key] = counts.get(key, 0) + count
        first.setdefault(key, meta)
    result: dict[str, StoredDocument] = {}
    for key, meta in first.items():
        stored = stored_document(meta, counts[key])
        result[stored.doc_id] = replace(stored, expected_chunks=-1) if stored.doc_id in result else stored
    return result


def stored_document(meta: dict[str, Any], chunks: int) -> StoredDocument:
    """A document as its chunks' metadata describe it, with the number of chunks found."""
    return StoredDocument(
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        content_hash=str(meta["doc_hash"]),
        date=str(meta["date"]),
        doc_type=str(meta["type"]),
        lang=str(meta["lang"]),
        source=str(meta["source"]),
        chunks=chunks,
        expected_chunks=int(meta["n_chunks"]),
        aliases=parse_aliases(meta.get(ALIASES_KEY)),
        file_hash=str(meta.get("file_hash", "")),
        translation_of=str(meta.get("translation_of", "")),
        supersedes=str(meta.get("supersedes", "")),
    )


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
    def delete_document(self, doc_id: str) -> None:
        """Delete every chunk of a document, of every version."""

    @abstractmethod
    def delete_version(self, doc_id: str, content_hash: str) -> None:
        """Delete one version's chunks of a document, leaving any other version's."""

    @abstractmethod
    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        """Record the other files (doc id -> source path) whose text is this document's."""

    @abstractmethod
    def documents(self) -> dict[str, StoredDocument]:
        """Every document with chunks in the store. Two versions under one id are reported incomplete
        (expected_chunks -1): an interrupted replace, which the next ingest redoes."""

    @abstractmethod
    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
        depth: int = 0,
    ) -> list[RetrievedChunk]:
        """The k chunks nearest ``vector``, nearest first, scored by cosine similarity.

        ``ids``: only among these (any the store no longer holds are skipped); with ``exact``, by comparing the
        vector with each of them rather than searching the HNSW graph (for a few hundred ids: each vector is read
        back). ``mask``: (row of each chunk id, allowed rows): only chunks it allows, looked for among the nearest
        of the whole store, as deep as the share it allows calls for; fewer than k when the others are further down.
        ``depth``: the graph is searched for this many nearest (when more than k), of which the k nearest are kept:
        as deep as a small collection, the search reads every chunk the graph reaches.
        """

    @abstractmethod
    def get(self, ids: list[str]) -> list[RetrievedChunk]:
        """The chunks with these ids that the store holds, in the order asked."""

    @abstractmethod
    def document_chunks(self, doc_id: str) -> list[RetrievedChunk]:
        """Every stored chunk of one document (of each version it has), in text order."""

    @abstractmethod
    def iter_chunks(self) -> Iterator[RetrievedChunk]: ...

    @abstractmethod
    def count(self) -> int: ...

    def other_collections(self) -> list[tuple[str, int]]:
        """(name, chunk count) of the other collections in the same database: indexes built with other settings."""
        return []

    @abstractmethod
    def revision(self) -> str:
        """The revision the last writer published: one cheap read that changes after any process changes the store."""

    @abstractmethod
    def bump_revision(self) -> str:
        """Publish that this process changed the store, so every process sharing it brings what it derives up to
        date; returns the new revision."""

    @abstractmethod
    def log_change(self, change: dict[str, Any]) -> None:
        """Record one transaction's changes where every process sharing the store can read them (index.py)."""

    @abstractmethod
    def changes_from(self, revision: str) -> list[dict[str, Any]]:
        """The recorded transactions that started from ``revision``: one, or none when none was recorded."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held while this process changes the store; raises IndexBusy when another process may not share it."""
        yield

    def hold_writing(self) -> None:  # noqa: B027  (a store with nothing to hold does nothing)
        """Hold what ``writing`` holds until the process ends (the chat UI, which may write at any time)."""

    def writer_elsewhere(self) -> bool:
        """Whether another process is writing to the store in a way this one cannot see until it restarts."""
        return False


StoreFactory = Callable[[StoreSettings, Path, str, dict[str, str]], VectorStore]
"""(store settings, index_dir, collection name, index fingerprint) -> an open store."""

STORES: Registry[StoreFactory] = Registry("store")


@STORES.register("embedded", Package("chromadb"))
def _embedded_chroma(
    settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]
) -> VectorStore:
    """Chroma's PersistentClient under index_dir: one writing process at a time."""
    from .chroma import EmbeddedChroma

    return EmbeddedChroma(settings, index_dir, collection_name, fingerprint)


@STORES.register("server", Package("chromadb"))
def _chroma_server(
    settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]
) -> VectorStore:
    """A Chroma server (chromadb.HttpClient) that several processes share."""
    from .chroma import ChromaServer

    return ChromaServer(settings, index_dir, collection_name, fingerprint)


def make_store(
    settings: StoreSettings, index_dir: Path, collection_name: str, fingerprint: dict[str, str]
) -> VectorStore:
    """The store ``store.mode`` names, opened on the collection for these index settings."""
    return STORES[settings.mode].factory(settings, index_dir, collection_name, fingerprint)
