"""Start the chat UI: ``python ui.py`` from the repository root.

Loads the settings, indexes corpus/ first when the index is empty, then serves assistant.app.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import ValidationError

from assistant.settings import Settings

CORPUS = Path(__file__).resolve().parent / "corpus"


def main() -> None:
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
    except (EmbeddingError, StoreError) as exc:
        sys.exit(f"error: {exc}")
    if assistant.status()["chunks"] == 0:
        report = assistant.ingest([CORPUS])
        print(f"index was empty; ingested {CORPUS}: {report.summary()}", flush=True)
    launch(settings, assistant=assistant)


if __name__ == "__main__":
    main()
