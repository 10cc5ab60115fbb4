"""Gold sets: JSONL cases whose quotes become character spans in the corpus, and the matching rules for facts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents import DocumentError, discover, load_document, read_sidecar, related_id
from ..language import ZH_NUMERAL, fold, fold_with_offsets
from ..retrieve import FilterError, Filters

_CASE_KEYS = {"id", "question", "answerable", "facts", "evidence", "tags", "filters", "history"}


class DatasetError(ValueError):
    """A bad dataset line; the message gives the file, the line number and what is wrong."""


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int

    def matches(self, other: Span) -> bool:
        """Same document, and the overlap covers at least half of the shorter span."""
        if self.doc_id != other.doc_id:
            return False
        overlap = min(self.end, other.end) - max(self.start, other.start)
        shorter = min(self.end - self.start, other.end - other.start)
        return overlap > 0 and overlap * 2 >= shorter


@dataclass
class Case:
    id: str
    question: str
    answerable: bool
    facts: list[str]
    gold: list[Span]
    tags: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    line: int = 0
    history: list[str] = field(default_factory=list)
    """The user's earlier questions in the same conversation, oldest first (multi-turn cases)."""


def normalise_for_match(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed, thousands separators dropped ('1,000' = '1000')."""
    text = fold(text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip()


_NUMERAL_CHARS = f"0-9{ZH_NUMERAL}亿"


def contains_fact(answer: str, fact: str) -> bool:
    """Is ``fact`` in ``answer`` (both normalise_for_match-ed) as a whole figure? A fact that starts or ends with a
    numeral must not be found inside a longer number: "1000" is not in "10000", nor "200" in "1200" or "2000"."""
    if not fact:
        return False
    pattern = re.escape(fact)
    if re.match(f"[{_NUMERAL_CHARS}]", fact):
        pattern = rf"(?<![{_NUMERAL_CHARS}])(?<!\d\.)" + pattern
    if re.search(f"[{_NUMERAL_CHARS}]$", fact):
        pattern += rf"(?![{_NUMERAL_CHARS}])(?!\.\d)"
    return re.search(pattern, answer) is not None


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """The character span of ``quote`` in a document's text, matched folded (NFKC, case) with whitespace runs
    collapsed, so a quote typed with ASCII punctuation finds the full-width original and vice versa."""
    needle = re.sub(r"\s+", " ", fold(quote)).strip()
    folded, offsets = fold_with_offsets(text)
    kept: list[str] = []
    kept_offsets: list[int] = []
    for ch, offset in zip(folded, offsets):
        if ch.isspace():
            if kept and kept[-1] == " ":
                continue
            ch = " "
        kept.append(ch)
        kept_offsets.append(offset)
    at = "".join(kept).find(needle)
    if at < 0 or not needle:
        return None
    return kept_offsets[at], kept_offsets[at + len(needle) - 1] + 1


def load_dataset(path: Path, corpus: Path) -> list[Case]:
    """Parse and check a JSONL gold set against its corpus; raises DatasetError naming the line."""
    files = {doc_id: file for file, doc_id in discover([corpus])} if corpus.is_dir() else {}
    if not files:
        raise DatasetError(f"{corpus}: no documents found; pass the corpus folder the dataset was written for")
    texts: dict[str, str] = {}
    cases: list[Case] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue

        def bad(message: str, line: int = number) -> DatasetError:
            return DatasetError(f"{path}:{line}: {message}")

        data = _case_fields(raw, seen, bad)
        gold = _gold_spans(data["evidence"], files, texts, corpus, bad)
        try:
            filters = Filters.from_dict(data.get("filters") or {})
        except FilterError as exc:
            raise bad(str(exc)) from exc
        history = data.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
            raise bad("'history' must be a list of the earlier questions (non-empty strings)")
        cases.append(
            Case(
                data["id"],
                data["question"],
                data["answerable"],
                [str(f) for f in data["facts"]],
                gold,
                [str(t) for t in data.get("tags") or []],
                filters,
                number,
                history,
            )
        )
    if not cases:
        raise DatasetError(f"{path}: no cases")
    return cases


def _case_fields(raw: str, seen: set[str], bad: Callable[[str], DatasetError]) -> dict[str, Any]:
    """One line's JSON object, its keys and their types checked, its id not seen before (added to ``seen``)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise bad(f"invalid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise bad("each line must be a JSON object")
    unknown = set(data) - _CASE_KEYS
    if unknown:
        raise bad(f"unknown keys {sorted(unknown)}; valid keys: {sorted(_CASE_KEYS)}")
    for key, kind in (("id", str), ("question", str), ("answerable", bool), ("facts", list), ("evidence", list)):
        if not isinstance(data.get(key), kind):
            raise bad(f"'{key}' is missing or not a {kind.__name__}")
    if data["id"] in seen:
        raise bad(f"duplicate id '{data['id']}'")
    seen.add(data["id"])
    if not data["answerable"] and (data["facts"] or data["evidence"]):
        raise bad("an unanswerable case must have empty 'facts' and 'evidence'")
    if data["answerable"] and not data["evidence"]:
        raise bad("an answerable case needs at least one evidence quote")
    return data


def _gold_spans(
    evidence: list[Any], files: dict[str, Path], texts: dict[str, str], corpus: Path, bad: Callable[[str], DatasetError]
) -> list[Span]:
    """Each evidence quote as a character span of its document (read once, kept in ``texts``)."""
    gold = []
    for item in evidence:
        if not isinstance(item, dict) or not isinstance(item.get("doc"), str) or not isinstance(item.get("quote"), str):
            raise bad("each evidence item needs 'doc' and 'quote' strings")
        doc_id = _resolve_doc(item["doc"], files)
        if doc_id is None:
            raise bad(f"document '{item['doc']}' is not in {corpus}")
        if doc_id not in texts:
            try:
                texts[doc_id] = load_document(files[doc_id], doc_id).text
            except DocumentError as exc:
                raise bad(str(exc)) from exc
        span = locate(item["quote"], texts[doc_id])
        if span is None:
            raise bad(f"quote does not occur in {item['doc']}: {item['quote'][:60]!r}")
        gold.append(Span(doc_id, *span))
    return gold


def _resolve_doc(name: str, files: dict[str, Path]) -> str | None:
    if name in files:
        return name
    matches = [doc_id for doc_id in files if doc_id.rsplit("/", 1)[-1] == name]
    return matches[0] if len(matches) == 1 else None


def translation_pairs(corpus: Path) -> dict[str, str]:
    """Doc id -> doc id of its other-language text, both ways, from the corpus's `translation_of` sidecars."""
    pairs: dict[str, str] = {}
    for path, doc_id in discover([corpus]):
        try:
            original = read_sidecar(path).get("translation_of", "")
        except DocumentError:
            continue
        if original:
            pairs[doc_id] = related_id(doc_id, original)
            pairs.setdefault(pairs[doc_id], doc_id)
    return pairs
