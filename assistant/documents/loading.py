"""One file to one Document: read by its format's reader, cleaned, and its title, date and type found."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..language import ARTICLE
from ..types import Document
from .errors import SUPPORTED_SUFFIXES, DocumentError
from .files import file_hash
from .readers import READERS
from .sanitise import detect_language, normalise, strip_furniture, strip_instructions
from .sidecars import read_sidecar, related_id

_ARTICLE_LINE = re.compile(ARTICLE.pattern, re.M)
_ADOPTION = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^\n]{0,80}?(?:通过|公布|发布|施行|修订)")
_FILENAME_DATE = re.compile(r"_(\d{4})-(\d{2})-(\d{2})(?=\.|$|_)")


def _date_of(path: Path, text: str, sidecar: dict[str, str]) -> str:
    if sidecar.get("date"):
        return sidecar["date"]
    if match := _FILENAME_DATE.search(path.name):
        return "-".join(match.groups())
    if match := _ADOPTION.search(text[:2000]):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return ""


def _type_of(text: str, title: str, had_furniture: bool) -> str:
    if len(_ARTICLE_LINE.findall(text)) >= 3 or re.search(r"(法|条例|规定|办法|细则)$", title):
        return "regulation"
    if had_furniture:
        return "news"
    return "other"


def _title_of(path: Path, text: str, found: dict[str, str]) -> str:
    if found.get("title"):
        return found["title"]
    for line in text.split("\n")[:5]:
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return re.sub(r"_\d{4}-\d{2}-\d{2}$", "", path.stem)


def load_document(path: Path, doc_id: str, max_bytes: int = 0, notes: list[str] | None = None) -> Document:
    """Read one file; raises DocumentError with a one-line reason for anything unusable.

    ``max_bytes`` (0: no limit) refuses larger files before reading them. ``notes`` gets one line when
    paragraphs addressed to an AI model were left out (see strip_instructions).
    """
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise DocumentError(f"{path}: unsupported file type {shown}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size == 0:
        raise DocumentError(f"{path}: the file is empty (0 bytes)")
    if max_bytes and size > max_bytes:
        raise DocumentError(
            f"{path}: {size / 2**20:.1f} MB is over the {max_bytes / 2**20:g} MB limit (limits.max_file_mb); "
            "split the file or raise the limit"
        )
    sidecar = read_sidecar(path)
    try:
        raw = reader(path)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    body, found = strip_furniture(normalise(raw))
    body, dropped = strip_instructions(body)
    if dropped and notes is not None:
        first = dropped[0] if len(dropped[0]) <= 60 else dropped[0][:57] + "..."
        notes.append(
            f"{path}: left out {len(dropped)} paragraph(s) addressed to an AI model, not to readers "
            f'("{first}"); they are not indexed'
        )
    if not body and dropped:
        raise DocumentError(f"{path}: only text addressed to an AI model (prompt injection); nothing to index")
    if not body:
        raise DocumentError(f"{path}: no text found; the file is empty")
    title = sidecar.get("title") or _title_of(path, body, found)
    body_without_title = re.sub(r"^#\s+.*\n*", "", body) if body.startswith("# ") else body
    if not body_without_title.strip():
        raise DocumentError(f"{path}: only a title, no text to index")
    return Document(
        doc_id=doc_id,
        title=title,
        source=str(path),
        text=body,
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        lang=sidecar.get("lang") or detect_language(body),
        doc_type=sidecar.get("type") or _type_of(body, title, bool(found)),
        date=_date_of(path, body, sidecar),
        url=sidecar.get("url", ""),
        file_hash=file_hash(path),
        translation_of=related_id(doc_id, sidecar["translation_of"]) if sidecar.get("translation_of") else "",
        supersedes=related_id(doc_id, sidecar["supersedes"]) if sidecar.get("supersedes") else "",
        publisher=sidecar.get("publisher", ""),
        author=sidecar.get("author") or found.get("author", ""),
    )
