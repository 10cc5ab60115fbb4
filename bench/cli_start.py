"""How long the command line takes, start to exit, for what a shell or a script runs most (issue 15, item 4).

    python bench/cli_start.py [--index-dir index] [--runs 3]

Each command runs in a fresh process, --runs times; the median and the fastest are printed, with the 1-minute load
average (the machine is shared: a busy one inflates every row). Rows:
  --help          typer and the settings only
  check           packages, the model's files (read, not loaded), then the index (it opens the store only)
  ask             a question over --index-dir: torch, the model, Chroma and jieba load, then the answer
  ask --url       the same question to a chat app on this machine (`policy-assistant ui`, started here over the
                  same index and stopped afterwards): only the HTTP call and the answer
--index-dir must hold an index (`policy-assistant ingest corpus/ --index-dir DIR`).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

QUESTION = "What subsidies cover model usage?"


def timed(command: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):  # check exits 1 when something is missing; that is still a timing
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return statistics.median(times), min(times)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, default=Path("index"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "assistant"]
    index = ["--index-dir", str(args.index_dir)]
    rows = [
        ("--help", [*cli, "--help"]),
        ("check", [*cli, "check", *index]),
        ("ask", [*cli, "ask", QUESTION, *index]),
    ]
    results = []
    for name, command in rows:
        results.append((name, *timed(command, args.runs), os.getloadavg()[0]))

    port = free_port()
    app = subprocess.Popen([*cli, "ui", "--port", str(port), *index], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if app.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"the app did not start: {app.stderr.read().decode()[-400:] if app.stderr else ''}")
                time.sleep(0.5)
        results.append(("ask --url", *timed([*cli, "ask", QUESTION, "--url", url], args.runs), os.getloadavg()[0]))
    finally:
        app.terminate()
        app.wait(timeout=30)

    print(f"{'command':<12} {'median s':>9} {'fastest s':>10} {'load':>6}")
    for name, median, fastest, load in results:
        print(f"{name:<12} {median:>9.2f} {fastest:>10.2f} {load:>6.2f}")


if __name__ == "__main__":
    main()
