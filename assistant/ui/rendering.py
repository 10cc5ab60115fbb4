"""What the chat shows: answers, refusals, drafts and errors (Markdown with a little HTML), the status line and
the documents table. Pure functions over the pipeline's nouns; every piece of document text is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..types import Answer
from .markup import LANGUAGE_NAMES, count, describe_filters, escape_markdown, inline
from .sources import source_anchor
from .uploads import is_upload

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import StoredDocument

NO_ANSWER = "No answer found."
MAX_LISTED_TITLES = 20
DOCUMENT_COLUMNS = ["Title", "Document id", "Type", "Language", "Date", "Chunks", "Added by"]


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
    kinds = ", ".join(f"{n} {inline(t)}" for t, n in sorted(types.items()))
    languages = ", ".join(inline(LANGUAGE_NAMES.get(lang, lang)) for lang in sorted(langs))
    dates = sorted(d.date for d in docs if d.date)
    span = f"; dated {inline(dates[0])} to {inline(dates[-1])}" if len(dates) > 1 else ""
    span = f"; dated {inline(dates[0])}" if len(dates) == 1 else span
    titles = ", ".join(f"<em>{inline(d.title or d.doc_id)}</em>" for d in docs[:MAX_LISTED_TITLES])
    more = f" and {len(docs) - MAX_LISTED_TITLES} more" if len(docs) > MAX_LISTED_TITLES else ""
    noun = "document" if len(docs) == 1 else "documents"
    return f"The indexed documents cover {len(docs)} {noun} ({kinds}; {languages}{span}): {titles}{more}."


def _filters_head(filters: Mapping[str, Any]) -> str:
    described = describe_filters(filters)
    return f'<div class="answer-filters">Filters: {inline(described)}</div>\n\n' if described else ""


def render_answer(answer: Answer, documents: Iterable[StoredDocument] = (), turn: int = 1) -> str:
    """The chat reply (Markdown with a little HTML): each marker [n] links to ``#source-<turn>-<n>``.

    A refusal is a boxed "No answer found" with the reason and what the indexed documents do cover.
    Active filters are shown above the answer.
    """
    head = _filters_head(answer.filters)
    if answer.refused:
        filters = describe_filters(answer.filters)
        widen = f" Filters were on ({inline(filters)}): try widening them." if filters else ""
        return (
            f'{head}<div class="refusal">\n'
            f"<p><strong>{NO_ANSWER}</strong> {inline(answer.refusal_reason)}{widen}</p>\n"
            f'<p class="coverage">{describe_coverage(documents)}</p>\n'
            "</div>"
        )
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"[[{n}]](#{source_anchor(turn, n)})" for n in sentence.citations)
        note = "" if sentence.supported else " *(not supported by the sources)*"
        parts.append(f"{escape_markdown(sentence.text)} {markers}{note}".strip())
    searched = (
        f'<div class="answer-filters">Searched for: {inline(answer.searched_for)}</div>\n\n'
        if answer.searched_for
        else ""
    )
    notes = f'\n\n<div class="answer-note">{inline(answer.note)}</div>' if answer.note else ""
    return head + searched + " ".join(parts) + notes


def render_pending(filters: Mapping[str, Any]) -> str:
    return f'{_filters_head(filters)}<span class="pending">Searching the documents…</span>'


def render_draft(text: str, filters: Mapping[str, Any]) -> str:
    """A generator's text while it streams, before the answer is cited: inert, and marked as a draft."""
    return f'{_filters_head(filters)}{escape_markdown(text)} <span class="pending">(drafting…)</span>'


def render_ask_error(message: str) -> str:
    return f'<div class="ask-error"><strong>Cannot ask this:</strong> {inline(message)}</div>'


def render_status(status: Mapping[str, Any], settings: Settings | None = None) -> str:
    """One Markdown line: model, index location and mode, document and chunk counts (what ``check`` reports)."""
    line = (
        f"**Model** {escape_markdown(str(status.get('embedding_model', '')))} · "
        f"**Index** {escape_markdown(str(status.get('index', '')))}"
    )
    if settings is not None:
        line += f" · **Retrieval** {settings.retrieval.mode} · **Answers** {settings.answer.generator}"
    line += f" · {count(status.get('documents', 0), 'document')} · {count(status.get('chunks', 0), 'chunk')}"
    if not status.get("chunks"):
        line += " · the index is empty: upload documents or run `policy-assistant ingest corpus/`"
    incomplete = status.get("incomplete_documents") or []
    if incomplete:
        line += f" · {len(incomplete)} incomplete documents: run ingest again"
    return line


def document_rows(documents: Mapping[str, StoredDocument], uploads: Path) -> list[list[Any]]:
    """The indexed-documents table: one row per document, by title."""
    return [
        [
            doc.title or doc.doc_id,
            doc.doc_id,
            doc.doc_type,
            LANGUAGE_NAMES.get(doc.lang, doc.lang),
            doc.date or "undated",
            doc.chunks,
            "upload" if is_upload(doc.source, uploads) else "ingest",
        ]
        for doc in sorted(documents.values(), key=lambda d: (d.title or d.doc_id).lower())
    ]


def document_choices(documents: Mapping[str, StoredDocument]) -> list[tuple[str, str]]:
    return [
        (f"{d.title or d.doc_id} ({d.doc_id})", d.doc_id)
        for d in sorted(documents.values(), key=lambda d: (d.title or d.doc_id).lower())
    ]
