"""Command line: ingest, ask, check, eval, ui. Errors are one line naming the bad value.

The commands live by concern: ``library`` (ingest, check), ``asking`` (ask, here or through a running app),
``evals`` (eval, eval-verifier), ``serve`` (ui, hash-password); ``common`` holds what they share. This module is
the command table: the order below is the order ``--help`` lists them in.
"""

from __future__ import annotations

import typer

from .asking import ask
from .evals import evaluate, evaluate_verifier
from .library import check, ingest
from .serve import hash_password_command, ui

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited answers over policy documents.")
app.command()(ingest)
app.command()(ask)
app.command()(check)
app.command("eval")(evaluate)
app.command("eval-verifier")(evaluate_verifier)
app.command()(ui)
app.command("hash-password")(hash_password_command)


def main() -> None:
    app()
