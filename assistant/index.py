"""The index layer: the vector store, the BM25 index with its filter catalogue, and the revision that keeps them
in step, for this process and for every other one sharing the store.

The store is the source of truth. The BM25 index (lexical/) is derived from it, locally, and records the store
revision it was built at, so that any process notices a change another one published and rebuilds its own.
Writes go through an ``IndexWriter``: each change is made in the store and recorded, so that the BM25 index it
started from can be brought up to date without reading every chunk back.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from .catalogue import Catalogue
from .chunking import PATH_SEPARATOR, index_text
from .lexical import TOKEN_SCHEME, LexicalChanges, LexicalIndex, TokenRows
from .settings import Settings
from .store import StoredDocument, VectorStore, chunk_metadata, make_store
from .types import Chunk, Document, RetrievedChunk

SCHEMA_VERSION = "5"
"""2: document text kept as written (no NFKC), so quotes and offsets read as the source does. 3: chunks carry their
document's translation_of and supersedes. 4: chunks are indexed with their chapters' and sections' titles as
written, which their metadata keeps ("context"). 5: chunks carry their document's publisher and author."""


MAX_LOGGED_CHUNKS = 20_000
"""Chunk ids one change-log entry lists; a bigger transaction tells the other processes to rebuild instead."""
REPLAY_BATCH = 1_000
"""Chunks read back per request while replaying another process's transaction."""


def index_fingerprint(settings: Settings) -> dict[str, str]:
    return {
        "embedding_model": settings.embedding.model,
        "max_tokens": str(settings.chunking.max_tokens),
        "context_prefix": str(settings.chunking.context_prefix),
        "schema": SCHEMA_VERSION,
    }


def collection_name(settings: Settings) -> str:
    """Named from the model and chunking settings, so a changed model never reuses a stale index."""
    digest = hashlib.sha256(json.dumps(index_fingerprint(settings), sort_keys=True).encode()).hexdigest()
    return f"{settings.store.collection_prefix}-{digest[:16]}"


def lexical_folder(settings: Settings, name: str) -> Path:
    """Where this process keeps its BM25 index: always local, beside (embedded) or apart from (server) the vectors.

    In server mode each machine keeps its own copy under index_dir, keyed by the server, and rebuilds it from the
    server whenever the collection's published revision changes (see Index.sync)."""
    base = settings.index_dir / "lexical"
    if settings.store.mode == "server":
        base = base / re.sub(r"[^A-Za-z0-9._-]", "_", f"server-{settings.store.host}-{settings.store.port}")
    return base / f"{name}-{TOKEN_SCHEME}"


def index_status(store: VectorStore, settings: Settings, name: str) -> dict[str, Any]:
    """What the store holds for these settings: documents, chunks, the incomplete and duplicated ones, and other
    collections. Reads the store only: `policy-assistant check` reports it without loading the model or BM25."""
    docs = store.documents()
    return {
        "embedding_model": settings.embedding.model,
        "index": store.description,
        "collection": name,
        "documents": len(docs),
        "chunks": store.count(),
        "incomplete_documents": sorted(d for d, s in docs.items() if not s.complete),
        "duplicates": {d: [f"{a} ({source})" for a, source in s.aliases] for d, s in docs.items() if s.aliases},
        "other_collections": store.other_collections(),
    }


def stored_context(chunk: RetrievedChunk) -> str:
    """What a stored chunk was indexed behind (Chunk.context)."""
    return str(chunk.metadata.get("context", ""))


def stored_entries(store: VectorStore, context_prefix: bool) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every chunk in the store as BM25 indexes it: (chunk id, index text, metadata), read back from the store."""
    for c in store.iter_chunks():
        yield c.chunk_id, index_text(str(c.metadata["title"]), stored_context(c), c.text, context_prefix), c.metadata


class Index:
    """The store and the BM25 index with its catalogue, behind one door.

    ``lexical`` is replaced whole, never changed: a question holds the one it started with while a rebuild
    makes the next.
    """

    def __init__(self, settings: Settings, store: VectorStore | None = None) -> None:
        self.settings = settings
        self.name = collection_name(settings)
        self.store = store or make_store(settings.store, settings.index_dir, self.name, index_fingerprint(settings))
        self.lexical = LexicalIndex(lexical_folder(settings, self.name))
        self._writing = threading.Lock()
        self.last_sync = ""
        """How BM25 last caught up: 'loaded', 'updated' (from this process's own changes), 'replayed' (from the
        change log), 'rebuilt' (from the store); for status and tests."""
        self.sync()

    @property
    def catalogue(self) -> Catalogue:
        return self.lexical.catalogue

    def refresh(self) -> None:
        """Before a question: catch up with a change another process published (one small read of the store)."""
        self.sync(full=False)

    def sync(self, full: bool = True, changes: LexicalChanges | None = None) -> None:
        """Keep BM25 in step with the store.

        The BM25 index remembers the store's published revision and chunk count it was built from. ``full`` (at
        start and after a write) compares both, so a writer that stopped before publishing is caught too; before
        each question only the published revision is read (one small request in server mode), so a long ingest
        elsewhere does not trigger a rebuild per question, only one when it publishes. ``changes`` are what this
        process just did (IndexWriter.commit): applied to the index they started from when that gives the store's
        chunk count, which spares reading every chunk back. Another process's transactions are replayed from the
        store's change log (``_replay``); a rebuild from the store is the fallback."""
        published = self.store.revision()
        expected = f"{published}/{self.store.count()}" if full else ""

        def current(index: LexicalIndex) -> bool:
            built = index.revision
            return built == expected if full else built.partition("/")[0] == published

        if current(self.lexical):
            return
        folder = self.lexical.folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        # One process per machine rebuilds while the others sharing index_dir wait, then load what it built.
        with FileLock(folder.with_name(folder.name + ".lock")):
            # Another thread, or another process on this machine, may have rebuilt it while we waited.
            if current(self.lexical):
                return
            fresh = LexicalIndex(folder)
            if fresh.load(reuse=self.lexical) and current(fresh):
                self.last_sync = "loaded"
            else:
                count = self.store.count()
                revision = f"{published}/{count}"
                changed = changes.apply() if changes is not None else None
                self.last_sync = "updated"
                if changed is None or len(changed.ids) != count:
                    changed, self.last_sync = self._replay(self.lexical, published, count), "replayed"
                if changed is not None:
                    fresh = changed
                    fresh.publish(revision)
                else:
                    fresh.build(stored_entries(self.store, self.settings.chunking.context_prefix), revision)
                    self.last_sync = "rebuilt"
            self.lexical = fresh

    def _replay(self, index: LexicalIndex, published: str, count: int) -> LexicalIndex | None:
        """The index brought to ``published`` through the store's change log: each transaction another process
        committed since this index was built, applied in turn as a delta (the chunks it added read back by id and
        tokenised, what it removed tombstoned), so the cost follows the change, not the index. None, and a
        rebuild from the store, when the log does not lead there: a writer still writing or killed before it
        committed, two writers interleaved, a log pruned past this index, or a result that does not hold the
        store's chunk count."""
        revision = index.revision.partition("/")[0]
        if not revision:
            return None
        while revision != published:
            found = self.store.changes_from(revision)
            if len(found) != 1 or found[0].get("rebuild"):
                return None
            change = found[0]
            added = TokenRows()
            for start in range(0, len(change["added"]), REPLAY_BATCH):
                for chunk in self.store.get(change["added"][start : start + REPLAY_BATCH]):
                    title = str(chunk.metadata["title"])
                    prefix = self.settings.chunking.context_prefix
                    text = index_text(title, stored_context(chunk), chunk.text, prefix)
                    added.add(chunk.chunk_id, text, chunk.metadata)
            # Applied even when a removal empties the index: that is still the index to go on from.
            index = index.changed(set(change["removed_docs"]), set(change["removed_versions"]), added)
            revision = str(change["end"])
        return index if len(index.ids) == count else None

    @contextmanager
    def transaction(self) -> Iterator[IndexWriter]:
        """Writes, one transaction at a time per process; a store that one process writes at a time (embedded
        Chroma) raises IndexBusy when another holds it. Nothing is published until ``IndexWriter.commit``."""
        with self._writing, self.store.writing():
            yield IndexWriter(self)

    def hold_writing(self) -> None:
        """Keep this process the one writer of the store until it ends (see VectorStore.hold_writing)."""
        self.store.hold_writing()

    def documents(self) -> dict[str, StoredDocument]:
        return self.store.documents()

    def chunks(self, ids: list[str]) -> list[RetrievedChunk]:
        """The stored chunks with these ids, in the order asked (those no longer stored left out)."""
        return self.store.get(ids)

    def document_text(self, doc_id: str) -> str | None:
        """The document as it was indexed, from its stored chunks placed at their offsets (citations point into it).

        Nothing is read from the file, which may have changed or gone since. What lay between two chunks (blank
        lines, headings) is white space of the same length, with the heading when it fits. None when the document
        is not indexed, or not whole (an ingest is writing it).
        """
        versions: dict[str, list[RetrievedChunk]] = {}
        for chunk in self.store.document_chunks(doc_id):
            versions.setdefault(str(chunk.metadata["doc_hash"]), []).append(chunk)
        whole = [chunks for chunks in versions.values() if len(chunks) == int(chunks[0].metadata["n_chunks"])]
        if len(whole) != 1:
            return None
        parts: list[str] = []
        end = 0
        path: list[str] = []
        for chunk in whole[0]:
            labels = chunk.heading_path.split(PATH_SEPARATOR) if chunk.heading_path else []
            new = [label for i, label in enumerate(labels) if path[i : i + 1] != [label]]
            shown = [label for label in new if not chunk.text.startswith(label)]
            if not end and chunk.start:
                shown.insert(0, str(chunk.metadata["title"]))
            parts.append(_gap(chunk.start - end, shown, first=not end))
            parts.append(chunk.text)
            end, path = chunk.end, labels
        return "".join(parts)


def _gap(length: int, headings: list[str], first: bool) -> str:
    """``length`` characters standing in for text that is not stored: the headings on lines of their own when
    they fit, else a paragraph break."""
    shown = "\n".join(headings)
    lead = "" if first else "\n\n"
    if shown and length >= len(lead) + len(shown) + 2:
        return lead + shown + " " * (length - len(lead) - len(shown) - 2) + "\n\n"
    return " " * (length - 2) + "\n\n" if length >= 2 else " " * length


class IndexWriter:
    """One transaction's changes to the store, each recorded as it is made, and published by ``commit``.

    The first change publishes a new revision before it writes: a reader, or the rerun after a crash, then knows
    its BM25 index may be stale even if this process dies before it publishes its own. Calls come from one thread
    at a time (an ingest's writer thread takes turns with the thread that started it).
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.store = index.store
        self.started = False
        self.before = ""
        self.changes = LexicalChanges(None)

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        # Recording starts from the BM25 index as it is, when it matches the store (a count() costs 10-50 ms at
        # 100k chunks embedded: not paid by a transaction that writes nothing).
        lexical, store = self.index.lexical, self.store
        self.before = store.revision()
        self.changes = LexicalChanges(lexical if lexical.revision == f"{self.before}/{store.count()}" else None)
        store.bump_revision()

    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        """Store documents' chunks with their vectors, in as few calls as the store takes; BM25 tokens are made
        here for chunks that do not carry them."""
        self._start()
        self.store.add(items)
        for doc, chunks, _ in items:
            for i, chunk in enumerate(chunks):
                meta = chunk_metadata(doc, chunk, i, len(chunks))
                self.changes.add(chunk.chunk_id, chunk.index_text, meta, chunk.tokens)

    def delete_document(self, doc_id: str) -> None:
        self._start()
        self.store.delete_document(doc_id)
        self.changes.remove_document(doc_id)

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        self._start()
        self.store.delete_version(doc_id, content_hash)
        self.changes.remove_version(doc_id, content_hash)

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        self._start()
        self.store.set_aliases(doc_id, aliases)

    def commit(self, always: bool = False) -> None:
        """Publish what was written, log it for the other processes sharing the store (each replays it on its
        own BM25 instead of rebuilding), and bring this process's BM25 up to date; with ``always``, even when
        nothing was written."""
        if not (self.started or always):
            return
        before = self.before if self.started else self.store.revision()
        end = self.store.bump_revision()
        added = self.changes.added.ids
        change: dict[str, Any] = {"before": before, "end": end}
        if len(added) > MAX_LOGGED_CHUNKS:  # a first bulk ingest: reading it back costs what a rebuild does
            change["rebuild"] = True
        else:
            change |= {
                "added": list(added),
                "removed_docs": sorted(self.changes.removed_docs),
                "removed_versions": sorted(self.changes.removed_versions),
            }
        self.store.log_change(change)
        self.index.sync(changes=self.changes)
