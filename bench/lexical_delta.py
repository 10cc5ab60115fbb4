"""The BM25 index's own share of a sync at N chunks, without a server: what `Index._replay` does after reading
the added chunks back.

    python bench/lexical_delta.py --rows 1000000

Builds a base of N synthetic token rows (30-90 tokens each, Zipf-distributed over a 200k-word vocabulary, 30 rows
to a document), then times, each as `LexicalIndex.changed` + `publish` (what a reader's replay does once the
chunks are read back): one 30-chunk document added, the same removed (dropped from the delta), one base document
removed (tombstones); then another process on the machine loading the saved delta over the base it already
holds; then bare search p50/p95 over base plus delta. The store's part of a sync (reading 30 chunks back by id:
one request) is not in these figures; bench/lexical_sync.py and bench/million.py time the whole catch-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.lexical import LexicalIndex, TokenRows, tokenize


def _word(i: int) -> str:
    out = "qx"
    while True:
        out += "abcdefghijklmnopqrstuvwxyz"[i % 26]
        i //= 26
        if not i:
            return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.rows
    rng = np.random.default_rng(0)
    words = list(dict.fromkeys(t for i in range(200_000) for t in tokenize(_word(i))))
    rows = TokenRows()
    rows.vocab = {"": 0, **{w: i + 1 for i, w in enumerate(words)}}
    lengths = rng.integers(30, 90, n)
    flat = np.minimum(rng.zipf(1.3, int(lengths.sum())), len(words)).astype(np.int32)
    rows.set_tokens(flat, lengths)
    rows.ids = [f"d{i // 30}.md#abcdef012345:{i % 30}" for i in range(n)]
    docs = [f"d{i // 30}.md" for i in range(n)]
    rows.fields = {
        "doc_id": docs,
        "type": ["regulation"] * n,
        "lang": ["en"] * n,
        "date_num": [20240101] * n,
        "title": [d.upper() for d in docs],
        "article": [i % 30 for i in range(n)],
        "translation_of": [""] * n,
        "supersedes": [""] * n,
    }
    work = Path(tempfile.mkdtemp(prefix="pa-delta-"))
    try:
        index = LexicalIndex(work / "lexical")
        t = time.perf_counter()
        index.save(rows, "1/0")
        del rows, flat  # what a process holds is the index, not what it was built from
        print(f"{n:,} rows: base built and saved in {time.perf_counter() - t:.1f} s; load {os.getloadavg()[0]:.2f}")
        meta = {"doc_id": "new.md", "type": "news", "lang": "en", "date_num": 20250101, "title": "New", "heading": ""}
        added = TokenRows()
        for i in range(30):
            added.add(f"new.md#0123456789ab:{i}", " ".join(words[j] for j in rng.integers(0, 5000, 60)), meta)
        timings = {}
        steps = [
            ("add one 30-chunk document", set(), added),
            ("remove it", {"new.md"}, TokenRows()),
            ("remove a base document (30 tombstones)", {"d7.md"}, TokenRows()),
        ]
        for revision, (name, removed, rows_added) in enumerate(steps, 2):
            t = time.perf_counter()
            index = index.changed(removed, set(), rows_added)
            index.publish(f"{revision}/0")
            timings[name] = time.perf_counter() - t
        t = time.perf_counter()
        other = LexicalIndex(work / "lexical")
        assert other.load(reuse=index) and other.base is index.base
        timings["another process loads the delta"] = time.perf_counter() - t
        for name, seconds in timings.items():
            print(f"{name}: {seconds * 1000:.0f} ms")
        questions = [" ".join(words[j] for j in rng.integers(0, 3000, 8)) for _ in range(50)]
        latencies = []
        for question in questions:
            t = time.perf_counter()
            index.search(question, 40)
            latencies.append((time.perf_counter() - t) * 1000)
        print(
            f"bare BM25 search k=40 over base plus delta: p50 {np.percentile(latencies, 50):.1f} ms, "
            f"p95 {np.percentile(latencies, 95):.1f} ms; load {os.getloadavg()[0]:.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
