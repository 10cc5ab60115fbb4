#!/usr/bin/env bash
# The GPU ingest figure: bench/ingest_scale.py over CHUNKS synthetic chunks on a CUDA machine. The embedding device
# is the Embedder's own 'auto' choice (cuda when present) and its batch size its GPU default (512).
#
#   bench/gpu.sh [CHUNKS] [OUT_DIR] [ingest_scale.py options...]   # defaults: 100000, $OUT or reports/bench-gpu
#
# On the lent bare GPU machine carry .gpu/ (bench/gpu_env.sh). Writes gpu.log, gpu.json and the chunk vectors
# (vectors-*.npy, for bench/query.py and bench/recall.py) into OUT_DIR; --ingest-only stops after the ingest figure.
set -euo pipefail
cd "$(dirname "$0")/.."
DEFAULT_CHUNKS=100000
source bench/gpu_env.sh
"$PY" bench/ingest_scale.py --chunks "$CHUNKS" --model "$MODEL" --baseline-encode --export "$OUT_DIR" \
  --json "$OUT_DIR/gpu.json" "${@:3}" 2>&1 | tee "$OUT_DIR/gpu.log"
echo "bench/gpu.sh took $(( $(date +%s) - START )) s"
