"""Ingest transactions: read every file, find copies, embed and write in batches, record aliases, prune.

Writes go in the order docs/reliability.md gives, so an ingest killed at any point is completed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .chunking import chunk_document
from .documents import discover, file_hash, load_document
from .embedding import Embedder
from .index import IndexWriter
from .reading import POOL_MIN_FILES, WorkerReading, read_failure, worker_count
from .settings import Settings
from .store import StoredDocument
from .types import Chunk, Document

Progress = Callable[[int, int, str], None]
"""(done so far, in all, the file): files read during an ingest, or one document's passages embedded."""
EMBED_PROGRESS_BATCH = 128
"""Passages embedded per call when ingest reports embedding progress: small enough for a progress bar to move."""
Batch = list[tuple[Document, list[Chunk], StoredDocument | None]]
"""Documents to write, each with its chunks and what the store held under its id before."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Indexed, with something left out: one line each, naming the file."""
    duplicates: dict[str, str] = field(default_factory=dict)
    """Newly found copies: doc id -> the indexed document with the same text (indexed once, both paths kept)."""
    chunks_embedded: int = 0

    @property
    def indexed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged) + len(self.duplicates)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.duplicates)} duplicates, {len(self.removed)} removed, {len(self.failed)} failed; "
            f"{self.chunks_embedded} chunks embedded"
        )


class Ingest:
    """One run of Assistant.ingest, inside one index transaction.

    Never stops for one bad file: each adds one line to ``failed``. A file whose text is already indexed under
    another id is recorded as an alias of that document instead of being indexed twice.
    """

    def __init__(
        self,
        writer: IndexWriter,
        embedder: Embedder,
        settings: Settings,
        paths: list[Path],
        prune: bool,
        progress: Progress | None = None,
        on_embed: Progress | None = None,
    ) -> None:
        self.writer = writer
        self.embedder = embedder
        self.settings = settings
        self.prune = prune
        self.progress = progress
        self.on_embed = on_embed
        self.report = IngestReport()
        self.stored = writer.index.documents()
        self.files = list(discover(paths, self.report.failed))
        self.present = {doc_id for _, doc_id in self.files}
        self.max_bytes = int(settings.limits.max_file_mb * 2**20)
        # The indexed text of each document that stays, to find copies by: content hash -> doc id.
        self.by_hash: dict[str, str] = {}
        for doc in self.stored.values():
            if doc.complete and (not prune or doc.doc_id in self.present):
                self.by_hash.setdefault(doc.content_hash, doc.doc_id)
        # Aliases as they should be after this run: primary doc id -> {alias doc id: source path}.
        self.aliases: dict[str, dict[str, str]] = {d.doc_id: dict(d.aliases) for d in self.stored.values()}
        if prune:
            for kept in self.aliases.values():
                for alias in [a for a in kept if a not in self.present]:
                    del kept[alias]
        self.rewritten: set[str] = set()
        """Documents written in this run: their chunks carry no aliases until recorded again."""
        self.pending: Batch = []
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write")
        self.in_flight: tuple[Batch, Future[set[str]]] | None = None

    def run(self) -> IngestReport:
        try:
            seen: dict[str, Path] = {}
            copies, orphans = self._read(seen)
            self._flush()
            self._settle()
            # Aliases of documents whose text changed, not read in this run: read them again from where they were.
            for alias_id, source in orphans.items():
                if alias_id in seen or (self.prune and alias_id not in self.present):
                    continue
                doc = self._load(Path(source), alias_id)
                if doc is not None:
                    copies.append((doc, None))
            for doc, old in copies:
                self._place_copy(doc, old)
            self._flush()
            self._settle()
        finally:
            self.thread.shutdown(wait=True)  # a write in flight always finishes: nothing is left half-recorded
        self._record_aliases()
        if self.prune:
            for doc_id in sorted(set(self.stored) - self.present):
                self.writer.delete_document(doc_id)
                self.report.removed.append(doc_id)
        # An incomplete document left as it was (its file unreadable now) still needs the BM25 index checked.
        self.writer.commit(always=any(not d.complete for d in self.stored.values()))
        return self.report

    def _read(self, seen: dict[str, Path]) -> tuple[list[tuple[Document, StoredDocument | None]], dict[str, str]]:
        """Read each new or changed file and queue it; returns the copies of other documents' text, decided once
        every changed document is written, and the aliases of documents whose text changed."""
        copies: list[tuple[Document, StoredDocument | None]] = []
        orphans: dict[str, str] = {}
        unchanged = [self._unchanged_file(path, self.stored.get(doc_id)) for path, doc_id in self.files]
        first: dict[str, int] = {}
        to_read = [
            (path, doc_id)
            for number, (path, doc_id) in enumerate(self.files)
            if first.setdefault(doc_id, number) == number and not unchanged[number]
        ]
        # Closed when the loop ends, however it ends: worker processes never outlive the reading.
        with closing(self._reading(to_read)) as read:
            for number, (path, doc_id) in enumerate(self.files, 1):
                if self.progress:
                    self.progress(number, len(self.files), str(path))
                if doc_id in seen:
                    self.report.failed.append(
                        f"{path}: its id '{doc_id}' is already taken by {seen[doc_id]} in this run; "
                        "rename one of them or ingest their folders"
                    )
                    continue
                seen[doc_id] = path
                old = self.stored.get(doc_id)
                if unchanged[number - 1]:
                    self.report.unchanged.append(doc_id)
                    continue
                doc, chunks = next(read)
                if doc is None:
                    continue
                if old and old.content_hash == doc.content_hash and old.complete:
                    described = (old.title, old.date, old.doc_type, old.lang, old.translation_of, old.supersedes)
                    if described == (doc.title, doc.date, doc.doc_type, doc.lang, doc.translation_of, doc.supersedes):
                        self.report.unchanged.append(doc_id)
                    else:
                        # The same text newly described (a sidecar edited). The title is embedded, so the chunks are
                        # written again; their ids are the same, so like an interrupted write's: cleared, then written.
                        self._queue(doc, replace(old, expected_chunks=-1), chunks)
                    continue
                primary = self.by_hash.get(doc.content_hash)
                if primary is not None and primary != doc_id:
                    copies.append((doc, old))
                    continue
                if old is not None:
                    # Its old text is going: copies of that text must be indexed on their own (see run).
                    if self.by_hash.get(old.content_hash) == doc_id:
                        del self.by_hash[old.content_hash]
                    orphans.update(self.aliases.pop(doc_id, {}))
                self._queue(doc, old, chunks)
        return copies, orphans

    def _reading(self, files: list[tuple[Path, str]]) -> Generator[tuple[Document | None, list[Chunk] | None]]:
        """Each file read, in order: its document (None: it could not be read, and the report says why) and its
        chunks when a worker made them. Files are read in worker processes when there are enough of them and the
        embedder's tokenizer can count there (limits.ingest_workers, reading.py), otherwise here, one at a time
        as the ingest reaches them; either way notes and failures reach the report in file order."""
        workers = worker_count(self.settings.limits.ingest_workers)
        tokenizer = self.embedder.tokenizer_json() if workers > 1 and len(files) >= POOL_MIN_FILES else None
        if tokenizer is None:
            for path, doc_id in files:
                yield self._load(path, doc_id), None
            return
        chunking = self.settings.chunking
        pool = WorkerReading(files, workers, (tokenizer, chunking.max_tokens, chunking.context_prefix, self.max_bytes))
        try:
            for prepared in pool:
                self.report.notes.extend(prepared.notes)
                if prepared.failure:
                    self.report.failed.append(prepared.failure)
                yield prepared.doc, prepared.chunks
        finally:
            pool.close()

    @staticmethod
    def _unchanged_file(path: Path, old: StoredDocument | None) -> bool:
        """Whether the file's bytes and sidecar are those of the whole indexed document: then it is not read."""
        if old is None or not old.complete or not old.file_hash or old.source != str(path):
            return False
        try:
            return file_hash(path) == old.file_hash
        except OSError:  # reading it properly says what is wrong
            return False

    def _load(self, path: Path, doc_id: str) -> Document | None:
        try:
            return load_document(path, doc_id, self.max_bytes, self.report.notes)
        except Exception as exc:  # a reader library failing on odd input must not stop the batch
            self.report.failed.append(read_failure(path, exc))
        return None

    def _drop_alias(self, doc_id: str) -> None:
        for kept in self.aliases.values():
            kept.pop(doc_id, None)

    def _queue(self, doc: Document, old: StoredDocument | None, chunks: list[Chunk] | None = None) -> None:
        """Chunk the document (unless a worker did) and add it to the batch to embed."""
        if chunks is None:
            settings, embedder = self.settings.chunking, self.embedder
            count, many = embedder.count_tokens, embedder.count_tokens_many  # many: a document's units in one call
            chunks = chunk_document(doc, settings.max_tokens, count, settings.context_prefix, many)
        if not chunks:
            self.report.failed.append(f"{doc.source}: no text to index after cleaning")
            return
        self._drop_alias(doc.doc_id)  # indexed on its own now
        self.by_hash[doc.content_hash] = doc.doc_id
        self.pending.append((doc, chunks, old))
        if sum(len(c) for _, c, _ in self.pending) >= self.settings.limits.ingest_batch_chunks:
            self._flush()

    def _flush(self) -> None:
        """Embed the pending batch, then hand it to the writer thread: the store writes one batch while the model
        embeds the next (Chroma's writes cost about as much as embedding on a GPU)."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        vectors = self._embed(pending)
        # One batch in flight: writes stay in order, and memory holds at most two batches.
        self._settle()
        self.in_flight = (pending, self.thread.submit(self._write, pending, vectors))

    def _embed(self, batch: Batch) -> np.ndarray:
        """Every chunk of the batch, in order: the one place an ingest embeds. In one call; with ``on_embed``,
        document by document in sub-batches, so that a listener (the chat UI's upload bar) can say which file is
        being embedded and how far it has got."""
        if self.on_embed is None:
            return self.embedder.embed([chunk.index_text for _, chunks, _ in batch for chunk in chunks])
        parts = []
        for doc, chunks, _ in batch:
            for start in range(0, len(chunks), EMBED_PROGRESS_BATCH):
                self.on_embed(start, len(chunks), doc.source)
                parts.append(self.embedder.embed([c.index_text for c in chunks[start : start + EMBED_PROGRESS_BATCH]]))
            self.on_embed(len(chunks), len(chunks), doc.source)
        return np.concatenate(parts)

    def _settle(self) -> None:
        """Wait for the batch being written, and record what it did."""
        if self.in_flight is None:
            return
        pending, future = self.in_flight
        self.in_flight = None
        failed = future.result()
        for doc, _, _ in pending:
            if doc.doc_id in failed:
                if self.by_hash.get(doc.content_hash) == doc.doc_id:
                    del self.by_hash[doc.content_hash]
            else:
                self.rewritten.add(doc.doc_id)

    def _write(self, pending: Batch, vectors: np.ndarray) -> set[str]:
        """Store an embedded batch in as few calls as the store takes (on the writer thread); returns the ids of the
        documents that could not be stored."""
        failed: set[str] = set()

        def refused(doc: Document, exc: Exception) -> None:
            self.report.failed.append(f"{doc.source}: could not be stored ({exc})")
            failed.add(doc.doc_id)

        ready: list[tuple[Document, list[Chunk], np.ndarray, StoredDocument | None]] = []
        offset = 0
        for doc, chunks, old in pending:
            doc_vectors = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            if old is not None and not old.complete:
                try:
                    self.writer.delete_document(doc.doc_id)  # what an interrupted write left: clear, then redo
                except Exception as exc:
                    refused(doc, exc)
                    continue
            ready.append((doc, chunks, doc_vectors, old))
        stored = ready
        try:
            self.writer.add([(doc, chunks, doc_vectors) for doc, chunks, doc_vectors, _ in ready])
        except Exception:
            # One document the store refuses must not cost the batch: find it by writing them one by one.
            stored = []
            for doc, chunks, doc_vectors, old in ready:
                try:
                    self.writer.delete_version(doc.doc_id, doc.content_hash)  # whatever the batch left of it
                    self.writer.add([(doc, chunks, doc_vectors)])
                except Exception as exc:
                    refused(doc, exc)
                    continue
                stored.append((doc, chunks, doc_vectors, old))
        for doc, chunks, _, old in stored:
            self._written(doc, chunks, old)
        return failed

    def _written(self, doc: Document, chunks: list[Chunk], old: StoredDocument | None) -> None:
        (self.report.updated if old is not None else self.report.added).append(doc.doc_id)
        self.report.chunks_embedded += len(chunks)
        # The new version is in before the old one goes: the document is never missing, even mid-crash.
        if old is not None and old.complete and old.content_hash != doc.content_hash:
            try:
                self.writer.delete_version(doc.doc_id, old.content_hash)
            except Exception as exc:  # both versions stay: reported incomplete, and redone by the next ingest
                self.report.failed.append(f"{doc.source}: its old version could not be removed ({exc})")

    def _place_copy(self, doc: Document, old: StoredDocument | None) -> None:
        """A file whose text another document has: record it as that one's alias, or index it if none is left."""
        primary = self.by_hash.get(doc.content_hash)
        if primary is None or primary == doc.doc_id:
            self._queue(doc, old)
            return
        if old is not None:  # it was indexed on its own, and now has another document's text
            self._settle()  # the writer thread writes too: one writer at a time
            self.writer.delete_document(doc.doc_id)
            self.rewritten.discard(doc.doc_id)
        known = self.aliases.get(primary, {}).get(doc.doc_id) == doc.source and old is None
        self._drop_alias(doc.doc_id)
        self.aliases.setdefault(primary, {})[doc.doc_id] = doc.source
        if known:
            self.report.unchanged.append(doc.doc_id)
        else:
            self.report.duplicates[doc.doc_id] = primary

    def _record_aliases(self) -> None:
        for primary, kept in sorted(self.aliases.items()):
            old = self.stored.get(primary)
            before = dict(old.aliases) if old is not None and primary not in self.rewritten else {}
            if kept == before or primary not in self.by_hash.values():
                continue
            self.writer.set_aliases(primary, kept)
