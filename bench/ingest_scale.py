"""Ingest N synthetic chunks end to end through Assistant.ingest and report chunks/s (the GPU figure's script).

    python bench/ingest_scale.py --chunks 100000 [--model PATH] [--export DIR] [--baseline-encode]

The embedding device is the Embedder's own choice ('auto': cuda when present) and so is its batch size (512 on a
GPU, 64 on CPU). Prints: model load, full ingest chunks/s and where its time went, SentenceTransformer.encode
alone on the same chunk texts (with --baseline-encode), re-ingest of the unchanged corpus, and a query check.
With --export, writes every chunk's vector (int8, per-row scale) keyed by its text, for bench/query.py and
bench/recall.py to build 100k-chunk stores on a CPU machine without re-embedding.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import RecordingEmbedder, machine, peak_rss_mib, save_vectors
from synth import questions, write_corpus

from assistant.embedding import make_embedder
from assistant.pipeline import Assistant
from assistant.settings import EmbeddingSettings, Settings


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
    args = parser.parse_args()

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
    embedder = RecordingEmbedder(inner)
    device = str(getattr(inner, "model").device)  # noqa: B009
    batch = int(getattr(inner, "batch_size"))  # noqa: B009
    figures.update(model_load_s=round(time.perf_counter() - t, 2), device=device, batch_size=batch)
    print(f"model: {args.model} on {device}, batch {batch}, loaded in {figures['model_load_s']} s", flush=True)

    settings = Settings(index_dir=work / "index", embedding=EmbeddingSettings(model=args.model))
    assistant = Assistant(settings, embedder=embedder)
    t = time.perf_counter()
    report = assistant.ingest([work / "corpus"])
    ingest_s = time.perf_counter() - t
    embedder.recording = False  # questions and answer sentences are embedded later: not chunk vectors
    chunks = report.chunks_embedded
    assert not report.failed, report.failed[:3]
    figures.update(
        chunks=chunks,
        ingest_s=round(ingest_s, 2),
        ingest_chunks_per_s=round(chunks / ingest_s, 1),
        ingest_embed_s=round(embedder.seconds, 2),
    )
    print(
        f"ingest: {chunks} chunks in {ingest_s:.1f} s = {chunks / ingest_s:,.0f} chunks/s "
        f"(embedding {embedder.seconds:.1f} s, everything else {ingest_s - embedder.seconds:.1f} s)",
        flush=True,
    )

    texts = embedder.recorded_texts
    save()
    if args.export:  # first, so the vectors come back even if a later step runs out of time
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
