"""The BM25 index kept beside the vector index: a base plus a delta, changed, published (compacted when the delta
grows), saved and loaded."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..catalogue import FIELDS
from ..chunking import version_id, version_of
from .base import Base
from .bm25 import Scoring
from .rows import TokenRows

COMPACT_MIN = 2_000
COMPACT_SHARE = 0.05
"""A delta (chunks added plus chunks removed since the base was built) is folded into a new base once it is over
both COMPACT_MIN chunks and COMPACT_SHARE of the base: a full re-index, paid once per that much change."""


class LexicalChanges:
    """What one ingest or removal did to the store, to bring the BM25 index it started from up to date."""

    def __init__(self, base: LexicalIndex | None) -> None:
        self.base = base
        """The index that matched the store when the changes began; None: rebuild from the store instead."""
        self.added = TokenRows()
        self.removed_docs: set[str] = set()
        self.removed_versions: set[str] = set()
        self.added_docs: set[str] = set()

    def add(self, chunk_id: str, text: str, meta: dict[str, Any], tokens: Sequence[str] | None = None) -> None:
        self.added.add(chunk_id, text, meta, tokens)
        self.added_docs.add(str(meta["doc_id"]))

    def remove_document(self, doc_id: str) -> None:
        self.removed_docs.add(doc_id)
        # Only a document written in this run has added rows: the check spares a full scan per pruned document.
        if doc_id in self.added_docs:
            self.added.drop({doc_id}, set())

    def remove_version(self, doc_id: str, content_hash: str) -> None:
        version = version_id(doc_id, content_hash)
        self.removed_versions.add(version)
        if doc_id in self.added_docs:
            self.added.drop(set(), {version})

    def apply(self) -> LexicalIndex | None:
        """The base index with these changes made (not yet saved); None when there is no base to start from."""
        if self.base is None:
            return None
        return self.base.changed(self.removed_docs, self.removed_versions, self.added)


class LexicalIndex(Scoring):
    """A BM25 index over chunk index texts, persisted in one folder beside the vector index, with the filter
    catalogue of the same chunks (catalogue.py).

    It is a base (built whole, unchanging) plus a delta: the chunks added since, indexed on their own, and the
    base rows removed since (tombstones). Scores are BM25 over the union: N, the average length and each token's
    document frequency count the live chunks of both, so a search gives what an index built from scratch on the
    same chunks gives (ties broken by chunk id in both). A change costs what it adds and removes plus a few
    vector passes over the rows; the delta is folded into a new base (a full re-index) once it is over
    COMPACT_MIN chunks and COMPACT_SHARE of the base. What searches read (the live view, the scores) is Scoring's
    (bm25.py).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.base = Base.empty()
        self.dead = np.zeros(0, dtype=bool)
        """Tombstones: base rows removed since the base was built."""
        self.delta = TokenRows()
        self.revision = ""
        self._derive()

    # -- building, changing, saving ------------------------------------------------------------------------------

    def build(self, entries: Iterable[tuple[str, str, dict[str, Any]]], revision: str) -> None:
        """Rebuild from (chunk id, index text, metadata) and save."""
        rows = TokenRows()
        for chunk_id, text, meta in entries:
            rows.add(chunk_id, text, meta)
        # What the reading freed (a server's pages of texts and metadata, a million chunks' worth) is still held by
        # the C allocator; given back first, it does not add to the peak of the postings built next.
        _release_freed_memory()
        self.save(rows, revision)

    def rows(self) -> TokenRows:
        """The live chunks as one set of rows (for a compaction)."""
        rows = TokenRows()
        rows.vocab = dict(self.base.vocab)
        alive = np.flatnonzero(~self.dead)
        rows.ids = [self.base.ids[i] for i in alive.tolist()]
        rows.set_tokens(np.asarray(self.base.flat)[np.repeat(~self.dead, self.base.lengths)], self.base.lengths[alive])
        for name in FIELDS:
            rows.set_field(name, self.base.fields[name][alive].tolist())
        rows.extend(self.delta)
        return rows

    def changed(self, removed_docs: set[str], removed_versions: set[str], added: TokenRows) -> LexicalIndex:
        """This index with documents and versions removed and rows added: a new index, sharing this one's base,
        not yet saved (``publish``)."""
        fresh = LexicalIndex(self.folder)
        fresh.base = self.base
        fresh.dead = self.dead.copy()
        fresh.delta = self.delta.copy()
        if removed_docs or removed_versions:
            docs = set(removed_docs) | {v.rsplit("#", 1)[0] for v in removed_versions}
            if len(self.base.ids):
                doc_ids = self.base.fields["doc_id"]
                if len(docs) <= 32:  # a few equality passes: np.isin sorts a million strings (~1 s)
                    found = np.zeros(len(doc_ids), dtype=bool)
                    for doc in docs:
                        found |= doc_ids == doc
                else:
                    found = np.isin(doc_ids, sorted(docs))
                hits = np.flatnonzero(found & ~fresh.dead)
                for row in hits.tolist():
                    doc_id = str(self.base.fields["doc_id"][row])
                    if doc_id in removed_docs or version_of(self.base.ids[row]) in removed_versions:
                        fresh.dead[row] = True
            fresh.delta.drop(removed_docs, removed_versions)
        if len(added):
            fresh.delta.extend(added)
        fresh.revision = self.revision
        fresh._derive()
        return fresh

    def publish(self, revision: str) -> None:
        """Save at ``revision``: the delta alone while it is small, else a compaction (``save``)."""
        changed = int(self.dead.sum()) + len(self.delta)
        big = changed > COMPACT_MIN and changed > COMPACT_SHARE * len(self.base.ids)
        # A delta is only ever saved beside its own base: another process on this machine may have compacted since.
        if not len(self.base.ids) or big or self._folder_tag() != self.base.tag:
            self.save(self.rows(), revision)
        else:
            self._save_delta(revision)

    def save(self, rows: TokenRows, revision: str) -> None:
        """Index ``rows`` as a new base and save atomically (write aside, then swap)."""
        base = Base.of(rows)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        base.save(staging, revision)
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        # Read only for removals and compactions: from the file, as a loaded base reads it, not held in memory.
        base.flat = np.load(self.folder / "forward.npy", mmap_mode="r")
        self.base, self.dead, self.delta, self.revision = base, np.zeros(len(base.ids), bool), TokenRows(), revision
        self._derive()

    def _folder_tag(self) -> str:
        try:
            return str(json.loads((self.folder / "state.json").read_text(encoding="utf-8"))["tag"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def _save_delta(self, revision: str) -> None:
        """Write the delta beside the base, replacing the last one in one rename."""
        meta = {
            "base": self.base.tag,
            "revision": revision,
            "ids": self.delta.ids,
            "fields": self.delta.fields,
            "vocab": list(self.delta.vocab),
        }
        flat = self.delta.flat()
        staging = self.folder / "delta.new.npz"
        with staging.open("wb") as out:
            np.savez(
                out,
                meta=np.asarray(json.dumps(meta, ensure_ascii=False)),
                dead=np.flatnonzero(self.dead),
                flat=flat,
                lengths=self.delta.lengths(),
            )
        os.replace(staging, self.folder / "delta.npz")
        self.revision = revision

    def load(self, reuse: LexicalIndex | None = None) -> bool:
        """Load the saved index; False when there is none. The base of ``reuse`` is kept when the folder holds
        the same one (then only the delta is read)."""
        try:
            state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            reused = reuse is not None and reuse.base.tag == state["tag"]
            base = reuse.base if reuse is not None and reused else Base.load(self.folder)
            revision = str(state["revision"])
            dead = np.zeros(len(base.ids), dtype=bool)
            delta = TokenRows()
            if (self.folder / "delta.npz").is_file():
                with np.load(self.folder / "delta.npz") as arrays:
                    meta = json.loads(str(arrays["meta"]))
                    dead[arrays["dead"]] = True
                    flat, lengths = arrays["flat"], arrays["lengths"]
                if meta["base"] == base.tag:
                    revision = str(meta["revision"])
                    delta.vocab = {token: i for i, token in enumerate(meta["vocab"])}
                    delta.ids = list(meta["ids"])
                    delta.set_tokens(flat, lengths)
                    for name in FIELDS:
                        delta.set_field(name, list(meta["fields"][name]))
                else:
                    dead[:] = False
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile):
            return False
        self.base, self.dead, self.delta, self.revision = base, dead, delta, revision
        self._derive()
        return True


def _release_freed_memory() -> None:
    """Ask glibc to return its free pages to the system (malloc_trim); elsewhere there is nothing to ask."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)
