"""Start the chat UI: ``python ui.py [--host ADDRESS] [--port PORT]`` from the repository root.

Loads the settings, indexes corpus/ first when the index is empty, then serves assistant.app on 127.0.0.1
(unless --host says otherwise), with gradio's login when ``ui.auth`` (or POLICY_ASSISTANT_UI__AUTH) is set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from assistant.settings import Settings

CORPUS = Path(__file__).resolve().parent / "corpus"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the policy-assistant chat UI.")
    parser.add_argument("--host", help="address to bind (default: ui.host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind (default: ui.port, 7860)")
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        sys.exit(f"error: bad setting '{where}': {first['msg']} (check policy-assistant.toml and POLICY_ASSISTANT_*)")

    from assistant.app import launch, parse_auth
    from assistant.embedding import EmbeddingError
    from assistant.pipeline import Assistant
    from assistant.store import StoreError

    try:
        parse_auth(settings.ui.auth)
    except ValueError as exc:
        sys.exit(f"error: {exc}")
    try:
        assistant = Assistant(settings)
        assistant.embedder.embed(["warm up"])  # load the model now, not on the first question
    except (EmbeddingError, StoreError) as exc:
        sys.exit(f"error: {exc}")
    if assistant.status()["chunks"] == 0:
        report = assistant.ingest([CORPUS])
        print(f"index was empty; ingested {CORPUS}: {report.summary()}", flush=True)
    launch(settings, host=args.host, port=args.port, assistant=assistant)


if __name__ == "__main__":
    main()
