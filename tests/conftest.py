from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from assistant.language import has_cjk

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTICLE = CORPUS / "shanghai-ai-policy-clustering.txt"
"""The bundled news feature: what most tests index (the whole corpus takes ten times as long)."""
EVALS = ROOT / "evals"


@pytest.fixture(autouse=True)
def data_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every data directory the code writes to points into tmp_path."""
    monkeypatch.setenv("POLICY_ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("POLICY_ASSISTANT_CONFIG", str(tmp_path / "policy-assistant.toml"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The real bundled model, loaded once per test session."""
    from assistant.embedding import make_embedder
    from assistant.settings import EmbeddingSettings

    return make_embedder(EmbeddingSettings())


@pytest.fixture(scope="session")
def zh_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seven Chinese texts of corpus/ (with their sidecars) in a folder of their own."""
    folder = tmp_path_factory.mktemp("zh-corpus")
    for path in CORPUS.iterdir():
        if has_cjk(path.name):
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """One index of the whole bundled corpus for the session: questions only, never written to."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index_dir=tmp_path_factory.mktemp("library")), embedder=embedder)
    assistant.ingest([CORPUS])
    return assistant


@pytest.fixture
def make_assistant(tmp_path: Path, embedder):  # type: ignore[no-untyped-def]
    """An Assistant over a real Chroma in tmp_path with the real model."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    def make(index_dir: Path | None = None, **overrides) -> Assistant:  # type: ignore[no-untyped-def]
        settings = Settings(index_dir=index_dir or tmp_path / "index", **overrides)
        return Assistant(settings, embedder=embedder)

    return make


def makefile_floors(name: str) -> tuple[list[str], list[str]]:
    """The --min/--max thresholds of one *_FLOORS variable in the Makefile, so this test gates like `make evals`."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name} :=((?:.*\\\n)*.*)$", text, re.M)
    assert match, f"{name} not found in the Makefile"
    value = match.group(1).replace("\\\n", " ")
    return re.findall(r"--min\s+(\S+)", value), re.findall(r"--max\s+(\S+)", value)
