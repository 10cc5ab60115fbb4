"""Server mode against a real `chroma run`: ingest, ask, the seed_en eval, and two processes sharing one server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ARTICLE, CORPUS, EVALS, ROOT

pytestmark = pytest.mark.slow

_NEW_DOC = """# Zorblax Compute Quota Notice

The municipal bureau grants each registered laboratory a zorblax compute quota of 4,000 GPU-hours per year.
Unused zorblax quota expires on 31 December and cannot be carried over.
"""


def chroma_executable() -> str:
    """The `chroma` CLI that came with the chromadb package: beside this interpreter first (the venv's bin)."""
    beside = Path(sys.executable).parent / "chroma"
    if beside.is_file():
        return str(beside)
    found = shutil.which("chroma")
    if not found:
        pytest.fail(f"the `chroma` CLI (from chromadb) is neither in {beside.parent} nor on PATH")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A real Chroma server on a free port over tmp_path, stopped by its PID however the test ends."""
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [
            chroma_executable(),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"chroma run exited with {proc.returncode}: {(tmp_path / 'chroma.log').read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200 and "heartbeat" in response.read().decode():
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer /api/v2/heartbeat within 60 s")
            time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


@pytest.fixture
def server_env(chroma_server: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Server mode chosen the way a user would: POLICY_ASSISTANT_STORE__* environment variables."""
    host, port = chroma_server
    env = {
        "POLICY_ASSISTANT_STORE__MODE": "server",
        "POLICY_ASSISTANT_STORE__HOST": host,
        "POLICY_ASSISTANT_STORE__PORT": str(port),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def test_ingest_ask_and_seed_en_eval_through_a_chroma_server(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluation import load_dataset, run_eval
    from assistant.settings import StoreSettings

    assistant = make_assistant(tmp_path / "local-a")
    assert assistant.settings.store.mode == "server"
    assert assistant.store.description == f"server http://127.0.0.1:{server_env['POLICY_ASSISTANT_STORE__PORT']}"
    assert not (tmp_path / "local-a" / "chroma").exists(), "server mode must not open an embedded index"

    report = assistant.ingest([ARTICLE])
    assert report.added and not report.failed, report.summary()
    assert assistant.ingest([ARTICLE]).unchanged == report.added  # re-ingest skips everything

    answer = assistant.ask("What subsidies cover model usage?")
    assert not answer.refused and answer.citations

    # The same answers as an embedded index of the same document: the store behind the seam changes nothing.
    # (The Makefile's floors are for the whole bundled corpus; this index holds one document of it.)
    cases = load_dataset(EVALS / "seed_en.jsonl", CORPUS)
    result = run_eval(assistant, cases, "seed_en")
    embedded = make_assistant(tmp_path / "embedded", store=StoreSettings(mode="embedded"))
    embedded.ingest([ARTICLE])
    expected = run_eval(embedded, cases, "seed_en")
    answers = {c.id: c.answer for c in expected.cases}
    assert {c.id: c.answer for c in result.cases} == answers
    quality = ("citation_precision", "citation_recall", "fact_recall", "refusal_accuracy", "hit@5", "mrr")
    assert {m: result.metrics[m] for m in quality} == {m: expected.metrics[m] for m in quality}
    assert result.metrics["fact_recall"] > 0.5


def test_a_second_process_sees_what_the_first_ingests(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two UI processes on different machines share one server; each keeps its own BM25 under its own index_dir.
    first = make_assistant(tmp_path / "machine-a")
    second = make_assistant(tmp_path / "machine-b")
    first.ingest([ARTICLE])
    assert second.status()["chunks"] == first.status()["chunks"] > 0

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "zorblax-notice.md").write_text(_NEW_DOC, encoding="utf-8")
    question = "How many GPU-hours is the zorblax compute quota?"
    first.ingest([ARTICLE, extra])

    # The second instance was open all along: its next question notices the new revision and rebuilds BM25.
    assert not any(cid.startswith("zorblax-notice.md") for cid in second.lexical.ids)
    answer = second.ask(question)
    assert any(cid.startswith("zorblax-notice.md") for cid in second.lexical.ids)
    assert not answer.refused and answer.citations[0].doc_id == "zorblax-notice.md"
    assert "4,000 GPU-hours" in answer.text

    # A separate OS process (the CLI) with a third local folder gets the same answer from the server.
    env = {**os.environ, **server_env, "POLICY_ASSISTANT_INDEX_DIR": str(tmp_path / "machine-c")}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", question, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)
    assert payload["citations"][0]["doc_id"] == "zorblax-notice.md"

    # Removal travels the same way.
    first.ingest([ARTICLE], prune=True)
    assert "zorblax-notice.md" not in second.documents()
    second.ask(question)
    assert not any(cid.startswith("zorblax-notice.md") for cid in second.lexical.ids)
    # Ids from a BM25 built before a removal elsewhere are skipped by the server too, not an error.
    vector = second.embedder.embed([question])[0]
    kept = second.lexical.ids[:2]
    assert sorted(
        c.chunk_id for c in second.store.query(vector, 5, ids=[*kept, "zorblax-notice.md#0123456789ab:0"])
    ) == sorted(kept)


def test_two_instances_on_one_machine_share_one_bm25_build(server_env, make_assistant, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.lexical import LexicalIndex

    first = make_assistant(tmp_path / "shared")
    first.ingest([ARTICLE])
    builds: list[str] = []
    original = LexicalIndex.save

    def counting_save(self, rows, revision):  # type: ignore[no-untyped-def]
        builds.append(revision)
        return original(self, rows, revision)

    monkeypatch.setattr(LexicalIndex, "save", counting_save)
    second = make_assistant(tmp_path / "shared")  # same index_dir: loads what the first built
    assert builds == []
    assert second.lexical.revision == first.lexical.revision
    assert second.lexical.ids == first.lexical.ids


def test_token_goes_in_the_configured_header(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import StoreSettings
    from assistant.store import StoreError
    from assistant.store.chroma import auth_headers

    assert auth_headers(StoreSettings()) == {}
    monkeypatch.setenv("CHROMA_TOKEN_FOR_TEST", "s3cret")
    settings = StoreSettings(mode="server", token_env="CHROMA_TOKEN_FOR_TEST")
    assert auth_headers(settings) == {"Authorization": "Bearer s3cret"}
    hosted = StoreSettings(mode="server", token_env="CHROMA_TOKEN_FOR_TEST", token_header="X-Chroma-Token")
    assert auth_headers(hosted) == {"X-Chroma-Token": "s3cret"}
    monkeypatch.delenv("CHROMA_TOKEN_FOR_TEST")
    with pytest.raises(StoreError, match="CHROMA_TOKEN_FOR_TEST"):
        auth_headers(settings)


def test_an_unreachable_server_is_a_clear_error(
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from assistant.store import StoreError

    monkeypatch.setenv("POLICY_ASSISTANT_STORE__MODE", "server")
    monkeypatch.setenv("POLICY_ASSISTANT_STORE__PORT", str(free_port()))
    with pytest.raises(StoreError, match=r"cannot open the Chroma server store at 127\.0\.0\.1:"):
        make_assistant(tmp_path / "nowhere")


def test_eval_keeps_its_corpus_out_of_the_shared_collection(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = make_assistant(tmp_path / "team")
    docs = tmp_path / "team-docs"
    docs.mkdir()
    (docs / "zorblax-notice.md").write_text(_NEW_DOC, encoding="utf-8")
    team.ingest([docs])
    before = team.store.count()

    done = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--dataset", str(EVALS / "seed_en.jsonl"), "--corpus", str(CORPUS)],
        capture_output=True,
        text=True,
        env={**os.environ, **server_env},
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert team.store.count() == before and set(team.documents()) == {"zorblax-notice.md"}
    evals = [(name, count) for name, count in team.store.other_collections() if name.startswith("policy-eval-corpus-")]
    assert len(evals) == 1 and evals[0][1] > 0, team.store.other_collections()


def _bm25(assistant, query: str) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    return sorted((cid, round(score, 4)) for cid, score in assistant.lexical.search(query, 10))


def test_another_process_replays_the_change_log_not_a_rebuild(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two machines on one server. What the first commits, the second replays from the server's change log: the
    # chunks added read back by id, the removed ones dropped; its BM25 then equals one built from scratch.
    first = make_assistant(tmp_path / "machine-a")
    second = make_assistant(tmp_path / "machine-b")
    first.ingest([ARTICLE])
    second.index.refresh()
    assert second.index.last_sync == "replayed"
    assert sorted(second.lexical.ids) == sorted(first.lexical.ids)

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "zorblax-notice.md").write_text(_NEW_DOC, encoding="utf-8")
    first.ingest([ARTICLE, extra])
    answer = second.ask("How many GPU-hours is the zorblax compute quota?")
    assert second.index.last_sync == "replayed"
    assert answer.citations[0].doc_id == "zorblax-notice.md"
    fresh = make_assistant(tmp_path / "machine-c")  # built from the store
    assert fresh.index.last_sync == "rebuilt"
    for query in ("zorblax compute quota", "computing power vouchers", "Infinigence"):
        assert _bm25(second, query) == _bm25(fresh, query)

    first.ingest([ARTICLE], prune=True)  # a removal travels the same way
    second.index.refresh()
    assert second.index.last_sync == "replayed"
    assert not any(cid.startswith("zorblax-notice.md") for cid in second.lexical.ids)
    assert sorted(second.lexical.ids) == sorted(first.lexical.ids)


def test_a_writer_killed_before_commit_leaves_readers_consistent(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.chunking import chunk_document
    from assistant.documents import load_document

    first = make_assistant(tmp_path / "machine-a")
    second = make_assistant(tmp_path / "machine-b")
    first.ingest([ARTICLE])
    second.index.refresh()
    extra = tmp_path / "zorblax-notice.md"
    extra.write_text(_NEW_DOC, encoding="utf-8")
    document = load_document(extra, "zorblax-notice.md")
    chunks = chunk_document(document, 256, first.embedder.count_tokens, True)
    # The writer's steps, stopped before the commit: it published its start and wrote, but logged nothing.
    with first.index.transaction() as writer:
        writer.add([(document, chunks, first.embedder.embed([c.text for c in chunks]))])
    second.index.refresh()
    assert second.index.last_sync == "rebuilt"  # no log entry leads there: rebuilt from the store
    assert any(cid.startswith("zorblax-notice.md") for cid in second.lexical.ids)
    assert len(second.lexical.ids) == second.store.count()

    # The next committed publish (a removal here) is replayed on top of that rebuild.
    first.remove("zorblax-notice.md")
    second.index.refresh()
    assert second.index.last_sync == "replayed"
    assert sorted(second.lexical.ids) == sorted(c.chunk_id for c in second.store.iter_chunks())


def test_a_replay_goes_on_from_an_emptied_index(server_env, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two transactions replayed in one catch-up, the first leaving no chunk at all.
    first = make_assistant(tmp_path / "machine-a")
    second = make_assistant(tmp_path / "machine-b")
    first.ingest([ARTICLE])
    second.index.refresh()
    first.remove(ARTICLE.name)
    extra = tmp_path / "zorblax-notice.md"
    extra.write_text(_NEW_DOC, encoding="utf-8")
    first.ingest([extra])
    second.index.refresh()
    assert second.index.last_sync == "replayed"
    assert sorted(second.lexical.ids) == sorted(c.chunk_id for c in second.store.iter_chunks())
