"""Issue 16's large-store figures, in a real `chroma run` server on this machine.

    python bench/million.py --chunks 1000000 [--queries 100] [--recall-queries 100]

1. Build: N synthetic chunks (bench/synth.py) ingested through Assistant.ingest into the server, with stand-in hash
   vectors (bench/common.py StandInEmbedder: deterministic, no model; timings and sizes only, no quality).
2. A UI-like process (a fresh child with the real model, its own index_dir): its start (BM25 built from the
   server), then answer p50/p95 without a filter and with each filter (--type, --lang, --since, --doc), and its
   peak RSS (VmHWM).
3. Lexical sync: a reader holding that BM25 index catches up after the writer adds one ~30-chunk document, and
   after it removes it (Index.refresh: the change log replayed as a delta).
4. HNSW recall@10 of the server's collection (the default config) against exact search over the same vectors:
   a returned neighbour counts when its similarity is at least the exact 10th best's. Stand-in vectors are
   uniformly spread (no clusters), a harder case for HNSW than real embeddings.
Each step prints the 1-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import StandInEmbedder, machine, pct, peak_rss_mib
from lexical_sync import _serve
from synth import documents, make_document, questions, write_corpus

from assistant.embedding import make_embedder
from assistant.pipeline import Assistant
from assistant.retrieve import Filters
from assistant.settings import Settings, StoreSettings


class RecordingStandIn(StandInEmbedder):
    """Stand-in vectors, each kept (float32) for the exact search the recall is measured against."""

    def __init__(self, inner: object) -> None:
        super().__init__(inner)  # type: ignore[arg-type]
        self.kept: list[np.ndarray] = []

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = super()._embed(texts)
        self.kept.append(out)
        return out


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def measure(folder: Path, port: int, chunks: int, n: int) -> dict[str, object]:
    """The child: a UI-like process on the server. Opens, answers, reports."""
    store = StoreSettings(mode="server", host="127.0.0.1", port=port)
    t = time.perf_counter()
    assistant = Assistant(Settings(index_dir=folder, store=store))
    assistant.embedder.embed(["warm-up"])
    open_s = time.perf_counter() - t
    opened_peak = peak_rss_mib()
    # The corpus's texts are the benchmark's, not the UI's: only the fields the questions are made from are kept.
    docs = [replace(d, text="") for d in documents(chunks)]
    qs = questions(docs, n + 5)
    for q in qs[:5]:
        assistant.ask(q)
    qs = qs[5:]
    rng = random.Random(7)
    cases: dict[str, list[Filters | None]] = {
        "no filter": [None] * len(qs),
        "--type regulation": [Filters(types=("regulation",))] * len(qs),
        "--lang zh": [Filters(langs=("zh",))] * len(qs),
        "--since 2024-01-01": [Filters(since="2024-01-01")] * len(qs),
        "--doc ID": [Filters(doc_ids=(rng.choice(docs).name,)) for _ in qs],
    }
    rows: dict[str, dict[str, float]] = {}
    for name, chosen in cases.items():
        times = []
        for q, f in zip(qs, chosen):
            t = time.perf_counter()
            assistant.ask(q, f) if f is not None else assistant.ask(q)
            times.append((time.perf_counter() - t) * 1000)
        rows[name] = {"p50": round(pct(times, 50), 1), "p95": round(pct(times, 95), 1), "load": os.getloadavg()[0]}
    return {
        "open_s": round(open_s, 1),
        "opened_peak_rss_mib": round(opened_peak),
        "peak_rss_mib": round(peak_rss_mib()),
        "answer_ms": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--recall-queries", type=int, default=100)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if args.measure:
        print(json.dumps(measure(args.measure, args.port, args.chunks, args.queries)))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="pa-million-"))
    print(f"# million on {machine()}, chroma run on the same machine; {load()}", flush=True)
    server = _serve(work / "server", args.port)
    try:
        store = StoreSettings(mode="server", host="127.0.0.1", port=args.port)
        model = make_embedder(Settings().embedding)
        model.embed(["warm-up: the tokenizer chunking counts with is loaded before the clock starts"])
        embedder = RecordingStandIn(model)
        docs = write_corpus(work / "corpus", args.chunks)
        writer = Assistant(Settings(index_dir=work / "writer", store=store), embedder=embedder)
        t = time.perf_counter()
        report = writer.ingest([work / "corpus"])
        build_s = time.perf_counter() - t
        print(
            f"build: {report.chunks_embedded:,} chunks in {build_s:.0f} s = {report.chunks_embedded / build_s:,.0f} "
            f"chunks/s (stand-in vectors {embedder.seconds:.0f} s of it); {load()}",
            flush=True,
        )
        vectors = np.concatenate(embedder.kept)
        embedder.kept = []

        command = [sys.executable, __file__, "--measure", str(work / "ui"), "--port", str(args.port)]
        command += ["--chunks", str(args.chunks), "--queries", str(args.queries)]
        child = subprocess.run(command, capture_output=True, text=True)
        if child.returncode:
            print(child.stderr[-3000:])
        else:
            ui = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"UI-like process: started in {ui['open_s']} s (BM25 built from the server), peak RSS "
                f"{ui['peak_rss_mib']:,} MiB ({ui['opened_peak_rss_mib']:,} MiB once open)",
                flush=True,
            )
            for name, row in ui["answer_ms"].items():
                print(f"  answer {name:20s} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  load {row['load']:.2f}")

        # The reader: the UI process's BM25 index, loaded from its folder as a restarted UI would.
        reader = Assistant(Settings(index_dir=work / "ui", store=store), embedder=embedder)
        extra = next(d for d in map(make_document, range(len(docs), len(docs) + 500)) if 25 <= d.chunks <= 40)
        (work / "corpus" / extra.name).write_text(extra.text + "\n", encoding="utf-8")
        for step in ("add", "remove"):
            if step == "remove":
                (work / "corpus" / extra.name).unlink()
            writer.ingest([work / "corpus"], prune=step == "remove")
            t = time.perf_counter()
            reader.index.refresh()
            caught_up = time.perf_counter() - t
            assert len(reader.lexical.ids) == reader.store.count()
            print(
                f"lexical sync after another process's {step} of one {extra.chunks}-chunk document: "
                f"{caught_up * 1000:.0f} ms ({reader.index.last_sync}); {load()}",
                flush=True,
            )

        # HNSW recall@10 of the server's collection against exact search over the same stand-in vectors.
        collection = reader.store.collection  # type: ignore[attr-defined]
        qs = questions(docs, args.recall_queries, seed=3)
        query_vectors = embedder.embed(qs)
        found, times = 0, []
        for q in query_vectors:
            sims = vectors @ q
            tenth = np.partition(sims, len(sims) - 10)[len(sims) - 10]
            t = time.perf_counter()
            result = collection.query(query_embeddings=[q.tolist()], n_results=10, include=["distances"])
            times.append((time.perf_counter() - t) * 1000)
            found += sum(1 - d >= tenth - 1e-5 for d in result["distances"][0])
        print(
            f"HNSW recall@10 (default config), {len(vectors):,} stand-in vectors, {len(qs)} queries: "
            f"{found / (10 * len(qs)):.3f}; bare query p50 {pct(times, 50):.1f} ms; {load()}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(30)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
