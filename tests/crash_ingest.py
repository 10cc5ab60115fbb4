"""Run `policy-assistant ingest` and SIGKILL it at one exact point of its writes (used by test_reliability.py).

    python tests/crash_ingest.py POINT AFTER PATH...

POINT is where the process kills itself with SIGKILL, on the AFTER-th time it gets there:
  mid-document      inside a batch's write, half of its first document's chunks stored
  between-documents inside a batch's write, its first document stored whole, the others not
  before-old-delete an update's new version stored, the old version not yet deleted
  after-old-delete  an update's old version deleted, nothing else done yet
  before-aliases    every chunk stored, a duplicate's alias not yet recorded
  before-lexical    every Chroma write done, the BM25 index not yet updated
  mid-lexical-swap  the new BM25 index written aside, the old one moved away, the new one not yet in place
Nothing else is changed: the real CLI, the real model, the real Chroma.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    point, after, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    calls = {"n": 0}

    def reached() -> bool:
        calls["n"] += 1
        return calls["n"] >= after

    def die() -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    from assistant import lexical
    from assistant.store.chroma import ChromaStore

    if point in ("mid-document", "between-documents"):
        real_add = ChromaStore.add

        def add(self: Any, items: list[Any]) -> None:
            if reached():
                doc, chunks, vectors = items[0]
                if point == "mid-document":
                    half = max(1, len(chunks) // 2)
                    real_add(self, [(doc, chunks[:half], vectors[:half])])
                else:
                    real_add(self, items[:1])
                die()
            real_add(self, items)

        ChromaStore.add = add  # type: ignore[method-assign]
    elif point in ("before-old-delete", "after-old-delete"):
        real_delete = ChromaStore.delete_version

        def delete_version(self: Any, doc_id: str, content_hash: str) -> None:
            if point == "after-old-delete":
                real_delete(self, doc_id, content_hash)
            die()

        ChromaStore.delete_version = delete_version  # type: ignore[method-assign]
    elif point == "before-aliases":

        def set_aliases(self: Any, doc_id: str, aliases: dict[str, str]) -> None:
            die()

        ChromaStore.set_aliases = set_aliases  # type: ignore[method-assign]
    elif point in ("before-lexical", "mid-lexical-swap"):
        real_save = lexical.LexicalIndex.save

        def save(self: Any, rows: Any, revision: str) -> None:
            if point == "before-lexical" and reached():
                die()
            if point == "mid-lexical-swap" and reached():
                real_rename = Path.rename

                def rename(path: Path, target: Any) -> Any:
                    if str(path).endswith(".new") or ".new" in Path(path).name:
                        die()  # the live folder has been moved aside; the new one is not in place
                    return real_rename(path, target)

                Path.rename = rename  # type: ignore[method-assign]
            real_save(self, rows, revision)

        lexical.LexicalIndex.save = save  # type: ignore[method-assign]
        real_save_delta = lexical.LexicalIndex._save_delta

        def save_delta(self: Any, revision: str) -> None:  # a small change is saved as a delta beside the base
            if point == "before-lexical" and reached():
                die()
            real_save_delta(self, revision)

        lexical.LexicalIndex._save_delta = save_delta  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown point {point}")

    from assistant.cli import app

    sys.argv = ["policy-assistant", "ingest", *paths]
    app()


if __name__ == "__main__":
    main()
