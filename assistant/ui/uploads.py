"""Uploads: saved under safe names in ``<index_dir>/uploads/`` (so ``ingest`` sees them as ordinary files),
checked one by one, indexed, and reported by the names they were uploaded with."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..documents import SUPPORTED_SUFFIXES
from .markup import esc, escape_markdown, human_size

if TYPE_CHECKING:
    from ..pipeline import IngestReport
    from ..store import StoredDocument

UPLOAD_FOLDER = "uploads"
PREVIOUS_FOLDER = ".previous"
"""Inside the upload folder (a dot folder, so ingest never reads it): uploads being replaced, until the new file
is indexed."""


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


def _refusal(path: Path, max_bytes: int) -> str | None:
    """Why an uploaded file is not taken (its type, size or an unreadable file), judged before it is copied."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size > max_bytes:
        return f"{human_size(size)} is over the upload limit of {human_size(max_bytes)}"
    if size == 0:
        return "the file is empty"
    return None


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
        refused = _refusal(path, max_bytes)
        if refused:
            plan.rejected.append(f"{original}: {refused}")
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
    """What happened to each uploaded file, in Markdown, naming every file that was not indexed (by the name it
    was uploaded with: the server's upload folder is never shown)."""

    def shown(text: str) -> str:
        for original, path in plan.saved.items():
            text = text.replace(str(path), original)
        return text

    lines = []
    if report is not None:
        by_id = {path.name: original for original, path in plan.saved.items()}

        def name(doc_id: str) -> str:
            return f"**{escape_markdown(by_id.get(doc_id, doc_id))}**"

        lines += [f"- {name(d)}: indexed as {escape_markdown(d)}" for d in report.added]
        lines += [f"- {name(d)}: updated {escape_markdown(d)}" for d in report.updated]
        lines += [f"- {name(d)}: already indexed, unchanged" for d in report.unchanged]
        lines += [
            f"- {name(d)}: same text as {escape_markdown(primary)}, which is indexed already"
            for d, primary in report.duplicates.items()
        ]
        lines += [f"- {escape_markdown(shown(note))}" for note in report.notes]
        lines += [f'- <span class="failed">✗ {esc(shown(failure))}</span>' for failure in report.failed]
    lines += [f'- <span class="failed">✗ {esc(rejected)}</span>' for rejected in plan.rejected]
    took = f" in {elapsed:.1f} s" if elapsed else ""
    indexed = report.indexed if report is not None else 0
    failed = len(plan.rejected) + (len(report.failed) if report is not None else 0)
    head = f"**Upload finished{took}:** {indexed} indexed, {failed} not indexed."
    return "\n".join([head, "", *lines])
