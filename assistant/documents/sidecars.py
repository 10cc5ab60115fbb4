"""Sidecar files (``name.meta.json``): a document's facts given by hand, and the files it names as related."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from .errors import DocumentError

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = {"title", "date", "type", "url", "lang", "publisher", "author", "translation_of", "supersedes"}
RELATION_KEYS = ("translation_of", "supersedes")
"""Sidecar keys naming another file beside this one: the original this document translates; the earlier version
of the same law that this one replaces."""


def read_sidecar(path: Path) -> dict[str, str]:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise DocumentError(f"{candidate}: invalid JSON ({exc}); fix or remove the sidecar") from exc
            if not isinstance(data, dict) or set(data) - SIDECAR_KEYS:
                unknown = sorted(set(data) - SIDECAR_KEYS) if isinstance(data, dict) else data
                raise DocumentError(f"{candidate}: unknown keys {unknown}; valid keys: {sorted(SIDECAR_KEYS)}")
            value = str(data.get("date") or "")
            if value and not is_date(value):
                # Checked here, before the file is read: a bad date otherwise failed only when the chunks were
                # stored, after embedding, or ('2021-9-1') was stored and fell outside every date filter.
                raise DocumentError(
                    f"{candidate}: date '{value}' is not a calendar date written YYYY-MM-DD (such as 2021-09-01); "
                    "fix the sidecar"
                )
            for key in RELATION_KEYS:
                if key in data:
                    _check_relation(candidate, path, key, data[key])
            return {k: str(v) for k, v in data.items()}
    return {}


def _check_relation(sidecar: Path, path: Path, key: str, value: object) -> None:
    """A relation names a file beside the document (its file name, as the folder shows it), not the document."""
    problem = ""
    if not isinstance(value, str) or not value.strip() or "/" in value or "\\" in value or value in (".", ".."):
        problem = "is not a file name"
    elif value == path.name:
        problem = "names the document itself"
    elif not (sidecar.parent / value).is_file():
        problem = "names no file beside it"
    if problem:
        raise DocumentError(
            f"{sidecar}: {key} {json.dumps(value, ensure_ascii=False)} {problem}; give the file name of the other "
            "document, in the same folder"
        )


def related_id(doc_id: str, file_name: str) -> str:
    """The doc id of a file named in a sidecar, beside the document ``doc_id``: ids are paths from the same root."""
    parent = doc_id.rpartition("/")[0]
    return f"{parent}/{file_name}" if parent else file_name


def is_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
