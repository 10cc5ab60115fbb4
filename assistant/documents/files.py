"""Finding the files to read under the paths given (links and loops reported), and hashing what was read."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import DocumentError
from .sidecars import SIDECAR_SUFFIX


def file_hash(path: Path) -> str:
    """The file's bytes and its sidecar's, hashed: equal means the document reads as before, so a re-ingest can skip
    parsing it (reading and hashing costs ~0.1 ms for a 10 kB file; parsing ~2.5 ms, most of a re-ingest)."""
    digest = hashlib.sha256(path.read_bytes())
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            digest.update(b"\0sidecar\0" + candidate.read_bytes())
            break
    return digest.hexdigest()[:32]


def _skipped(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() == "readme.md" or path.name.startswith(".")


def _link_problem(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be read: a loop, a dangling link, or its type."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path}: symbolic link loop; fix or remove the link"
        if path.is_symlink():
            return f"{path}: broken symbolic link to {os.readlink(path)}; fix or remove the link"
        return f"{path}: cannot read ({exc.strerror or exc})"
    return f"{path}: not a regular file or folder; skipped"


def _walk(root: Path, errors: list[str] | None) -> list[Path]:
    """Every file under ``root``, following folder links once each (a link back up is a loop, reported)."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if errors is not None:
                errors.append(f"{folder}: cannot list the folder ({exc.strerror or exc})")
            return
        if (info.st_dev, info.st_ino) in visited:
            if errors is not None:
                errors.append(f"{folder}: symbolic link loop or second link to a folder already read; skipped")
            return
        visited.add((info.st_dev, info.st_ino))
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if path.is_dir():
                visit(path)
            elif path.is_file():
                found.append(path)
            elif errors is not None and not _skipped(path):
                errors.append(_link_problem(path))

    visit(root)
    return found


def discover(paths: list[Path], errors: list[str] | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (file, doc id) for every file under ``paths``; ids are paths relative to the root given.

    With ``errors``, a path that cannot be read (missing, a link loop, a dangling link) adds one line there
    and the rest go on; without it, a missing root raises DocumentError.
    """
    for root in paths:
        if root.is_file():
            yield root, root.name
            continue
        if not root.is_dir():
            problem = _link_problem(root) if root.is_symlink() else f"{root}: no such file or folder"
            if errors is None:
                raise DocumentError(problem)
            errors.append(problem)
            continue
        files = _walk(root, errors)
        for path in sorted(files, key=lambda p: p.relative_to(root).parts):
            if not _skipped(path):
                yield path, path.relative_to(root).as_posix()
