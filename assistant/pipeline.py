"""The one door every face uses: Assistant.ingest() and Assistant.ask()."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answer import Generator, make_generator
from .chunking import chunk_document, index_text
from .documents import DocumentError, discover, load_document
from .embedding import Embedder, make_embedder
from .lexical import LexicalIndex
from .retrieve import Filters, Retrieval, Retriever
from .settings import Settings
from .store import StoredDocument, VectorStore, make_store
from .types import Answer, Chunk, Document

SCHEMA_VERSION = "1"
MAX_QUESTION_CHARS = 2000
_EMBED_BATCH_CHUNKS = 512


class QuestionError(ValueError):
    """A question that cannot be asked; the message says why."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def indexed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed; {self.chunks_embedded} chunks embedded"
        )


def index_fingerprint(settings: Settings) -> dict[str, str]:
    return {
        "embedding_model": settings.embedding.model,
        "max_tokens": str(settings.chunking.max_tokens),
        "context_prefix": str(settings.chunking.context_prefix),
        "schema": SCHEMA_VERSION,
    }


def lexical_folder(settings: Settings, name: str) -> Path:
    """Where this process keeps its BM25 index: always local, beside (embedded) or apart from (server) the vectors.

    In server mode each machine keeps its own copy under index_dir, keyed by the server, and rebuilds it from the
    server whenever the collection's published revision changes (see Assistant._sync_lexical)."""
    base = settings.index_dir / "lexical"
    if settings.store.mode == "server":
        base = base / re.sub(r"[^A-Za-z0-9._-]", "_", f"server-{settings.store.host}-{settings.store.port}")
    return base / name


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """An advisory lock beside ``folder``: one process per machine rebuilds it while the others wait, then load."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one process per index_dir there
        yield
        return
    with open(folder.with_name(folder.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def collection_name(settings: Settings) -> str:
    """Named from the model and chunking settings, so a changed model never reuses a stale index."""
    digest = hashlib.sha256(json.dumps(index_fingerprint(settings), sort_keys=True).encode()).hexdigest()
    return f"policy-{digest[:16]}"


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or make_embedder(self.settings.embedding)
        self.collection_name = collection_name(self.settings)
        self.store: VectorStore = make_store(
            self.settings.store, self.settings.index_dir, self.collection_name, index_fingerprint(self.settings)
        )
        self.lexical = LexicalIndex(lexical_folder(self.settings, self.collection_name))
        self.retriever = Retriever(self.settings.retrieval, self.store, self.lexical, self.embedder)
        self.generator: Generator = make_generator(self.settings.answer, self.embedder, self.lexical.idf)
        self._sync_lexical()

    def _sync_lexical(self, force: bool = False, full: bool = True) -> None:
        """Keep BM25 in step with the vector store; the store is the source of truth.

        The BM25 index remembers the store's published revision and chunk count it was built from. ``full`` (at
        start and after an ingest) compares both, so a writer that stopped before publishing is caught too; before
        each question only the published revision is read (one small request in server mode), so a long ingest
        elsewhere does not trigger a rebuild per question, only one when it publishes. With ``force`` this process
        has just changed the store and publishes a new revision first, so every other process sharing the store
        (two UIs on one Chroma server) rebuilds its own BM25 before its next answer."""
        if force:
            self.store.bump_revision()
        published = self.store.revision()
        expected = f"{published}/{self.store.count()}" if full else ""

        def current() -> bool:
            built = self.lexical.revision
            return built == expected if full else built.partition("/")[0] == published

        if current():
            return
        with _exclusive(self.lexical.folder):
            # Another thread, or another process on this machine, may have rebuilt it while we waited.
            if current() or (self.lexical.load() and current()):
                return
            context = self.settings.chunking.context_prefix
            self.lexical.build(
                (
                    (c.chunk_id, index_text(str(c.metadata["title"]), c.heading_path, c.text, context), c.metadata)
                    for c in self.store.iter_chunks()
                ),
                expected or f"{published}/{self.store.count()}",
            )

    def ingest(
        self, paths: Iterable[Path], prune: bool = False, progress: Callable[[int, int, str], None] | None = None
    ) -> IngestReport:
        """Index new and changed documents; skip unchanged ones; with ``prune``, drop documents that are gone."""
        report = IngestReport()
        stored = self.store.documents()
        try:
            files = list(discover(list(paths)))
        except DocumentError as exc:
            report.failed.append(str(exc))
            return report
        seen: set[str] = set()
        pending: list[tuple[Document, list[Chunk], StoredDocument | None]] = []
        for number, (path, doc_id) in enumerate(files, 1):
            if progress:
                progress(number, len(files), str(path))
            try:
                doc = load_document(path, doc_id)
            except DocumentError as exc:
                report.failed.append(str(exc))
                continue
            except Exception as exc:  # a reader library failing on odd input must not stop the batch
                report.failed.append(f"{path}: could not be read ({type(exc).__name__}: {exc})")
                continue
            seen.add(doc_id)
            old = stored.get(doc_id)
            if old and old.content_hash == doc.content_hash and old.complete:
                report.unchanged.append(doc_id)
                continue
            chunks = chunk_document(
                doc,
                self.settings.chunking.max_tokens,
                self.embedder.count_tokens,
                self.settings.chunking.context_prefix,
            )
            if not chunks:
                report.failed.append(f"{path}: no text to index after cleaning")
                continue
            pending.append((doc, chunks, old))
            if sum(len(c) for _, c, _ in pending) >= _EMBED_BATCH_CHUNKS:
                self._write(pending, report)
                pending = []
        self._write(pending, report)
        if prune:
            for doc_id in sorted(set(stored) - seen):
                self.store.delete_document(doc_id)
                report.removed.append(doc_id)
        if report.added or report.updated or report.removed or any(not d.complete for d in stored.values()):
            self._sync_lexical(force=True)
        return report

    def _write(self, pending: list[tuple[Document, list[Chunk], StoredDocument | None]], report: IngestReport) -> None:
        if not pending:
            return
        vectors = self.embedder.embed([c.index_text for _, chunks, _ in pending for c in chunks])
        offset = 0
        for doc, chunks, old in pending:
            doc_vectors = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            try:
                if old is not None:
                    self.store.delete_document(doc.doc_id)
                self.store.add(doc, chunks, doc_vectors)
            except Exception as exc:  # one document's write failing must not stop the batch
                report.failed.append(f"{doc.source}: could not be stored ({exc})")
                continue
            (report.updated if old is not None else report.added).append(doc.doc_id)
            report.chunks_embedded += len(chunks)

    def retrieve(self, question: str, filters: Filters | None = None) -> Retrieval:
        self._check_question(question)
        self._sync_lexical(full=False)  # another process sharing the store may have changed it
        return self.retriever.retrieve(question, filters)

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        filters = filters or Filters()
        retrieval = self.retrieve(question, filters)
        answer = self.generator.generate(question.strip(), retrieval)
        answer.filters = filters.as_dict()
        return answer

    @staticmethod
    def _check_question(question: str) -> None:
        if not question.strip():
            raise QuestionError("the question is empty; type a question")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")

    def documents(self) -> dict[str, StoredDocument]:
        return self.store.documents()

    def status(self) -> dict[str, Any]:
        docs = self.store.documents()
        return {
            "embedding_model": self.settings.embedding.model,
            "index": self.store.description,
            "collection": self.collection_name,
            "documents": len(docs),
            "chunks": self.store.count(),
            "incomplete_documents": sorted(d for d, s in docs.items() if not s.complete),
        }
