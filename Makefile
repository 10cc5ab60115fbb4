# `make run`: install, index corpus/, open the chat UI.   `make test`: the whole suite, then the gated evals.
# `make unit`: the fast tier only (under a minute): tests over the fakes in tests/fakes, none that loads the real
# model, opens a real Chroma, a browser or a server (tests/conftest.py marks those `slow`).
VENV ?= .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/policy-assistant
STAMP := $(VENV)/.installed
REPORTS ?= reports
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

# Floors the evals hold in CI (docs/evals.md has the figures they guard). The blind sets are gated on their test
# splits, which are never read while tuning; the dev splits are scored for the report only. Every set is scored over
# the whole bundled corpus, so the older sets' floors were set again for a library of ten documents and an answer
# step without rules fitted to their questions (docs/evals.md says what they were). Raise floors as the pipeline
# earns it; never lower one without saying why in docs/evals.md.
SEED_EN_FLOORS := --min citation_precision=0.70 --min citation_recall=0.72 --min fact_recall=0.71 \
	--min refusal_accuracy=0.80 --max false_refusal_rate=0.13 --min hit@5=0.87 --min mrr=0.85
ZH_FLOORS := --min citation_precision=0.71 --min citation_recall=0.90 --min fact_recall=0.97 \
	--min refusal_accuracy=0.57 --max false_refusal_rate=0.10 --min hit@5=0.93 --min mrr=0.80
EN_BLIND_FLOORS := --min citation_precision=0.70 --min citation_char_precision=0.63 --min citation_recall=0.64 \
	--min fact_recall=0.68 --min refusal_accuracy=0.83 --max false_refusal_rate=0.12 --min refusal_auc=0.87 \
	--min counterpart_accuracy=0.95
ZH_BLIND_FLOORS := --min citation_precision=0.72 --min citation_char_precision=0.61 --min citation_recall=0.75 \
	--min fact_recall=0.78 --min refusal_accuracy=0.90 --max false_refusal_rate=0.04 --min refusal_auc=0.95
DIALOGUE_FLOORS := --min fact_recall=0.77 --min citation_precision=0.71 --min refusal_auc=0.89
EVAL = $(CLI) eval --corpus corpus --index-dir $(REPORTS)/index-corpus
reports = --json $(REPORTS)/$(1).json --markdown $(REPORTS)/$(1).md --junit $(REPORTS)/$(1).xml

.PHONY: install index run lint test unit suite evals clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(CLI) ingest corpus/

run: index
	$(PY) ui.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

unit: install
	$(VENV)/bin/pytest -m "not slow"

suite: install
	$(VENV)/bin/pytest

evals: install
	mkdir -p $(REPORTS)
	$(EVAL) --dataset evals/seed_en.jsonl $(call reports,seed_en) $(SEED_EN_FLOORS)
	$(EVAL) --dataset evals/zh_regulations.jsonl $(call reports,zh_regulations) $(ZH_FLOORS)
	$(EVAL) --dataset evals/en_blind.test.jsonl $(call reports,en_blind.test) $(EN_BLIND_FLOORS)
	$(EVAL) --dataset evals/zh_blind.test.jsonl $(call reports,zh_blind.test) $(ZH_BLIND_FLOORS)
	$(EVAL) --dataset evals/dialogues.test.jsonl $(call reports,dialogues.test) $(DIALOGUE_FLOORS)
	$(EVAL) --dataset evals/en_blind.dev.jsonl $(call reports,en_blind.dev)
	$(EVAL) --dataset evals/zh_blind.dev.jsonl $(call reports,zh_blind.dev)
	$(EVAL) --dataset evals/dialogues.dev.jsonl $(call reports,dialogues.dev)
	$(CLI) eval-verifier --dataset evals/verifier_labelled.jsonl --corpus corpus --index-dir $(REPORTS)/index-corpus \
		--json $(REPORTS)/verifier.json --min balanced_accuracy=0.90 --max false_rejection_rate=0.05

test: lint suite evals

clean:
	rm -rf index $(REPORTS) .pytest_cache .mypy_cache .ruff_cache
