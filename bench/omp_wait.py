"""Why assistant/__init__.py sets OMP_WAIT_POLICY=PASSIVE: embedding speed with torch's OpenMP threads spinning
(ACTIVE, the usual default) or sleeping (PASSIVE) while they wait, alone and next to one busy process.

    python bench/omp_wait.py [--rounds 2]

Each measurement runs in a fresh process (the policy is read when torch loads OpenMP): one question embedded at a
time (ms, mean of 30) and 512 passages in one call (texts/s). "busy" runs a pure-Python loop in another process
meanwhile, as the writer thread of an ingest would; "busy model" runs another process embedding in a loop with
torch's default policy, as a CLI `ask` next to a UI that is ingesting, or two test runs, would.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, time
from assistant.embedding import make_embedder
from assistant.settings import EmbeddingSettings
e = make_embedder(EmbeddingSettings())
texts = [f"Article {i}: enterprises that use the computing vouchers of programme {i} shall file a report with the "
         "bureau within thirty days of use, stating amounts." for i in range(512)]
e.embed(texts[:8])
t = time.perf_counter()
for text in texts[:30]:
    e.embed([text])
one = (time.perf_counter() - t) / 30 * 1000
t = time.perf_counter()
e.embed(texts)
print(json.dumps({"one_ms": round(one, 1), "bulk_per_s": round(len(texts) / (time.perf_counter() - t))}))
"""


def measure(policy: str) -> dict[str, float]:
    env = {**os.environ, "OMP_WAIT_POLICY": policy, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"# load average {os.getloadavg()[0]:.1f}, {len(os.sched_getaffinity(0))} CPUs")
    neighbours = {
        "alone": None,
        "busy": "while True: pass",
        "busy model": "from assistant.embedding import make_embedder\n"
        "from assistant.settings import EmbeddingSettings\n"
        "e = make_embedder(EmbeddingSettings())\n"
        "while True: e.embed(['a passage about vouchers'] * 64)",
    }
    for label, code in neighbours.items():
        env = {**os.environ, "OMP_WAIT_POLICY": "ACTIVE", "HF_HUB_OFFLINE": "1"}
        spinner = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT) if code else None
        try:
            time.sleep(8 if code else 0)  # the model's neighbour loads its model first
            for _ in range(args.rounds):
                for policy in ("ACTIVE", "PASSIVE"):
                    figures = measure(policy)
                    print(
                        f"{label:<10}  OMP_WAIT_POLICY={policy:<7}  one question "
                        f"{figures['one_ms']:7.1f} ms   bulk {figures['bulk_per_s']:5.0f} texts/s",
                        flush=True,
                    )
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()


if __name__ == "__main__":
    main()
