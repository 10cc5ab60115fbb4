# `make run`: install, index corpus/, open the chat UI.   `make test`: the whole suite, then the gated evals.
VENV ?= .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/policy-assistant
STAMP := $(VENV)/.installed
REPORTS ?= reports
ZH_CORPUS ?= ../shared/corpus/zh
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

# Floors the evals hold in CI: issue #3's (citation_precision>=0.90, citation_recall>=0.85, fact_recall>=0.80,
# refusal_accuracy>=0.80, false_refusal_rate<=0.10, hit@5>=0.90), raised where the pipeline clearly beats them
# (docs/evals.md has the figures). Raise them as the pipeline improves; never lower them below the issue's.
EN_FLOORS := --min citation_precision=0.90 --min citation_recall=0.85 --min fact_recall=0.80 \
	--min refusal_accuracy=0.85 --max false_refusal_rate=0.10 --min hit@5=0.95 --min mrr=0.85
ZH_FLOORS := --min citation_precision=0.90 --min citation_recall=0.85 --min fact_recall=0.85 \
	--min refusal_accuracy=0.95 --max false_refusal_rate=0.10 --min hit@5=0.95 --min mrr=0.85

.PHONY: install index run lint test unit evals clean

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
	$(VENV)/bin/pytest

evals: install
	mkdir -p $(REPORTS)
	$(CLI) eval --dataset evals/seed_en.jsonl --corpus corpus --index-dir $(REPORTS)/index-seed_en \
		--json $(REPORTS)/seed_en.json --markdown $(REPORTS)/seed_en.md --junit $(REPORTS)/seed_en.xml $(EN_FLOORS)
	@if [ -d "$(ZH_CORPUS)" ]; then \
		$(CLI) eval --dataset evals/zh_regulations.jsonl --corpus $(ZH_CORPUS) --index-dir $(REPORTS)/index-zh \
			--json $(REPORTS)/zh_regulations.json --markdown $(REPORTS)/zh_regulations.md \
			--junit $(REPORTS)/zh_regulations.xml $(ZH_FLOORS); \
	else echo "skipping the zh_regulations eval: $(ZH_CORPUS) is absent"; fi
	$(CLI) eval-verifier --dataset evals/verifier_labelled.jsonl --corpus corpus \
		$$([ -d "$(ZH_CORPUS)" ] && echo "--corpus $(ZH_CORPUS)") --index-dir $(REPORTS)/index-verifier \
		--json $(REPORTS)/verifier.json --min balanced_accuracy=0.90 --max false_rejection_rate=0.05

test: lint unit evals

clean:
	rm -rf index $(REPORTS) .pytest_cache .mypy_cache .ruff_cache
