"""Fixtures of the answer step's tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def assistant_over(make_assistant, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An assistant over the real model and a real Chroma whose index holds one document, written from ``text``."""

    def make(name: str, text: str, **overrides):  # type: ignore[no-untyped-def]
        folder = tmp_path / "documents"
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        assistant = make_assistant(**overrides)
        report = assistant.ingest([folder])
        assert report.added and not report.failed, report.summary()
        return assistant

    return make
