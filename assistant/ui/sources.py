"""The sources panel: one group per answer, each citation with its passage and the cited span marked, the same
article in the other language one click away, and the whole-document view. HTML built only from escaped text
and fixed markup."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..types import Answer, Citation, RetrievedChunk
from .markup import describe_filters, esc

SOURCES_PLACEHOLDER = (
    '<div class="sources empty"><p><em>Ask a question: the sources of each answer appear here, '
    "with the cited sentence highlighted.</em></p></div>"
)
NO_SOURCES = "No answer found. Nothing is cited."
MAX_TURNS_IN_PANEL = 20
DOCUMENT_WINDOW = 40_000
"""Characters of a document shown around a cited span in the whole-document view (the rest is elided)."""


def source_anchor(turn: int, number: int) -> str:
    """The id of citation ``number``'s entry for answer ``turn`` in the sources panel."""
    return f"source-{turn}-{number}"


@dataclass
class Turn:
    """One answered question in a session: its number, its place in the chat, and the answer."""

    turn: int
    message_index: int
    answer: Answer
    chunks: dict[str, RetrievedChunk]
    """The chunks its citations point into, by chunk id."""
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Tells this answer from any other, in this session or another (turn numbers start again after Clear)."""


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
        f'<span class="{cls}">{esc(v)}</span>'
        for cls, v in (
            ("date", citation.date or "undated"),
            ("type", citation.doc_type),
            ("heading", citation.heading_path),
        )
        if v
    )
    if citation.version:
        kind = "superseded" if citation.version.startswith("superseded") else "in-force"
        meta += f' · <span class="version {kind}">{esc(citation.version)}</span>'
    return (
        f'<details class="source" id="{source_anchor(turn, citation.number)}" open>'
        f'<summary><span class="num">[{citation.number}]</span> '
        f'<strong class="title">{esc(citation.title or citation.doc_id)}</strong></summary>'
        f'<div class="meta">{meta}</div>'
        f'<div class="passage">{esc(before)}<mark class="cited">{esc(span)}</mark>{esc(after)}</div>'
        '<div class="actions">'
        f'<button type="button" class="show-doc" data-doc="{esc(citation.doc_id)}" '
        f'data-start="{int(citation.start)}" data-end="{int(citation.end)}">Show whole document</button>'
        f'<span class="where">{esc(citation.doc_id)}, characters {citation.start}–{citation.end}</span>'
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
        return f'<div class="counterpart missing">{esc(other.label)}: {esc(other.missing)}</div>'
    return (
        f'<details class="counterpart" lang="{esc(other.lang)}"><summary>{esc(other.label)}</summary>'
        f'<div class="meta">{esc(other.title)} · {esc(other.heading_path)} · '
        f"{esc(other.doc_id)}, characters {other.start}–{other.end}</div>"
        f'<div class="passage">{esc(other.quote)}</div></details>'
    )


def render_turn(turn: Turn, latest: bool) -> str:
    answer = turn.answer
    filters = describe_filters(answer.filters)
    filters_html = f'<div class="turn-filters">Filters: {esc(filters)}</div>' if filters else ""
    state = " open" if latest else ""
    older = "" if latest else " older"
    summary = f"Sources for “{esc(answer.question)}”" if answer.question else "Sources"
    if answer.refused or not answer.citations:
        body = f'<p class="refused">{NO_SOURCES}</p>'
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
    parts.append(f'{esc(text[lo:start])}<mark class="cited">{esc(text[start:end])}</mark>{esc(text[end:hi])}')
    if hi < len(text):
        parts.append(f'\n<span class="elided">[… {len(text) - hi:,} characters after …]</span>')
    return f'<div class="doc-text">{"".join(parts)}</div>'


PASSAGE_CONTEXT = 600
"""Characters on each side of a cited span shown as its passage when the cited chunk is not at hand."""


def passage_around(citation: Citation, text: str | None) -> RetrievedChunk | None:
    """The paragraph around a citation in its document's indexed text (Assistant.document_text), standing in for a
    cited chunk the answer did not retrieve; None when the text is gone or the offsets no longer hold the quote."""
    if text is None or text[citation.start : citation.end] != citation.quote:
        return None
    floor = max(0, citation.start - PASSAGE_CONTEXT)
    lo = text.rfind("\n\n", floor, citation.start)
    lo = lo + 2 if lo >= 0 else floor
    hi = text.find("\n\n", citation.end, citation.end + PASSAGE_CONTEXT)
    hi = hi if hi >= 0 else min(len(text), citation.end + PASSAGE_CONTEXT)
    lo += len(text[lo : citation.start]) - len(text[lo : citation.start].lstrip())
    return RetrievedChunk(
        chunk_id=citation.chunk_id,
        doc_id=citation.doc_id,
        text=text[lo:hi].rstrip(),
        start=lo,
        end=lo + len(text[lo:hi].rstrip()),
        heading_path=citation.heading_path,
        metadata={},
        score=0.0,
    )
