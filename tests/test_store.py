"""The Chroma store's bookkeeping: document listing from ids and first chunks, and the published revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTICLE


def test_documents_counts_chunks_even_when_a_first_chunk_is_gone(make_assistant) -> None:  # type: ignore[no-untyped-def]
    assistant = make_assistant()
    assistant.ingest([ARTICLE])
    listed = assistant.documents()
    assert listed and all(d.complete for d in listed.values())
    doc_id, stored = next(iter(listed.items()))
    collection = assistant.store.collection
    first = collection.get(where={"$and": [{"doc_id": doc_id}, {"chunk_index": 0}]}, include=[])["ids"]
    collection.delete(ids=first)  # an interrupted delete left the rest of the document behind

    again = assistant.documents()[doc_id]
    assert again.chunks == stored.chunks - 1 and not again.complete
    assert (again.title, again.content_hash) == (stored.title, stored.content_hash)
    report = assistant.ingest([ARTICLE])  # the next ingest redoes it
    assert doc_id in report.updated and assistant.documents()[doc_id].complete


def test_every_change_publishes_a_new_revision(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.index import index_fingerprint

    assistant = make_assistant()
    before = assistant.store.revision()
    assistant.ingest([ARTICLE])
    after = assistant.store.revision()
    assert after != before
    assert assistant.lexical.revision == f"{after}/{assistant.store.count()}"
    assistant.ingest([ARTICLE])  # nothing changed: nothing published, nothing rebuilt
    assert assistant.store.revision() == after
    metadata = assistant.store._metadata()
    assert index_fingerprint(assistant.settings).items() <= metadata.items()  # the fingerprint survives the bumps


def test_a_dense_query_skips_allowed_ids_the_store_no_longer_holds(make_assistant) -> None:  # type: ignore[no-untyped-def]
    assistant = make_assistant()
    assert assistant.store.query(assistant.embedder.embed(["anything"])[0], 5) == []  # empty store
    assistant.ingest([ARTICLE])
    vector = assistant.embedder.embed(["What subsidies cover model usage?"])[0]
    real = assistant.lexical.ids[:3]
    # e.g. ids from a BM25 index built before another process pruned a document
    found = assistant.store.query(vector, 5, ids=[*real, "gone.md#0123456789ab:0"])
    assert sorted(c.chunk_id for c in found) == sorted(real)
    assert assistant.store.query(vector, 5, ids=["gone.md#0123456789ab:0"]) == []


def test_documents_share_chroma_calls_and_one_refused_document_costs_only_itself(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .hostile import news_corpus

    corpus = tmp_path / "corpus"
    news_corpus(corpus, 6)
    assistant = make_assistant()
    collection = type(assistant.store.collection)
    real_add = collection.add
    calls: list[list[str]] = []

    def add(self: Any, **rows: Any) -> None:
        doc_ids = sorted({meta["doc_id"] for meta in rows["metadatas"]})
        calls.append(doc_ids)
        if "notice-003.md" in doc_ids:
            raise ValueError("metadata value rejected")
        real_add(self, **rows)

    monkeypatch.setattr(collection, "add", add)
    report = assistant.ingest([corpus])
    # One call for the whole batch; when it fails, one call per document finds the one refused.
    assert len(calls[0]) == 6 and all(len(c) == 1 for c in calls[1:]) and len(calls) == 7
    assert report.failed == [f"{corpus / 'notice-003.md'}: could not be stored (metadata value rejected)"]
    assert sorted(report.added) == [f"notice-{n:03d}.md" for n in range(6) if n != 3]
    docs = assistant.documents()
    assert sorted(docs) == sorted(report.added) and all(d.complete for d in docs.values())
    assert sorted(c.chunk_id for c in assistant.store.iter_chunks()) == sorted(assistant.lexical.ids)
