"""The one door every face uses: Assistant.ingest(), Assistant.ask() and what the chat UI needs."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .answer import ExtractiveGenerator, Generator, TokenSink, make_generator, refusal
from .citing import annotate
from .conversation import contextualise
from .embedding import Embedder, make_embedder
from .index import Index
from .ingest import Ingest, IngestReport, Progress
from .lexical import LexicalIndex
from .retrieve import Filters, Retrieval, Retriever
from .settings import Settings
from .store import StoredDocument, VectorStore
from .types import Answer, RetrievedChunk
from .verify import Verifier, check_answer

__all__ = ["Assistant", "IngestReport", "QuestionError"]


class QuestionError(ValueError):
    """A question that cannot be asked; the message says why."""


class Assistant:
    def __init__(
        self, settings: Settings | None = None, embedder: Embedder | None = None, store: VectorStore | None = None
    ) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or make_embedder(self.settings.embedding)
        self.index = Index(self.settings, store)
        self.retriever = Retriever(self.settings.retrieval, self.index, self.embedder)
        # Through self.index at call time: a BM25 rebuild swaps in a new index rather than changing this one.
        self.extractive = ExtractiveGenerator(
            self.settings.answer, self.embedder, lambda token: self.index.lexical.idf(token), self.index.chunks
        )
        self.generator: Generator = make_generator(self.settings, self.extractive)
        self.verifier = Verifier(
            self.embedder,
            lambda token: self.index.lexical.idf(token),
            self.settings.verify.threshold,
            self.settings.verify.embedding_share,
            self.settings.verify.nli_model,
            self.settings.verify.min_coverage,
        )

    @property
    def store(self) -> VectorStore:
        return self.index.store

    @property
    def lexical(self) -> LexicalIndex:
        return self.index.lexical

    @property
    def collection_name(self) -> str:
        return self.index.name

    def ingest(self, paths: Iterable[Path], prune: bool = False, progress: Progress | None = None) -> IngestReport:
        """Index new and changed documents; skip unchanged ones; with ``prune``, drop documents that are gone.

        One ingest at a time per process, and one writing process per embedded index; questions go on meanwhile.
        """
        with self.index.transaction() as writer:
            return Ingest(writer, self.embedder, self.settings, list(paths), prune, progress).run()

    def remove(self, doc_id: str) -> bool:
        """Drop one document (and any copies recorded as its aliases) from the index; False if it is not there."""
        with self.index.transaction() as writer:
            if doc_id not in self.index.documents():
                return False
            writer.delete_document(doc_id)
            writer.commit()
        return True

    def retrieve(self, question: str, filters: Filters | None = None) -> Retrieval:
        self._check_question(question)
        return self._retrieve(question, filters)

    def _retrieve(self, question: str, filters: Filters | None) -> Retrieval:
        self.index.refresh()  # another process sharing the store may have changed it
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

    def ask_stream(
        self, question: str, filters: Filters | None = None, history: Sequence[str] = ()
    ) -> Iterator[str | Answer]:
        """Answer as it comes: the draft text so far (str) while an LLM generator streams tokens, then cited
        Answers; the last item is always the whole Answer. An answer that arrives whole (the extractive
        generator's) is released sentence by sentence: its first sentence, its first two, ..., then all of it.
        """
        filters = filters or Filters()
        self._check_question(question)
        searched = self.searched_for(question, history)
        retrieval = self._retrieve(searched, filters)
        tokens: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def generate() -> None:
            try:
                outcome["answer"] = self._answer(searched, retrieval, on_token=tokens.put)
            except BaseException as exc:  # raised again in the caller's thread
                outcome["error"] = exc
            finally:
                tokens.put(None)

        worker = threading.Thread(target=generate, name="ask-stream", daemon=True)
        worker.start()
        draft = ""
        while (token := tokens.get()) is not None:
            draft += token
            yield draft
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        answer = self._finish(outcome["answer"], question, searched, filters)
        yield from [answer] if draft else _sentence_by_sentence(answer)

    def searched_for(self, question: str, history: Sequence[str] = ()) -> str:
        """What a question is searched with: itself, or with the previous question's subject (a follow-up)."""
        if not history:
            return question.strip()
        self.index.refresh()
        return contextualise(question.strip(), history, self.index.catalogue.titles)

    @staticmethod
    def _finish(answer: Answer, question: str, searched: str, filters: Filters) -> Answer:
        answer.question = question.strip()
        answer.searched_for = searched if searched != question.strip() else ""
        answer.filters = filters.as_dict()
        return answer

    def _answer(self, question: str, retrieval: Retrieval, on_token: TokenSink | None = None) -> Answer:
        """Generate, then check every sentence against its citations before the answer is final."""
        answer = check_answer(
            self.generator.generate(question, retrieval, on_token), self.verifier, self.settings.verify.show_unsupported
        )
        if answer.refused or answer.sentences:
            return self._annotate(answer)
        # Nothing the generator wrote survived the check.
        if self.settings.verify.fallback == "extractive" and self.generator is not self.extractive:
            fallback = check_answer(self.extractive.generate(question, retrieval), self.verifier)
            fallback.dropped = answer.dropped + fallback.dropped
            return self._annotate(fallback)
        return replace(refusal(question, retrieval), dropped=answer.dropped)

    def _annotate(self, answer: Answer) -> Answer:
        catalogue = self.index.catalogue  # swapped whole by a BM25 rebuild: one for the whole answer
        return annotate(answer, catalogue.relations, catalogue.article_chunks, self.index.chunks)

    def _check_question(self, question: str) -> None:
        if not question.strip():
            raise QuestionError("the question is empty; type a question")
        limit = self.settings.limits.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {limit} (limits.max_question_chars)"
            )

    def documents(self) -> dict[str, StoredDocument]:
        return self.index.documents()

    def status(self) -> dict[str, Any]:
        store = self.index.store
        docs = store.documents()
        return {
            "embedding_model": self.settings.embedding.model,
            "index": store.description,
            "collection": self.index.name,
            "documents": len(docs),
            "chunks": store.count(),
            "incomplete_documents": sorted(d for d, s in docs.items() if not s.complete),
            "duplicates": {d: [f"{a} ({source})" for a, source in s.aliases] for d, s in docs.items() if s.aliases},
            "other_collections": store.other_collections(),
        }

    def writer_elsewhere(self) -> bool:
        """Whether another process holds the index for writing, so what it adds may not be seen here yet."""
        return self.index.store.writer_elsewhere()

    # For the chat UI: holding the index, cited chunks by id, and a document's whole text.

    def hold_writing(self) -> None:
        """Keep this process the one writer of an embedded index until it ends (the chat UI): a second UI or an
        ingest on the same index is refused with IndexBusy instead of diverging from this one."""
        self.index.hold_writing()

    def chunks(self, ids: list[str]) -> list[RetrievedChunk]:
        """Stored chunks by id (a citation's), in the order asked; those no longer stored are left out."""
        return self.index.chunks(ids)

    def document_text(self, doc_id: str) -> str | None:
        """The document as it was indexed (see Index.document_text); None when it is not indexed whole."""
        return self.index.document_text(doc_id)


def _sentence_by_sentence(answer: Answer) -> Iterator[Answer]:
    """A finished answer as a stream: its first sentence, its first two, ..., then the answer itself."""
    for shown in range(1, len(answer.sentences)):
        sentences = answer.sentences[:shown]
        cited = {n for s in sentences for n in s.citations}
        yield replace(answer, sentences=sentences, citations=[c for c in answer.citations if c.number in cited])
    yield answer
