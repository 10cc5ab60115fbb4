#!/usr/bin/env bash
# HNSW recall@10 of the store's default config at CHUNKS real vectors: bench/recall.py embeds CHUNKS synthetic
# chunks with the model in float16 on a CUDA machine, builds an embedded Chroma collection of them and compares
# its top-10 with exact search.
#
#   bench/gpu_recall.sh [CHUNKS] [OUT_DIR]      # defaults: 1000000, $OUT or reports/bench-gpu
#
# On the lent bare GPU machine carry .gpu/ (bench/gpu_env.sh). Writes recall.log and recall.json into OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
DEFAULT_CHUNKS=1000000
source bench/gpu_env.sh
"$PY" bench/recall.py --encode "$CHUNKS" --half --model "$MODEL" --configs 16/100/200 \
  --json "$OUT_DIR/recall.json" 2>&1 | tee "$OUT_DIR/recall.log"
echo "bench/gpu_recall.sh took $(( $(date +%s) - START )) s"
