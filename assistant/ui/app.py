"""The page and its wiring: the Ask and Documents tabs, which handler each event calls, and ``launch``.

How the queue and concurrency limits are set, and why, is in docs/ui.md. The page's CSS and JavaScript are the
files in ``static/``, read when the app is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import gradio as gr

from .access import Access
from .api import Blocks
from .feedback import FEEDBACK_OPTIONS
from .handlers import Handlers, max_upload_bytes
from .markup import LANGUAGE_NAMES, human_size
from .rendering import DOCUMENT_COLUMNS, chat_examples, document_choices, document_list, document_rows
from .sources import SOURCES_PLACEHOLDER

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..pipeline import Assistant
    from ..settings import Settings
    from ..store import StoredDocument

ASK_CONCURRENCY = 4
"""Questions answered at once per app; each is a short CPU-bound burst (one embedding, BM25, sentence scoring)."""
UPLOAD_HARD_CAP_FACTOR = 5
"""Gradio refuses (at upload) files over this many times the per-file limit; see launch()."""


def static(name: str) -> str:
    """One of the page's static files (CSS, JavaScript), shipped in the package."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


@dataclass
class AskTab:
    chatbot: gr.Chatbot
    question: gr.Textbox
    counter: gr.HTML
    documents: gr.Markdown
    clear: gr.Button
    copy: gr.Textbox
    feedback_note: gr.Markdown
    doc_filter: gr.Dropdown
    type_filter: gr.CheckboxGroup
    lang_filter: gr.CheckboxGroup
    since: gr.Textbox
    until: gr.Textbox
    sources: gr.HTML

    @property
    def filters(self) -> list[Any]:
        return [self.doc_filter, self.type_filter, self.lang_filter, self.since, self.until]


@dataclass
class DocumentsTab:
    manage: gr.Column
    read_only_note: gr.Markdown
    remove_row: gr.Row
    upload: gr.File
    upload_result: gr.Markdown
    table: gr.Dataframe
    remove_choice: gr.Dropdown
    remove: gr.Button
    confirm: gr.Group
    confirm_text: gr.Markdown
    confirm_yes: gr.Button
    confirm_no: gr.Button
    remove_result: gr.Markdown


def _filter_controls(docs: Mapping[str, StoredDocument]) -> tuple[Any, Any, Any, Any, Any]:
    """The filters: documents, type, language, from and until (made inside the Filters accordion)."""
    from ..retrieve import DOC_TYPES

    # Choices are refreshed on every page load and upload, but Gradio checks a value sent to the API
    # against those it was built with; the retriever checks them against the index.
    doc_filter = gr.Dropdown(
        label="Documents",
        choices=document_choices(docs),
        multiselect=True,
        allow_custom_value=True,
        elem_id="filter-docs",
    )
    with gr.Row():
        type_filter = gr.CheckboxGroup(list(DOC_TYPES), label="Type", elem_id="filter-type")
        lang_filter = gr.CheckboxGroup([(LANGUAGE_NAMES[c], c) for c in ("en", "zh")], label="Language")
    with gr.Row():
        since = gr.Textbox(label="From", placeholder="YYYY-MM-DD", elem_id="filter-since")
        until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="filter-until")
    return doc_filter, type_filter, lang_filter, since, until


def _sources_panel(handlers: Handlers) -> gr.HTML:
    """The sources panel, with the server function its JavaScript calls to show a whole document."""

    def document_view(doc_id: Any = None, start: Any = 0, end: Any = 0) -> str:
        """The panel's server function (sources.js calls it by this name); Gradio marks it, so not a
        bound method."""
        return handlers.document_view(doc_id, start, end)

    return gr.HTML(
        SOURCES_PLACEHOLDER,
        css_template=static("sources.css"),
        js_on_load=static("sources.js"),
        server_functions=[document_view],
        max_height=700,
        padding=True,
        elem_id="sources",
    )


def ask_tab(handlers: Handlers) -> AskTab:
    docs = handlers.assistant.documents()
    limit = handlers.settings.limits.max_question_chars
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Chat",
                height=540,
                examples=chat_examples(docs),
                sanitize_html=True,
                allow_tags=False,
                latex_delimiters=[],
                feedback_options=FEEDBACK_OPTIONS,
                elem_id="chat",
            )
            question = gr.Textbox(
                label="Question",
                placeholder="Ask about the indexed documents…",
                submit_btn="Ask",
                autofocus=True,
                max_length=limit,  # the browser stops typing and pasting here; respond() checks it again
                elem_id="question",
            )
            # Counted in the page (head.js) as the reader types: a round trip per key would be too slow.
            counter = gr.HTML(
                f'<span class="char-count" data-limit="{limit}">0 / {limit:,} characters</span>',
                padding=False,
                elem_id="question-count",
            )
            with gr.Row():
                clear = gr.Button("Clear chat", variant="secondary", size="sm", elem_id="clear-chat")
            feedback_note = gr.Markdown("", elem_id="feedback-note")
            with gr.Accordion("Copy with sources", open=False, elem_id="copy-answer"):
                # The /ask API returns the same text, so a script gets the answer with its sources in one value.
                copy = gr.Textbox(
                    label="The last answer as Markdown, with each source's title, date, heading path and quote",
                    lines=4,
                    max_lines=14,
                    interactive=False,
                    buttons=["copy"],
                    elem_id="answer-markdown",
                )
            with gr.Accordion("Indexed documents", open=False, elem_id="ask-documents"):
                documents = gr.Markdown(document_list(docs), elem_id="ask-document-list")
            with gr.Accordion("Filters", open=False, elem_id="filters"):
                doc_filter, type_filter, lang_filter, since, until = _filter_controls(docs)
        with gr.Column(scale=2):
            sources = _sources_panel(handlers)
    return AskTab(
        chatbot, question, counter, documents, clear, copy, feedback_note, doc_filter, type_filter, lang_filter,
        since, until, sources,
    )  # fmt: skip


def documents_tab(handlers: Handlers) -> DocumentsTab:
    from ..documents import SUPPORTED_SUFFIXES

    docs = handlers.assistant.documents()
    # Shown to those who may change the index once the page's load knows who is asking (write_controls); the
    # handlers check the user again, as an API call never sees the page.
    read_only_note = gr.Markdown("", visible=False, elem_id="read-only-note")
    with gr.Column(visible=False, elem_id="manage-upload") as manage:
        gr.Markdown(
            f"Upload {', '.join(SUPPORTED_SUFFIXES)} files (at most {human_size(handlers.max_bytes)} each). "
            "They are indexed at once and can be asked about right away."
        )
        upload = gr.File(label="Upload documents", file_count="multiple", height=150, elem_id="upload")
        upload_result = gr.Markdown("", min_height=60, elem_id="upload-report")
    table = gr.Dataframe(
        headers=DOCUMENT_COLUMNS,
        value=document_rows(docs, handlers.uploads),
        interactive=False,
        wrap=True,
        column_widths=["30%", "22%", "9%", "9%", "11%", "8%", "11%"],
        label="Indexed documents",
        elem_id="documents-table",
    )
    with gr.Row(visible=False, elem_id="manage-remove") as remove_row:
        remove_choice = gr.Dropdown(
            label="Document to remove",
            choices=document_choices(docs),
            allow_custom_value=True,  # checked against the index by remove_document, as above
            elem_id="remove-choice",
            scale=3,
        )
        remove = gr.Button("Remove from index…", variant="stop", elem_id="remove", scale=1)
    with gr.Group(visible=False, elem_id="remove-confirm") as confirm:
        confirm_text = gr.Markdown("", elem_id="remove-question", padding=True)
        with gr.Row():
            confirm_yes = gr.Button("Remove", variant="stop", size="sm", elem_id="remove-yes")
            confirm_no = gr.Button("Keep it", variant="secondary", size="sm", elem_id="remove-cancel")
    remove_result = gr.Markdown("", elem_id="remove-report")
    return DocumentsTab(
        manage, read_only_note, remove_row, upload, upload_result, table, remove_choice, remove, confirm,
        confirm_text, confirm_yes, confirm_no, remove_result,
    )  # fmt: skip


def wire_chat(handlers: Handlers, ask: AskTab, turns: gr.State) -> None:
    chat_outputs = [ask.question, ask.chatbot, ask.sources, ask.copy, turns]
    ask.question.submit(
        handlers.respond,
        [ask.question, ask.chatbot, turns, *ask.filters],
        chat_outputs,
        api_name="ask",
        concurrency_limit=ASK_CONCURRENCY,
        concurrency_id="ask",
    )
    ask.chatbot.example_select(
        handlers.run_example,
        [ask.chatbot, turns, *ask.filters],
        chat_outputs,
        api_visibility="undocumented",
        concurrency_id="ask",
    )
    ask.chatbot.like(handlers.on_feedback, [turns], [ask.feedback_note], api_visibility="undocumented")
    ask.clear.click(
        lambda: ("", [], SOURCES_PLACEHOLDER, "", [], ""),
        None,
        [ask.question, ask.chatbot, ask.sources, ask.copy, turns, ask.feedback_note],
        api_visibility="undocumented",
    )
    ask.chatbot.clear(
        lambda: (SOURCES_PLACEHOLDER, "", []), None, [ask.sources, ask.copy, turns], api_visibility="undocumented"
    )


def wire_documents(demo: gr.Blocks, handlers: Handlers, ask: AskTab, docs: DocumentsTab, status: gr.Markdown) -> None:
    document_outputs = [docs.table, ask.doc_filter, docs.remove_choice, status, ask.documents, ask.chatbot]
    docs.upload.upload(
        handlers.add_files,
        [docs.upload],
        [docs.upload_result, *document_outputs, docs.upload],
        api_name="upload",
        show_progress_on=[docs.upload_result],
        concurrency_limit=1,
        concurrency_id="index",
    )
    # Removing asks first; the confirmation goes away when the choice changes, so it never removes another one.
    docs.remove.click(
        handlers.confirm_removal,
        [docs.remove_choice],
        [docs.confirm, docs.confirm_text, docs.remove_result],
        api_visibility="undocumented",
    )
    for trigger in (docs.remove_choice.change, docs.confirm_no.click, docs.confirm_yes.click):
        trigger(lambda: gr.Group(visible=False), None, [docs.confirm], queue=False, api_visibility="private")
    docs.confirm_yes.click(
        handlers.remove_document,
        [docs.remove_choice],
        [docs.remove_result, *document_outputs],
        api_name="remove",
        show_progress_on=[docs.remove_result],
        concurrency_limit=1,
        concurrency_id="index",
    )
    demo.load(handlers.document_state, None, document_outputs, api_visibility="undocumented")
    demo.load(
        handlers.write_controls, None, [docs.manage, docs.remove_row, docs.read_only_note], api_visibility="private"
    )


def build_app(assistant: Assistant, access: Access | None = None) -> gr.Blocks:
    """The page over ``assistant``; ``access`` says who may upload and remove (default: anyone who opens it)."""
    handlers = Handlers(assistant, access)
    with Blocks(title="Policy assistant", analytics_enabled=False) as demo:
        gr.Markdown("## Policy assistant\nAnswers come only from the indexed documents, each sentence with its source.")
        status = gr.Markdown(handlers.status_line(), elem_id="status-line")
        with gr.Accordion("Details", open=False, elem_id="status-details"):
            gr.Markdown(handlers.status_details())
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask = ask_tab(handlers)
            with gr.Tab("Documents", id="documents"):
                docs = documents_tab(handlers)
        wire_chat(handlers, ask, turns)
        wire_documents(demo, handlers, ask, docs, status)
    return demo


def launch(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    assistant: Assistant | None = None,
    allow_anonymous: bool = False,
    **launch_kwargs: Any,
) -> gr.Blocks:
    """Build the Assistant (ingesting nothing) and serve the chat on ``host:port`` (default: settings.ui,
    127.0.0.1:7860), with gradio's login when ``ui.users`` or ``ui.auth`` name users. Serving beyond loopback
    without a login raises AccessError unless ``allow_anonymous``, and then the app is read-only. See docs/ui.md
    for the queue settings."""
    from ..pipeline import Assistant

    host = host or settings.ui.host
    access = Access.from_settings(settings.ui, host, allow_anonymous)
    assistant = assistant or Assistant(settings)
    assistant.hold_writing()  # the UI may write (uploads, removals) at any time while it runs
    demo = build_app(assistant, access)
    demo.queue(default_concurrency_limit=2, max_size=64)
    # Gradio's own cap turns a whole multi-file upload away when one file is over it, so it sits well above the
    # per-file limit, which add_files enforces file by file (naming each file it turns away).
    launch_kwargs.setdefault("max_file_size", UPLOAD_HARD_CAP_FACTOR * max_upload_bytes(settings))
    demo.launch(
        server_name=host,
        server_port=port or settings.ui.port,
        auth=access.login(),
        share=False,
        ssr_mode=False,
        head=f"<script>{static('head.js')}</script>",
        css=static("app.css"),
        footer_links=["api", "settings"],
        **launch_kwargs,
    )
    return demo
