"""Chroma HNSW recall@10 against exact search, on real embeddings of synthetic chunks, and what it costs.

    python bench/recall.py --vectors bench/data/gpu-100k [--queries 200] [--configs 16/100/100 32/200/128 ...]
    python bench/recall.py --encode 1000000 --half --configs 16/100/200     # on a lent GPU (bench/gpu_recall.sh)

The chunk vectors are the ones bench/gpu.sh computed (all-MiniLM-L6-v2 over the 100k synthetic chunks), or, with
--encode N, those of N chunks that the pipeline's chunker cuts from bench/synth.py's documents (in worker
processes), embedded here; --half runs the model in float16 on a GPU, and prints the cosine of its vectors to
float32 ones on a sample. The queries are synthetic questions embedded here. Exact top-10 is a float32 matrix
product over all vectors. Each config (max_neighbors/ef_construction/ef_search) is a fresh embedded Chroma
collection created with those settings, filled in batches of 5,000. (Changing ef_search later with
collection.modify() was tried: the embedded index already loaded kept answering with the old one, so every
ef_search gets its own build.)
Prints recall@10, bare query p50/p95, build rate and index size on disk.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import load_vectors, machine, pct
from synth import SynthDoc, documents, make_document, questions

from assistant.chunking import chunk_document
from assistant.embedding import Embedder, make_embedder
from assistant.settings import ChunkingSettings, EmbeddingSettings, StoreSettings
from assistant.types import Document


def _chunk_texts(first_and_count: tuple[int, int]) -> list[tuple[SynthDoc, list[str]]]:
    """Each of documents first..first+count-1 with the index texts of its chunks, cut by the pipeline's chunker.
    Synthetic units are far below the token limit, so a length estimate stands in for the tokenizer (it decides
    no cut here)."""
    first, count = first_and_count
    chunking = ChunkingSettings()
    out = []
    for i in range(first, first + count):
        doc = make_document(i)
        document = Document(doc.name, doc.title, doc.name, doc.text, str(i), doc.lang, doc.doc_type, doc.date)
        chunks = chunk_document(document, chunking.max_tokens, lambda text: len(text) // 3, chunking.context_prefix)
        out.append((doc, [c.index_text for c in chunks]))
    return out


def encoded_chunks(n: int, embedder: Embedder, half: bool) -> tuple[list[SynthDoc], np.ndarray]:
    t = time.perf_counter()
    texts: list[str] = []
    docs: list[SynthDoc] = []
    step = max(1, min(200, n // 2000))
    with multiprocessing.Pool() as pool:
        for batch in pool.imap(_chunk_texts, ((first, step) for first in range(0, n, step))):
            for doc, doc_texts in batch:
                if len(texts) < n:
                    texts += doc_texts[: n - len(texts)]
                    docs.append(doc)
            if len(texts) >= n:
                break
    print(f"{n:,} chunk texts from {len(docs):,} documents in {time.perf_counter() - t:.1f} s", flush=True)
    stride = max(1, n // 2000)  # about 2,000 texts compared in float32
    sample = texts[::stride]
    reference = embedder.embed(sample) if half else None
    if half:
        getattr(embedder, "model").half()  # noqa: B009
    t = time.perf_counter()
    matrix = np.asarray(embedder.embed(texts), dtype=np.float32)
    took = time.perf_counter() - t
    print(f"embedded in {took:.1f} s ({n / took:,.0f} texts/s)", flush=True)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    if reference is not None:
        cosines = (matrix[::stride] * reference).sum(axis=1)
        print(
            f"float16 against float32 on {len(sample):,} texts: cosine min {cosines.min():.5f}, "
            f"mean {cosines.mean():.5f}",
            flush=True,
        )
    return docs, matrix


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=Path, default=Path("bench/data/gpu-100k"))
    parser.add_argument("--encode", type=int, default=0, help="embed this many synthetic chunks here instead")
    parser.add_argument("--half", action="store_true", help="with --encode: the model in float16 (GPU)")
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="embedding model (name or local folder)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["16/100/100", "16/100/10", "16/100/200", "16/200/128", "32/200/10", "32/200/128", "32/200/400"],
        help="max_neighbors/ef_construction/ef_search; Chroma's defaults are 16/100/100",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    import chromadb

    ours = StoreSettings()
    print(f"# HNSW recall@10 on {machine()}", flush=True)
    embedder = make_embedder(EmbeddingSettings(model=args.model))
    if args.encode:
        docs, matrix = encoded_chunks(args.encode, embedder, args.half)
        source = f"embedded here ({'float16' if args.half else 'float32'})"
    else:
        _, matrix = load_vectors(args.vectors)
        docs, source = list(documents(len(matrix))), f"from {args.vectors}"
    n = len(matrix)
    print(
        f"{n:,} chunk vectors {source}; store defaults now: max_neighbors {ours.hnsw_m}, "
        f"ef_construction {ours.hnsw_ef_construction}, ef_search {ours.hnsw_ef_search}",
        flush=True,
    )
    qs = questions(docs, args.queries, seed=3)
    query_vectors = embedder.embed(qs)
    scores = query_vectors @ matrix.T
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    exact = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1)
    print(f"exact top-10 of {len(qs)} questions computed", flush=True)
    ids = [str(i) for i in range(n)]
    results = []
    for config in args.configs:
        m, ef_c, ef = (int(x) for x in config.split("/"))
        where = Path(tempfile.mkdtemp(prefix="pa-recall-"))
        client = chromadb.PersistentClient(str(where), settings=chromadb.config.Settings(anonymized_telemetry=False))
        collection = client.create_collection(
            f"recall-{m}-{ef_c}-{ef}",
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "max_neighbors": m, "ef_construction": ef_c, "ef_search": ef}},
        )
        t = time.perf_counter()
        for start in range(0, n, 5000):
            collection.add(ids=ids[start : start + 5000], embeddings=matrix[start : start + 5000])
        build_s = time.perf_counter() - t
        collection.query(query_embeddings=query_vectors[:1], n_results=10)
        size = folder_size(where)
        latencies, hits = [], 0
        for q, truth in zip(query_vectors, exact):
            t = time.perf_counter()
            found = collection.query(query_embeddings=[q], n_results=10, include=[])["ids"][0]
            latencies.append((time.perf_counter() - t) * 1000)
            hits += len(set(map(int, found)) & set(truth.tolist()))
        recall = hits / (10 * len(query_vectors))
        row = {
            "max_neighbors": m,
            "ef_construction": ef_c,
            "ef_search": ef,
            "recall_at_10": round(recall, 4),
            "query_p50_ms": round(pct(latencies, 50), 2),
            "query_p95_ms": round(pct(latencies, 95), 2),
            "build_s": round(build_s, 1),
            "build_vectors_per_s": round(n / build_s),
            "disk_mib": round(size / 2**20),
        }
        results.append(row)
        print(
            f"M {m:3d} ef_construction {ef_c:4d} ef_search {ef:4d}: recall@10 {recall:.4f}  query p50 "
            f"{row['query_p50_ms']:.2f} ms p95 {row['query_p95_ms']:.2f} ms  build {build_s:4.0f} s "
            f"({n / build_s:,.0f}/s, batches of 5,000)  {size / 2**20:.0f} MiB",
            flush=True,
        )
        del collection, client
        shutil.rmtree(where, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"machine": machine(), "vectors": n, "source": source, "results": results}, indent=1)
        )


if __name__ == "__main__":
    main()
