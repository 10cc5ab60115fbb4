"""Query latency and peak RSS at 10k and 100k chunks, next to bare Chroma and bare BM25 in the same run.

    python bench/query.py --vectors bench/data/gpu-100k --sizes 10000 100000 [--queries 200]

Stores: the synthetic corpus of each size (bench/synth.py), ingested by the real pipeline (load, chunk, Chroma,
BM25) with the chunk vectors taken from --vectors, which bench/gpu.sh computed on a GPU with the same model over
the same texts (a CPU here embeds about 40 chunks/s, so 100k would take 40 minutes). A chunk whose text is not
in that file is embedded here, and counted. With --stand-in, chunk vectors are hashes of the texts instead (no GPU
run needed; the dense half of retrieval then finds nothing meaningful, but costs the same). Questions, and the
sentences the answer step compares with them, are always embedded here by the real model, inside the timings.

Each size is measured in a fresh process that only opens the index and asks, so its peak RSS is the query
process's. Timings per question, after 5 warm-up questions:
  embed     SentenceTransformer on the question alone
  chroma    bare collection.query(n_results=40) with the question's vector (no embedding)
  bm25      bare LexicalIndex.search(k=40)
  retrieve  Assistant.retrieve: embedding, revision check, dense + BM25, fusion, article lookup, caps
  answer    Assistant.ask: retrieve + the extractive answer
and retrieve/answer again with a filter: --type regulation (94% of the chunks allowed), --lang zh (33%), --since
2024-01-01 (30%) and --doc (one document). Each row prints the 1-minute load average while it ran (the higher of
before and after); a row measured above --max-load is measured again, up to three times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CachedEmbedder, StandInEmbedder, machine, peak_rss_mib, summary_ms
from synth import documents, questions, write_corpus

from assistant.embedding import make_embedder
from assistant.pipeline import Assistant
from assistant.retrieve import Filters
from assistant.settings import EmbeddingSettings, Settings


def build(folder: Path, chunks: int, vectors: Path | None) -> dict[str, object]:
    marker = folder / "built.json"
    if marker.is_file():
        return dict(json.loads(marker.read_text()))
    write_corpus(folder / "corpus", chunks)
    model = make_embedder(EmbeddingSettings())
    embedder = CachedEmbedder(model, vectors) if vectors is not None else StandInEmbedder(model)
    assistant = Assistant(Settings(index_dir=folder / "index"), embedder=embedder)
    t = time.perf_counter()
    report = assistant.ingest([folder / "corpus"])
    info = {
        "chunks": report.chunks_embedded,
        "build_s": round(time.perf_counter() - t, 1),
        "vectors_from_file": getattr(embedder, "hits", 0),
        "embedded_here": getattr(embedder, "misses", 0),
        "stand_in_vectors": vectors is None,
    }
    marker.write_text(json.dumps(info))
    return info


def measure(folder: Path, chunks: int, n_questions: int, max_load: float) -> dict[str, object]:
    t = time.perf_counter()
    assistant = Assistant(Settings(index_dir=folder / "index"))
    assistant.embedder.embed(["warm-up"])
    open_s = time.perf_counter() - t
    docs = list(documents(chunks))
    qs = questions(docs, n_questions + 5)
    warm, qs = qs[:5], qs[5:]
    for q in warm:
        assistant.ask(q)
    collection = assistant.store.collection  # type: ignore[attr-defined]
    vectors = [assistant.embedder.embed([q])[0] for q in qs]
    rng = random.Random(7)
    filters = {
        "--type regulation": [Filters(types=("regulation",))] * len(qs),
        "--lang zh": [Filters(langs=("zh",))] * len(qs),
        "--since 2024-01-01": [Filters(since="2024-01-01")] * len(qs),
        "--doc ID": [Filters(doc_ids=(rng.choice(docs).name,)) for _ in qs],
    }
    cases: dict[str, Callable[[int], object]] = {
        "embed question": lambda i: assistant.embedder.embed([qs[i]]),
        "bare Chroma query (k=40)": lambda i: collection.query(query_embeddings=[vectors[i].tolist()], n_results=40),
        "bare BM25 search (k=40)": lambda i: assistant.lexical.search(qs[i], 40),
        "retrieve": lambda i: assistant.retrieve(qs[i]),
        "answer (extractive)": lambda i: assistant.ask(qs[i]),
    }
    for name, chosen in filters.items():
        cases[f"retrieve {name}"] = lambda i, f=chosen: assistant.retrieve(qs[i], f[i])
        cases[f"answer {name}"] = lambda i, f=chosen: assistant.ask(qs[i], f[i])
    rows: dict[str, list[float]] = {}
    loads: dict[str, float] = {}
    for name, case in cases.items():
        for _ in range(3):
            before = os.getloadavg()[0]
            rows[name] = []
            for i in range(len(qs)):
                t = time.perf_counter()
                case(i)
                rows[name].append((time.perf_counter() - t) * 1000)
            loads[name] = max(before, os.getloadavg()[0])
            if loads[name] <= max_load:
                break
    return {
        "chunks": assistant.store.count(),
        "open_s": round(open_s, 1),
        "peak_rss_mib": round(peak_rss_mib()),
        "timings_ms": rows,
        "load_avg": loads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=Path, default=Path("bench/data/gpu-100k"))
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="build the stores with hash vectors instead of --vectors (no GPU run at hand): timings and sizes only",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=Path("bench/data/stores"))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--max-load", type=float, default=2.0, help="measure a row again above this load average")
    parser.add_argument("--build-only", action="store_true", help="build the stores, measure nothing")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--chunks", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child: open, ask, report
        print(json.dumps(measure(args.measure, args.chunks, args.queries, args.max_load)))
        return

    print(f"# query latency on {machine()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    results = {}
    for size in args.sizes:
        folder = args.workdir / f"synth-{size}"
        info = build(folder, size, None if args.stand_in else args.vectors)
        source = (
            "stand-in hash vectors"
            if info.get("stand_in_vectors")
            else f"{info['vectors_from_file']} vectors from {args.vectors}, {info['embedded_here']} embedded here"
        )
        print(f"\n## {info['chunks']:,} chunks: built in {info['build_s']} s ({source})")
        if args.build_only:
            continue
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                *("--measure", str(folder), "--chunks", str(size), "--queries", str(args.queries)),
                *("--max-load", str(args.max_load)),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["build"] = info
        results[size] = result
        print(f"query process: opened in {result['open_s']} s, peak RSS {result['peak_rss_mib']} MiB")
        for name, values in result["timings_ms"].items():
            print(f"  {name:28s} {summary_ms(values)}  load {result['load_avg'][name]:.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
