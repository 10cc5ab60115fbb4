"""The chat UI: Gradio over Assistant.ask_stream(), ingest(), remove() and document_text().

Everything shown is built by pure functions (``render_*``, ``safe_upload_name``, ``feedback_record``) that the
tests call without a browser; ``build_app`` wires them to Gradio and ``launch`` serves it. Document text is
always HTML-escaped before it reaches the page: no HTML, Markdown link or script from a document is ever live.
How the queue and concurrency limits are set, and why, is in docs/ui.md.
"""

from __future__ import annotations

import html
import inspect
import json
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from .documents import SUPPORTED_SUFFIXES
from .embedding import Embedder
from .settings import Settings
from .types import Answer, Citation, RetrievedChunk

if TYPE_CHECKING:
    import gradio

    from .pipeline import Assistant, IngestReport
    from .store import StoredDocument

log = logging.getLogger(__name__)

EXAMPLES_EN = (
    "What subsidies cover model usage?",
    "How many AI-related companies operate in Shanghai?",
    "When did Shanghai introduce a dedicated regulation for the AI sector?",
)
EXAMPLES_ZH = ("个人信息处理者在哪些情形下应当事前进行个人信息保护影响评估？",)
EXAMPLES = EXAMPLES_EN + EXAMPLES_ZH
NO_ANSWER = "No answer found."
SOURCES_PLACEHOLDER = (
    '<div class="sources empty"><p><em>Ask a question: the sources of each answer appear here, '
    "with the cited sentence highlighted.</em></p></div>"
)
MAX_LISTED_TITLES = 20
MAX_TURNS_IN_PANEL = 20
DOCUMENT_WINDOW = 40_000
"""Characters of a document shown around a cited span in the whole-document view (the rest is elided)."""
UPLOAD_FOLDER = "uploads"
PREVIOUS_FOLDER = ".previous"
"""Inside the upload folder (a dot folder, so ingest never reads it): uploads being replaced, until the new file
is indexed."""
FEEDBACK_FILE = "feedback.jsonl"
EMBED_PROGRESS_BATCH = 128
UPLOAD_HARD_CAP_FACTOR = 5
"""Gradio refuses (at upload) files over this many times the per-file limit; see launch()."""
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
FEEDBACK_VERDICTS = {"like": "up", "dislike": "down", "wrong citation": "wrong_citation"}
FEEDBACK_OPTIONS = ("Like", "Dislike", "Wrong citation")
FEEDBACK_LABELS = {"up": "helpful (thumbs up)", "down": "not helpful (thumbs down)", "wrong_citation": "wrong citation"}
ASK_CONCURRENCY = 4
"""Questions answered at once per app; each is a short CPU-bound burst (one embedding, BM25, sentence scoring)."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$<>@])")
# The starts of GitHub-flavoured Markdown's bare links: http://, https://, ftp:// and www. (e-mail addresses lose
# their '@' to _MARKDOWN_SPECIAL). A backslash before the ':' or '.' keeps the text and drops the link.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)(:(?=//)|\.)")

SOURCES_CSS = """
.sources { font-size: var(--text-md); }
.sources.empty { color: var(--body-text-color-subdued); }
.sources details.turn { margin-bottom: 0.8em; }
.sources details.turn > summary { cursor: pointer; font-weight: 600; padding: 0.3em 0; }
.sources details.turn.older > summary { font-weight: 400; color: var(--body-text-color-subdued); }
.sources .turn-meta { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 0.1em 0 0.4em 0; }
.sources .turn-filters { font-size: 0.9em; margin: 0.2em 0 0.4em 0; padding: 0.2em 0.5em; border-radius: 4px;
  background: var(--background-fill-secondary); }
.sources details.source { padding: 0.5em 0.6em; margin: 0.4em 0; border: 1px solid var(--border-color-primary);
  border-radius: 6px; scroll-margin-top: 0.5em; }
.sources details.source > summary { cursor: pointer; }
.sources details.source.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.sources .num { font-weight: 700; color: var(--color-accent); }
.sources .meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 0.3em 0; }
.sources .passage, .sources .doc-text { white-space: pre-wrap; line-height: 1.5; margin: 0.4em 0;
  padding-left: 0.7em; border-left: 3px solid var(--border-color-primary); }
.sources mark.cited { background: #ffe27a; color: #1a1a1a; padding: 0 1px; border-radius: 2px; }
.sources .actions { display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; font-size: 0.85em; }
.sources .actions .where { color: var(--body-text-color-subdued); }
.sources button.show-doc { font-size: 0.95em; padding: 0.15em 0.6em; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  color: var(--body-text-color); }
.sources .doc-view { max-height: 360px; overflow: auto; position: relative; margin-top: 0.4em; padding: 0.4em;
  border: 1px dashed var(--border-color-primary); border-radius: 4px; }
.sources .doc-view .elided { color: var(--body-text-color-subdued); font-style: italic; }
.sources .refused { padding: 0.4em 0.6em; border-left: 4px solid #d97706; }
.sources details.counterpart { margin-top: 0.4em; font-size: 0.95em; }
.sources details.counterpart > summary { cursor: pointer; color: var(--color-accent); font-weight: 600; }
.sources .counterpart.missing { color: var(--body-text-color-subdued); font-size: 0.85em; margin-top: 0.3em; }
.sources .version { padding: 0 0.4em; border-radius: 3px; font-weight: 600; }
.sources .version.superseded { background: #fde2e2; color: #9b1c1c; }
.sources .version.in-force { background: #def7ec; color: #03543f; }
"""

SOURCES_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.show-doc');
  if (!button || !element.contains(button)) return;
  event.preventDefault();
  const entry = button.closest('.source');
  const view = entry.querySelector('.doc-view');
  if (!view.hidden) { view.hidden = true; button.textContent = 'Show whole document'; return; }
  button.disabled = true;
  button.textContent = 'Loading…';
  try {
    const html = await server.document_view(button.dataset.doc, Number(button.dataset.start),
                                            Number(button.dataset.end));
    view.innerHTML = html;  // built on the server from escaped text
    view.hidden = false;
    button.textContent = 'Hide whole document';
    const mark = view.querySelector('mark.cited');
    if (mark) view.scrollTop = Math.max(0, mark.offsetTop - view.clientHeight / 3);
  } catch (error) {
    view.textContent = 'Could not load the document: ' + error;
    view.hidden = false;
    button.textContent = 'Show whole document';
  } finally {
    button.disabled = false;
  }
});
"""

# A citation marker [n] in an answer links to #source-<turn>-<n>: open that entry (and its answer's group) in
# the sources panel, scroll to it and mark it active. Delegated from the document, since chat messages re-render.
HEAD = """<script>
document.addEventListener('click', function (event) {
  const link = event.target.closest ? event.target.closest('a[href^="#source-"]') : null;
  if (!link) return;
  const entry = document.getElementById(link.getAttribute('href').slice(1));
  if (!entry) return;
  event.preventDefault();
  const group = entry.closest('details.turn');
  if (group) group.open = true;
  if (entry.tagName === 'DETAILS') entry.open = true;
  document.querySelectorAll('.source.active').forEach(function (e) { e.classList.remove('active'); });
  entry.classList.add('active');
  entry.scrollIntoView({block: 'start', behavior: 'smooth'});
}, true);
</script>"""

APP_CSS = """
.refusal { border-left: 4px solid #d97706; background: rgba(217, 119, 6, 0.08); padding: 0.5em 0.8em;
  border-radius: 4px; }
.refusal .coverage { margin-top: 0.4em; }
.answer-filters { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.3em; }
.ask-error { border-left: 4px solid #dc2626; padding: 0.4em 0.8em; }
.pending { color: var(--body-text-color-subdued); font-style: italic; }
.answer-note { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 0.4em; }
#status-line { font-size: 0.9em; }
#chat a[href^="#source-"] { text-decoration: none; font-size: 0.8em; font-weight: 600; vertical-align: super;
  padding: 0 0.25em; margin-left: 0.1em; border-radius: 4px; background: var(--color-accent-soft);
  color: var(--color-accent); }
#documents-table * { font-family: var(--font) !important; }
#upload-report .failed { color: #b91c1c; }
"""


# --- rendering ------------------------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Document text as inert chat Markdown: HTML escaped, Markdown syntax backslash-escaped, one line, and no
    bare URL or e-mail address that the chat's Markdown (GitHub's flavour) would turn into a live link."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return _AUTOLINK.sub(r"\1\\\2", escaped)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _inline(text: object) -> str:
    """Text inside the chat's HTML blocks: escaped, and on one line. A blank line would end the block, and what
    followed it (a title's "![x](https://…)") would be read as Markdown and fetched by the browser."""
    return _esc(" ".join(str(text).split()))


def source_anchor(turn: int, number: int) -> str:
    """The id of citation ``number``'s entry for answer ``turn`` in the sources panel."""
    return f"source-{turn}-{number}"


def describe_filters(filters: Mapping[str, Any]) -> str:
    """Active filters in words (plain text), '' when none."""
    parts = []
    if filters.get("doc_ids"):
        parts.append("documents: " + ", ".join(filters["doc_ids"]))
    if filters.get("types"):
        parts.append("type: " + ", ".join(filters["types"]))
    if filters.get("langs"):
        parts.append("language: " + ", ".join(LANGUAGE_NAMES.get(v, v) for v in filters["langs"]))
    if filters.get("since"):
        parts.append(f"from {filters['since']}")
    if filters.get("until"):
        parts.append(f"until {filters['until']}")
    return "; ".join(parts)


def describe_coverage(documents: Iterable[StoredDocument]) -> str:
    """What the indexed documents cover, as an HTML fragment: counts by type and language, dates, titles."""
    docs = sorted(documents, key=lambda d: (d.title or d.doc_id).lower())
    if not docs:
        return (
            "The index is empty: add documents in the <em>Documents</em> tab "
            "or with <code>policy-assistant ingest corpus/</code>."
        )
    types: dict[str, int] = {}
    langs: dict[str, int] = {}
    for d in docs:
        types[d.doc_type or "other"] = types.get(d.doc_type or "other", 0) + 1
        langs[d.lang] = langs.get(d.lang, 0) + 1
    kinds = ", ".join(f"{n} {_inline(t)}" for t, n in sorted(types.items()))
    languages = ", ".join(_inline(LANGUAGE_NAMES.get(lang, lang)) for lang in sorted(langs))
    dates = sorted(d.date for d in docs if d.date)
    span = f"; dated {_inline(dates[0])} to {_inline(dates[-1])}" if len(dates) > 1 else ""
    span = f"; dated {_inline(dates[0])}" if len(dates) == 1 else span
    titles = ", ".join(f"<em>{_inline(d.title or d.doc_id)}</em>" for d in docs[:MAX_LISTED_TITLES])
    more = f" and {len(docs) - MAX_LISTED_TITLES} more" if len(docs) > MAX_LISTED_TITLES else ""
    noun = "document" if len(docs) == 1 else "documents"
    return f"The indexed documents cover {len(docs)} {noun} ({kinds}; {languages}{span}): {titles}{more}."


def render_answer(
    answer: Answer,
    documents: Iterable[StoredDocument] = (),
    turn: int = 1,
) -> str:
    """The chat reply (Markdown with a little HTML): each marker [n] links to ``#source-<turn>-<n>``.

    A refusal is a boxed "No answer found" with the reason and what the indexed documents do cover.
    Active filters are shown above the answer.
    """
    filters = describe_filters(answer.filters)
    head = f'<div class="answer-filters">Filters: {_inline(filters)}</div>\n\n' if filters else ""
    if answer.refused:
        widen = f" Filters were on ({_inline(filters)}): try widening them." if filters else ""
        return (
            f'{head}<div class="refusal">\n'
            f"<p><strong>{NO_ANSWER}</strong> {_inline(answer.refusal_reason)}{widen}</p>\n"
            f'<p class="coverage">{describe_coverage(documents)}</p>\n'
            "</div>"
        )
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"[[{n}]](#{source_anchor(turn, n)})" for n in sentence.citations)
        note = "" if sentence.supported else " *(not supported by the sources)*"
        parts.append(f"{escape_markdown(sentence.text)} {markers}{note}".strip())
    searched = (
        f'<div class="answer-filters">Searched for: {_inline(answer.searched_for)}</div>\n\n'
        if answer.searched_for
        else ""
    )
    notes = f'\n\n<div class="answer-note">{_inline(answer.note)}</div>' if answer.note else ""
    return head + searched + " ".join(parts) + notes


def render_pending(filters: Mapping[str, Any]) -> str:
    described = describe_filters(filters)
    head = f'<div class="answer-filters">Filters: {_inline(described)}</div>\n\n' if described else ""
    return f'{head}<span class="pending">Searching the documents…</span>'


def render_partial(answer: Answer, turn: int) -> str:
    """An answer still being written: only its sentences already checked against their sources, then a note that
    more may follow. Nothing unchecked is ever shown."""
    return f'{render_answer(answer, (), turn)} <span class="pending">(checking the next sentence…)</span>'


def render_ask_error(message: str) -> str:
    return f'<div class="ask-error"><strong>Cannot ask this:</strong> {_inline(message)}</div>'


def cited_passage(citation: Citation, chunk: RetrievedChunk | None) -> tuple[str, str, str]:
    """(before, cited span, after) in the citation's chunk, from the stored offsets; the quote alone if they
    do not point into the chunk at the quoted text."""
    if chunk is not None:
        start, end = citation.start - chunk.start, citation.end - chunk.start
        if 0 <= start < end <= len(chunk.text) and chunk.text[start:end] == citation.quote:
            return chunk.text[:start], chunk.text[start:end], chunk.text[end:]
        found = chunk.text.find(citation.quote) if citation.quote else -1
        if found >= 0:
            end = found + len(citation.quote)
            return chunk.text[:found], chunk.text[found:end], chunk.text[end:]
    return "", citation.quote, ""


def render_citation(citation: Citation, chunk: RetrievedChunk | None, turn: int) -> str:
    before, span, after = cited_passage(citation, chunk)
    meta = " · ".join(
        f'<span class="{cls}">{_esc(v)}</span>'
        for cls, v in (
            ("date", citation.date or "undated"),
            ("type", citation.doc_type),
            ("heading", citation.heading_path),
        )
        if v
    )
    if citation.version:
        kind = "superseded" if citation.version.startswith("superseded") else "in-force"
        meta += f' · <span class="version {kind}">{_esc(citation.version)}</span>'
    return (
        f'<details class="source" id="{source_anchor(turn, citation.number)}" open>'
        f'<summary><span class="num">[{citation.number}]</span> '
        f'<strong class="title">{_esc(citation.title or citation.doc_id)}</strong></summary>'
        f'<div class="meta">{meta}</div>'
        f'<div class="passage">{_esc(before)}<mark class="cited">{_esc(span)}</mark>{_esc(after)}</div>'
        '<div class="actions">'
        f'<button type="button" class="show-doc" data-doc="{_esc(citation.doc_id)}" '
        f'data-start="{int(citation.start)}" data-end="{int(citation.end)}">Show whole document</button>'
        f'<span class="where">{_esc(citation.doc_id)}, characters {citation.start}–{citation.end}</span>'
        "</div>"
        '<div class="doc-view" hidden></div>'
        f"{render_counterpart(citation)}"
        "</details>"
    )


def render_counterpart(citation: Citation) -> str:
    """The same article in the other language, one click away ("中文原文 · 第五十五条"): the original controls."""
    other = citation.counterpart
    if other is None:
        return ""
    if other.missing:
        return f'<div class="counterpart missing">{_esc(other.label)}: {_esc(other.missing)}</div>'
    return (
        f'<details class="counterpart" lang="{_esc(other.lang)}"><summary>{_esc(other.label)}</summary>'
        f'<div class="meta">{_esc(other.title)} · {_esc(other.heading_path)} · '
        f"{_esc(other.doc_id)}, characters {other.start}–{other.end}</div>"
        f'<div class="passage">{_esc(other.quote)}</div></details>'
    )


@dataclass
class Turn:
    """One answered question in a session: its number, its place in the chat, and the answer."""

    turn: int
    message_index: int
    answer: Answer
    chunks: dict[str, RetrievedChunk]
    """The chunks its citations point into, by chunk id."""


def render_turn(turn: Turn, latest: bool) -> str:
    answer = turn.answer
    filters = describe_filters(answer.filters)
    filters_html = f'<div class="turn-filters">Filters: {_esc(filters)}</div>' if filters else ""
    state = " open" if latest else ""
    older = "" if latest else " older"
    summary = f"Sources for “{_esc(answer.question)}”" if answer.question else "Sources"
    if answer.refused or not answer.citations:
        body = f'<p class="refused">{NO_ANSWER} Nothing is cited.</p>'
    else:
        body = "".join(render_citation(c, turn.chunks.get(c.chunk_id), turn.turn) for c in answer.citations)
    return (
        f'<details class="turn{older}" id="turn-{turn.turn}"{state}><summary>{summary}</summary>'
        f"{filters_html}{body}</details>"
    )


def render_sources(turns: Sequence[Turn] | Answer | None, turn: int = 1) -> str:
    """The sources panel in HTML, newest answer first and open, older ones folded; all document text escaped.

    Accepts a single Answer too (its citations looked up in ``answer.retrieved``)."""
    if isinstance(turns, Answer):
        turns = [Turn(turn, 0, turns, {c.chunk_id: c for c in turns.retrieved})]
    if not turns:
        return SOURCES_PLACEHOLDER
    shown = list(turns)[-MAX_TURNS_IN_PANEL:]
    groups = [render_turn(t, latest=i == 0) for i, t in enumerate(reversed(shown))]
    return f'<div class="sources">{"".join(groups)}</div>'


def character_span(start: object, end: object) -> tuple[int, int] | None:
    """(start, end) as character offsets, from what a browser sent; None for anything else (1e999, 'x', 1.5)."""
    offsets = []
    for value in (start, end):
        if isinstance(value, float) and value.is_integer():  # JSON numbers may arrive as 12.0
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        offsets.append(value)
    return offsets[0], offsets[1]


def render_document_view(text: str | None, start: int, end: int, window: int = DOCUMENT_WINDOW) -> str:
    """The whole document with the cited span marked (HTML, escaped); a window around the span when it is long."""
    if text is None:
        return (
            '<p class="elided">This document is no longer in the index (removed, or being indexed again), so its '
            "text cannot be shown; ask again.</p>"
        )
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo = max(0, start - window // 2) if len(text) > window else 0
    hi = min(len(text), end + window // 2) if len(text) > window else len(text)
    parts = []
    if lo > 0:
        parts.append(f'<span class="elided">[… {lo:,} characters before …]</span>\n')
    parts.append(f'{_esc(text[lo:start])}<mark class="cited">{_esc(text[start:end])}</mark>{_esc(text[end:hi])}')
    if hi < len(text):
        parts.append(f'\n<span class="elided">[… {len(text) - hi:,} characters after …]</span>')
    return f'<div class="doc-text">{"".join(parts)}</div>'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render_status(status: Mapping[str, Any], settings: Settings | None = None) -> str:
    """One Markdown line: model, index location and mode, document and chunk counts (what ``check`` reports)."""
    line = (
        f"**Model** {escape_markdown(str(status.get('embedding_model', '')))} · "
        f"**Index** {escape_markdown(str(status.get('index', '')))}"
    )
    if settings is not None:
        line += f" · **Retrieval** {settings.retrieval.mode} · **Answers** {settings.answer.generator}"
    line += f" · {_count(status.get('documents', 0), 'document')} · {_count(status.get('chunks', 0), 'chunk')}"
    if not status.get("chunks"):
        line += " · the index is empty: upload documents or run `policy-assistant ingest corpus/`"
    incomplete = status.get("incomplete_documents") or []
    if incomplete:
        line += f" · {len(incomplete)} incomplete documents: run ingest again"
    return line


DOCUMENT_COLUMNS = ["Title", "Document id", "Type", "Language", "Date", "Chunks", "Added by"]


def document_rows(documents: Mapping[str, StoredDocument], uploads: Path) -> list[list[Any]]:
    """The indexed-documents table: one row per document, by title."""
    rows = []
    for doc in sorted(documents.values(), key=lambda d: (d.title or d.doc_id).lower()):
        rows.append(
            [
                doc.title or doc.doc_id,
                doc.doc_id,
                doc.doc_type,
                LANGUAGE_NAMES.get(doc.lang, doc.lang),
                doc.date or "undated",
                doc.chunks,
                "upload" if is_upload(doc.source, uploads) else "ingest",
            ]
        )
    return rows


def document_choices(documents: Mapping[str, StoredDocument]) -> list[tuple[str, str]]:
    return [
        (f"{d.title or d.doc_id} ({d.doc_id})", d.doc_id)
        for d in sorted(documents.values(), key=lambda d: (d.title or d.doc_id).lower())
    ]


# --- uploads --------------------------------------------------------------------------------------------------


def human_size(size: float) -> str:
    """1536 -> '1.5 KB'; 20 * 2**20 -> '20 MB'."""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "bytes" or size == int(size) else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # not reached


def safe_upload_name(name: str) -> str:
    """A file name that stays inside the upload folder: no folders, no leading dots, only word characters,
    dots, dashes and spaces (Chinese names kept), at most 120 characters. Case is kept, the suffix's too:
    'evil.TXT' is another name than 'evil.txt' (see save_uploads)."""
    base = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    suffix = PurePosixPath(base).suffix
    stem = base[: -len(suffix)] if suffix else base
    suffix = re.sub(r"[^A-Za-z0-9.]", "", suffix)
    stem = re.sub(r"[^\w.\- ]+", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._-")[:120] or "upload"
    return stem + suffix


def is_upload(source: str, uploads: Path) -> bool:
    try:
        return Path(source).resolve().is_relative_to(uploads.resolve())
    except (OSError, ValueError):
        return False


@dataclass
class UploadPlan:
    saved: dict[str, Path]
    """Original name -> where it was saved in the upload folder."""
    rejected: list[str]
    """One line per file that is not ingested, naming it."""
    previous: dict[Path, Path] = field(default_factory=dict)
    """Saved path -> where the upload it replaces was moved, until the new one is indexed (see settle_uploads)."""


def save_uploads(
    files: Sequence[str | Path],
    uploads: Path,
    max_bytes: int,
    existing: Mapping[str, StoredDocument],
) -> UploadPlan:
    """Copy uploaded files into ``uploads`` under safe names, rejecting (by name) the unusable ones.

    A name that another, non-uploaded document already uses as its id gets a numbered name, so an upload
    never replaces a document ingested from elsewhere; uploading the same name again updates that upload, and
    the upload it replaces is kept aside until the new one is indexed. A name that differs from another only in
    case ('evil.TXT' beside 'evil.txt') is numbered too, never written over the other (on a case-insensitive disk
    they would be one file).
    """
    uploads.mkdir(parents=True, exist_ok=True)
    root = uploads.resolve()
    plan = UploadPlan({}, [])
    names = {p.name for p in uploads.iterdir()} | set(existing)
    taken: set[str] = set()

    def clashes(name: str) -> bool:
        folded = name.casefold()
        if any(t.casefold() == folded for t in taken):
            return True
        if name in existing and not is_upload(existing[name].source, uploads):
            return True
        return any(n.casefold() == folded and n != name for n in names)

    for item in files:
        path = Path(item)
        original = path.name
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            plan.rejected.append(
                f"{original}: unsupported file type '{suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
            )
            continue
        try:
            size = path.stat().st_size
        except OSError as exc:
            plan.rejected.append(f"{original}: cannot be read ({exc.strerror or exc})")
            continue
        if size > max_bytes:
            plan.rejected.append(f"{original}: {human_size(size)} is over the upload limit of {human_size(max_bytes)}")
            continue
        if size == 0:
            plan.rejected.append(f"{original}: the file is empty")
            continue
        name = safe_upload_name(original)
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        number = 1
        while clashes(name):
            number += 1
            name = f"{stem}-{number}{suffix}"
        target = (uploads / name).resolve()
        if target.parent != root:  # cannot happen with a safe name; checked all the same
            plan.rejected.append(f"{original}: not a usable file name")
            continue
        taken.add(name)
        if target.exists():
            kept = uploads / PREVIOUS_FOLDER / name
            kept.parent.mkdir(exist_ok=True)
            os.replace(target, kept)
            plan.previous[target] = kept
        shutil.copyfile(path, target)
        plan.saved[original] = target
    return plan


def settle_uploads(plan: UploadPlan, indexed: set[str]) -> None:
    """After the ingest: a saved file whose document was not indexed is deleted, and the upload it replaced (if
    any) put back, so a failed re-upload leaves the indexed document and its file as they were."""
    for path in plan.saved.values():
        kept = plan.previous.get(path)
        if path.name in indexed:
            if kept is not None:
                kept.unlink(missing_ok=True)
        elif kept is not None:
            os.replace(kept, path)
        else:
            path.unlink(missing_ok=True)


def upload_report(plan: UploadPlan, report: IngestReport | None, elapsed: float = 0.0) -> str:
    """What happened to each uploaded file, in Markdown, naming every file that was not indexed."""
    lines = []
    if report is not None:
        by_id = {path.name: original for original, path in plan.saved.items()}
        for doc_id in report.added:
            lines.append(f"- **{escape_markdown(by_id.get(doc_id, doc_id))}**: indexed as `{doc_id}`")
        for doc_id in report.updated:
            lines.append(f"- **{escape_markdown(by_id.get(doc_id, doc_id))}**: updated `{doc_id}`")
        for doc_id in report.unchanged:
            lines.append(f"- **{escape_markdown(by_id.get(doc_id, doc_id))}**: already indexed, unchanged")
        for doc_id, primary in report.duplicates.items():
            lines.append(
                f"- **{escape_markdown(by_id.get(doc_id, doc_id))}**: same text as `{escape_markdown(primary)}`, "
                "which is indexed already"
            )
        for failure in report.failed:
            shown = failure
            for original, path in plan.saved.items():
                shown = shown.replace(str(path), original)
            lines.append(f'- <span class="failed">✗ {_esc(shown)}</span>')
    for rejected in plan.rejected:
        lines.append(f'- <span class="failed">✗ {_esc(rejected)}</span>')
    took = f" in {elapsed:.1f} s" if elapsed else ""
    indexed = report.indexed if report is not None else 0
    failed = len(plan.rejected) + (len(report.failed) if report is not None else 0)
    head = f"**Upload finished{took}:** {indexed} indexed, {failed} not indexed."
    return "\n".join([head, "", *lines])


class _ProgressEmbedder(Embedder):
    """The assistant's embedder, embedding in small batches and reporting after each (for the upload bar)."""

    def __init__(self, inner: Embedder, report: Callable[[int, int], None]) -> None:
        self.inner = inner
        self.report = report
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if len(texts) <= EMBED_PROGRESS_BATCH:
            return self.inner.embed(texts)
        parts = []
        for start in range(0, len(texts), EMBED_PROGRESS_BATCH):
            self.report(start, len(texts))
            parts.append(self.inner.embed(texts[start : start + EMBED_PROGRESS_BATCH]))
        self.report(len(texts), len(texts))
        return np.concatenate(parts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def coverage(self, text: str) -> float:
        return self.inner.coverage(text)


# --- feedback -------------------------------------------------------------------------------------------------


def feedback_verdict(liked: object) -> str:
    """gr.LikeData.liked -> 'up', 'down', 'wrong_citation' (or the option's name in snake case)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    text = str(liked or "").strip().lower()
    return FEEDBACK_VERDICTS.get(text, re.sub(r"\W+", "_", text).strip("_") or "none")


def feedback_record(answer: Answer, verdict: str, now: datetime | None = None) -> dict[str, Any]:
    """One line of the feedback file: enough to turn into an eval case."""
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "verdict": verdict,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "filters": answer.filters,
        "citations": [
            {
                "number": c.number,
                "doc_id": c.doc_id,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "chunk_id": c.chunk_id,
            }
            for c in answer.citations
        ],
    }


class FeedbackLog:
    """Appends feedback records as JSON lines, one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)


# --- the app --------------------------------------------------------------------------------------------------


def _gradio() -> ModuleType:
    """Import gradio with its analytics off (the variable is read at import)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio

    return gradio


def max_upload_bytes(settings: Settings) -> int:
    """The largest upload: ingest's own file limit (settings.limits.max_file_mb)."""
    return int(settings.limits.max_file_mb * 2**20)


def input_error(endpoint: str, names: Sequence[str], sent: int, bad: str = "", reason: str = "") -> str:
    """One line for an API call whose values Gradio cannot read: which values the endpoint takes, what was wrong."""
    takes = f"{endpoint} takes {len(names)} values ({', '.join(names)})"
    if sent < len(names):
        return f"{takes}; it was sent {sent}"
    if bad == "history":
        return f"{takes}; history must be a list of messages, each {{'role': 'user' or 'assistant', 'content': …}}"
    first = reason.strip().splitlines()[0][:120] if reason.strip() else "unreadable"
    return f"{takes}; {bad or 'a value'} is malformed ({first})"


def _api_blocks(gr: ModuleType) -> type[gradio.Blocks]:
    class Blocks(gr.Blocks):  # type: ignore[name-defined]
        """Gradio's Blocks, but an API call whose values cannot be read gets one line saying why: Gradio sends its
        own input errors with no text unless show_error is on, which would send every exception's text."""

        async def preprocess_data(
            self, block_fn: Any, inputs: list[Any], state: Any, explicit_call: bool = False
        ) -> Any:
            try:
                return await super().preprocess_data(block_fn, inputs, state, explicit_call)
            except gr.Error:
                raise
            except Exception as exc:
                # The values named as the API shows them: by the handler's parameters, State inputs left out.
                params = inspect.signature(block_fn.fn).parameters
                api = [(name, b) for name, b in zip(params, block_fn.inputs, strict=False) if not b.skip_api]
                values = inputs
                if len(inputs) == len(block_fn.inputs):  # Gradio adds the State values to a call that sent all
                    values = [v for b, v in zip(block_fn.inputs, inputs, strict=True) if not b.skip_api]
                bad = next((name for (name, b), v in zip(api, values) if not _readable(b, v)), "")
                names = [name for name, _ in api]
                raise gr.Error(input_error(f"/{block_fn.api_name}", names, len(values), bad, str(exc))) from exc

    return Blocks


def _readable(block: Any, value: Any) -> bool:
    """Whether Gradio can read ``value`` as the input ``block`` (its data model accepts it)."""
    model = getattr(block, "data_model", None)
    if model is None or value is None:
        return True
    try:
        model.model_validate(value)
    except Exception:
        return False
    return True


def build_app(assistant: Assistant) -> gradio.Blocks:
    gr = _gradio()
    from .pipeline import QuestionError
    from .retrieve import DOC_TYPES, FilterError, Filters

    settings = assistant.settings
    uploads = settings.index_dir / UPLOAD_FOLDER
    feedback = FeedbackLog(settings.index_dir / FEEDBACK_FILE)
    max_bytes = max_upload_bytes(settings)
    writing = threading.Lock()  # uploads and removals, one at a time (ingest has its own lock too)

    def chunks_for(answer: Answer) -> dict[str, RetrievedChunk]:
        chunks = {c.chunk_id: c for c in answer.retrieved}
        missing = [c.chunk_id for c in answer.citations if c.chunk_id not in chunks]
        if missing:
            try:
                chunks.update({c.chunk_id: c for c in assistant.store.get(missing)})
            except Exception:  # the panel then shows the quote alone
                log.exception("could not fetch cited chunks")
        return chunks

    def respond(
        message: str,
        history: list[dict[str, Any]],
        turns: list[Turn],
        doc_ids: list[str] | None,
        types: list[str] | None,
        langs: list[str] | None,
        since: str,
        until: str,
    ) -> Iterator[tuple[Any, ...]]:
        """The chat handler, streaming: the cleared textbox, the growing chat, the sources panel, the turns."""
        history = list(history or [])
        turns = list(turns or [])
        message = (message or "").strip()
        if not message:
            yield "", list(history), gr.skip(), turns
            return
        history.append({"role": "user", "content": escape_markdown(message)})
        try:
            filters = Filters(
                doc_ids=tuple(str(d) for d in doc_ids or ()),
                types=tuple(types or ()),
                langs=tuple(langs or ()),
                since=(since or "").strip(),
                until=(until or "").strip(),
            )
        except FilterError as exc:
            history.append({"role": "assistant", "content": render_ask_error(str(exc))})
            yield "", list(history), gr.skip(), turns
            return
        history.append({"role": "assistant", "content": render_pending(filters.as_dict())})
        yield "", list(history), gr.skip(), turns
        number = turns[-1].turn + 1 if turns else 1
        answer: Answer | None = None
        error = ""
        try:
            earlier = [t.answer.question for t in turns]  # a follow-up is searched with the question before it
            for item in assistant.ask_stream(message, filters, history=earlier):
                if not item.final:  # an LLM still writing: the sentences checked so far
                    content = render_partial(item, number)
                else:
                    answer = item
                    documents = assistant.documents().values() if answer.refused else ()
                    content = render_answer(answer, documents, number)
                history[-1] = {"role": "assistant", "content": content}
                yield "", list(history), gr.skip(), turns
        except (QuestionError, FilterError) as exc:
            error = str(exc)
        except Exception as exc:  # show it in the chat rather than as a bare "Error"
            log.exception("answering %r failed", message)
            error = f"answering failed ({type(exc).__name__}: {exc})"
        if error or answer is None:
            history[-1] = {"role": "assistant", "content": render_ask_error(error or "no answer was produced")}
            yield "", list(history), gr.skip(), turns
            return
        turns.append(Turn(number, len(history) - 1, answer, chunks_for(answer)))
        yield "", history, render_sources(turns), turns

    def run_example(
        history: list[dict[str, Any]],
        turns: list[Turn],
        doc_ids: list[str] | None,
        types: list[str] | None,
        langs: list[str] | None,
        since: str,
        until: str,
        event: Any,
    ) -> Iterator[tuple[Any, ...]]:
        value = event.value
        text = value.get("text", "") if isinstance(value, dict) else str(value)
        yield from respond(text, history, turns, doc_ids, types, langs, since, until)

    def on_feedback(turns: list[Turn], event: Any) -> str:
        index = event.index if isinstance(event.index, int) else event.index[0]
        turn = next((t for t in turns or [] if t.message_index == index), None)
        if turn is None:
            return "Feedback is recorded for answers only."
        verdict = feedback_verdict(event.liked)
        try:
            feedback.append(feedback_record(turn.answer, verdict))
        except OSError as exc:
            return f"Could not record feedback: {escape_markdown(str(exc))}"
        label = FEEDBACK_LABELS.get(verdict, verdict)
        return f"Thanks: recorded *{label}* for “{escape_markdown(turn.answer.question)}” in `{feedback.path}`."

    # Gradio passes event data to the argument hinted with its class; set the hints as objects, since
    # postponed (string) annotations naming a local import cannot be resolved.
    run_example.__annotations__["event"] = gr.SelectData
    on_feedback.__annotations__["event"] = gr.LikeData

    def document_view(doc_id: Any = None, start: Any = 0, end: Any = 0) -> str:
        """Server function for the panel's "Show whole document" (called with [doc_id, start, end])."""
        if isinstance(doc_id, list | tuple):
            doc_id, start, end = ([*list(doc_id), 0, 0])[:3]
        span = character_span(start, end)
        if span is None:
            return (
                '<p class="elided">Cannot show this document: the cited span must be two character offsets '
                f"(whole numbers), not {_esc(repr(start)[:40])} and {_esc(repr(end)[:40])}.</p>"
            )
        return render_document_view(assistant.document_text(str(doc_id)), *span)

    def status_line() -> str:
        return render_status(assistant.status(), settings)

    def document_state() -> tuple[Any, ...]:
        docs = assistant.documents()
        choices = document_choices(docs)
        return (
            document_rows(docs, uploads),
            gr.Dropdown(choices=choices),
            gr.Dropdown(choices=choices, value=None),
            render_status(assistant.status(), settings),
        )

    def add_files(files: list[str] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not files:
            return ("Choose files to upload first.", *document_state(), None)
        started = time.monotonic()
        with writing:
            plan = save_uploads(files, uploads, max_bytes, assistant.documents())
            report = None
            if plan.saved:
                originals = {str(path): original for original, path in plan.saved.items()}
                current = {"name": ""}

                def on_file(number: int, total: int, path: str) -> None:
                    current["name"] = originals.get(path, Path(path).name)
                    progress((number - 1) / total, desc=f"Reading {current['name']} ({number} of {total})")

                def on_embed(done: int, total: int) -> None:
                    progress(done / total, desc=f"Embedding {current['name']}: {done:,} of {total:,} passages")

                real = assistant.embedder
                assistant.embedder = _ProgressEmbedder(real, on_embed)
                indexed: set[str] = set()
                try:
                    report = assistant.ingest(list(plan.saved.values()), progress=on_file)
                    indexed = set(report.added + report.updated + report.unchanged) | set(report.duplicates)
                finally:
                    assistant.embedder = real
                    settle_uploads(plan, indexed)
        return (upload_report(plan, report, time.monotonic() - started), *document_state(), None)

    def remove_document(doc_id: str | None) -> tuple[Any, ...]:
        if not doc_id:
            return ("Choose a document to remove.", *document_state())
        doc_id = str(doc_id)  # any value reaches here through the API: it is checked against the index
        with writing:
            stored = assistant.documents().get(doc_id)
            removed = assistant.remove(doc_id)
            if removed and stored is not None:  # its uploaded file goes too, and those of its copies
                for source in [stored.source, *(path for _, path in stored.aliases)]:
                    if is_upload(source, uploads):
                        Path(source).unlink(missing_ok=True)
        message = f"Removed `{escape_markdown(doc_id)}`." if removed else f"`{escape_markdown(doc_id)}` is not indexed."
        return (message, *document_state())

    languages = sorted({d.lang for d in assistant.documents().values()})
    examples = EXAMPLES_EN + (EXAMPLES_ZH if "zh" in languages else ())

    with _api_blocks(gr)(title="Policy assistant", analytics_enabled=False) as demo:
        gr.Markdown("## Policy assistant\nAnswers come only from the indexed documents, each sentence with its source.")
        status = gr.Markdown(status_line(), elem_id="status-line")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Chat",
                        height=540,
                        examples=[{"text": q} for q in examples],
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
                        elem_id="question",
                    )
                    with gr.Row():
                        clear = gr.Button("Clear chat", variant="secondary", size="sm", elem_id="clear-chat")
                    feedback_note = gr.Markdown("", elem_id="feedback-note")
                    with gr.Accordion("Filters", open=False, elem_id="filters"):
                        # Choices are refreshed on every page load and upload, but Gradio checks a value sent to
                        # the API against those it was built with; the retriever checks them against the index.
                        doc_filter = gr.Dropdown(
                            label="Documents",
                            choices=document_choices(assistant.documents()),
                            multiselect=True,
                            allow_custom_value=True,
                            elem_id="filter-docs",
                        )
                        with gr.Row():
                            type_filter = gr.CheckboxGroup(list(DOC_TYPES), label="Type", elem_id="filter-type")
                            lang_filter = gr.CheckboxGroup(
                                [(LANGUAGE_NAMES[c], c) for c in ("en", "zh")], label="Language"
                            )
                        with gr.Row():
                            since = gr.Textbox(label="From", placeholder="YYYY-MM-DD", elem_id="filter-since")
                            until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="filter-until")
                with gr.Column(scale=2):
                    sources = gr.HTML(
                        SOURCES_PLACEHOLDER,
                        css_template=SOURCES_CSS,
                        js_on_load=SOURCES_JS,
                        server_functions=[document_view],
                        max_height=700,
                        padding=True,
                        elem_id="sources",
                    )
            with gr.Tab("Documents", id="documents"):
                gr.Markdown(
                    f"Upload {', '.join(SUPPORTED_SUFFIXES)} files (at most {human_size(max_bytes)} each). "
                    "They are indexed at once and can be asked about right away."
                )
                upload = gr.File(label="Upload documents", file_count="multiple", height=150, elem_id="upload")
                upload_result = gr.Markdown("", min_height=60, elem_id="upload-report")
                documents_table = gr.Dataframe(
                    headers=DOCUMENT_COLUMNS,
                    value=document_rows(assistant.documents(), uploads),
                    interactive=False,
                    wrap=True,
                    column_widths=["30%", "22%", "9%", "9%", "11%", "8%", "11%"],
                    label="Indexed documents",
                    elem_id="documents-table",
                )
                with gr.Row():
                    remove_choice = gr.Dropdown(
                        label="Document to remove",
                        choices=document_choices(assistant.documents()),
                        allow_custom_value=True,  # checked against the index by remove_document, as above
                        elem_id="remove-choice",
                        scale=3,
                    )
                    remove = gr.Button("Remove from index", variant="stop", elem_id="remove", scale=1)
                remove_result = gr.Markdown("", elem_id="remove-report")

        filter_inputs = [doc_filter, type_filter, lang_filter, since, until]
        chat_outputs = [question, chatbot, sources, turns]
        question.submit(
            respond,
            [question, chatbot, turns, *filter_inputs],
            chat_outputs,
            api_name="ask",
            concurrency_limit=ASK_CONCURRENCY,
            concurrency_id="ask",
        )
        chatbot.example_select(
            run_example,
            [chatbot, turns, *filter_inputs],
            chat_outputs,
            api_visibility="undocumented",
            concurrency_id="ask",
        )
        chatbot.like(on_feedback, [turns], [feedback_note], api_visibility="undocumented")
        clear.click(
            lambda: ("", [], SOURCES_PLACEHOLDER, [], ""),
            None,
            [question, chatbot, sources, turns, feedback_note],
            api_visibility="undocumented",
        )
        chatbot.clear(lambda: (SOURCES_PLACEHOLDER, []), None, [sources, turns], api_visibility="undocumented")
        document_outputs = [documents_table, doc_filter, remove_choice, status]
        upload.upload(
            add_files,
            [upload],
            [upload_result, *document_outputs, upload],
            api_name="upload",
            show_progress_on=[upload_result],
            concurrency_limit=1,
            concurrency_id="index",
        )
        remove.click(
            remove_document,
            [remove_choice],
            [remove_result, *document_outputs],
            api_name="remove",
            show_progress_on=[remove_result],
            concurrency_limit=1,
            concurrency_id="index",
        )
        demo.load(document_state, None, document_outputs, api_visibility="undocumented")
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
    """Build the Assistant (ingesting nothing) and serve the chat on ``host:port`` (default: settings.ui,
    127.0.0.1:7860), with gradio's login when ``ui.auth`` is set. See docs/ui.md for the queue settings."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from .pipeline import Assistant

    auth = parse_auth(settings.ui.auth)
    assistant = assistant or Assistant(settings)
    assistant.hold_writing()  # the UI may write (uploads, removals) at any time while it runs
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=2, max_size=64)
    # Gradio's own cap turns a whole multi-file upload away when one file is over it, so it sits well above the
    # per-file limit, which add_files enforces file by file (naming each file it turns away).
    launch_kwargs.setdefault("max_file_size", UPLOAD_HARD_CAP_FACTOR * max_upload_bytes(settings))
    demo.launch(
        server_name=host or settings.ui.host,
        server_port=port or settings.ui.port,
        auth=auth,
        share=False,
        ssr_mode=False,
        head=HEAD,
        css=APP_CSS,
        footer_links=["api", "settings"],
        **launch_kwargs,
    )
    return demo
