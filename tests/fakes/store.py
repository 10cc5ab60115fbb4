"""An in-memory VectorStore: rows in a dict, cosine search by brute force, one revision counter."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.chunking import version_of
from assistant.store import ALIASES_KEY, StoredDocument, VectorStore, chunk_metadata, stored_documents, to_retrieved
from assistant.types import Chunk, Document, RetrievedChunk


@dataclass
class _Collection:
    rows: dict[str, tuple[str, dict[str, Any], np.ndarray]] = field(default_factory=dict)
    revision: str = "0"
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)


_OPEN: dict[tuple[str, str], _Collection] = {}
"""Every collection opened in this process, by (place, name): a second store on the same place sees the first's
rows, as a second client of one Chroma database does."""


class MemoryStore(VectorStore):
    def __init__(self, place: Path | str = "memory", name: str = "fake") -> None:
        self.description = f"memory {place}"
        self._data = _OPEN.setdefault((str(place), name), _Collection())

    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        for doc, chunks, vectors in items:
            for i, chunk in enumerate(chunks):
                vector = np.asarray(vectors[i], dtype=np.float32)
                self._data.rows[chunk.chunk_id] = (chunk.text, chunk_metadata(doc, chunk, i, len(chunks)), vector)

    def _drop(self, keep: Any) -> None:
        self._data.rows = {i: row for i, row in self._data.rows.items() if keep(row[1])}

    def delete_document(self, doc_id: str) -> None:
        self._drop(lambda meta: meta["doc_id"] != doc_id)

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        self._drop(lambda meta: not (meta["doc_id"] == doc_id and meta["doc_hash"] == content_hash))

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        value = json.dumps(sorted(aliases.items()), ensure_ascii=False)
        for chunk_id, (text, meta, vector) in list(self._data.rows.items()):
            if meta["doc_id"] == doc_id:
                self._data.rows[chunk_id] = (text, {**meta, ALIASES_KEY: value}, vector)

    def documents(self) -> dict[str, StoredDocument]:
        versions: dict[str, tuple[dict[str, Any], int]] = {}
        for chunk_id, (_, meta, _) in sorted(self._data.rows.items(), key=lambda row: row[1][1]["chunk_index"]):
            head, count = versions.get(version_of(chunk_id), (meta, 0))
            versions[version_of(chunk_id)] = (head, count + 1)
        return stored_documents(versions.values())

    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
        depth: int = 0,
    ) -> list[RetrievedChunk]:
        candidates = list(self._data.rows) if ids is None else [i for i in ids if i in self._data.rows]
        if mask is not None:
            rows, allowed = mask
            candidates = [i for i in candidates if i in rows and allowed[rows[i]]]
        query = np.asarray(vector, dtype=np.float32)
        scored = []
        for chunk_id in candidates:
            stored = self._data.rows[chunk_id][2]
            norm = max(float(np.linalg.norm(stored) * np.linalg.norm(query)), 1e-12)
            scored.append((chunk_id, float(stored @ query) / norm))
        scored.sort(key=lambda pair: -pair[1])
        return [replace(self._chunk(chunk_id), score=score) for chunk_id, score in scored[:k]]

    def _chunk(self, chunk_id: str) -> RetrievedChunk:
        text, meta, _ = self._data.rows[chunk_id]
        return to_retrieved(chunk_id, text, meta, 0.0)

    def get(self, ids: list[str]) -> list[RetrievedChunk]:
        return [self._chunk(i) for i in ids if i in self._data.rows]

    def document_chunks(self, doc_id: str) -> list[RetrievedChunk]:
        chunks = [self._chunk(i) for i, (_, meta, _) in self._data.rows.items() if meta["doc_id"] == doc_id]
        return sorted(chunks, key=lambda c: (c.start, c.chunk_id))

    def iter_chunks(self) -> Iterator[RetrievedChunk]:
        for chunk_id in list(self._data.rows):
            yield self._chunk(chunk_id)

    def count(self) -> int:
        return len(self._data.rows)

    def revision(self) -> str:
        return self._data.revision

    def bump_revision(self) -> str:
        counter = self._data.revision.split("-", 1)[0]
        number = int(counter) + 1 if counter.isdigit() else 1
        self._data.revision = f"{number}-{uuid.uuid4().hex[:8]}"
        return self._data.revision

    def log_change(self, change: dict[str, Any]) -> None:
        self._data.changes[str(change["end"])] = json.loads(json.dumps(change))

    def changes_from(self, revision: str) -> list[dict[str, Any]]:
        return [change for change in self._data.changes.values() if str(change["before"]) == revision]
