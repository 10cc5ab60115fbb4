"""The app's event handlers over one Assistant: the chat, feedback, the whole-document view, uploads and removal.

Gradio hands event data to the parameter annotated with its class, so the annotations here are real objects
(no postponed annotations in this module).
"""

import logging
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..citing import answer_markdown
from ..pipeline import QuestionError
from ..retrieve import FilterError, Filters
from ..settings import Settings
from ..types import Answer, RetrievedChunk
from .access import Access
from .asking import AskError, check_question, read_filters
from .feedback import FEEDBACK_FILE, FEEDBACK_LABELS, WITHDRAWN, FeedbackLog, feedback_record, feedback_verdict
from .markup import esc, escape_markdown
from .rendering import (
    chat_examples,
    document_choices,
    document_list,
    document_rows,
    render_answer,
    render_ask_error,
    render_details,
    render_partial,
    render_pending,
    render_status,
)
from .sources import Turn, character_span, passage_around, render_document_view, render_sources
from .uploads import UPLOAD_FOLDER, is_upload, save_uploads, settle_uploads, upload_report

if TYPE_CHECKING:
    from ..pipeline import Assistant

log = logging.getLogger(__name__)


def max_upload_bytes(settings: Settings) -> int:
    """The largest upload: ingest's own file limit (settings.limits.max_file_mb)."""
    return int(settings.limits.max_file_mb * 2**20)


READ_ONLY_NOTE = "Only the assistant's administrators can add or remove documents."


def user_of(request: gr.Request | None) -> str | None:
    """The logged-in user making a request (None: no login, or a direct call)."""
    return getattr(request, "username", None) if request is not None else None


class Handlers:
    def __init__(self, assistant: "Assistant", access: Access | None = None) -> None:
        self.assistant = assistant
        self.access = access or Access({}, frozenset())
        self.settings = assistant.settings
        self.uploads = self.settings.index_dir / UPLOAD_FOLDER
        self.feedback = FeedbackLog(self.settings.index_dir / FEEDBACK_FILE)
        self.max_bytes = max_upload_bytes(self.settings)
        self.writing = threading.Lock()  # uploads and removals, one at a time (ingest has its own lock too)

    # --- the chat ---------------------------------------------------------------------------------------------

    def respond(
        self,
        message: str,
        history: list[dict[str, Any]],
        turns: list[Turn],
        doc_ids: list[str] | None,
        types: list[str] | None,
        langs: list[str] | None,
        since: str,
        until: str,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """The chat handler, streaming: the cleared textbox, the growing chat, the sources panel, the last answer
        as Markdown with its sources, the turns."""
        history = list(history or [])
        turns = list(turns or [])
        message = (message or "").strip()
        if not message:
            yield "", list(history), gr.skip(), gr.skip(), turns
            return
        history.append({"role": "user", "content": escape_markdown(message)})
        try:
            check_question(message, self.settings.limits.max_question_chars)
            filters = read_filters(doc_ids, types, langs, since, until, self.assistant.documents())
        except AskError as exc:
            history.append({"role": "assistant", "content": render_ask_error(str(exc))})
            yield "", list(history), gr.skip(), gr.skip(), turns
            return
        history.append({"role": "assistant", "content": render_pending(filters.as_dict())})
        yield "", list(history), gr.skip(), gr.skip(), turns
        number = turns[-1].turn + 1 if turns else 1
        earlier = [t.answer.question for t in turns]  # a follow-up is searched with the question before it
        can_upload = self.may_write(request)
        answer = yield from self._stream(message, filters, earlier, history, turns, number, can_upload)
        if answer is not None:
            turns.append(Turn(number, len(history) - 1, answer, self._chunks_for(answer)))
            yield "", history, render_sources(turns), answer_markdown(answer), turns

    def _stream(
        self,
        message: str,
        filters: Filters,
        earlier: list[str],
        history: list[dict[str, Any]],
        turns: list[Turn],
        number: int,
        can_upload: bool,
    ) -> Generator[tuple[Any, ...], None, Answer | None]:
        """The answer as it streams into the last chat message; returns it, or None after showing an error."""
        answer: Answer | None = None
        error = ""
        try:
            for item in self.assistant.ask_stream(message, filters, history=earlier):
                if not item.final:  # an LLM still writing: the sentences checked so far
                    content = render_partial(item, number)
                else:
                    answer = item
                    documents = self.assistant.documents().values() if answer.refused else ()
                    content = render_answer(answer, documents, number, can_upload)
                history[-1] = {"role": "assistant", "content": content}
                yield "", list(history), gr.skip(), gr.skip(), turns
        except (QuestionError, FilterError) as exc:  # what the form's checks leave: an index changed meanwhile
            error = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        except Exception:  # the reader gets a sentence; the details, which may name server paths, go to the log
            log.exception("answering %r failed", message)
            error = "Something went wrong while answering; the server's log has the details. Try again."
        if error or answer is None:
            history[-1] = {"role": "assistant", "content": render_ask_error(error or "No answer was produced.")}
            yield "", list(history), gr.skip(), gr.skip(), turns
            return None
        return answer

    def _chunks_for(self, answer: Answer) -> dict[str, RetrievedChunk]:
        """The chunks the answer's citations point into: those it retrieved, and for any other, the paragraph
        around the span in the document's indexed text."""
        chunks = {c.chunk_id: c for c in answer.retrieved}
        texts: dict[str, str | None] = {}
        for citation in answer.citations:
            if citation.chunk_id not in chunks:
                if citation.doc_id not in texts:
                    texts[citation.doc_id] = self.assistant.document_text(citation.doc_id)
                found = passage_around(citation, texts[citation.doc_id])
                if found is not None:
                    chunks[citation.chunk_id] = found
        return chunks

    def run_example(
        self,
        history: list[dict[str, Any]],
        turns: list[Turn],
        doc_ids: list[str] | None,
        types: list[str] | None,
        langs: list[str] | None,
        since: str,
        until: str,
        event: gr.SelectData,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        value = event.value
        text = value.get("text", "") if isinstance(value, dict) else str(value)
        yield from self.respond(text, history, turns, doc_ids, types, langs, since, until, request)

    def on_feedback(self, turns: list[Turn], event: gr.LikeData) -> str:
        index = event.index if isinstance(event.index, int) else event.index[0]
        turn = next((t for t in turns or [] if t.message_index == index), None)
        if turn is None:
            return "Feedback is recorded for answers only."
        verdict = feedback_verdict(event.liked)
        try:
            self.feedback.record(turn.key, feedback_record(turn.answer, verdict))
        except OSError:
            log.exception("could not record feedback")
            return "Sorry, your feedback could not be recorded."
        question = escape_markdown(turn.answer.question)
        if verdict == WITHDRAWN:
            return f"Your feedback on “{question}” is withdrawn."
        return f"Thanks: recorded *{FEEDBACK_LABELS.get(verdict, verdict)}* for “{question}”."

    def document_view(self, doc_id: Any = None, start: Any = 0, end: Any = 0) -> str:
        """Server function for the panel's "Show whole document" (called with [doc_id, start, end])."""
        if isinstance(doc_id, list | tuple):
            doc_id, start, end = ([*list(doc_id), 0, 0])[:3]
        span = character_span(start, end)
        if span is None:
            return (
                '<p class="elided">Cannot show this document: the cited span must be two character offsets '
                f"(whole numbers), not {esc(repr(start)[:40])} and {esc(repr(end)[:40])}.</p>"
            )
        return render_document_view(self.assistant.document_text(str(doc_id)), *span)

    # --- the index: status, uploads and removal ---------------------------------------------------------------

    def may_write(self, request: gr.Request | None) -> bool:
        """Whether the request's user may upload and remove documents (settings ui.admins, read-only serving)."""
        return self.access.may_write(user_of(request))

    def status_line(self) -> str:
        """The status line the page is built with, before anyone's request: the upload hint only when everyone
        may upload (the page's load replaces it with the reader's own)."""
        can_upload = not self.access.read_only and not self.access.admins
        return render_status(self.assistant.status(), self.assistant.documents().values(), can_upload)

    def status_details(self) -> str:
        return render_details(self.assistant.status(), self.settings)

    def document_state(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        docs = self.assistant.documents()
        choices = document_choices(docs)
        return (
            document_rows(docs, self.uploads),
            gr.Dropdown(choices=choices),
            gr.Dropdown(choices=choices, value=None),
            render_status(self.assistant.status(), docs.values(), self.may_write(request)),
            document_list(docs),
            # Only the examples: the chat's messages are left as they are.
            gr.Chatbot(examples=chat_examples(docs)),
        )

    def write_controls(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        """On page load: the upload and the removal controls for those who may use them, a note for the others."""
        allowed = self.may_write(request)
        return (
            gr.Column(visible=allowed),
            gr.Row(visible=allowed),
            gr.Markdown("" if allowed else READ_ONLY_NOTE, visible=not allowed),
        )

    def add_files(
        self,
        files: list[str] | None,
        request: gr.Request | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        if not self.may_write(request):  # the API reaches this whether or not the page shows the upload
            log.warning("upload refused: user %r may not change the index", user_of(request))
            return (READ_ONLY_NOTE, *self.document_state(request), None)
        if not files:
            return ("Choose files to upload first.", *self.document_state(request), None)
        started = time.monotonic()
        with self.writing:
            plan = save_uploads(files, self.uploads, self.max_bytes, self.assistant.documents())
            report = None
            if plan.saved:
                names = {str(path): original for original, path in plan.saved.items()}

                def on_file(number: int, total: int, path: str) -> None:
                    name = names.get(path, Path(path).name)
                    progress((number - 1) / total, desc=f"Reading {name} ({number} of {total})")

                def on_embed(done: int, total: int, path: str) -> None:
                    name = names.get(path, Path(path).name)
                    progress(done / total, desc=f"Embedding {name}: {done:,} of {total:,} passages")

                indexed: set[str] = set()
                try:
                    report = self.assistant.ingest(list(plan.saved.values()), progress=on_file, on_embed=on_embed)
                    indexed = set(report.added + report.updated + report.unchanged) | set(report.duplicates)
                finally:
                    settle_uploads(plan, indexed)
        return (upload_report(plan, report, time.monotonic() - started), *self.document_state(request), None)

    def confirm_removal(self, doc_id: str | None, request: gr.Request | None = None) -> tuple[Any, ...]:
        """The question asked before a removal (the confirmation's visibility, its text, the removal note)."""
        if not self.may_write(request):
            return gr.Group(visible=False), "", READ_ONLY_NOTE
        stored = self.assistant.documents().get(str(doc_id)) if doc_id else None
        if stored is None:
            note = "Choose a document to remove." if not doc_id else f"No indexed document is called “{doc_id}”."
            return gr.Group(visible=False), "", escape_markdown(note)
        upload = " Its uploaded file is deleted too." if is_upload(stored.source, self.uploads) else ""
        question = (
            f"**Remove “{escape_markdown(stored.title or stored.doc_id)}” ({escape_markdown(stored.doc_id)})?** "
            f"It will no longer be searched or cited.{upload}"
        )
        return gr.Group(visible=True), question, ""

    def remove_document(self, doc_id: str | None, request: gr.Request | None = None) -> tuple[Any, ...]:
        if not self.may_write(request):  # the API reaches this whether or not the page shows the button
            log.warning("removal of %r refused: user %r may not change the index", doc_id, user_of(request))
            return (READ_ONLY_NOTE, *self.document_state(request))
        if not doc_id:
            return ("Choose a document to remove.", *self.document_state(request))
        doc_id = str(doc_id)  # any value reaches here through the API: it is checked against the index
        with self.writing:
            stored = self.assistant.documents().get(doc_id)
            removed = self.assistant.remove(doc_id)
            if removed and stored is not None:  # its uploaded file goes too, and those of its copies
                for source in [stored.source, *(path for _, path in stored.aliases)]:
                    if is_upload(source, self.uploads):
                        Path(source).unlink(missing_ok=True)
        if not removed or stored is None:
            return (f"No indexed document is called “{escape_markdown(doc_id)}”.", *self.document_state(request))
        title = escape_markdown(stored.title or doc_id)
        return (f"Removed “{title}” ({escape_markdown(doc_id)}).", *self.document_state(request))
