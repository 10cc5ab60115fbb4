# Sourced by bench/gpu.sh and bench/gpu_recall.sh, from the repository root, with their arguments: CHUNKS (the
# script's DEFAULT_CHUNKS when not given) and OUT_DIR (made here), the interpreter, the model and the environment
# for a bench on a GPU machine. Where the project is installed (make install) it runs as is. On the lent bare GPU machine (PyTorch
# but no package registry) run `.venv/bin/python bench/pack_gpu.py` here first and carry .gpu/: the packages and
# the model are then unpacked from it, once per machine.
CHUNKS=${1:-$DEFAULT_CHUNKS}
OUT_DIR=${2:-${OUT:-reports/bench-gpu}}
START=$(date +%s)
mkdir -p "$OUT_DIR"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] && [ -z "${PYTHON:-}" ] && PY=.venv/bin/python
MODEL=all-MiniLM-L6-v2
export HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error ANONYMIZED_TELEMETRY=False PYTHONUNBUFFERED=1
if [ -f .gpu/site.tar.xz ]; then
  UNPACK=${GPU_UNPACK:-/tmp/policy-assistant-gpu}
  if [ ! -f "$UNPACK/.done" ]; then
    unpack_start=$(date +%s)
    rm -rf "$UNPACK" && mkdir -p "$UNPACK/site"
    tar -xJf .gpu/site.tar.xz -C "$UNPACK/site"
    tar -xJf .gpu/model.tar.xz -C "$UNPACK"
    touch "$UNPACK/.done"
    echo "unpacked .gpu/ in $(( $(date +%s) - unpack_start )) s"
  fi
  export PYTHONPATH="$UNPACK/site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
  MODEL="$UNPACK/model"
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
