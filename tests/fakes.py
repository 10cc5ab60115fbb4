"""Stand-ins for the embedder and the vector store, for pure-logic tests only (the fast tier, `make unit`).

Whatever a feature's tests claim works is shown with the real model and a real Chroma (the slow tier); these let
the logic around them (ingest transactions, the index layer's bookkeeping) be checked in milliseconds. MemoryStore
passes the same contract suite as the real stores (tests/store/test_contract.py), so it cannot drift from them.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from assistant.embedding import Embedder
from assistant.store import ALIASES_KEY, StoredDocument, VectorStore, chunk_metadata, stored_document, to_retrieved
from assistant.types import Chunk, Document, RetrievedChunk

_WORD = re.compile(r"\w+|[^\w\s]")


class FakeEmbedder(Embedder):
    """Hashed bag of words: texts sharing words are near, and each costs microseconds."""

    name = "fake-embedder"
    dimension = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.embedded = 0
        """Texts embedded so far."""

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                vectors[row, hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % self.dimension] += 1.0
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))

    def coverage(self, text: str) -> float:
        return 1.0


class MemoryStore(VectorStore):
    """Chunks in a dict, searched exactly. ``refuse`` names documents whose writes fail, as a store may refuse one."""

    description = "memory"

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, dict[str, object], np.ndarray]] = {}
        self.refuse: set[str] = set()
        self.adds: list[list[str]] = []
        """The doc ids of each add() call."""
        self._revision = "0"

    def add(self, items: Sequence[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        self.adds.append(sorted({doc.doc_id for doc, _, _ in items}))
        refused = [doc.doc_id for doc, _, _ in items if doc.doc_id in self.refuse]
        if refused:
            raise ValueError(f"refused {refused[0]}")
        for doc, chunks, vectors in items:
            for i, chunk in enumerate(chunks):
                meta = chunk_metadata(doc, chunk, i, len(chunks))
                self.rows[chunk.chunk_id] = (chunk.text, meta, np.asarray(vectors[i], dtype=np.float32))

    def _where(self, **wanted: object) -> list[str]:
        return [cid for cid, (_, meta, _) in self.rows.items() if all(meta[k] == v for k, v in wanted.items())]

    def delete_document(self, doc_id: str) -> None:
        for chunk_id in self._where(doc_id=doc_id):
            del self.rows[chunk_id]

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        for chunk_id in self._where(doc_id=doc_id, doc_hash=content_hash):
            del self.rows[chunk_id]

    def set_aliases(self, doc_id: str, aliases: dict[str, str]) -> None:
        value = json.dumps(sorted(aliases.items()), ensure_ascii=False)
        for chunk_id in self._where(doc_id=doc_id):
            text, meta, vector = self.rows[chunk_id]
            self.rows[chunk_id] = (text, {**meta, ALIASES_KEY: value}, vector)

    def documents(self) -> dict[str, StoredDocument]:
        versions: dict[tuple[str, str], list[dict[str, object]]] = {}
        for _, meta, _ in self.rows.values():
            versions.setdefault((str(meta["doc_id"]), str(meta["doc_hash"])), []).append(meta)
        result: dict[str, StoredDocument] = {}
        for (doc_id, _), metas in versions.items():
            stored = stored_document(min(metas, key=lambda m: int(str(m["chunk_index"]))), len(metas))
            result[doc_id] = replace(stored, expected_chunks=-1) if doc_id in result else stored
        return result

    def query(
        self,
        vector: np.ndarray,
        k: int,
        ids: list[str] | None = None,
        exact: bool = False,
        mask: tuple[dict[str, int], np.ndarray] | None = None,
    ) -> list[RetrievedChunk]:
        candidates = [i for i in (ids if ids is not None else self.rows) if i in self.rows]
        if mask is not None:
            rows, allowed = mask
            candidates = [i for i in candidates if i in rows and allowed[rows[i]]]
        scored = sorted((-self._cosine(vector, i), i) for i in candidates)[:k]
        return [replace(self.get([i])[0], score=-negative) for negative, i in scored]

    def _cosine(self, vector: np.ndarray, chunk_id: str) -> float:
        stored = self.rows[chunk_id][2]
        return float(stored @ vector / max(float(np.linalg.norm(stored) * np.linalg.norm(vector)), 1e-12))

    def get(self, ids: list[str]) -> list[RetrievedChunk]:
        return [to_retrieved(i, self.rows[i][0], dict(self.rows[i][1]), 0.0) for i in ids if i in self.rows]

    def document_chunks(self, doc_id: str) -> list[RetrievedChunk]:
        return sorted(self.get(self._where(doc_id=doc_id)), key=lambda c: (c.start, c.chunk_id))

    def iter_chunks(self) -> Iterator[RetrievedChunk]:
        yield from self.get(list(self.rows))

    def count(self) -> int:
        return len(self.rows)

    def revision(self) -> str:
        return self._revision

    def bump_revision(self) -> None:
        self._revision = f"{int(self._revision.split('-')[0]) + 1}-{uuid.uuid4().hex[:8]}"
