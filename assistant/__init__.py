"""policy-assistant: cited answers over policy texts and policy news."""

import os

# torch's OpenMP threads spin while they wait for work. With as many threads as cores (2 in CI), any other busy
# thread (the ingest's writer, a question in another thread, another process) leaves each of the model's small
# steps waiting on a descheduled spinner: measured on 2 cores with one other busy process, embedding a question
# took 525 ms instead of 14, and bulk embedding ran at 54 instead of 134 texts/s (docs/benchmarks.md). It must be
# set before torch loads its OpenMP runtime, hence here; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
