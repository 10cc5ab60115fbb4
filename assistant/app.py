"""The chat UI: a thin Gradio face over Assistant.ask().

The rendering is pure functions (``render_answer``, ``render_sources``, ``render_status``) so it can be tested
without a browser. Document text is always HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .settings import Settings
from .types import Answer

if TYPE_CHECKING:
    import gradio

    from .pipeline import Assistant

EXAMPLES = (
    "What subsidies cover model usage?",
    "个人信息处理者在哪些情形下应当事前进行个人信息保护影响评估？",
)
NO_ANSWER = "No answer found."
SOURCES_PLACEHOLDER = '<div class="sources"><p><em>Sources for the latest answer appear here.</em></p></div>'
MAX_LISTED_TITLES = 20
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_SOURCES_CSS = """
.sources .source { padding: 0.5em 0; border-bottom: 1px solid var(--border-color-primary); }
.sources .source:target { background: var(--color-accent-soft); }
.sources .meta { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 0.2em 0; }
.sources blockquote { margin: 0.4em 0 0.2em 0; padding-left: 0.8em; border-left: 3px solid var(--color-accent); }
"""


def escape_markdown(text: str) -> str:
    """Document text as inert chat Markdown: HTML escaped, Markdown syntax backslash-escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def render_answer(answer: Answer, indexed_titles: Iterable[str] = ()) -> str:
    """The chat reply in Markdown: each citation marker [n] links to the source entry ``#source-n``.

    A refusal starts with a "No answer found" note and lists the indexed documents' titles.
    """
    if answer.refused:
        titles = sorted(t for t in indexed_titles if t)
        lines = [f"**{NO_ANSWER}** {escape_markdown(answer.refusal_reason)}".rstrip()]
        if not titles:
            lines.append("The index is empty: add documents with `policy-assistant ingest corpus/`.")
        else:
            shown = ", ".join(f"*{escape_markdown(t)}*" for t in titles[:MAX_LISTED_TITLES])
            more = f" and {len(titles) - MAX_LISTED_TITLES} more" if len(titles) > MAX_LISTED_TITLES else ""
            lines.append(f"Indexed documents ({len(titles)}): {shown}{more}.")
        return "\n\n".join(lines)
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"[[{n}]](#source-{n})" for n in sentence.citations)
        note = "" if sentence.supported else " *(not supported by the sources)*"
        parts.append(f"{escape_markdown(sentence.text)} {markers}{note}".strip())
    return " ".join(parts)


def render_sources(answer: Answer | None) -> str:
    """The sources panel in HTML: one entry per citation, with id ``source-n``; all document text escaped."""
    if answer is None:
        return SOURCES_PLACEHOLDER
    esc = html.escape
    question = f'<p class="meta">For: {esc(answer.question)}</p>' if answer.question else ""
    if answer.refused or not answer.citations:
        return f'<div class="sources"><h3>Sources</h3>{question}<p>{esc(NO_ANSWER)} Nothing is cited.</p></div>'
    entries = []
    for c in answer.citations:
        meta = " · ".join(esc(v) for v in (c.date or "undated", c.doc_type, c.heading_path) if v)
        entries.append(
            f'<div class="source" id="source-{c.number}">'
            f"<p><strong>[{c.number}] {esc(c.title or c.doc_id)}</strong></p>"
            f'<p class="meta">{meta}</p>'
            f"<blockquote>{esc(c.quote)}</blockquote>"
            f'<p class="meta">{esc(c.doc_id)}, characters {c.start}–{c.end}</p>'
            "</div>"
        )
    return f'<div class="sources"><h3>Sources</h3>{question}{"".join(entries)}</div>'


def render_status(status: Mapping[str, Any]) -> str:
    """One Markdown line: model, index, document and chunk counts."""
    line = (
        f"**Model** {escape_markdown(str(status.get('embedding_model', '')))} · "
        f"**Index** {escape_markdown(str(status.get('index', '')))} · "
        f"{status.get('documents', 0)} documents · {status.get('chunks', 0)} chunks"
    )
    if not status.get("chunks"):
        line += " · the index is empty: run `policy-assistant ingest corpus/`"
    incomplete = status.get("incomplete_documents") or []
    if incomplete:
        line += f" · {len(incomplete)} incomplete documents: run ingest again"
    return line


def _gradio() -> ModuleType:
    """Import gradio with its analytics off (the variable is read at import)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio

    return gradio


def build_app(assistant: Assistant) -> gradio.Blocks:
    gr = _gradio()
    from .pipeline import QuestionError
    from .retrieve import FilterError, Filters

    def respond(message: str, history: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]], str]:
        """The chat handler: the question in, the cleared textbox, the longer chat and the sources out."""
        history = list(history or [])
        if not (message or "").strip():
            return "", history, render_sources(None)
        history.append({"role": "user", "content": escape_markdown(message)})
        try:
            answer = assistant.ask(message, Filters())
        except (QuestionError, FilterError) as exc:
            history.append({"role": "assistant", "content": f"**Cannot ask this:** {escape_markdown(str(exc))}"})
            return "", history, render_sources(None)
        titles = [d.title or d.doc_id for d in assistant.documents().values()] if answer.refused else []
        history.append({"role": "assistant", "content": render_answer(answer, titles)})
        return "", history, render_sources(answer)

    def run_example(history: list[dict[str, Any]], event: Any) -> tuple[str, list[dict[str, Any]], str]:
        value = event.value
        return respond(value.get("text", "") if isinstance(value, dict) else str(value), history)

    # Gradio passes the clicked example to the argument hinted gr.SelectData; set the hint as an object,
    # since postponed (string) annotations naming a local import cannot be resolved.
    run_example.__annotations__["event"] = gr.SelectData

    def status() -> str:
        return render_status(assistant.status())

    with gr.Blocks(title="Policy assistant", analytics_enabled=False) as demo:
        gr.Markdown("## Policy assistant\nAnswers come only from the indexed documents, with numbered sources.")
        status_line = gr.Markdown(status())
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    height=520,
                    examples=[{"text": q} for q in EXAMPLES],
                    sanitize_html=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    feedback_options=None,
                )
                question = gr.Textbox(
                    label="Question", placeholder="Ask about the indexed documents…", submit_btn="Ask", autofocus=True
                )
                clear = gr.Button("Clear chat", variant="secondary")
            with gr.Column(scale=2):
                sources = gr.HTML(SOURCES_PLACEHOLDER, css_template=_SOURCES_CSS, max_height=640, padding=True)
        outputs = [question, chatbot, sources]
        question.submit(respond, [question, chatbot], outputs, api_name="ask")
        chatbot.example_select(run_example, [chatbot], outputs, api_visibility="undocumented")
        clear.click(lambda: ("", [], SOURCES_PLACEHOLDER), None, outputs, api_visibility="undocumented")
        chatbot.clear(lambda: SOURCES_PLACEHOLDER, None, sources, api_visibility="undocumented")
        demo.load(status, None, status_line, api_visibility="undocumented")
    return demo


def parse_auth(auth: str) -> tuple[str, str] | None:
    """``'user:password'`` -> ``('user', 'password')``; empty -> no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("setting 'ui.auth' must be 'user:password' (or empty for no login)")
    return user, password


def launch(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    assistant: Assistant | None = None,
    **launch_kwargs: Any,
) -> gradio.Blocks:
    """Build the Assistant (ingesting nothing) and serve the chat on ``host:port`` (default: settings.ui)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from .pipeline import Assistant

    auth = parse_auth(settings.ui.auth)
    demo = build_app(assistant or Assistant(settings))
    demo.queue()
    demo.launch(
        server_name=host or settings.ui.host,
        server_port=port or settings.ui.port,
        auth=auth,
        share=False,
        ssr_mode=False,
        **launch_kwargs,
    )
    return demo
