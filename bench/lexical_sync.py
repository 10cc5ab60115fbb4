"""What a process pays to catch up after another one, sharing the store, adds or removes one document.

    python bench/lexical_sync.py --chunks 20000

Builds a store of N synthetic chunks (bench/synth.py) with stand-in hash vectors (bench/common.py: only timings
are read), opens a second Assistant on it with its own index_dir (another machine), then, in the first, adds one
~30-chunk document, removes it, and removes one of the corpus's documents. Prints, for each, the second process's
catch-up before its next question (``Index.refresh``: a replay of the store's change log, applied as a delta over
the BM25 base) next to a BM25 rebuild from the store (what every other process paid per publish before the change
log), and checks that the replayed index equals the rebuilt one: the same chunk ids and the same search results,
scores included. The store is a real `chroma run` on this machine: two processes with their own BM25 are two
machines sharing a server (on one machine, embedded, they share one BM25 folder instead).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import StandInEmbedder, machine
from synth import make_document, write_corpus

from assistant.embedding import make_embedder
from assistant.index import stored_entries
from assistant.lexical import LexicalIndex
from assistant.pipeline import Assistant
from assistant.settings import Settings, StoreSettings

QUERIES = [
    "What does Article 12 say about funding?",
    "obligations of data processors",
    "《数据安全条例》第十二条规定了什么？",
    "subsidy application deadline",
]


def _serve(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma if chroma.exists() else "chroma"), "run", "--path", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    for _ in range(120):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).raise_for_status()
            return process
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("chroma run did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    work = Path(tempfile.mkdtemp(prefix="pa-sync-"))
    server = _serve(work / "server", args.port)
    try:
        store = StoreSettings(mode="server", host="127.0.0.1", port=args.port)
        embedder = StandInEmbedder(make_embedder(Settings().embedding))
        docs = write_corpus(work / "corpus", args.chunks)
        first = Assistant(Settings(index_dir=work / "a", store=store), embedder=embedder)
        t = time.perf_counter()
        report = first.ingest([work / "corpus"])
        print(f"# lexical_sync on {machine()}, chroma run on the same machine")
        print(f"store: {report.chunks_embedded} chunks in {time.perf_counter() - t:.1f} s (stand-in vectors)")
        second = Assistant(Settings(index_dir=work / "b", store=store), embedder=embedder)

        # The first document past the corpus with about 30 chunks (the figure is for a 30-chunk document).
        extra = next(d for d in map(make_document, range(len(docs), len(docs) + 500)) if 25 <= d.chunks <= 40)
        (work / "corpus" / extra.name).write_text(extra.text + "\n", encoding="utf-8")
        # "remove": the document just added (in the reader's delta); "remove-base": one of the corpus's (a tombstone).
        for step in ("add", "remove", "remove-base"):
            if step == "remove":
                (work / "corpus" / extra.name).unlink()
            if step == "remove-base":
                (work / "corpus" / docs[0].name).unlink()
            before = second.store.count()
            done = first.ingest([work / "corpus"], prune=step != "add")
            t = time.perf_counter()
            second.index.refresh()
            caught_up = time.perf_counter() - t
            how = second.index.last_sync
            t = time.perf_counter()
            rebuilt = LexicalIndex(work / f"rebuilt-{step}")
            rebuilt.build(stored_entries(second.store, True), "rebuilt")
            rebuild = time.perf_counter() - t
            assert sorted(rebuilt.ids) == sorted(second.lexical.ids), "the replayed BM25 index differs from a rebuild"
            for query in QUERIES:
                assert second.lexical.search(query, 40) == rebuilt.search(query, 40), query
            lexical = second.lexical
            delta = (
                f"delta: {len(lexical.delta)} added, {int(lexical.dead.sum())} tombstoned, "
                f"over a base of {len(lexical.base.ids)}"
            )
            changed = f"{done.chunks_embedded} chunks" if step == "add" else f"{before - len(rebuilt.ids)} chunks"
            print(
                f"{step} one document ({changed}) in another process, {len(rebuilt.ids)} chunks: the next "
                f"question's catch-up {caught_up * 1000:.1f} ms ({how}); a BM25 rebuild from the store {rebuild:.2f} s "
                f"(x{rebuild / caught_up:.0f}); {delta}; load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
