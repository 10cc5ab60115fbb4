"""``eval`` and ``eval-verifier``: the gold sets and the verifier's labelled triples, with their floors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .common import IndexDir, fail, load_settings, open_assistant, with_generator


def evaluate(
    dataset: Annotated[Path, typer.Option("--dataset", help="Gold set, JSONL: one case per line.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="The folder the dataset's documents live in.")],
    index_dir: IndexDir = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="Write the Markdown report here.")] = None,
    junit_out: Annotated[Path | None, typer.Option("--junit", help="Write a JUnit XML report here.")] = None,
    floors: Annotated[list[str] | None, typer.Option("--min", help="METRIC=VALUE floor (repeatable).")] = None,
    ceilings: Annotated[list[str] | None, typer.Option("--max", help="METRIC=VALUE ceiling (repeatable).")] = None,
    generator: Annotated[
        str | None, typer.Option("--generator", help="extractive (default), openai or llamacpp; see settings [llm].")
    ] = None,
) -> None:
    """Score citation accuracy on a gold set; exit 1 when a floor or ceiling is missed, 2 for a bad dataset."""
    from ..evaluation import (
        DatasetError,
        check_thresholds,
        default_index_dir,
        eval_settings,
        load_dataset,
        parse_threshold,
        run_eval,
        translation_pairs,
    )

    for text in [*(floors or []), *(ceilings or [])]:
        try:
            parse_threshold(text)
        except ValueError as exc:
            fail(str(exc))
    try:
        cases = load_dataset(dataset, corpus)
    except DatasetError as exc:
        fail(str(exc))
    settings = with_generator(eval_settings(load_settings(index_dir or default_index_dir(corpus)), corpus), generator)
    assistant = open_assistant(settings)
    report_ingest = assistant.ingest([corpus])
    for line in report_ingest.failed:
        typer.echo(f"skipped: {line}", err=True)
    from ..answer.llm import GeneratorError

    try:
        report = run_eval(assistant, cases, str(dataset), pairs=translation_pairs(corpus))
    except GeneratorError as exc:
        fail(str(exc))
    verdicts = check_thresholds(report.metrics, floors or [], ceilings or [])
    typer.echo(report.table())
    for path, content in (
        (json_out, lambda: json.dumps(report.to_json(), ensure_ascii=False, indent=2)),
        (markdown_out, lambda: report.markdown([f"{'ok' if ok else 'MISSED'}: {t}" for t, ok in verdicts])),
        (junit_out, lambda: report.junit(verdicts)),
    ):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content(), encoding="utf-8")
    failing = [c.id for c in report.cases if c.lost]
    if failing:
        typer.echo(f"cases losing a metric ({len(failing)}): {', '.join(failing)}")
    missed = [text for text, ok in verdicts if not ok]
    for text in missed:
        typer.echo(f"MISSED: {text}", err=True)
    if missed:
        raise typer.Exit(1)


def evaluate_verifier(
    dataset: Annotated[Path, typer.Option("--dataset", help="Labelled triples, JSONL.")],
    corpus: Annotated[list[Path], typer.Option("--corpus", help="Folder holding the triples' documents (repeatable).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    floors: Annotated[list[str] | None, typer.Option("--min", help="METRIC=VALUE floor (repeatable).")] = None,
    ceilings: Annotated[list[str] | None, typer.Option("--max", help="METRIC=VALUE ceiling (repeatable).")] = None,
    index_dir: IndexDir = None,
) -> None:
    """Score the sentence verifier on labelled (sentence, span, supported?) triples."""
    from ..evaluation import (
        VERIFIER_METRICS,
        DatasetError,
        check_thresholds,
        default_index_dir,
        eval_settings,
        parse_threshold,
        verifier_report,
    )

    for text in [*(floors or []), *(ceilings or [])]:
        try:
            parse_threshold(text, VERIFIER_METRICS)
        except ValueError as exc:
            fail(str(exc))
    settings = eval_settings(load_settings(index_dir or default_index_dir(corpus[0])), corpus[0])
    assistant = open_assistant(settings)
    assistant.ingest([c for c in corpus if c.is_dir()])  # the verifier's term weights come from the index
    try:
        report = verifier_report(dataset, corpus, assistant.verifier)
    except DatasetError as exc:
        fail(str(exc))
    typer.echo("| subset | triples | balanced accuracy | false rejection | false acceptance |\n|---|---|---|---|---|")
    for label, m in [("all", report["metrics"]), *report["langs"].items(), *report["kinds"].items()]:
        typer.echo(
            f"| {label} | {m['triples']} | {m['balanced_accuracy']:.3f} | {m['false_rejection_rate']:.3f} | "
            f"{m['false_acceptance_rate']:.3f} |"
        )
    if report["skipped"]:
        typer.echo(f"skipped {report['skipped']} triples whose documents are not in {', '.join(map(str, corpus))}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    verdicts = check_thresholds(report["metrics"], floors or [], ceilings or [], VERIFIER_METRICS)
    missed = [text for text, ok in verdicts if not ok]
    for text in missed:
        typer.echo(f"MISSED: {text}", err=True)
    if missed:
        raise typer.Exit(1)
