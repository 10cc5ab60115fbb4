"""A question and its filters as the chat's form sends them, checked before anything is searched, with what is
wrong said in the reader's words: never a command-line option or a settings key, which the pipeline's own
errors name for the command line."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from ..retrieve import DOC_TYPES, LANGUAGES, Filters
from .markup import LANGUAGE_NAMES

DATE_EXAMPLE = "2025-01-31"


class AskError(ValueError):
    """A question or filter the chat cannot ask with; the message is for the reader."""


def check_question(question: str, limit: int) -> None:
    if len(question) > limit:
        raise AskError(
            f"Questions can be up to {limit:,} characters; this one has {len(question):,}. Shorten it and ask again."
        )


def _choice(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]


def _date(value: str, name: str) -> str:
    """A date as retrieval compares them (YYYY-MM-DD), from any ISO form a reader types (20250131 too)."""
    value = value.strip()
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise AskError(f"The '{name}' date must look like {DATE_EXAMPLE}; '{value}' is not a date.") from None


def read_filters(
    doc_ids: Sequence[object] | None,
    types: Sequence[object] | None,
    langs: Sequence[object] | None,
    since: str | None,
    until: str | None,
    indexed: Collection[str],
) -> Filters:
    """The form's filters as retrieval takes them. Anything can arrive through the API, so each value is checked:
    documents against the index as it is now, types and languages against the choices, dates as dates."""
    chosen = tuple(str(d) for d in doc_ids or ())
    unknown = [d for d in chosen if d not in indexed]
    if unknown:
        raise AskError(f"No indexed document is called '{unknown[0]}'; choose one from the list of documents.")
    kinds = tuple(str(t) for t in types or ())
    bad = next((t for t in kinds if t not in DOC_TYPES), None)
    if bad is not None:
        raise AskError(f"'{bad}' is not a type of document here; choose {_choice(DOC_TYPES)}.")
    languages = tuple(str(lang) for lang in langs or ())
    bad = next((lang for lang in languages if lang not in LANGUAGES), None)
    if bad is not None:
        names = [f"{LANGUAGE_NAMES[code]} ({code})" for code in LANGUAGES]
        raise AskError(f"'{bad}' is not a language of the documents; choose {_choice(names)}.")
    start, end = _date(since or "", "from"), _date(until or "", "until")
    if start and end and start > end:
        raise AskError(f"The 'from' date ({start}) is after the 'until' date ({end}); swap them.")
    return Filters(doc_ids=chosen, types=kinds, langs=languages, since=start, until=end)
