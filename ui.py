"""Start the chat UI: ``python ui.py [--host ADDRESS] [--port PORT]``, the same command as ``policy-assistant ui``."""

import sys

import typer

from assistant.cli import app

if __name__ == "__main__":
    command = typer.main.get_command(app).commands["ui"]  # type: ignore[attr-defined]
    command.main(sys.argv[1:], prog_name="ui.py")
