"""The BM25 index kept up to date by each ingest's changes must equal one rebuilt from the store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import CORPUS
from .hostile import news_corpus

QUESTIONS = [
    "How many vouchers does Xuhui district grant?",
    "What subsidies cover model usage?",
    "round one amended vouchers notice 2",
    "Pudong firm thousand yuan",
]


def _rebuilt_from_store(assistant: Any, folder: Path) -> Any:
    from assistant.index import stored_entries
    from assistant.lexical import LexicalIndex

    index = LexicalIndex(folder)
    index.build(stored_entries(assistant.store, assistant.settings.chunking.context_prefix), assistant.lexical.revision)
    return index


def _assert_same_index(kept: Any, rebuilt: Any) -> None:
    assert sorted(kept.ids) == sorted(rebuilt.ids)
    order = {chunk_id: i for i, chunk_id in enumerate(rebuilt.ids)}
    for name, values in kept.filter_fields.items():
        by_id = dict(zip(kept.ids, values.tolist()))
        assert [by_id[c] for c in rebuilt.ids] == rebuilt.filter_fields[name].tolist(), name
    assert kept.document_frequency == rebuilt.document_frequency
    for question in QUESTIONS:
        ours = kept.search(question, 10)
        theirs = rebuilt.search(question, 10)
        assert [c for c, _ in ours] == [c for c, _ in theirs], question
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5), question
    assert len(order) == len(rebuilt.ids)


def test_ingest_updates_bm25_from_its_changes_without_reading_the_store(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    files = news_corpus(corpus, 10, paragraphs=3)
    shutil.copy(CORPUS / "shanghai-ai-policy-clustering.txt", corpus)
    assistant = make_assistant()
    assistant.ingest([corpus])

    store_type = type(assistant.store)
    reads: list[int] = []
    real_iter = store_type.iter_chunks

    def counting_iter(self: Any) -> Any:
        reads.append(1)
        return real_iter(self)

    monkeypatch.setattr(store_type, "iter_chunks", counting_iter)
    # One run that adds, updates, drops a copy's text, and prunes; then a removal from the UI.
    text = files["notice-002.md"].read_text(encoding="utf-8")
    files["notice-002.md"].write_text(text.replace("round 1,", "round one (amended),"), encoding="utf-8")
    files["notice-005.md"].unlink()
    news_corpus(corpus, 2, paragraphs=4, start=20)
    report = assistant.ingest([corpus], prune=True)
    assert report.updated == ["notice-002.md"] and report.removed == ["notice-005.md"]
    assert sorted(report.added) == ["notice-020.md", "notice-021.md"]
    assert assistant.remove("notice-007.md")
    assert reads == []  # neither the ingest nor the removal read the store back

    assert assistant.lexical.revision == f"{assistant.store.revision()}/{assistant.store.count()}"
    assert not any(c.startswith(("notice-005.md", "notice-007.md")) for c in assistant.lexical.ids)
    stale = assistant.documents()["notice-002.md"].content_hash
    assert all(c.split("#")[1][:12] == stale[:12] for c in assistant.lexical.ids if c.startswith("notice-002.md"))
    monkeypatch.undo()
    _assert_same_index(assistant.lexical, _rebuilt_from_store(assistant, tmp_path / "rebuilt"))

    # What a later process loads from disk is the same index.
    from assistant.lexical import LexicalIndex

    loaded = LexicalIndex(assistant.lexical.folder)
    assert loaded.load()
    _assert_same_index(loaded, assistant.lexical)


def test_an_index_that_was_stale_before_the_ingest_is_rebuilt_from_the_store(  # type: ignore[no-untyped-def]
    make_fake_assistant, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    news_corpus(corpus, 4)
    assistant = make_fake_assistant()
    assistant.ingest([corpus])
    other = make_fake_assistant()  # another writer on the same index, whose ingest this instance has not noticed
    extra = tmp_path / "extra"
    news_corpus(extra, 1, start=30)
    other.ingest([extra])
    assert not any(c.startswith("notice-030.md") for c in assistant.lexical.ids)

    news_corpus(corpus, 1, start=40)
    assistant.ingest([corpus])
    assert any(c.startswith("notice-030.md") for c in assistant.lexical.ids)
    assert any(c.startswith("notice-040.md") for c in assistant.lexical.ids)
    assert len(assistant.lexical.ids) == assistant.store.count()


def test_changes_that_do_not_add_up_to_the_store_fall_back_to_a_rebuild(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.chunking import chunk_document
    from assistant.documents import load_document

    corpus = tmp_path / "corpus"
    news_corpus(corpus, 4)
    assistant = make_assistant()
    assistant.ingest([corpus])
    extra = news_corpus(tmp_path / "extra", 1, start=30)["notice-030.md"]
    real_sync = assistant.index.sync

    def sync_after_another_write(**kwargs: Any) -> None:
        # Another process writes between this ingest's last write and its BM25 update.
        doc = load_document(extra, "notice-030.md")
        chunks = chunk_document(doc, 256, assistant.embedder.count_tokens, True)
        assistant.store.add([(doc, chunks, assistant.embedder.embed([c.index_text for c in chunks]))])
        real_sync(**kwargs)

    monkeypatch.setattr(assistant.index, "sync", sync_after_another_write)
    news_corpus(corpus, 1, start=40)
    assistant.ingest([corpus])
    assert any(c.startswith("notice-030.md") for c in assistant.lexical.ids)
    assert any(c.startswith("notice-040.md") for c in assistant.lexical.ids)
    assert len(assistant.lexical.ids) == assistant.store.count()


def test_rows_of_another_build_are_never_used(tmp_path: Path) -> None:
    from assistant.lexical import LexicalIndex

    meta = {"doc_id": "a.md", "type": "news", "lang": "en", "date_num": 0, "title": "A", "heading": ""}
    first = LexicalIndex(tmp_path / "lexical")
    first.build([("a.md#x:0", "vouchers for model usage", meta)], "1-a/1")
    rows = first.rows()
    assert rows is not None and rows.ids == ["a.md#x:0"]
    second = LexicalIndex(tmp_path / "lexical")  # same folder: a process on the same machine rebuilt it
    second.build([("a.md#y:0", "compute vouchers", meta), ("a.md#y:1", "data vouchers", meta)], "2-b/2")
    assert first.rows() is None  # its revision is no longer what the folder holds
