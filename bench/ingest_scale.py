"""Ingest N synthetic chunks end to end through Assistant.ingest and report chunks/s (the GPU figure's script).

    python bench/ingest_scale.py --chunks 100000 [--model PATH] [--export DIR] [--baseline-encode]

The embedding device is the Embedder's own choice ('auto': cuda when present) and so is its batch size (512 on a
GPU, 64 on CPU). Prints: model load, full ingest chunks/s and where its time went, SentenceTransformer.encode
alone on the same chunk texts (with --baseline-encode), re-ingest of the unchanged corpus, and a query check.
With --export, writes every chunk's vector (int8, per-row scale) keyed by its text, for bench/query.py and
bench/recall.py to build 100k-chunk stores on a CPU machine without re-embedding. With --vectors DIR (such an
export), chunk vectors are served from it instead of embedded: what remains is everything but the model, the
floor under a GPU ingest's time, measurable on a CPU machine. With --stand-in, chunk vectors are deterministic hash
vectors (bench/common.py StandInEmbedder) when no export is at hand: the same floor, answers meaningless. With
--ingest-only, it stops after the ingest figure. With --workers N [N ...] (limits.ingest_workers), the ingest is
run once per value, back to back, each into a fresh index, and each run's non-model rate is given as a ratio to the
first's, with the load average before and after each (the rest of the script goes on with the last run's index).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import CachedEmbedder, RecordingEmbedder, StandInEmbedder, machine, peak_rss_mib, save_vectors
from synth import make_document, questions, write_corpus

from assistant.embedding import make_embedder
from assistant.index import stored_entries
from assistant.lexical import LexicalIndex
from assistant.pipeline import Assistant
from assistant.reading import worker_count
from assistant.settings import EmbeddingSettings, LimitsSettings, Settings


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user and system) of this process, all its threads, and of its ended child processes: the ingest's
    worker processes, once it has shut their pool down. On a machine with cores to spare, this process's share is
    what bounds the ingest."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="embedding model (name or local folder)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the corpus and index go (default: a temp dir)"
    )
    parser.add_argument("--export", type=Path, default=None, help="write the chunk vectors here")
    parser.add_argument("--baseline-encode", action="store_true", help="also time bare encode on the same texts")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    parser.add_argument(
        "--vectors", type=Path, default=None, help="serve chunk vectors from this export instead of embedding them"
    )
    parser.add_argument("--stand-in", action="store_true", help="hash vectors instead of the model (timings only)")
    parser.add_argument("--ingest-only", action="store_true", help="stop after the ingest figure")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[0], help="limits.ingest_workers of each ingest run (0: auto)"
    )
    args = parser.parse_args()
    if (args.vectors or args.stand_in) and (args.export or args.baseline_encode):
        parser.error("--vectors serves vectors instead of embedding; drop --export and --baseline-encode")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="pa-bench-"))
    figures: dict[str, object] = {"machine": machine(), "chunks_requested": args.chunks}

    def save() -> None:
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, indent=2))

    print(f"# ingest_scale on {figures['machine']}", flush=True)

    t = time.perf_counter()
    docs = write_corpus(work / "corpus", args.chunks)
    print(f"corpus: {len(docs)} documents, {sum(d.chunks for d in docs)} units, {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    inner = make_embedder(EmbeddingSettings(model=args.model))
    inner.embed(["warm-up: load the model and run one batch"])
    embedder: CachedEmbedder | RecordingEmbedder | StandInEmbedder = (
        CachedEmbedder(inner, args.vectors)
        if args.vectors
        else StandInEmbedder(inner)
        if args.stand_in
        else RecordingEmbedder(inner)
    )
    device = str(getattr(inner, "model").device)  # noqa: B009
    batch = int(getattr(inner, "batch_size"))  # noqa: B009
    figures.update(model_load_s=round(time.perf_counter() - t, 2), device=device, batch_size=batch)
    print(f"model: {args.model} on {device}, batch {batch}, loaded in {figures['model_load_s']} s", flush=True)

    runs: list[dict[str, object]] = []
    rates: list[float] = []  # non-model chunks/s of each run
    for workers in args.workers:
        index_dir = work / ("index" if len(args.workers) == 1 else f"index-workers-{workers}-{len(runs)}")
        settings = Settings(
            index_dir=index_dir,
            embedding=EmbeddingSettings(model=args.model),
            limits=LimitsSettings(ingest_workers=workers),
        )
        assistant = Assistant(settings, embedder=embedder)
        load_before = os.getloadavg()[0]
        embedded_before = embedder.seconds
        cpu_before = cpu_seconds()
        t = time.perf_counter()
        report = assistant.ingest([work / "corpus"])
        ingest_s = time.perf_counter() - t
        embed_s = embedder.seconds - embedded_before
        cpu_main, cpu_workers = (after - before for after, before in zip(cpu_seconds(), cpu_before))
        if isinstance(embedder, RecordingEmbedder):
            embedder.recording = False  # questions and answer sentences are embedded later: not chunk vectors
        chunks = report.chunks_embedded
        assert not report.failed, report.failed[:3]
        run = {
            "workers": workers,
            "processes": worker_count(workers),
            "chunks": chunks,
            "ingest_s": round(ingest_s, 2),
            "ingest_chunks_per_s": round(chunks / ingest_s, 1),
            "ingest_embed_s": round(embed_s, 2),
            "non_model_chunks_per_s": round(chunks / (ingest_s - embed_s), 1),
            "cpu_main_s": round(cpu_main, 2),
            "cpu_workers_s": round(cpu_workers, 2),
            "load_1min_before": round(load_before, 2),
            "load_1min_after": round(os.getloadavg()[0], 2),
        }
        runs.append(run)
        figures.update({k: v for k, v in run.items() if not k.startswith("load")})
        rates.append(chunks / (ingest_s - embed_s))
        print(
            f"ingest, workers={workers} ({run['processes']} reading): {chunks} chunks in {ingest_s:.1f} s = "
            f"{chunks / ingest_s:,.0f} chunks/s (embedding {embed_s:.1f} s, everything else "
            f"{ingest_s - embed_s:.1f} s = {rates[-1]:,.0f} chunks/s, x{rates[-1] / rates[0]:.2f} of the first run); "
            f"CPU: this process {cpu_main:.1f} s, worker processes {cpu_workers:.1f} s; "
            f"load {run['load_1min_before']} before, {run['load_1min_after']} after",
            flush=True,
        )
    figures["runs"] = runs
    if isinstance(embedder, CachedEmbedder):
        figures["vectors_served"] = embedder.hits
        print(f"chunk vectors served from {args.vectors}: {embedder.hits}, embedded here: {embedder.misses}")

    texts = embedder.recorded_texts if isinstance(embedder, RecordingEmbedder) else []
    figures["load_1min"] = round(os.getloadavg()[0], 2)
    print(f"load average after the ingest: {figures['load_1min']}", flush=True)
    save()
    if args.ingest_only:
        print(json.dumps(figures))
        return
    # Export first, so the vectors come back even if a later step runs out of time.
    if args.export and isinstance(embedder, RecordingEmbedder):
        vectors = np.concatenate(embedder.recorded) if embedder.recorded else np.zeros((0, inner.dimension))
        written = save_vectors(args.export, texts, vectors)
        sizes = ", ".join(f"{p.name} ({p.stat().st_size / 2**20:.1f} MiB)" for p in written)
        print(f"exported {len(texts)} vectors: {sizes}", flush=True)
    if args.baseline_encode:
        model = getattr(inner, "model")  # noqa: B009
        t = time.perf_counter()
        model.encode(texts, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
        encode_s = time.perf_counter() - t
        figures.update(encode_s=round(encode_s, 2), encode_texts_per_s=round(len(texts) / encode_s, 1))
        figures["ingest_over_encode"] = round((chunks / ingest_s) / (len(texts) / encode_s), 3)
        print(
            f"SentenceTransformer.encode alone, same {len(texts)} texts, batch {batch}: {encode_s:.1f} s = "
            f"{len(texts) / encode_s:,.0f} texts/s; ingest/encode ratio {figures['ingest_over_encode']}",
            flush=True,
        )
        save()

    t = time.perf_counter()
    again = assistant.ingest([work / "corpus"])
    reingest_s = time.perf_counter() - t
    figures.update(reingest_s=round(reingest_s, 2), reingest_fraction=round(reingest_s / ingest_s, 4))
    print(
        f"re-ingest (unchanged): {reingest_s:.2f} s = {reingest_s / ingest_s:.3f} of the full ingest; "
        f"{again.summary()}",
        flush=True,
    )
    save()

    # One more document into the big index: what a user adding a file pays, BM25 update included, next to
    # rebuilding BM25 from the store (what every other process sharing the store pays after the publish).
    extra = make_document(len(docs))
    (work / "corpus" / extra.name).write_text(extra.text + "\n", encoding="utf-8")
    embedded_before = embedder.seconds
    t = time.perf_counter()
    added = assistant.ingest([work / "corpus"])
    add_one_s = time.perf_counter() - t
    t = time.perf_counter()
    rebuilt = LexicalIndex(work / "lexical-rebuilt")
    rebuilt.build(stored_entries(assistant.store, settings.chunking.context_prefix), "rebuilt")
    rebuild_s = time.perf_counter() - t
    assert sorted(rebuilt.ids) == sorted(assistant.lexical.ids), "the updated BM25 index differs from a rebuild"
    figures.update(
        add_one_doc_s=round(add_one_s, 2),
        add_one_doc_embed_s=round(embedder.seconds - embedded_before, 2),
        bm25_rebuild_s=round(rebuild_s, 2),
    )
    print(
        f"add one document ({added.chunks_embedded} chunks) to {len(rebuilt.ids)}: {add_one_s:.2f} s "
        f"(embedding {figures['add_one_doc_embed_s']} s); BM25 rebuilt from the store instead: {rebuild_s:.2f} s",
        flush=True,
    )
    save()

    qs = questions(docs, 50)
    assistant.ask(qs[0])
    latencies = []
    for q in qs:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)
    figures.update(
        ask_p50_ms=round(float(np.percentile(latencies, 50)), 1),
        ask_p95_ms=round(float(np.percentile(latencies, 95)), 1),
    )
    figures["peak_rss_mib"] = round(peak_rss_mib())
    p50, p95, rss = figures["ask_p50_ms"], figures["ask_p95_ms"], figures["peak_rss_mib"]
    print(f"ask here: p50 {p50} ms, p95 {p95} ms; peak RSS {rss} MiB")

    save()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
