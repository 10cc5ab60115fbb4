"""``ask``: over the index here, or through a running chat app (``--url``), which loads nothing here."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    WRITER_ELSEWHERE,
    DocOpt,
    IndexDir,
    LangOpt,
    SinceOpt,
    TypeOpt,
    UntilOpt,
    fail,
    load_settings,
    open_assistant,
    with_generator,
)

if TYPE_CHECKING:
    from ..retrieve import Filters
    from ..types import Answer


def _filters(doc: list[str] | None, type_: list[str] | None, lang: list[str] | None, since: str, until: str) -> Filters:
    from ..retrieve import FilterError, Filters

    try:
        return Filters(tuple(doc or ()), tuple(type_ or ()), tuple(lang or ()), since, until)
    except FilterError as exc:
        fail(str(exc))


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
    from ..answer.llm import GeneratorError
    from ..pipeline import QuestionError
    from ..retrieve import FilterError

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
        if assistant.store.other_collections():
            fail(
                "the index was built by an earlier version or with other model or chunking settings: run "
                "'policy-assistant ingest PATH' again to rebuild it for these",
                1,
            )
        fail("nothing is indexed yet: run 'policy-assistant ingest PATH' (a file or folder of documents) first", 1)
    if assistant.writer_elsewhere():
        typer.echo(f"note: {WRITER_ELSEWHERE}", err=True)
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_answer(answer)


def _print_answer(answer: Answer) -> None:
    """The answer, then each source with its place, date, quote and the other language's article."""
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
    from ..remote import PASSWORD_ENV, RemoteError, ask_remote

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
