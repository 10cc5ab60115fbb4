"""What the commands share: their options, settings loading, one-line errors, opening the assistant."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ..components import Component
from ..settings import Settings

if TYPE_CHECKING:
    from ..pipeline import Assistant


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
    from ..answer import GENERATORS
    from ..embedding import EMBEDDER
    from ..lexical import LEXICAL
    from ..store import STORES
    from .serve import CHAT_UI

    listed: list[tuple[Component[Any], bool]] = [(EMBEDDER, True), (LEXICAL, True), (CHAT_UI, True)]
    listed += [(store, store.name == settings.store.mode) for store in STORES]
    listed += [(generator, generator.name == settings.answer.generator) for generator in GENERATORS]
    return listed


def with_generator(settings: Settings, generator: str | None) -> Settings:
    """The settings with ``answer.generator`` set from a --generator option (checked, one line when unknown)."""
    from ..answer import GENERATORS
    from ..components import UnknownComponent

    if generator is None:
        return settings
    try:
        GENERATORS[generator]
    except UnknownComponent as exc:
        fail(str(exc))
    return settings.model_copy(update={"answer": settings.answer.model_copy(update={"generator": generator})})


def open_assistant(settings: Settings) -> Assistant:
    from ..embedding import EmbeddingError
    from ..pipeline import Assistant
    from ..store import StoreError

    try:
        assistant = Assistant(settings)
        _ = assistant.embedder.dimension  # load the model now: a missing or corrupt one is one line, not a traceback
    except (EmbeddingError, StoreError) as exc:
        fail(str(exc))
    return assistant
