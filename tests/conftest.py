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

SLOW_FIXTURES = frozenset(
    {
        "embedder",  # the real model (about 17 s to load here, then real encoding)
        "library",  # the whole bundled corpus, indexed with the real model
        "make_assistant",  # a real Chroma with the real model
        "chroma_server",  # a `chroma run` subprocess (tests/test_server.py)
        "server_env",
        "browser",  # Chromium through Playwright (tests/test_browser.py)
        "hostile",  # module fixtures of tests/test_reliability.py that ingest through the CLI, in a subprocess
        "round_two",
        "real_components",  # a test that reaches them another way (the CLI, a subprocess): asks for this by name
    }
)
"""Fixtures that bring in a real heavy component: a test using any of them is in the slow tier (`make test`
only). Every other test is in the fast tier (`make unit`), where the real model cannot be loaded at all
(``_fast_tier_guard``), so a test that needs it and is not classified fails at once instead of slowing the tier."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark slow every test that uses a slow fixture, directly or through another fixture."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def real_components() -> None:
    """Names a test that loads the real model or opens a real Chroma without the fixtures (through the CLI or a
    subprocess), so that it is in the slow tier."""


@pytest.fixture(autouse=True)
def _fast_tier_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a fast-tier test, loading the real model or opening a real Chroma fails, naming the way out."""
    if request.node.get_closest_marker("slow"):
        return
    from assistant.embedding import BUNDLED_MODEL, SentenceTransformerEmbedder, resolve_model
    from assistant.store import chroma

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(
            "a fast-tier test loaded the real model or opened a real Chroma: use the fakes (fake_embedder, "
            "make_fake_assistant) or ask for the `real_components` fixture (tests/conftest.py), which makes it slow"
        )

    load = SentenceTransformerEmbedder.model.func  # type: ignore[attr-defined]
    bundled = Path(resolve_model(BUNDLED_MODEL)).resolve()

    def model(self: SentenceTransformerEmbedder) -> object:
        # A missing or broken model folder may still be tried: its error message is pure logic.
        if Path(self._path).resolve() == bundled:
            refuse()
        return load(self)

    monkeypatch.setattr(SentenceTransformerEmbedder, "model", property(model))
    monkeypatch.setattr(chroma.ChromaStore, "__init__", refuse)


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


@pytest.fixture
def fake_embedder():  # type: ignore[no-untyped-def]
    """A hashing embedder (tests/fakes): no model, the same vectors on every run."""
    from tests.fakes import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def make_fake_assistant(tmp_path: Path, fake_embedder):  # type: ignore[no-untyped-def]
    """An Assistant over the in-memory store with the hashing embedder: for the pipeline's logic, not its quality."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from tests.fakes import MemoryStore

    def make(index_dir: Path | None = None, **overrides) -> Assistant:  # type: ignore[no-untyped-def]
        settings = Settings(index_dir=index_dir or tmp_path / "index", **overrides)
        return Assistant(settings, embedder=fake_embedder, store=MemoryStore(settings.index_dir))

    return make


def makefile_floors(name: str) -> tuple[list[str], list[str]]:
    """The --min/--max thresholds of one *_FLOORS variable in the Makefile, so this test gates like `make evals`."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name} :=((?:.*\\\n)*.*)$", text, re.M)
    assert match, f"{name} not found in the Makefile"
    value = match.group(1).replace("\\\n", " ")
    return re.findall(r"--min\s+(\S+)", value), re.findall(r"--max\s+(\S+)", value)
