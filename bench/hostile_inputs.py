"""Issue 18's bombs and quadratic cases: wall time and peak RSS of each, each in a process of its own.

    python bench/hostile_inputs.py                          # the code in this tree
    git archive e9c9eeb assistant | tar -x -C /tmp/before   # the code before issue 18 ...
    python bench/hostile_inputs.py --code /tmp/before       # ... measured on the same inputs

A case past --timeout seconds or --max-rss GiB is killed and shown as such ("> 300 s"). Seconds are the stage's
own (reading, chunking, ingesting, asking). Peak RSS is the whole process's, the embedding model included where the
stage loads it (about 0.5 GiB), as the process reports it (VmHWM) or, for a case stopped, as last seen. The inputs
are made once, in --work (a temporary folder by default), by the same generators as tests/test_reliability.py.
Prints a Markdown table, the rows docs/reliability.md quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# After PYTHONPATH, which names the code under test (--code): only tests/ is wanted from here.
sys.path.append(str(ROOT))

from tests.hostile import (  # noqa: E402
    docx_empty_paragraphs,
    docx_zero_image,
    html_nested_blockquotes,
    one_line_text,
)

QUESTION = "What does the file say about vouchers?"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    stage: str
    """What the child does with the file: split, read, chunk (read, then chunk with the real tokenizer), ingest,
    ask (one question on the index the ingest stage built), view (the UI's whole-document text)."""


def _split_input(repeats: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"periods-{repeats}.txt"
        path.write_text("a. " * repeats, encoding="utf-8")
        return path

    return make


def _one(maker: Callable[..., list[Path]], *args: Any, **kwargs: Any) -> Callable[[Path], Path]:
    return lambda folder: maker(folder, *args, **kwargs)[0]


CASES = [
    Case("split_sentences('a. ' * 8000), 24 KB", _split_input(8000), "split"),
    Case("split_sentences('a. ' * 16000), 48 KB", _split_input(16000), "split"),
    Case("HTML, 2,000 nested <blockquote>, 54 KB", _one(html_nested_blockquotes, levels=2000), "read"),
    Case("HTML, 5,000 nested <blockquote>, 135 KB", _one(html_nested_blockquotes), "read"),
    Case(".docx of empty paragraphs, 74 KB", _one(docx_empty_paragraphs, "empty-74k.docx", 4_600_000), "read"),
    Case(".docx of empty paragraphs, 113 KB", _one(docx_empty_paragraphs, "empty-113k.docx", 9_000_000), "read"),
    Case(".docx of empty paragraphs, 189 KB", _one(docx_empty_paragraphs, "empty-189k.docx", 17_000_000), "read"),
    Case(".docx of empty paragraphs, 2.3 MB", _one(docx_empty_paragraphs, "empty-2m.docx", 220_000_000), "read"),
    Case(".docx with a zero-filled 3 GB picture, 3.2 MB", _one(docx_zero_image), "read"),
    Case("19 MB of words on one line: read and chunk", lambda f: one_line_text(f, "words.txt"), "chunk"),
    Case("19 MB without spaces: read and chunk", lambda f: one_line_text(f, "no-spaces.txt", spaces=False), "chunk"),
    Case("19 MB without spaces: ingest", lambda f: one_line_text(f, "no-spaces.txt", spaces=False), "ingest"),
    Case("19 MB without spaces: then one question", lambda f: f / "no-spaces.txt", "ask"),
    Case("19 MB without spaces: the whole-document view", lambda f: f / "no-spaces.txt", "view"),
]


def child(stage: str, path: Path, work: Path) -> dict[str, Any]:
    """Run one stage in this process (the code under test first on sys.path); what it did and how long it took."""
    from assistant.chunking import chunk_document, split_sentences
    from assistant.documents import DocumentError, load_document

    index = work / f"index-{os.environ['BENCH_CODE_LABEL']}"
    if stage == "chunk":
        from assistant.embedding import make_embedder
        from assistant.settings import EmbeddingSettings

        embedder = make_embedder(EmbeddingSettings())
        embedder.count_tokens("load the tokenizer before the clock starts")
    started = time.perf_counter()
    if stage == "split":
        detail = f"{len(split_sentences(path.read_text(encoding='utf-8')))} sentence(s)"
    elif stage in ("read", "chunk"):
        try:
            doc = load_document(path, path.name)
        except DocumentError as exc:
            skipped = f"skipped: {str(exc)[len(str(path)) + 2 :]}"
            return {"seconds": time.perf_counter() - started, "detail": skipped, "peak": _status("VmHWM", os.getpid())}
        detail = f"{len(doc.text):,} characters of text"
        if stage == "chunk":
            chunks = chunk_document(doc, 200, embedder.count_tokens, True)
            detail += f"; {len(chunks):,} chunks, the longest {max(c.end - c.start for c in chunks):,} characters"
    else:
        from assistant.pipeline import Assistant
        from assistant.settings import Settings

        assistant = Assistant(Settings(index_dir=index))
        assistant.embedder.count_tokens("load the model before the clock starts")
        started = time.perf_counter()
        if stage == "ingest":
            detail = assistant.ingest([path]).summary()
        elif stage == "ask":
            detail = f"{len(assistant.ask(QUESTION).text):,} characters of answer"
        else:
            text = assistant.document_text(path.name)
            detail = f"{len(text):,} characters" if text is not None else "no text"
    return {"seconds": time.perf_counter() - started, "detail": detail, "peak": _status("VmHWM", os.getpid())}


def measure(case: Case, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The case in a fresh process: its stage's seconds, its peak RSS, or how it was stopped."""
    env = {
        **os.environ,
        "PYTHONPATH": str(args.code),
        "BENCH_CODE_LABEL": args.label,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_VERBOSITY": "error",
        "ANONYMIZED_TELEMETRY": "False",
        "POLICY_ASSISTANT_CONFIG": str(args.work / "no-such-config.toml"),
    }
    command = [sys.executable, __file__, "--child", case.stage, str(path), "--work", str(args.work)]
    with tempfile.TemporaryFile("w+") as out:
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True, cwd="/")
        stopped = ""
        peak_seen = 0

        def watch() -> None:
            nonlocal stopped, peak_seen
            while proc.poll() is None:
                rss = _status("VmRSS", proc.pid)
                peak_seen = max(peak_seen, rss)
                if rss > args.max_rss * 2**30:
                    stopped = f"> {args.max_rss:g} GiB"
                elif time.monotonic() - started > args.timeout:
                    stopped = f"> {args.timeout:g} s"
                if stopped:
                    proc.kill()
                    return
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        proc.wait()
        watcher.join()
        out.seek(0)
        output = out.read()
    # The child reports its own peak (VmHWM): the kernel's ru_maxrss charges a child its parent's peak at exec.
    result: dict[str, Any] = {"peak_gib": peak_seen / 2**30}
    if stopped:
        result["stopped"] = stopped
        result["seconds"] = time.monotonic() - started
        return result
    last = output.strip().splitlines()[-1] if output.strip() else ""
    try:
        result.update(json.loads(last))
    except json.JSONDecodeError:
        result["error"] = last or f"exit {proc.returncode}"
    result["peak_gib"] = max(result["peak_gib"], result.pop("peak", 0) / 2**30)
    return result


def _status(field: str, pid: int) -> int:
    """A memory figure of /proc/<pid>/status, in bytes (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=ROOT, help="folder holding the assistant/ package to measure")
    parser.add_argument("--label", default="", help="name of the code in the table (default: the folder's name)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the inputs and indexes (kept)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a case is stopped")
    parser.add_argument("--max-rss", type=float, default=4, help="GiB of RSS past which a case is stopped")
    parser.add_argument("--only", nargs="*", default=[], help="cases whose name contains one of these")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.work)))
        return
    from common import machine

    args.code = args.code.resolve()
    args.label = args.label or args.code.name
    args.work = (args.work or Path(tempfile.mkdtemp(prefix="hostile-inputs-"))).resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"# {args.label}: {args.code} on {machine()}\n\n| case | seconds | peak RSS | outcome |\n|---|---|---|---|")
    for case in CASES:
        if args.only and not any(word in case.name for word in args.only):
            continue
        path = case.make(args.work)
        figures = measure(case, path, args)
        seconds = figures.get("stopped") or f"{figures['seconds']:.2f}"
        if "stopped" in figures and figures["stopped"].endswith("GiB"):
            seconds = f"stopped after {figures['seconds']:.0f}"
        outcome = figures.get("detail") or figures.get("error") or f"stopped ({figures.get('stopped')})"
        print(f"| {case.name} | {seconds} | {figures['peak_gib']:.2f} GiB | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
