#!/usr/bin/env bash
# The GPU ingest figure: bench/ingest_scale.py over CHUNKS synthetic chunks on a CUDA machine. The embedding device
# is the Embedder's own 'auto' choice (cuda when present) and its batch size its GPU default (512).
#
#   bench/gpu.sh [CHUNKS] [OUT_DIR]        # defaults: 100000, $OUT or reports/bench-gpu
#
# Where the project is installed (make install) it runs as is. On the lent bare GPU machine (PyTorch but no
# package registry) run `.venv/bin/python bench/pack_gpu.py` here first and carry .gpu/: the script then unpacks
# the missing packages and the model from it. Writes gpu.log, gpu.json and the chunk vectors (vectors-*.npy, for
# bench/query.py and bench/recall.py) into OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
CHUNKS=${1:-100000}
OUT_DIR=${2:-${OUT:-reports/bench-gpu}}
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] && [ -z "${PYTHON:-}" ] && PY=.venv/bin/python
MODEL=all-MiniLM-L6-v2
export HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error ANONYMIZED_TELEMETRY=False PYTHONUNBUFFERED=1
START=$(date +%s)
if [ -f .gpu/site.tar.xz ]; then
  UNPACK=${GPU_UNPACK:-/tmp/policy-assistant-gpu}
  rm -rf "$UNPACK" && mkdir -p "$UNPACK/site"
  tar -xJf .gpu/site.tar.xz -C "$UNPACK/site"
  tar -xJf .gpu/model.tar.xz -C "$UNPACK"
  export PYTHONPATH="$UNPACK/site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
  MODEL="$UNPACK/model"
  echo "unpacked .gpu/ in $(( $(date +%s) - START )) s"
fi
mkdir -p "$OUT_DIR"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
"$PY" bench/ingest_scale.py --chunks "$CHUNKS" --model "$MODEL" --baseline-encode --export "$OUT_DIR" \
  --json "$OUT_DIR/gpu.json" 2>&1 | tee "$OUT_DIR/gpu.log"
echo "bench/gpu.sh took $(( $(date +%s) - START )) s"
