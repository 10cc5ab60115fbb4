"""The one door every face uses: Assistant.ingest(), Assistant.ask() and what the chat UI needs."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .answer import EvidenceUnit, ExtractiveGenerator, Generator, SentenceSink, make_generator, refusal
from .answer.answer_types import answer_words
from .answer.base import compose, joined
from .answer.evidence import item_number, items_of, lead_of, passages
from .answer.llm import LLMGenerator
from .answer.references import CrossReferences
from .answer.scoring import asked_alike, unstated
from .citing import annotate
from .conversation import contextualise, enumerated, listed_item, names_a_kind, naming_item, question_parts
from .embedding import Embedder, make_embedder
from .index import Index, index_status
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
            self.settings.answer,
            self.embedder,
            lambda token: self.index.lexical.idf(token),
            self.index.chunks,
            references=CrossReferences(lambda: self.index.catalogue, self.index.chunks),
            passages=lambda: len(self.index.lexical.ids),
            document=lambda doc_id: self.index.catalogue.chunk_ids(doc_id),
        )
        self.generator: Generator = make_generator(self.settings, self.extractive)
        self.verifier = Verifier(self.embedder, lambda token: self.index.lexical.idf(token), self.settings.verify)

    @property
    def store(self) -> VectorStore:
        return self.index.store

    @property
    def lexical(self) -> LexicalIndex:
        return self.index.lexical

    @property
    def collection_name(self) -> str:
        return self.index.name

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Progress | None = None,
        on_embed: Progress | None = None,
    ) -> IngestReport:
        """Index new and changed documents; skip unchanged ones; with ``prune``, drop documents that are gone.

        ``progress(number, files, path)`` is called as each file is read; ``on_embed(done, passages, path)`` as each
        document is embedded (see ingest.Ingest). One ingest at a time per process, and one writing process per
        embedded index; questions go on meanwhile.
        """
        with self.index.transaction() as writer:
            return Ingest(writer, self.embedder, self.settings, list(paths), prune, progress, on_embed).run()

    def remove(self, doc_id: str) -> bool:
        """Drop one document (and any copies recorded as its aliases) from the index; False if it is not there."""
        with self.index.transaction() as writer:
            if doc_id not in self.index.documents():
                return False
            writer.delete_document(doc_id)
            writer.commit()
        return True

    def retrieve(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Retrieval:
        """What the answer step reads for ``question``: searched, as ``ask`` searches it, with ``history``."""
        self._check_question(question)
        return self._retrieve(self.searched_for(question, history), filters, question)

    def _retrieve(self, searched: str, filters: Filters | None, question: str = "") -> Retrieval:
        self.index.refresh()  # another process sharing the store may have changed it
        retrieval = self.retriever.retrieve(searched, filters, also=answer_words(searched))
        own = question.strip()
        if own and searched != own and searched.startswith(own):
            retrieval.borrowed = searched[len(own) :].strip()
        return retrieval

    def ask(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer ``question``; ``history`` holds the conversation's earlier questions, oldest first, so that a
        follow-up ("and the fine?") is searched with the subject of the one before (conversation.py)."""
        filters = filters or Filters()
        self._check_question(question)
        whole = self._ask_one(question, filters, history)
        parts = self._parts(question)
        if whole.refused and len(parts) > 1:
            # "Which boats does the pier take, and when did its doors open?" read whole asks for a date, which the
            # passage on the boats does not give; each part may still be answered where it is stated. Only when
            # every part is: a message half answered would read as an answer to all of it.
            answers = [self._ask_one(part, filters, [*history, *parts[:i]]) for i, part in enumerate(parts)]
            if any(a.refused for a in answers):
                return whole
        else:
            alike = asked_alike(parts) if len(parts) > 1 else set()
            said = " ".join(s.text for s in whole.sentences)
            answers = [whole]
            for i, part in enumerate(parts):
                if i and unstated(part, said, parts[:i]):
                    answers.append(self._ask_one(part, filters, [*history, *parts[:i]]))
                elif i in alike:
                    # the whole's answer may be another part's: this part's own is joined in where it has one
                    own = self._ask_one(part, filters, [*history, *parts[:i]])
                    answers += [] if own.refused else [own]
        if len(answers) == 1:
            return whole
        searched = " | ".join(a.searched_for or a.question for a in answers)
        return self._finish(joined(question, answers), question, searched, filters)

    def _parts(self, question: str) -> list[str]:
        """The questions a message asks, each answered as a follow-up of those before (conversation.py). An LLM
        reads the message whole."""
        if isinstance(self.generator, LLMGenerator):
            return [question]
        return question_parts(question, self.settings.answer.question_parts)

    def _ask_one(self, question: str, filters: Filters, history: Sequence[str]) -> Answer:
        if item := self._listed_item(question, filters, history):
            return item
        searched = self.searched_for(question, history)
        retrieval = self._retrieve(searched, filters, question)
        answer = self._answer(searched, retrieval)
        return self._finish(answer, question, searched, filters)

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
        if len(self._parts(question)) > 1:
            yield from _sentence_by_sentence(self.ask(question, filters, history))
            return
        if item := self._listed_item(question, filters, history):
            yield from _sentence_by_sentence(item)
            return
        searched = self.searched_for(question, history)
        retrieval = self._retrieve(searched, filters, question)
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

    def searched_for(self, question: str, history: Sequence[str] = ()) -> str:
        """What a question is searched with: itself, or with the previous question's subject (a follow-up). With
        an LLM generator, the model condenses a follow-up into a standalone question (llama-index's condense step);
        the rule-based rewrite stands when it gives nothing usable."""
        if not history:
            return question.strip()
        self.index.refresh()
        searched = contextualise(question.strip(), history, self.index.catalogue.titles)
        if searched != question.strip() and isinstance(self.generator, LLMGenerator):
            return self.generator.condense(question.strip(), list(history)) or searched
        return searched

    def _listed_item(self, question: str, filters: Filters, history: Sequence[str]) -> Answer | None:
        """A follow-up naming an item of the list the question before was answered with ("Just the fifth one?",
        "第三项具体指什么？") is answered with that item, quoted from the list the previous answer cites: searched
        with that question, the item is one of many alike. None when it names no item, or no list cited before
        has an item of that number."""
        number = listed_item(question)
        if not number or not history:
            return None
        before = self.ask(history[-1], filters, history[:-1])
        for cited in before.citations:
            for passage in passages(self.chunks([cited.chunk_id]), self.chunks):
                for unit in passage.units:
                    lead = unit if unit.kind == "lead" else lead_of(unit, passage)
                    if lead is None or not (unit.start < cited.end and cited.start < unit.end):
                        continue
                    for item in items_of(lead, passage):
                        if item_number(item) == number:
                            quote = EvidenceUnit(item.chunk, item.start, item.end, item.text)
                            answer = compose(question, Retrieval(before.retrieved), [(item.text, [quote])])
                            answer = self._annotate(check_answer(answer, self.verifier))
                            return self._finish(answer, question, history[-1].strip(), filters)
        # A list written inline ("分为公共泊位、专用泊位和临时泊位三类"): the item is asked about by its name.
        for cited in before.citations if names_a_kind(question) else []:
            terms = enumerated(cited.quote)
            if len(terms) >= number:
                return self.ask(naming_item(question, terms[number - 1]), filters, history)
        return None

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
        return index_status(self.index.store, self.settings, self.index.name)

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
