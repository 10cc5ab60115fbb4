"""The one door every face uses: Assistant.ingest() and Assistant.ask()."""

from __future__ import annotations

import copy
import hashlib
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .answer import EvidenceUnit, ExtractiveGenerator, Generator, SentenceSink, make_generator, refusal
from .answer.base import compose
from .answer.llm import LLMGenerator
from .chunking import PATH_SEPARATOR, chunk_document, index_text
from .citing import annotate
from .conversation import contextualise
from .documents import DocumentError, discover, file_hash, load_document
from .embedding import Embedder, make_embedder
from .lexical import LexicalChanges, LexicalIndex
from .retrieve import Filters, Retrieval, Retriever
from .settings import Settings
from .store import StoredDocument, VectorStore, chunk_metadata, make_store
from .types import Answer, Chunk, Document, RetrievedChunk
from .verify import Verifier, check_answer

SCHEMA_VERSION = "3"
"""2: document text kept as written (no NFKC), so quotes and offsets read as the source does. 3: chunks carry their
document's translation_of and supersedes."""
MAX_QUESTION_CHARS = 2000
EMBED_PROGRESS_BATCH = 128
"""Passages embedded per call when ingest reports embedding progress: small enough for a progress bar to move."""


class QuestionError(ValueError):
    """A question that cannot be asked; the message says why."""


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


def stored_entries(store: VectorStore, context_prefix: bool) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every chunk in the store as BM25 indexes it: (chunk id, index text, metadata), read back from the store."""
    for c in store.iter_chunks():
        yield c.chunk_id, index_text(str(c.metadata["title"]), c.heading_path, c.text, context_prefix), c.metadata


def collection_name(settings: Settings) -> str:
    """Named from the model and chunking settings, so a changed model never reuses a stale index."""
    digest = hashlib.sha256(json.dumps(index_fingerprint(settings), sort_keys=True).encode()).hexdigest()
    return f"{settings.store.collection_prefix}-{digest[:16]}"


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
        # Through self.lexical at call time: _sync_lexical swaps in a new index rather than changing this one.
        self.extractive = ExtractiveGenerator(
            self.settings.answer, self.embedder, lambda token: self.lexical.idf(token), self.store.get
        )
        self.generator: Generator = make_generator(self.settings, self.extractive)
        self.verifier = Verifier(self.embedder, lambda token: self.lexical.idf(token), self.settings.verify)
        self._ingesting = threading.Lock()
        self._sync_lexical()

    def _sync_lexical(self, force: bool = False, full: bool = True, changes: LexicalChanges | None = None) -> None:
        """Keep BM25 in step with the vector store; the store is the source of truth.

        The BM25 index remembers the store's published revision and chunk count it was built from. ``full`` (at
        start and after an ingest) compares both, so a writer that stopped before publishing is caught too; before
        each question only the published revision is read (one small request in server mode), so a long ingest
        elsewhere does not trigger a rebuild per question, only one when it publishes. With ``force`` this process
        has just changed the store and publishes a new revision first, so every other process sharing the store
        (two UIs on one Chroma server) rebuilds its own BM25 before its next answer. ``changes`` are what this
        process just did: applied to the index they started from when that gives the store's chunk count, which
        spares reading every chunk back (a rebuild from the store is the fallback, and what other processes do)."""
        if force:
            self.store.bump_revision()
        published = self.store.revision()
        expected = f"{published}/{self.store.count()}" if full else ""

        def current(index: LexicalIndex) -> bool:
            built = index.revision
            return built == expected if full else built.partition("/")[0] == published

        if current(self.lexical):
            return
        with _exclusive(self.lexical.folder):
            # Another thread, or another process on this machine, may have rebuilt it while we waited.
            if current(self.lexical):
                return
            # Threads answering now keep reading the index they hold; the new one is swapped in whole.
            fresh = LexicalIndex(self.lexical.folder)
            if not (fresh.load() and current(fresh)):
                revision = expected or f"{published}/{self.store.count()}"
                rows = changes.apply() if changes is not None else None
                if rows is not None and f"{published}/{len(rows)}" == revision:
                    fresh.save(rows, revision)
                else:
                    fresh.build(stored_entries(self.store, self.settings.chunking.context_prefix), revision)
            self._use_lexical(fresh)

    def _lexical_changes(self) -> LexicalChanges:
        """Start recording changes to the store, based on the current BM25 index if it matches the store."""
        current = self.lexical.revision == f"{self.store.revision()}/{self.store.count()}"
        return LexicalChanges(self.lexical if current else None)

    def _use_lexical(self, index: LexicalIndex) -> None:
        """Swap in a new BM25 index: a question being answered keeps the retriever (and index) it started with."""
        retriever = copy.copy(self.retriever)
        retriever.lexical = index
        self.lexical = index
        self.retriever = retriever

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[int, int, str], None] | None = None,
        on_embed: Callable[[int, int, str], None] | None = None,
    ) -> IngestReport:
        """Index new and changed documents; skip unchanged ones; with ``prune``, drop documents that are gone.

        Never stops for one bad file: each adds one line to ``failed``. A file whose text is already indexed
        under another id is recorded as an alias of that document instead of being indexed twice. Writes go in
        the order docs/reliability.md gives, so an ingest killed at any point is completed by running it again.
        ``progress(number, files, path)`` is called as each file is read; ``on_embed(done, passages, path)`` as each
        document is embedded, before each sub-batch of EMBED_PROGRESS_BATCH passages and once at the end.
        """
        # One ingest at a time per Assistant, and one writing process per embedded index; questions go on meanwhile.
        with self._ingesting, self.store.writing():
            return _Ingest(self, list(paths), prune, progress, on_embed).run()

    def _begin_writes(self) -> None:
        """Publish a new store revision before the first write: a reader, or the rerun after a crash, then knows
        its BM25 index may be stale even if this ingest dies before publishing its own."""
        self.store.bump_revision()

    def _write(
        self,
        pending: list[tuple[Document, list[Chunk], StoredDocument | None]],
        vectors: Any,
        report: IngestReport,
        changes: LexicalChanges,
    ) -> set[str]:
        """Store an embedded batch in as few calls as the store takes; returns the ids that could not be stored."""
        failed: set[str] = set()

        def refused(doc: Document, exc: Exception) -> None:
            report.failed.append(f"{doc.source}: could not be stored ({exc})")
            failed.add(doc.doc_id)

        ready: list[tuple[Document, list[Chunk], Any, StoredDocument | None]] = []
        offset = 0
        for doc, chunks, old in pending:
            doc_vectors = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            if old is not None and not old.complete:
                try:
                    self.store.delete_document(doc.doc_id)  # what an interrupted write left: clear, then redo
                except Exception as exc:
                    refused(doc, exc)
                    continue
                changes.remove_document(doc.doc_id)
            ready.append((doc, chunks, doc_vectors, old))
        stored = ready
        try:
            self.store.add([(doc, chunks, doc_vectors) for doc, chunks, doc_vectors, _ in ready])
        except Exception:
            # One document the store refuses must not cost the batch: find it by writing them one by one.
            stored = []
            for doc, chunks, doc_vectors, old in ready:
                try:
                    self.store.delete_version(doc.doc_id, doc.content_hash)  # whatever the batch left of it
                    self.store.add([(doc, chunks, doc_vectors)])
                except Exception as exc:
                    refused(doc, exc)
                    continue
                stored.append((doc, chunks, doc_vectors, old))
        for doc, chunks, _, old in stored:
            for i, chunk in enumerate(chunks):
                changes.add(chunk.chunk_id, chunk.index_text, chunk_metadata(doc, chunk, i, len(chunks)))
            (report.updated if old is not None else report.added).append(doc.doc_id)
            report.chunks_embedded += len(chunks)
            # The new version is in before the old one goes: the document is never missing, even mid-crash.
            if old is not None and old.complete and old.content_hash != doc.content_hash:
                try:
                    self.store.delete_version(doc.doc_id, old.content_hash)
                except Exception as exc:  # both versions stay: reported incomplete, and redone by the next ingest
                    report.failed.append(f"{doc.source}: its old version could not be removed ({exc})")
                    continue
                changes.remove_version(doc.doc_id, old.content_hash)
        return failed

    def retrieve(self, question: str, filters: Filters | None = None) -> Retrieval:
        self._check_question(question)
        return self._retrieve(question, filters)

    def _retrieve(self, question: str, filters: Filters | None) -> Retrieval:
        self._sync_lexical(full=False)  # another process sharing the store may have changed it
        return self.retriever.retrieve(question, filters)

    def ask(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer ``question``; ``history`` holds the conversation's earlier questions, oldest first, so that a
        follow-up ("and the fine?") is searched with the subject of the one before (conversation.py)."""
        filters = filters or Filters()
        self._check_question(question)
        searched = self.searched_for(question, history)
        retrieval = self._retrieve(searched, filters)
        answer = self._answer(searched, retrieval)
        return self._finish(answer, question, searched, filters)

    def searched_for(self, question: str, history: Sequence[str] = ()) -> str:
        """What a question is searched with: itself, or with the previous question's subject (a follow-up). With
        an LLM generator, the model condenses a follow-up into a standalone question (llama-index's condense step);
        the rule-based rewrite stands when it gives nothing usable."""
        if not history:
            return question.strip()
        self._sync_lexical(full=False)
        searched = contextualise(question.strip(), history, self.retriever.titles())
        if searched != question.strip() and isinstance(self.generator, LLMGenerator):
            return self.generator.condense(question.strip(), list(history)) or searched
        return searched

    @staticmethod
    def _finish(answer: Answer, question: str, searched: str, filters: Filters) -> Answer:
        answer.question = question.strip()
        answer.searched_for = searched if searched != question.strip() else ""
        answer.filters = filters.as_dict()
        return answer

    def _answer(self, question: str, retrieval: Retrieval, on_sentence: SentenceSink | None = None) -> Answer:
        """Generate, then check every sentence against its citations before the answer is final. An LLM's checked
        answer gives way to the quoted one when nothing of it survives, or when the evidence it kept is weaker (by
        ``answer.llm_loses_by``) than what the quoted answer rests on; ``Answer.decision`` says which and why."""
        show = self.settings.verify.show_unsupported
        answer = check_answer(self.generator.generate(question, retrieval, on_sentence), self.verifier, show)
        if self.generator is self.extractive or (answer.refused and not answer.dropped):
            return self._annotate(answer)
        if not answer.sentences and self.settings.verify.fallback == "refuse":
            return replace(refusal(question, retrieval), dropped=answer.dropped)
        quoted = check_answer(self.extractive.generate(question, retrieval), self.verifier)
        kept = max((s.score for s in answer.sentences if s.score is not None), default=float("-inf"))
        best = max((s.score for s in quoted.sentences if s.score is not None), default=float("-inf"))
        if not answer.sentences:
            quoted.decision = "No sentence the model wrote survived the check: the evidence is quoted instead."
        elif not quoted.refused and kept < best - self.settings.answer.llm_loses_by:
            quoted.decision = (
                f"The model's checked sentences rest on weaker evidence (score {kept:.2f}) than the quoted answer "
                f"({best:.2f}): the quoted answer is shown."
            )
        else:
            return self._annotate(answer)
        quoted.dropped = answer.dropped + answer.sentences + quoted.dropped
        return self._annotate(quoted)

    def _annotate(self, answer: Answer) -> Answer:
        retriever = self.retriever  # swapped whole by a BM25 rebuild: one for the whole answer
        return annotate(answer, retriever.relations(), retriever.article_chunks, self.store.get)

    def _check_question(self, question: str) -> None:
        if not question.strip():
            raise QuestionError("the question is empty; type a question")
        limit = self.settings.limits.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {limit} (limits.max_question_chars)"
            )

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
            "duplicates": {d: [f"{a} ({source})" for a, source in s.aliases] for d, s in docs.items() if s.aliases},
            "other_collections": self.store.other_collections(),
        }

    # For the chat UI (assistant/ui/): a streamed answer, removal, and a document's whole text.

    def ask_stream(
        self, question: str, filters: Filters | None = None, history: Sequence[str] = ()
    ) -> Iterator[Answer]:
        """Answer as it comes, never showing what is unchecked: while an LLM writes, each of its sentences is checked
        against what it cites as soon as it is complete, and a partial Answer (``final`` False) holding the checked
        ones so far is yielded; the last item is always the whole, final Answer. An answer that arrives whole (the
        extractive generator's) is released sentence by sentence: its first sentence, its first two, ..., then all.
        """
        filters = filters or Filters()
        self._check_question(question)
        searched = self.searched_for(question, history)
        retrieval = self._retrieve(searched, filters)
        updates: queue.Queue[Answer | None] = queue.Queue()
        outcome: dict[str, Any] = {}
        shown: list[tuple[str, list[EvidenceUnit]]] = []

        def checked(sentence: str, units: list[EvidenceUnit]) -> None:
            titles = "\n".join(dict.fromkeys(str(u.chunk.metadata.get("title", "")) for u in units))
            if self.verifier.check(sentence, [u.text for u in units], titles).supported:
                shown.append((sentence, units))
                partial = self._finish(compose(searched, retrieval, shown), question, searched, filters)
                partial.final = False
                updates.put(partial)

        def generate() -> None:
            try:
                outcome["answer"] = self._answer(searched, retrieval, on_sentence=checked)
            except BaseException as exc:  # raised again in the caller's thread
                outcome["error"] = exc
            finally:
                updates.put(None)

        worker = threading.Thread(target=generate, name="ask-stream", daemon=True)
        worker.start()
        streamed = False
        while (update := updates.get()) is not None:
            streamed = True
            yield update
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        answer = self._finish(outcome["answer"], question, searched, filters)
        yield from [answer] if streamed else _sentence_by_sentence(answer)

    def remove(self, doc_id: str) -> bool:
        """Drop one document (and any copies recorded as its aliases) from the index; False if it is not there."""
        with self._ingesting, self.store.writing():
            if doc_id not in self.store.documents():
                return False
            changes = self._lexical_changes()
            self.store.delete_document(doc_id)
            changes.remove_document(doc_id)
            self._sync_lexical(force=True, changes=changes)
        return True

    def hold_writing(self) -> None:
        """Keep this process the one writer of an embedded index until it ends (the chat UI): a second UI or an
        ingest on the same index is refused with IndexBusy instead of diverging from this one."""
        self.store.hold_writing()

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
        chunks = whole[0]
        parts: list[str] = []
        end = 0
        path: list[str] = []
        for chunk in chunks:
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


def _sentence_by_sentence(answer: Answer) -> Iterator[Answer]:
    """A finished answer as a stream: its first sentence, its first two, ..., then the answer itself."""
    for shown in range(1, len(answer.sentences)):
        sentences = answer.sentences[:shown]
        cited = {n for s in sentences for n in s.citations}
        yield replace(answer, sentences=sentences, citations=[c for c in answer.citations if c.number in cited])
    yield answer


class _Ingest:
    """One run of Assistant.ingest: read every file, find copies, write in batches, record aliases, prune."""

    def __init__(
        self,
        assistant: Assistant,
        paths: list[Path],
        prune: bool,
        progress: Callable[[int, int, str], None] | None,
        on_embed: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.assistant = assistant
        self.store = assistant.store
        self.settings = assistant.settings
        self.prune = prune
        self.progress = progress
        self.on_embed = on_embed
        self.report = IngestReport()
        self.stored = self.store.documents()
        self.files = list(discover(paths, self.report.failed))
        self.present = {doc_id for _, doc_id in self.files}
        self.max_bytes = int(self.settings.limits.max_file_mb * 2**20)
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
        self.pending: list[tuple[Document, list[Chunk], StoredDocument | None]] = []
        self.writing = False
        # Nothing to apply until the first write, which starts recording against the index as it then is
        # (comparing it with the store costs a count(), 10-50 ms at 100k chunks: not for a run that writes nothing).
        self.changes = LexicalChanges(None)
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write")
        self.in_flight: tuple[list[tuple[Document, list[Chunk], StoredDocument | None]], Future[set[str]]] | None = None

    def run(self) -> IngestReport:
        try:
            return self._run()
        finally:
            self.writer.shutdown(wait=True)  # a write in flight always finishes: nothing is left half-recorded

    def _run(self) -> IngestReport:
        seen: dict[str, Path] = {}
        copies: list[tuple[Document, StoredDocument | None]] = []
        orphans: dict[str, str] = {}
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
            if old is not None and old.complete and old.file_hash and old.source == str(path):
                try:
                    same_file = file_hash(path) == old.file_hash
                except OSError:  # reading it properly below says what is wrong
                    same_file = False
                if same_file:
                    self.report.unchanged.append(doc_id)
                    continue
            doc = self._load(path, doc_id)
            if doc is None:
                continue
            if old and old.content_hash == doc.content_hash and old.complete:
                described = (old.title, old.date, old.doc_type, old.lang, old.translation_of, old.supersedes)
                if described == (doc.title, doc.date, doc.doc_type, doc.lang, doc.translation_of, doc.supersedes):
                    self.report.unchanged.append(doc_id)
                else:
                    # The same text newly described (a sidecar edited). The title is embedded, so the chunks are
                    # written again; their ids are the same, so like an interrupted write's: cleared, then written.
                    self._queue(doc, replace(old, expected_chunks=-1))
                continue
            primary = self.by_hash.get(doc.content_hash)
            if primary is not None and primary != doc_id:
                copies.append((doc, old))  # decided once every changed document is written
                continue
            if old is not None:
                # Its old text is going: copies of that text must be indexed on their own (see below).
                if self.by_hash.get(old.content_hash) == doc_id:
                    del self.by_hash[old.content_hash]
                orphans.update(self.aliases.pop(doc_id, {}))
            self._queue(doc, old)
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
        self._record_aliases()
        if self.prune:
            for doc_id in sorted(set(self.stored) - self.present):
                self._start_writing()
                self.store.delete_document(doc_id)
                self.changes.remove_document(doc_id)
                self.report.removed.append(doc_id)
        if self.writing or any(not d.complete for d in self.stored.values()):
            self.assistant._sync_lexical(force=True, changes=self.changes)
        return self.report

    def _load(self, path: Path, doc_id: str) -> Document | None:
        try:
            return load_document(path, doc_id, self.max_bytes, self.report.notes)
        except DocumentError as exc:
            self.report.failed.append(str(exc))
        except Exception as exc:  # a reader library failing on odd input must not stop the batch
            self.report.failed.append(f"{path}: could not be read ({type(exc).__name__}: {exc})")
        return None

    def _drop_alias(self, doc_id: str) -> None:
        for kept in self.aliases.values():
            kept.pop(doc_id, None)

    def _queue(self, doc: Document, old: StoredDocument | None) -> None:
        chunks = chunk_document(
            doc,
            self.settings.chunking.max_tokens,
            self.assistant.embedder.count_tokens,
            self.settings.chunking.context_prefix,
        )
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
        self._start_writing()
        pending, self.pending = self.pending, []
        vectors = self._embed(pending)
        # One batch in flight: writes stay in order, and memory holds at most two batches.
        self._settle()
        future = self.writer.submit(self.assistant._write, pending, vectors, self.report, self.changes)
        self.in_flight = (pending, future)

    def _embed(self, pending: list[tuple[Document, list[Chunk], StoredDocument | None]]) -> Any:
        """The batch's vectors in one call; with ``on_embed``, document by document in sub-batches, so that a
        listener (the chat UI's upload bar) can say which file is being embedded and how far it has got."""
        embedder = self.assistant.embedder
        if self.on_embed is None:
            return embedder.embed([c.index_text for _, chunks, _ in pending for c in chunks])
        parts = []
        for doc, chunks, _ in pending:
            for start in range(0, len(chunks), EMBED_PROGRESS_BATCH):
                self.on_embed(start, len(chunks), doc.source)
                parts.append(embedder.embed([c.index_text for c in chunks[start : start + EMBED_PROGRESS_BATCH]]))
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

    def _place_copy(self, doc: Document, old: StoredDocument | None) -> None:
        """A file whose text another document has: record it as that one's alias, or index it if none is left."""
        primary = self.by_hash.get(doc.content_hash)
        if primary is None or primary == doc.doc_id:
            self._queue(doc, old)
            return
        if old is not None:  # it was indexed on its own, and now has another document's text
            self._start_writing()
            self._settle()  # the writer thread records its changes too: one writer at a time
            self.store.delete_document(doc.doc_id)
            self.changes.remove_document(doc.doc_id)
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
            self._start_writing()
            self.store.set_aliases(primary, kept)

    def _start_writing(self) -> None:
        if not self.writing:
            self.writing = True
            self.changes = self.assistant._lexical_changes()
            self.assistant._begin_writes()
