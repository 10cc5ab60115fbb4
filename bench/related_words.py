"""What searching unseen question words by meaning costs (assistant/related_words.py), on an index already built.

    python bench/related_words.py --index-dir bench/data/stores/synth-100000/index   # bench/query.py builds it
    python bench/related_words.py --index-dir index                                  # the bundled corpus

Prints, in one process: the first expansion with no cache file (every candidate word the index holds is embedded
and saved), the same in a second process's place (the cache file read back), and then, per question, retrieval
with related words on and off, alternating, over questions whose words the index mostly lacks (p50 / p95).
The cache file is moved aside first and put back after, so the run leaves the index as it found it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, summary_ms

from assistant.pipeline import Assistant
from assistant.related_words import RelatedWords
from assistant.retrieve import Filters
from assistant.settings import Settings

QUESTIONS = [
    "Can a customer sue the platform?",
    "Do we need approval before sending staff records abroad?",
    "How often must the organisation audit its licence holders?",
    "What happens if a big app keeps pestering users?",
    "Is a vendor allowed to resell the data it was handed?",
    "Can regulators seize servers during an inspection?",
    "What must a startup do after a leak of customer phone numbers?",
    "Who polices personalised ads?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the questions, on and off alternating")
    args = parser.parse_args()
    print(f"# related words on {machine()}")
    on = Assistant(Settings(index_dir=args.index_dir))
    off = Assistant(Settings(index_dir=args.index_dir, retrieval={"related_words": 0}), embedder=on.embedder)
    chunks = len(on.index.lexical.ids)
    print(f"index: {chunks:,} chunks")
    on.embedder.embed(["warm-up"])
    related = on.retriever.related_words
    aside = related.cache_file.with_suffix(".bench-aside")
    if related.cache_file.exists():
        shutil.move(related.cache_file, aside)
    try:
        started = time.perf_counter()
        found = related.expand(QUESTIONS[0], on.index.lexical)
        cold = time.perf_counter() - started
        candidates = len(related._held[1]) if related._held else 0
        print(f"first expansion, no cache: {cold:.2f} s ({candidates:,} candidate words embedded) -> {found}")
        fresh = RelatedWords(on.embedder, related.cache_file.parent, related.similarity, related.limit)
        started = time.perf_counter()
        fresh.expand(QUESTIONS[0], on.index.lexical)
        print(f"first expansion, cache read: {time.perf_counter() - started:.2f} s")
        timings: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(args.rounds):
            for question in QUESTIONS:
                for name, assistant in (("on", on), ("off", off)):
                    started = time.perf_counter()
                    assistant.retriever.retrieve(question, Filters())
                    timings[name].append((time.perf_counter() - started) * 1000)
        for name, values in timings.items():
            print(f"retrieve, related words {name:3s}  {summary_ms(values)}")
        for question in QUESTIONS:
            print(f"  {question!r}: {', '.join(on.retriever.retrieve(question, Filters()).related) or '-'}")
    finally:
        if aside.exists():
            shutil.move(aside, related.cache_file)


if __name__ == "__main__":
    main()
