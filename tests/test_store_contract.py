"""One contract for every registered store, run over embedded Chroma and a real `chroma run` server alike.

Each test speaks only the VectorStore interface (assistant/store/__init__.py), with real chunks embedded by the
real model, so a store added to the registry can be held to the same behaviour by adding it to STORE_MODES.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.chunking import chunk_document
from assistant.store import STORES, VectorStore, make_store
from assistant.types import Chunk, Document

from .test_server import chroma_server  # noqa: F401  (the fixture: a real `chroma run`)

STORE_MODES = ("embedded", "server")
FAKES = ("memory",)
"""Test doubles held to the same contract (tests/fakes), so the fast tier's store behaves as the real ones do."""
FINGERPRINT = {"embedding_model": "contract", "schema": "contract"}

Item = tuple[Document, list[Chunk], np.ndarray]


def test_the_contract_covers_every_registered_store() -> None:
    assert set(STORES.names()) == set(STORE_MODES)


@pytest.fixture(params=STORE_MODES + FAKES)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], VectorStore]:
    """Opens the store under test on one collection; each call is another client of the same collection."""
    from assistant.settings import StoreSettings

    if request.param == "memory":
        from tests.fakes import MemoryStore

        return lambda: MemoryStore(tmp_path / "index", "contract")
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        settings = StoreSettings(mode="server", host=host, port=port)
    else:
        settings = StoreSettings(mode="embedded")
    return lambda: make_store(settings, tmp_path / "index", "contract", FINGERPRINT)


@pytest.fixture
def item(embedder) -> Callable[..., Item]:  # type: ignore[no-untyped-def]
    """A document of several sections, chunked and embedded for real; ``version`` changes its text."""

    def make(doc_id: str, version: int = 1) -> Item:
        sections = [
            f"# Part {n}\n\n{topic} Version {version} of {doc_id} sets the rule for part {n}.\n"
            for n, topic in enumerate(
                [
                    "Laboratories receive a compute quota of 4,000 GPU-hours per year.",
                    "Vouchers cover 30% to 100% of the cost of model training.",
                    "Data export needs a security assessment by the provincial office.",
                ],
                1,
            )
        ]
        text = "\n".join(sections)
        doc = Document(
            doc_id=doc_id,
            title=f"Notice {doc_id}",
            source=f"/corpus/{doc_id}",
            text=text,
            content_hash=f"{doc_id}-v{version}",
            lang="en",
            doc_type="news",
            date="2025-01-0" + str(version),
        )
        chunks = chunk_document(doc, 40, embedder.count_tokens, context_prefix=True)
        assert len(chunks) >= 3, "the contract needs documents of several chunks"
        return doc, chunks, embedder.embed([c.index_text for c in chunks])

    return make


def test_an_empty_store_holds_nothing(open_store: Callable[[], VectorStore], item: Callable[..., Item]) -> None:
    store = open_store()
    _, _, vectors = item("a.md")
    assert store.count() == 0
    assert store.documents() == {}
    assert store.query(vectors[0], 5) == []
    assert list(store.iter_chunks()) == []
    assert store.get(["a.md#x:0"]) == []


def test_added_documents_are_listed_read_back_and_found(
    open_store: Callable[[], VectorStore], item: Callable[..., Item]
) -> None:
    store = open_store()
    a, b = item("a.md"), item("b.md")
    store.add([a, b])
    assert store.count() == len(a[1]) + len(b[1])
    listed = store.documents()
    assert sorted(listed) == ["a.md", "b.md"]
    assert all(d.complete for d in listed.values())
    assert (listed["a.md"].title, listed["a.md"].content_hash, listed["a.md"].chunks) == (
        "Notice a.md",
        "a.md-v1",
        len(a[1]),
    )
    ids = [c.chunk_id for c in a[1]]
    # in the order asked, leaving out ids the store does not hold
    got = store.get([ids[2], "gone.md#0:0", ids[0]])
    assert [c.chunk_id for c in got] == [ids[2], ids[0]]
    assert got[1].text == a[1][0].text and (got[1].start, got[1].end) == (a[1][0].start, a[1][0].end)
    assert [c.chunk_id for c in store.document_chunks("a.md")] == ids  # text order
    assert sorted(c.chunk_id for c in store.iter_chunks()) == sorted(ids + [c.chunk_id for c in b[1]])


def test_a_query_ranks_by_cosine_similarity(open_store: Callable[[], VectorStore], item: Callable[..., Item]) -> None:
    store = open_store()
    a, b = item("a.md"), item("b.md")
    store.add([a, b])
    target = a[1][1]
    found = store.query(a[2][1], 3)
    assert found[0].chunk_id == target.chunk_id
    assert found[0].score == pytest.approx(1.0, abs=1e-3)  # the chunk's own vector: similarity 1, not a distance
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    # Among given ids (by the graph or exactly), skipping ids the store no longer holds.
    allowed = [b[1][0].chunk_id, b[1][2].chunk_id, "gone.md#0:0"]
    for exact in (False, True):
        within = store.query(a[2][1], 5, ids=allowed, exact=exact)
        assert sorted(c.chunk_id for c in within) == sorted(allowed[:2])
    # A mask over rows: only the chunks it allows.
    rows = {c.chunk_id: n for n, c in enumerate(a[1] + b[1])}
    allowed_rows = np.array([c.chunk_id.startswith("b.md") for c in a[1] + b[1]])
    masked = store.query(a[2][1], 2, mask=(rows, allowed_rows))
    assert masked and all(c.doc_id == "b.md" for c in masked)


def test_versions_and_documents_are_deleted_apart(
    open_store: Callable[[], VectorStore], item: Callable[..., Item]
) -> None:
    store = open_store()
    old, new, other = item("a.md", 1), item("a.md", 2), item("b.md")
    store.add([old, other])
    store.add([new])  # an interrupted replace: both versions under one id
    assert store.documents()["a.md"].expected_chunks == -1 and not store.documents()["a.md"].complete
    store.delete_version("a.md", "a.md-v1")
    listed = store.documents()["a.md"]
    assert listed.complete and listed.content_hash == "a.md-v2"
    store.delete_document("a.md")
    assert sorted(store.documents()) == ["b.md"]
    assert store.count() == len(other[1])


def test_aliases_are_recorded_on_the_document(open_store: Callable[[], VectorStore], item: Callable[..., Item]) -> None:
    store = open_store()
    store.add([item("a.md")])
    store.set_aliases("a.md", {"copy.md": "/corpus/copy.md"})
    assert store.documents()["a.md"].aliases == (("copy.md", "/corpus/copy.md"),)
    store.set_aliases("a.md", {})
    assert store.documents()["a.md"].aliases == ()


def test_a_published_revision_is_seen_by_another_client(
    open_store: Callable[[], VectorStore], item: Callable[..., Item]
) -> None:
    writer = open_store()
    before = writer.revision()
    with writer.writing():
        writer.add([item("a.md")])
        writer.bump_revision()
    reader = open_store()
    assert reader.revision() == writer.revision() != before
    assert reader.count() == writer.count() > 0
