"""``ui`` (the chat app; ``python ui.py`` runs it too) and ``hash-password`` for its logins."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..components import Component, Package
from .common import IndexDir, fail, load_settings, open_assistant


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
    from ..store import StoreError
    from ..ui.access import Access, AccessError
    from ..ui.app import launch

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


def hash_password_command() -> None:
    """Print a salted hash of a password (asked for, not echoed) for the setting ui.users."""
    import getpass

    from ..ui.access import hash_password

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not password:
        fail("no password given")
    typer.echo(hash_password(password))
