"""The two ways to reach Chroma: embedded (PersistentClient under index_dir, one writing process, a file lock)
and a server (HttpClient, shared by processes, with an optional token)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ...settings import StoreSettings
from .. import IndexBusy, StoreError
from .collection import ChromaStore

WRITER_LOCK = "writer.lock"
"""File in index_dir that the one process writing to an embedded index holds locked (see EmbeddedChroma.writing)."""


class EmbeddedChroma(ChromaStore):
    """Chroma's files under index_dir/chroma, written by one process at a time (the writer lock)."""

    mode = "embedded"

    def _connect(self, settings: StoreSettings, index_dir: Path, client_settings: Any) -> Any:
        import chromadb

        index_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=client_settings)
        self.description = f"embedded {index_dir / 'chroma'}"
        # One object per lock file in this process, counting its holders across threads: the UI holds it while it
        # runs, and its uploads take it again on other threads, which must not be refused.
        self._writer = FileLock((index_dir / WRITER_LOCK).resolve(), timeout=0, thread_local=False, is_singleton=True)
        return client

    def _where(self, settings: StoreSettings) -> str:
        return str(self._index_dir)

    @contextmanager
    def writing(self) -> Iterator[None]:
        self._acquire()
        try:
            yield
        finally:
            self._writer.release()

    def hold_writing(self) -> None:
        self._acquire()

    def _acquire(self) -> None:
        try:
            self._writer.acquire()
        except Timeout:
            # Two processes on one embedded index disagree: each loads the HNSW index once and never sees the
            # other's additions (docs/reliability.md, 3), so the second writer is refused rather than let start.
            raise IndexBusy(
                f"another process is writing to the index at {self._index_dir} (an ingest, or the chat UI for as "
                "long as it runs); wait for the ingest to finish, add the files through that UI, or stop it. For "
                'several processes on one index, run a Chroma server (store.mode = "server")'
            ) from None

    def writer_elsewhere(self) -> bool:
        try:
            self._writer.acquire()
        except Timeout:
            return True
        self._writer.release()
        return False


class ChromaServer(ChromaStore):
    """A Chroma server: it orders its writers itself, and every process sees what the others write."""

    mode = "server"

    def _connect(self, settings: StoreSettings, index_dir: Path, client_settings: Any) -> Any:
        import chromadb

        client = chromadb.HttpClient(
            host=settings.host,
            port=settings.port,
            ssl=settings.ssl,
            headers=auth_headers(settings),
            settings=client_settings,
        )
        self.description = f"server {'https' if settings.ssl else 'http'}://{settings.host}:{settings.port}"
        return client

    def _where(self, settings: StoreSettings) -> str:
        return f"{settings.host}:{settings.port}"


def auth_headers(settings: StoreSettings) -> dict[str, str]:
    """The Authorization header for a Chroma server that wants a token; empty when none is configured."""
    if not settings.token_env:
        return {}
    token = os.environ.get(settings.token_env, "")
    if not token:
        raise StoreError(f"store.token_env names ${settings.token_env}, but that variable is empty or unset")
    if settings.token_header == "Authorization":
        return {"Authorization": f"Bearer {token}"}
    return {settings.token_header: token}
