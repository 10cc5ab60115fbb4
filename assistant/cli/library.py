"""Building the index and reporting on it: ``ingest`` and ``check``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..settings import Settings
from .common import WRITER_ELSEWHERE, IndexDir, components, fail, load_settings, open_assistant


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    prune: Annotated[bool, typer.Option("--prune", help="Remove indexed documents no longer under PATHS.")] = False,
    index_dir: IndexDir = None,
) -> None:
    """Index documents incrementally: unchanged files are skipped, changed ones replaced."""
    from tqdm import tqdm

    assistant = open_assistant(load_settings(index_dir))
    bar = tqdm(total=0, unit="file", disable=not sys.stderr.isatty(), file=sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.set_postfix_str(Path(name).name[:40])
        bar.update(1)

    from ..store import IndexBusy

    try:
        report = assistant.ingest(paths, prune=prune, progress=progress)
    except IndexBusy as exc:
        fail(str(exc))
    finally:
        bar.close()
    for line in report.failed:
        typer.echo(f"skipped: {line}", err=True)
    for line in report.notes:
        typer.echo(f"note: {line}", err=True)
    for doc_id, primary in report.duplicates.items():
        typer.echo(f"duplicate: {doc_id} has the same text as {primary}; indexed once, both paths recorded", err=True)
    typer.echo(report.summary())
    if report.indexed == 0 and report.failed:
        raise typer.Exit(1)


def check(index_dir: IndexDir = None) -> None:
    """Report the components and their packages, the model, the index and what is missing."""
    settings = load_settings(index_dir)
    problems = []
    typer.echo(f"settings file: {os.environ.get('POLICY_ASSISTANT_CONFIG', 'policy-assistant.toml')}")
    for component, used in components(settings):
        installed = [f"{p.name} {p.version()}" for p in component.packages if p.version() is not None]
        missing = component.missing()
        listed = ", ".join(installed + [f"{p.name} not installed" for p in missing]) or "no other packages"
        typer.echo(f"{component.kind} {component.name}{' (in use)' if used else ''}: {listed}")
        for package in missing:
            if used:
                problems.append(f"package {package.name} is not installed ({package.install})")
            else:
                typer.echo(f"note: {component.kind} {component.name} needs {package.name} ({package.install})")
    from ..embedding import EmbeddingError, model_files_problem, resolve_model

    try:
        typer.echo(f"embedding model: {settings.embedding.model} -> {resolve_model(settings.embedding.model)}")
        problem = model_files_problem(settings.embedding.model)
        if problem:
            problems.append(problem)
    except EmbeddingError as exc:
        problems.append(str(exc))
    if not problems:
        problems += _check_index(settings)
    for problem in problems:
        typer.echo(f"missing: {problem}")
    if problems:
        raise typer.Exit(1)
    typer.echo("ok")


def _check_index(settings: Settings) -> list[str]:
    """Print what the index holds, read from the store alone (no model, no BM25); returns what is wrong."""
    from ..index import collection_name, index_fingerprint, index_status
    from ..store import StoreError, make_store

    name = collection_name(settings)
    try:
        store = make_store(settings.store, settings.index_dir, name, index_fingerprint(settings))
        status = index_status(store, settings, name)
    except StoreError as exc:
        fail(str(exc))
    for key, value in status.items():
        typer.echo(f"{key}: {value}")
    if store.writer_elsewhere():
        typer.echo(f"note: {WRITER_ELSEWHERE}")
    problems = []
    if status["chunks"] == 0:
        problems.append("the index is empty: run 'policy-assistant ingest corpus/'")
    if status["incomplete_documents"]:
        problems.append("some documents are incomplete (an interrupted ingest): run ingest again")
    for other, count in status["other_collections"]:
        typer.echo(
            f"note: the index also holds collection {other} ({count} chunks), built with another model or "
            "chunking; it is not used (delete it, or switch the settings back to use it)"
        )
    return problems
