"""The memory a process pays to build its BM25 index from N chunks, as a UI process on a Chroma server does on
start (issue 16's RSS goal at 1M), without the server or the model.

    python bench/lexical_memory.py --chunks 1000000

The chunks are bench/synth.py's documents, one chunk per article or paragraph, with the index text (title and
heading before the passage) and the metadata the store holds. Prints the resident set and its peak (VmRSS
sampled every 20 ms) after each step: the token rows read, the base built, the base saved, the rows dropped.
Run it at two commits to compare them: the figures are this process's alone. It imports neither torch nor the
model (bench/common.py would), so its start is the interpreter, numpy and jieba.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synth import documents

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.chunking import index_text
from assistant.lexical import LexicalIndex, TokenRows


def status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mib() -> float:
    return status_mib("VmRSS")


class Sampler:
    """The highest resident set seen since the last ``take``."""

    def __init__(self) -> None:
        self.peak = 0.0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.02)

    def take(self) -> float:
        peak, self.peak = max(self.peak, rss_mib()), 0.0
        return peak


def entries(chunks: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    made = 0
    for doc in documents(chunks):
        heading = ""
        for i, line in enumerate(line for line in doc.text.split("\n") if line.strip()):
            if line.startswith("#"):
                heading = line.lstrip("# ")
                continue
            meta = {
                "doc_id": doc.name,
                "type": doc.doc_type,
                "lang": doc.lang,
                "date_num": int(doc.date.replace("-", "")),
                "title": doc.title,
                "heading": f"{heading} > {line[:12]}",
            }
            yield f"{doc.name}#abcdef012345:{i}", index_text(doc.title, heading, line, True), meta
            made += 1
            if made >= chunks:
                return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    args = parser.parse_args()
    print(
        f"# lexical_memory: {args.chunks:,} synthetic chunks; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}",
        flush=True,
    )
    sampler = Sampler()
    start = time.perf_counter()

    def step(name: str) -> None:
        print(
            f"{name:34s} RSS {rss_mib():7,.0f} MiB  peak in the step {sampler.take():7,.0f} MiB  "
            f"{time.perf_counter() - start:6.1f} s",
            flush=True,
        )

    step("start")
    rows = TokenRows()
    for chunk_id, text, meta in entries(args.chunks):
        rows.add(chunk_id, text, meta)
    gc.collect()
    step(f"token rows of {len(rows):,} chunks")
    index = LexicalIndex(Path(tempfile.mkdtemp(prefix="pa-lexmem-")) / "lexical")
    index.save(rows, "1")  # what LexicalIndex.build does once the rows are read: index, save, derive the view
    step("base built, saved, searchable")
    del rows
    gc.collect()
    step("rows dropped: the index as searched")
    print(f"{len(index.ids):,} chunks searchable; peak of the process (VmHWM) {status_mib('VmHWM'):,.0f} MiB")


if __name__ == "__main__":
    main()
