"""What the chat shows: answers, refusals, drafts and errors (Markdown with a little HTML), the status line and
the documents table. Pure functions over the pipeline's nouns; every piece of document text is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradio.components.chatbot import ExampleMessage

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


UPLOAD_HINT = "Nothing is indexed yet: upload documents in the Documents tab, then ask."
READ_ONLY_HINT = "Nothing is indexed yet; whoever runs this assistant can add documents."


def empty_index_hint(can_upload: bool) -> str:
    """What to do about an empty index, for a reader who can upload or one who cannot (plain text)."""
    return UPLOAD_HINT if can_upload else READ_ONLY_HINT


def date_span(documents: Iterable[StoredDocument]) -> str:
    """'dated 2021-06-10 to 2025-07-01', 'dated 2024-07-01', or '' when none is dated."""
    dates = sorted(d.date for d in documents if d.date)
    if not dates:
        return ""
    return f"dated {dates[0]}" if dates[0] == dates[-1] else f"dated {dates[0]} to {dates[-1]}"


def describe_coverage(documents: Iterable[StoredDocument], can_upload: bool = True) -> str:
    """What the indexed documents cover, as an HTML fragment: counts by type and language, dates, titles."""
    docs = sorted(documents, key=lambda d: (d.title or d.doc_id).lower())
    if not docs:
        return inline(empty_index_hint(can_upload))
    types: dict[str, int] = {}
    langs: dict[str, int] = {}
    for d in docs:
        types[d.doc_type or "other"] = types.get(d.doc_type or "other", 0) + 1
        langs[d.lang] = langs.get(d.lang, 0) + 1
    kinds = ", ".join(f"{n} {inline(t)}" for t, n in sorted(types.items()))
    languages = ", ".join(inline(LANGUAGE_NAMES.get(lang, lang)) for lang in sorted(langs))
    span = f"; {inline(date_span(docs))}" if date_span(docs) else ""
    titles = ", ".join(f"<em>{inline(d.title or d.doc_id)}</em>" for d in docs[:MAX_LISTED_TITLES])
    more = f" and {len(docs) - MAX_LISTED_TITLES} more" if len(docs) > MAX_LISTED_TITLES else ""
    noun = "document" if len(docs) == 1 else "documents"
    return f"The indexed documents cover {len(docs)} {noun} ({kinds}; {languages}{span}): {titles}{more}."


def _filters_head(filters: Mapping[str, Any]) -> str:
    described = describe_filters(filters)
    return f'<div class="answer-filters">Filters: {inline(described)}</div>\n\n' if described else ""


def render_answer(
    answer: Answer, documents: Iterable[StoredDocument] = (), turn: int = 1, can_upload: bool = True
) -> str:
    """The chat reply (Markdown with a little HTML): each marker [n] links to ``#source-<turn>-<n>``.

    A refusal is a boxed "No answer found" with the reason and what the indexed documents do cover; over an empty
    index, what to do to fill it. Active filters are shown above the answer.
    """
    head = _filters_head(answer.filters)
    documents = list(documents)
    if answer.refused and not documents:  # nothing to answer from: say how to fill the index instead
        hint = inline(empty_index_hint(can_upload))
        return f'<div class="refusal empty-index">\n<p><strong>{hint}</strong></p>\n</div>'
    if answer.refused:
        filters = describe_filters(answer.filters)
        widen = f" Filters were on ({inline(filters)}): try widening them." if filters else ""
        return (
            f'{head}<div class="refusal">\n'
            f"<p><strong>{NO_ANSWER}</strong> {inline(answer.refusal_reason)}{widen}</p>\n"
            f'<p class="coverage">{describe_coverage(documents, can_upload)}</p>\n'
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


def render_partial(answer: Answer, turn: int) -> str:
    """An answer still being written: only its sentences already checked against their sources, then a note that
    more may follow. Nothing unchecked is ever shown."""
    return f'{render_answer(answer, (), turn)} <span class="pending">(checking the next sentence…)</span>'


def render_ask_error(message: str) -> str:
    return f'<div class="ask-error"><strong>Cannot ask this:</strong> {inline(message)}</div>'


def render_status(status: Mapping[str, Any], documents: Iterable[StoredDocument] = (), can_upload: bool = True) -> str:
    """The status line, for people: '10 documents · 715 passages · dated 2021-06-10 to 2025-07-01' (Markdown)."""
    if not status.get("chunks"):
        return f"**{escape_markdown(empty_index_hint(can_upload))}**"
    parts = [count(status.get("documents", 0), "document"), count(status["chunks"], "passage")]
    parts += [span for span in [date_span(documents)] if span]
    incomplete = len(status.get("incomplete_documents") or [])
    if incomplete:
        pronoun = "it" if incomplete == 1 else "them"
        parts.append(f"{count(incomplete, 'document')} only partly indexed: add {pronoun} again")
    return " · ".join(parts)


RETRIEVAL_MODES = {
    "hybrid": "by meaning and by keywords (hybrid)",
    "dense": "by meaning (dense)",
    "lexical": "by keywords (BM25)",
}
GENERATORS = {
    "extractive": "quoted from the documents (no language model)",
    "openai": "written by a language model, each sentence checked against its source",
    "llamacpp": "written by a local language model, each sentence checked against its source",
}


def render_details(status: Mapping[str, Any], settings: Settings) -> str:
    """What sits behind the status line, for the curious (Markdown): model, index, retrieval, answers. A model
    given as a folder is named by the folder, and the index by its kind, never by a path on the server."""
    model = Path(str(settings.embedding.model)).name or str(settings.embedding.model)
    index = "on this server (embedded)" if str(status.get("index", "")).startswith("embedded") else "a Chroma server"
    rows = [
        ("Embedding model", model),
        ("Index", index),
        ("Search", RETRIEVAL_MODES.get(settings.retrieval.mode, settings.retrieval.mode)),
        ("Answers", GENERATORS.get(settings.answer.generator, settings.answer.generator)),
    ]
    return "\n".join(f"- **{name}:** {escape_markdown(value)}" for name, value in rows)


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


MAX_LISTED_DOCUMENTS = 50
MAX_EXAMPLES = 4
_QUESTION_WORDS = ("how ", "what ", "why ", "when ", "where ", "who ", "which ")


def document_list(documents: Mapping[str, StoredDocument]) -> str:
    """The Ask tab's list of what can be asked about (Markdown): one line per document, newest first."""
    if not documents:
        return "No documents yet."
    newest = sorted(documents.values(), key=lambda d: (d.date or "", (d.title or d.doc_id).lower()), reverse=True)
    lines = [
        f"- {escape_markdown(d.title or d.doc_id)} · {escape_markdown(d.doc_type)} · "
        f"{LANGUAGE_NAMES.get(d.lang, escape_markdown(d.lang))} · {d.date or 'undated'}"
        for d in newest[:MAX_LISTED_DOCUMENTS]
    ]
    if len(newest) > MAX_LISTED_DOCUMENTS:
        lines.append(f"- and {len(newest) - MAX_LISTED_DOCUMENTS:,} more: see the Documents tab")
    return "\n".join(lines)


def example_question(document: StoredDocument) -> str:
    """A question any document of its type and language answers, built from its title: a law's first article
    states its purpose, and a news headline that is a question is asked as it stands."""
    title = " ".join((document.title or Path(document.doc_id).stem).split())
    if document.lang == "zh":
        return f"《{title}》的立法目的是什么？" if document.doc_type == "regulation" else f"「{title}」的要点是什么？"
    if document.doc_type == "regulation":
        return f"What is the purpose of the {title}?"
    if title.lower().startswith(_QUESTION_WORDS):
        return title.rstrip("?.!") + "?"
    return f"What are the main points of “{title}”?"


def example_questions(documents: Mapping[str, StoredDocument], limit: int = MAX_EXAMPLES) -> list[str]:
    """Example questions drawn from what is indexed: the newest documents first, one of each type and language
    before a second of any, so a mixed library shows its range."""
    newest = sorted(documents.values(), key=lambda d: (d.date or "", d.doc_id), reverse=True)
    seen: set[tuple[str, str]] = set()
    first: list[StoredDocument] = []
    rest: list[StoredDocument] = []
    for doc in newest:
        kind = (doc.doc_type, doc.lang)
        (rest if kind in seen else first).append(doc)
        seen.add(kind)
    return list(dict.fromkeys(example_question(d) for d in first + rest))[:limit]


def chat_examples(documents: Mapping[str, StoredDocument]) -> list[ExampleMessage] | None:
    """The chat's example messages (none over an empty index)."""
    return [ExampleMessage(text=q) for q in example_questions(documents)] or None
