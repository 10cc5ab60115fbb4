"""Where embedded Chroma's `add` spends its time: the same N synthetic chunks added four ways, each into a fresh
collection with the store's HNSW settings, in one process (issue 16: the writes bound the non-model ingest).

    python bench/chroma_add.py [--chunks 20000]

The ways: as the store adds them (vector, passage text as the document, metadata); without the document (Chroma
indexes every document for full-text search); with the passage text in the metadata instead of the document;
the vector alone. Prints each one's rows/s, its CPU seconds, and its rate as a ratio of the first's. The
passages and metadata are bench/synth.py's (English and Chinese policy text); vectors are random unit vectors
(the HNSW cost does not depend on where they come from, only on their number and dimension).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from synth import documents

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.settings import StoreSettings
from assistant.store.chroma.collection import hnsw_configuration

WAYS = ("as stored", "no document", "text in metadata", "vector only")
BATCH = 2048


def rows(chunks: int) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    ids: list[str] = []
    texts: list[str] = []
    metadatas: list[dict[str, Any]] = []
    for doc in documents(chunks):
        for i, line in enumerate(line for line in doc.text.split("\n") if line.strip() and not line.startswith("#")):
            ids.append(f"{doc.name}#abcdef012345:{i}")
            texts.append(line)
            metadatas.append(
                {
                    "doc_id": doc.name,
                    "title": doc.title,
                    "source": f"/library/{doc.name}",
                    "doc_hash": "abcdef012345" * 4,
                    "lang": doc.lang,
                    "type": doc.doc_type,
                    "date": doc.date,
                    "date_num": int(doc.date.replace("-", "")),
                    "heading": f"{doc.title} > {line[:12]}",
                    "start": i * 400,
                    "end": i * 400 + len(line),
                    "chunk_index": i,
                    "n_chunks": doc.chunks,
                }
            )
            if len(ids) == chunks:
                return ids, texts, metadatas
    return ids, texts, metadatas


def add(
    way: str, folder: Path, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]], vectors: Any
) -> tuple[float, float]:
    import chromadb

    client = chromadb.PersistentClient(path=str(folder), settings=chromadb.config.Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(
        "bench-add", embedding_function=None, configuration=hnsw_configuration(StoreSettings())
    )
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(ids), BATCH):
        end = start + BATCH
        part: dict[str, Any] = {"ids": ids[start:end], "embeddings": vectors[start:end]}
        if way == "as stored":
            part.update(documents=texts[start:end], metadatas=metadatas[start:end])
        elif way == "no document":
            part.update(metadatas=metadatas[start:end])
        elif way == "text in metadata":
            part.update(
                metadatas=[{**m, "text": t} for m, t in zip(metadatas[start:end], texts[start:end], strict=True)]
            )
        collection.add(**part)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=20_000)
    args = parser.parse_args()
    ids, texts, metadatas = rows(args.chunks)
    vectors = np.random.default_rng(0).standard_normal((len(ids), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    print(f"# chroma_add: {len(ids):,} chunks; {os.cpu_count()} CPUs; Python {platform.python_version()}", flush=True)
    first = 0.0
    for way in WAYS:
        folder = Path(tempfile.mkdtemp(prefix="chroma-add-"))
        try:
            wall, cpu = add(way, folder, ids, texts, metadatas, vectors)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rate = len(ids) / wall
        first = first or rate
        print(
            f"{way:17} {wall:6.1f} s  {rate:6.0f} rows/s  CPU {cpu:5.1f} s  x{rate / first:.2f}  "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
