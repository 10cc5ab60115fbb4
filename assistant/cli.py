"""Command line: ingest, ask, check, eval, ui. Errors are one line naming the bad value."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .components import Component, Package
from .settings import Settings

if TYPE_CHECKING:
    from .pipeline import Assistant
    from .retrieve import Filters

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited answers over policy documents.")

IndexDir = Annotated[Path | None, typer.Option("--index-dir", help="Index folder (default: settings.index_dir).")]
DocOpt = Annotated[list[str] | None, typer.Option("--doc", help="Only this document id (repeatable).")]
TypeOpt = Annotated[
    list[str] | None, typer.Option("--type", help="Only documents of this type: regulation, news, other.")
]
LangOpt = Annotated[list[str] | None, typer.Option("--lang", help="Only documents in this language: zh, en.")]
SinceOpt = Annotated[str, typer.Option("--since", help="Only documents dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[str, typer.Option("--until", help="Only documents dated on or before YYYY-MM-DD.")]


WRITER_ELSEWHERE = (
    "another process holds this embedded index for writing (an ingest, or the chat UI while it runs); what it is "
    "adding may not be seen here until it is done and written to disk. For several processes on one index, run a "
    'Chroma server (store.mode = "server")'
)


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_settings(index_dir: Path | None = None) -> Settings:
    from pydantic import ValidationError

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fail(f"bad setting '{where}': {first['msg']} (check policy-assistant.toml and POLICY_ASSISTANT_* variables)")
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    return settings


def components(settings: Settings) -> list[tuple[Component[Any], bool]]:
    """Every declared component, and whether these settings use it: the embedder, BM25 and the chat UI always,
    one registered store and one registered generator."""
    from .answer import GENERATORS
    from .embedding import EMBEDDER
    from .lexical import LEXICAL
    from .store import STORES

    listed: list[tuple[Component[Any], bool]] = [(EMBEDDER, True), (LEXICAL, True), (CHAT_UI, True)]
    listed += [(store, store.name == settings.store.mode) for store in STORES]
    listed += [(generator, generator.name == settings.answer.generator) for generator in GENERATORS]
    return listed


def with_generator(settings: Settings, generator: str | None) -> Settings:
    """The settings with ``answer.generator`` set from a --generator option (checked, one line when unknown)."""
    from .answer import GENERATORS
    from .components import UnknownComponent

    if generator is None:
        return settings
    try:
        GENERATORS[generator]
    except UnknownComponent as exc:
        fail(str(exc))
    return settings.model_copy(update={"answer": settings.answer.model_copy(update={"generator": generator})})


def open_assistant(settings: Settings) -> Assistant:
    from .embedding import EmbeddingError
    from .pipeline import Assistant
    from .store import StoreError

    try:
        assistant = Assistant(settings)
        _ = assistant.embedder.dimension  # load the model now: a missing or corrupt one is one line, not a traceback
    except (EmbeddingError, StoreError) as exc:
        fail(str(exc))
    return assistant


@app.command()
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

    from .store import IndexBusy

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


def _filters(doc: list[str] | None, type_: list[str] | None, lang: list[str] | None, since: str, until: str) -> Filters:
    from .retrieve import FilterError, Filters

    try:
        return Filters(tuple(doc or ()), tuple(type_ or ()), tuple(lang or ()), since, until)
    except FilterError as exc:
        fail(str(exc))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print answer, citations and retrieved chunks as JSON.")
    ] = False,
    doc: DocOpt = None,
    type_: TypeOpt = None,
    lang: LangOpt = None,
    since: SinceOpt = "",
    until: UntilOpt = "",
    generator: Annotated[
        str | None, typer.Option("--generator", help="extractive (default), openai or llamacpp; see settings [llm].")
    ] = None,
    show_unsupported: Annotated[
        bool, typer.Option("--show-unsupported", help="Show unsupported sentences flagged instead of dropping them.")
    ] = False,
    after: Annotated[
        list[str] | None,
        typer.Option("--after", help="An earlier question of the same conversation (repeatable, oldest first)."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Ask the chat app running at this address (e.g. http://127.0.0.1:7860)."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar="POLICY_ASSISTANT_USER",
            help="With --url: log in to the app as this user; the password is read from $POLICY_ASSISTANT_PASSWORD, "
            "or asked for.",
        ),
    ] = None,
    index_dir: IndexDir = None,
) -> None:
    """Answer a question from the indexed documents, with citations."""
    filters = _filters(doc, type_, lang, since, until)
    if url:  # before anything loads a model or an index: the app has them
        _ask_app(url, question, filters, as_json=as_json, after=after, generator=generator, user=user)
        return
    if user:
        fail("--user is for logging in to an app with --url")
    from .answer.llm import GeneratorError
    from .pipeline import QuestionError
    from .retrieve import FilterError

    settings = with_generator(load_settings(index_dir), generator)
    verify_settings = settings.verify.model_copy(
        update={"show_unsupported": show_unsupported or settings.verify.show_unsupported}
    )
    settings = settings.model_copy(update={"verify": verify_settings})
    assistant = open_assistant(settings)
    try:
        answer = assistant.ask(question, filters, history=after or ())
    except (QuestionError, FilterError, GeneratorError) as exc:
        fail(str(exc))
    if assistant.store.count() == 0:  # after the question's own checks, so a bad question is named first
        fail("nothing is indexed yet: run 'policy-assistant ingest PATH' (a file or folder of documents) first", 1)
    if assistant.writer_elsewhere():
        typer.echo(f"note: {WRITER_ELSEWHERE}", err=True)
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if answer.searched_for:
        typer.echo(f"(searched for: {answer.searched_for})")
    typer.echo(answer.text)
    if answer.note:
        typer.echo(f"Note: {answer.note}")
    if answer.citations:
        typer.echo("\nSources:")
    for c in answer.citations:
        where = " › ".join(p for p in (c.title, c.heading_path) if p)
        dated = f" ({c.date}{', ' + c.version if c.version else ''})" if c.date or c.version else ""
        typer.echo(f"[{c.number}] {where}{dated} — {c.doc_id} chars {c.start}-{c.end}\n    “{c.quote}”")
        if c.counterpart is not None:
            other = c.counterpart
            if other.missing:
                typer.echo(f"    {other.label}: none ({other.missing})")
            else:
                typer.echo(f"    {other.label} — {other.doc_id} chars {other.start}-{other.end}\n    “{other.quote}”")


def _ask_app(
    url: str,
    question: str,
    filters: Filters,
    *,
    as_json: bool,
    after: list[str] | None,
    generator: str | None,
    user: str | None,
) -> None:
    """``ask --url``: the answer with its sources as Markdown, from the app's /ask endpoint."""
    from .remote import PASSWORD_ENV, RemoteError, ask_remote

    # The app answers each API call as a new chat with its own settings: these cannot be passed on.
    for given, option in ((as_json, "--json"), (after, "--after"), (generator, "--generator")):
        if given:
            fail(f"{option} cannot be used with --url: the app answers with its own settings, as a new chat")
    auth = None
    if user:  # the password never on the command line: from the environment, or typed without echo
        password = os.environ.get(PASSWORD_ENV) or typer.prompt(f"Password for {user}", hide_input=True, err=True)
        auth = (user, password)
    try:
        answer = ask_remote(
            url, question, filters.doc_ids, filters.types, filters.langs, filters.since, filters.until, auth=auth
        )
        typer.echo(answer.rstrip("\n"))
    except RemoteError as exc:
        fail(str(exc))


@app.command()
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
    from .embedding import EmbeddingError, model_files_problem, resolve_model

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
    from .index import collection_name, index_fingerprint, index_status
    from .store import StoreError, make_store

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


@app.command("eval")
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
    from .evaluation import (
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
    from .answer.llm import GeneratorError

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


@app.command("eval-verifier")
def evaluate_verifier(
    dataset: Annotated[Path, typer.Option("--dataset", help="Labelled triples, JSONL.")],
    corpus: Annotated[list[Path], typer.Option("--corpus", help="Folder holding the triples' documents (repeatable).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    floors: Annotated[list[str] | None, typer.Option("--min", help="METRIC=VALUE floor (repeatable).")] = None,
    ceilings: Annotated[list[str] | None, typer.Option("--max", help="METRIC=VALUE ceiling (repeatable).")] = None,
    index_dir: IndexDir = None,
) -> None:
    """Score the sentence verifier on labelled (sentence, span, supported?) triples."""
    from .evaluation import (
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


@app.command()
def ui(
    host: Annotated[str | None, typer.Option("--host", help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to bind (default 7860).")] = None,
    allow_anonymous: Annotated[
        bool,
        typer.Option("--allow-anonymous", help="Serve beyond loopback without a login, read-only (no upload/remove)."),
    ] = False,
    index_dir: IndexDir = None,
) -> None:
    """Start the chat UI over the index (`make run` indexes corpus/ first). `python ui.py` runs this too."""
    from .store import StoreError
    from .ui.access import Access, AccessError
    from .ui.app import launch

    settings = load_settings(index_dir)
    try:  # the logins are checked before the model loads
        Access.from_settings(settings.ui, host or settings.ui.host, allow_anonymous)
    except AccessError as exc:
        fail(str(exc))
    assistant = open_assistant(settings)  # the model loads now, not on the first question
    try:
        launch(settings, host=host, port=port, assistant=assistant, allow_anonymous=allow_anonymous)
    except StoreError as exc:  # another UI or an ingest is writing to the same embedded index
        fail(str(exc))


CHAT_UI = Component("chat UI", "gradio", ui, (Package("gradio"),))
"""Always listed as in use: ``policy-assistant ui`` and ui.py serve it."""


@app.command("hash-password")
def hash_password_command() -> None:
    """Print a salted hash of a password (asked for, not echoed) for the setting ui.users."""
    import getpass

    from .ui.access import hash_password

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not password:
        fail("no password given")
    typer.echo(hash_password(password))


def main() -> None:
    app()
