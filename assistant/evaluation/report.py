"""Running a gold set through the assistant, its reports (JSON, Markdown, JUnit), and the floors that gate CI."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..settings import Settings
from .dataset import Case
from .metrics import METRICS, CaseResult, aggregate, score_case


@dataclass
class Report:
    dataset: str
    metrics: dict[str, float]
    tags: dict[str, dict[str, float]]
    cases: list[CaseResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "metrics": self.metrics,
            "tags": self.tags,
            "cases": [asdict(c) for c in self.cases],
        }

    def table(self) -> str:
        lines = [f"| metric | {Path(self.dataset).name} |", "|---|---|"]
        lines += [f"| {name} | {self.metrics[name]:.4g} |" for name in METRICS]
        return "\n".join(lines)

    def markdown(self, verdicts: list[str]) -> str:
        failing = [c for c in self.cases if c.lost]
        passing = [c for c in self.cases if not c.lost]
        out = [f"# Eval report: {self.dataset}", "", self.table(), ""]
        if verdicts:
            out += ["## Thresholds", "", *[f"- {v}" for v in verdicts], ""]
        out += [f"## Failing cases ({len(failing)})", ""]
        for c in failing:
            out += [
                f"### {c.id} — lost {', '.join(c.lost)}",
                "",
                f"- question: {c.question}",
                f"- answer{' (refused)' if c.refused else ''}: {c.answer}",
                f"- first matching retrieved rank: {c.first_hit_rank}",
                f"- missing facts: {c.facts_missing}",
                f"- citations: {[(x['doc'], x['start'], x['end']) for x in c.citations]}",
                f"- gold: {[(g['doc_id'], g['start'], g['end']) for g in c.gold]}",
                "",
            ]
        out += [f"## Passing cases ({len(passing)})", "", *[f"- {c.id}" for c in passing], ""]
        tag_rows = ["| tag | " + " | ".join(METRICS[:10]) + " |", "|---" * 11 + "|"]
        tag_rows += [
            f"| {t} | " + " | ".join(f"{m[k]:.3g}" for k in METRICS[:10]) + " |" for t, m in sorted(self.tags.items())
        ]
        return "\n".join([*out, "## Per tag", "", *tag_rows, ""])

    def junit(self, verdicts: list[tuple[str, bool]]) -> str:
        cases = []
        for c in self.cases:
            failure = (
                f"<failure message={quoteattr('lost ' + ', '.join(c.lost))}>{escape(c.answer)}</failure>"
                if c.lost
                else ""
            )
            seconds = f"{c.latency_ms / 1000:.3f}"
            cases.append(
                f'<testcase classname="eval.case" name={quoteattr(c.id)} time="{seconds}">{failure}</testcase>'
            )
        for text, ok in verdicts:
            failure = "" if ok else f"<failure message={quoteattr(text)}/>"
            cases.append(f'<testcase classname="eval.threshold" name={quoteattr(text)}>{failure}</testcase>')
        failures = sum("<failure" in c for c in cases)
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<testsuite name={quoteattr(self.dataset)} tests="{len(cases)}" '
            f'failures="{failures}">\n' + "\n".join(cases) + "\n</testsuite>\n"
        )


def run_eval(
    assistant: Any,
    cases: list[Case],
    dataset: str,
    on_case: Callable[[CaseResult], None] | None = None,
    pairs: dict[str, str] | None = None,
) -> Report:
    results = []
    for case in cases:
        started = time.perf_counter()
        answer = assistant.ask(case.question, case.filters, history=case.history)
        result = score_case(case, answer, (time.perf_counter() - started) * 1000, pairs)
        results.append(result)
        if on_case:
            on_case(result)
    tags = sorted({t for r in results for t in r.tags})
    return Report(
        dataset, aggregate(results), {t: aggregate([r for r in results if t in r.tags]) for t in tags}, results
    )


def parse_threshold(text: str, metrics: tuple[str, ...] = METRICS) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or name not in metrics:
        raise ValueError(f"bad threshold '{text}'; use METRIC=VALUE with METRIC one of: {', '.join(metrics)}")
    try:
        return name, float(value)
    except ValueError:
        raise ValueError(f"bad threshold '{text}': '{value}' is not a number") from None


def check_thresholds(
    metrics: dict[str, float], floors: list[str], ceilings: list[str], names: tuple[str, ...] = METRICS
) -> list[tuple[str, bool]]:
    verdicts = []
    for text in floors:
        name, value = parse_threshold(text, names)
        verdicts.append((f"{name} = {metrics[name]:.4g} (floor {value:g})", metrics[name] >= value))
    for text in ceilings:
        name, value = parse_threshold(text, names)
        verdicts.append((f"{name} = {metrics[name]:.4g} (ceiling {value:g})", metrics[name] <= value))
    return verdicts


def default_index_dir(corpus: Path) -> Path:
    """A cache folder keyed by the corpus path, so repeated evals ingest incrementally."""
    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
    return Path.home() / ".cache" / "policy-assistant" / "eval" / f"{corpus.resolve().name}-{key}"


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    """Settings for scoring a gold set over ``corpus``. In server mode the corpus gets its own collection: ingesting
    it into a shared one would mix it with the team's documents, and they would dilute the scores."""
    if settings.store.mode != "server":
        return settings  # embedded: default_index_dir already keeps it apart
    folder = re.sub(r"[^A-Za-z0-9._-]", "-", corpus.resolve().name).strip("-._") or "corpus"
    prefix = f"{settings.store.collection_prefix}-eval-{folder}"[:100]
    return settings.model_copy(update={"store": settings.store.model_copy(update={"collection_prefix": prefix})})
