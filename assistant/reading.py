"""Reading, chunking and BM25-tokenising files in worker processes, so that on a many-core machine they keep up
with the model (issue 16, docs/benchmarks.md).

Each worker loads the model's tokenizer alone (no torch, no weights) and jieba. The ingest hands the files out in
order and takes back, in the same order, each one's document, its chunks with their BM25 tokens, and the notes and
failure its reading gave, which it records as if it had read the file itself: the report is the in-process one.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from .chunking import chunk_document
from .documents import DocumentError, load_document
from .embedding import TokenizerCounts
from .lexical import search_tokens
from .types import Chunk, Document

POOL_MIN_FILES = 64
"""Fewer files to read than this are read in the ingest's own process: a worker takes ~1.5 s to start (a fresh
interpreter importing the readers and tokenizers, then jieba's dictionary), about what reading, chunking and
tokenising 64 files of ~40 passages costs in-process (~0.7 ms a passage, docs/benchmarks.md)."""
AHEAD_PER_WORKER = 16
"""Files handed to each worker beyond the one the ingest waits for: enough to keep the workers busy while the
ingest embeds and hands over a batch (2,048 chunks: ~50 files of bench/synth.py's), few enough to bound what waits
in memory."""
MAX_AUTO_WORKERS = 8


def worker_count(setting: int) -> int:
    """The worker processes limits.ingest_workers asks for; 0: one fewer than the cores this process may use, which
    leaves one to the model and the writer, at most MAX_AUTO_WORKERS (past that the ingest's own process, which
    embeds, writes and indexes every chunk, is the bottleneck)."""
    if setting:
        return setting
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores - 1, MAX_AUTO_WORKERS))


def read_failure(path: Path, exc: Exception) -> str:
    """The report's line for a file that could not be read."""
    if isinstance(exc, DocumentError):
        return str(exc)
    return f"{path}: could not be read ({type(exc).__name__}: {exc})"


@dataclass
class Prepared:
    """One file as a worker read it: its document and chunks, or the line saying why it could not be read."""

    doc: Document | None
    chunks: list[Chunk] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failure: str = ""


class Preparer:
    """What a worker does with one file: what Ingest does in-process (load_document, chunk_document with the
    model's token counts), plus each chunk's BM25 tokens, which the writer would otherwise make."""

    def __init__(self, tokenizer_json: str, max_tokens: int, context_prefix: bool, max_bytes: int) -> None:
        self.counts = TokenizerCounts(tokenizer_json)
        self.max_tokens = max_tokens
        self.context_prefix = context_prefix
        self.max_bytes = max_bytes

    def __call__(self, path: Path, doc_id: str) -> Prepared:
        notes: list[str] = []
        try:
            doc = load_document(path, doc_id, self.max_bytes, notes)
        except Exception as exc:  # a reader library failing on odd input must not stop the batch
            return Prepared(None, notes=notes, failure=read_failure(path, exc))
        counts = self.counts
        chunks = chunk_document(
            doc, self.max_tokens, counts.count_tokens, self.context_prefix, counts.count_tokens_many
        )
        return Prepared(doc, [replace(c, tokens=tuple(search_tokens(c.index_text))) for c in chunks], notes)


_preparer: Preparer | None = None
"""The worker's own Preparer, made once by ``_start_worker`` (the pool's initializer, which also runs under spawn,
where nothing is inherited from the ingest's process)."""


def _start_worker(tokenizer_json: str, max_tokens: int, context_prefix: bool, max_bytes: int) -> None:
    global _preparer
    # One thread per worker: the workers are the parallelism, and a tokenizer's thread pool per worker would
    # only oversubscribe the cores.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    _preparer = Preparer(tokenizer_json, max_tokens, context_prefix, max_bytes)


def _prepare(path: Path, doc_id: str) -> Prepared:
    assert _preparer is not None, "_start_worker runs first in every worker"
    return _preparer(path, doc_id)


class WorkerReading:
    """The files read by a pool of worker processes, handed back in the order given. Started with spawn on every
    platform: the same behaviour on Linux as on Windows and macOS, and no fork of a process holding the model,
    Chroma's threads and locks."""

    def __init__(self, files: list[tuple[Path, str]], workers: int, preparer: tuple[str, int, bool, int]) -> None:
        """``preparer``: the arguments each worker makes its own Preparer from."""
        self.files = files
        self.ahead = workers * AHEAD_PER_WORKER
        self.pool = ProcessPoolExecutor(
            workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=preparer
        )

    def __iter__(self) -> Iterator[Prepared]:
        waiting: deque[Future[Prepared]] = deque()
        for path, doc_id in self.files:
            waiting.append(self.pool.submit(_prepare, path, doc_id))
            if len(waiting) > self.ahead:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
