"""Dense search under a filter at 100k chunks: Chroma's `ids` against its metadata `where`, and the routes the
retriever takes (exact comparison for a few allowed chunks, a deeper unfiltered search for a large share).

    python bench/filters.py [--store bench/data/stores/synth-100000] [--queries 100]

The store is one that bench/query.py built (its --workdir/synth-SIZE). Question vectors are computed first, so
the timings are the dense search alone, with k = retrieval.candidates, texts and metadata included:
  ids        collection.query(ids=every allowed chunk id), the ids listed from the BM25 mask inside the timing
  where      collection.query(where=the filter on the chunk metadata)
  exact      ChromaStore.query(exact=True): the allowed chunks' vectors, compared one by one (few allowed only)
  mask       ChromaStore.query(mask=...): the whole store searched deeper, the allowed nearest kept
  retriever  Retriever._dense: the route it picks for that filter, with its fallback
Each route's top k is compared with the ids route's (same ids in the same order) and with exact search over every
stored vector (recall@k); then the whole retrieval's top_k, by the retriever's routes and by the ids route alone.
A figure measured while the 1-minute load average was above --max-load is measured again, up to three times;
every attempt is printed with its load.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, summary_ms
from synth import documents, questions

from assistant import retrieve
from assistant.pipeline import Assistant
from assistant.retrieve import Filters
from assistant.settings import Settings


def where_of(filters: Filters) -> dict[str, Any]:
    """The filter as a Chroma `where` on the chunk metadata (store.chunk_metadata), as Retriever.mask reads it."""
    clauses: list[dict[str, Any]] = []
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.types:
        clauses.append({"type": {"$in": list(filters.types)}})
    if filters.langs:
        clauses.append({"lang": {"$in": list(filters.langs)}})
    if filters.since:
        clauses.append({"date_num": {"$gte": int(filters.since.replace("-", ""))}})
    if filters.until:
        clauses.append({"date_num": {"$lte": int(filters.until.replace("-", ""))}})
        clauses.append({"date_num": {"$gt": 0}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def stored_vectors(collection: Any, ids: list[str]) -> np.ndarray:
    """Every stored vector, normalised, in the order of ``ids`` (the BM25 index's rows)."""
    row = {chunk_id: i for i, chunk_id in enumerate(ids)}
    matrix = np.zeros((len(ids), 0), dtype=np.float32)
    offset = 0
    while True:
        page = collection.get(include=["embeddings"], limit=5000, offset=offset)
        if not page["ids"]:
            break
        vectors = np.asarray(page["embeddings"], dtype=np.float32)
        if not matrix.shape[1]:
            matrix = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
        for chunk_id, vector in zip(page["ids"], vectors):
            if chunk_id in row:
                matrix[row[chunk_id]] = vector
        offset += len(page["ids"])
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def measure(label: str, run: Callable[[int], list[str]], n: int, max_load: float) -> list[list[str]]:
    """Time run(i) for every question i; again while the load was too high. Returns the last attempt's top-k ids."""
    for attempt in range(1, 4):
        before = os.getloadavg()[0]
        found, times = [], []
        for i in range(n):
            t = time.perf_counter()
            found.append(run(i))
            times.append((time.perf_counter() - t) * 1000)
        load = max(before, os.getloadavg()[0])
        again = load > max_load and attempt < 3
        print(f"    {label:10s} {summary_ms(times)}  load {load:.2f}{'  (load high: again)' if again else ''}")
        if not again:
            break
    return found


def compare(
    assistant: Assistant,
    name: str,
    filters: list[Filters],
    vectors: np.ndarray,
    truth_matrix: np.ndarray,
    qs: list[str],
    max_load: float,
) -> None:
    retriever, store, lexical = assistant.retriever, assistant.store, assistant.lexical
    collection = store.collection  # type: ignore[attr-defined]
    k = assistant.settings.retrieval.candidates
    catalogue = assistant.index.catalogue
    masks = [m for m in (retriever.mask(f, catalogue) for f in filters) if m is not None]
    allowed = np.mean([np.count_nonzero(m) for m in masks])
    print(f"\n## {name}: {allowed:,.0f} chunks allowed ({allowed / len(lexical.ids):.1%})")

    def ids_route(i: int) -> list[str]:
        allowed_ids = [lexical.ids[r] for r in np.flatnonzero(masks[i])]
        found = collection.query(query_embeddings=[vectors[i].tolist()], n_results=k, ids=allowed_ids)
        return list(found["ids"][0])

    def where_route(i: int) -> list[str]:
        found = collection.query(query_embeddings=[vectors[i].tolist()], n_results=k, where=where_of(filters[i]))
        return list(found["ids"][0])

    def exact_route(i: int) -> list[str]:
        allowed_ids = [lexical.ids[r] for r in np.flatnonzero(masks[i])]
        return [c.chunk_id for c in store.query(vectors[i], k, ids=allowed_ids, exact=True)]

    def mask_route(i: int) -> list[str]:
        return [c.chunk_id for c in store.query(vectors[i], k, mask=(catalogue.rows, masks[i]))]

    def retriever_route(i: int) -> list[str]:
        return [c.chunk_id for c in retriever._dense(vectors[i], masks[i], catalogue)]

    routes = {"ids": ids_route, "where": where_route}
    if allowed <= 5000:  # more ids than SQLite takes in one statement
        routes["exact"] = exact_route
    routes.update({"mask": mask_route, "retriever": retriever_route})
    results = {label: measure(label, run, len(qs), max_load) for label, run in routes.items()}
    truth = []
    for i, mask in enumerate(masks):
        rows = np.flatnonzero(mask)
        cosine = truth_matrix[rows] @ (vectors[i] / np.linalg.norm(vectors[i]))
        truth.append({lexical.ids[r] for r in rows[np.argsort(-cosine, kind="stable")[:k]]})
    for label, found in results.items():
        same = sum(a == b for a, b in zip(found, results["ids"]))
        same_set = sum(set(a) == set(b) for a, b in zip(found, results["ids"]))
        recall = np.mean([len(set(f) & t) / max(len(t), 1) for f, t in zip(found, truth)])
        print(
            f"    {label:10s} same top {k} as ids: {same}/{len(qs)} in order, {same_set}/{len(qs)} as a set; "
            f"recall@{k} against exact search {recall:.4f}"
        )
    short = sum(len(found) < min(k, int(np.count_nonzero(masks[i]))) for i, found in enumerate(results["mask"]))
    print(f"    mask route short of k (the retriever then falls back to ids): {short}/{len(qs)}")
    # What the user sees: the whole retrieval (dense + BM25, fusion, caps), by the ids route and as the retriever goes.
    picked = [[c.chunk_id for c in retriever.retrieve(q, f).chunks] for q, f in zip(qs, filters)]
    saved = retrieve.EXACT_MAX, retrieve.KEEP_MIN_SHARE
    retrieve.EXACT_MAX, retrieve.KEEP_MIN_SHARE = 0, 2.0
    try:
        by_ids = [[c.chunk_id for c in retriever.retrieve(q, f).chunks] for q, f in zip(qs, filters)]
    finally:
        retrieve.EXACT_MAX, retrieve.KEEP_MIN_SHARE = saved
    top = assistant.settings.retrieval.top_k
    same = sum(a == b for a, b in zip(picked, by_ids))
    print(f"    retrieval top {top}, retriever's route against ids route: {same}/{len(qs)} identical")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path("bench/data/stores/synth-100000"))
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--max-load", type=float, default=2.0)
    args = parser.parse_args()

    assistant = Assistant(Settings(index_dir=args.store / "index"))
    lexical = assistant.lexical
    qs = questions(list(documents(len(lexical.ids))), args.queries)
    vectors = assistant.embedder.embed(qs)
    truth_matrix = stored_vectors(assistant.store.collection, lexical.ids)  # type: ignore[attr-defined]
    rng = random.Random(7)
    doc_ids = sorted(set(lexical.filter_fields["doc_id"].tolist()))
    cases: dict[str, list[Filters]] = {
        "--type regulation": [Filters(types=("regulation",))] * len(qs),
        "--lang zh": [Filters(langs=("zh",))] * len(qs),
        "--since 2024-01-01": [Filters(since="2024-01-01")] * len(qs),
        "--since 2026-09-01": [Filters(since="2026-09-01")] * len(qs),
        "--doc ID": [Filters(doc_ids=(rng.choice(doc_ids),)) for _ in qs],
    }
    k = assistant.settings.retrieval.candidates
    print(f"# dense search under a filter, {len(lexical.ids):,} chunks, k={k}, {len(qs)} questions; {machine()}")
    for name, filters in cases.items():
        compare(assistant, name, filters, vectors, truth_matrix, qs, args.max_load)


if __name__ == "__main__":
    main()
