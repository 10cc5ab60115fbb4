"""Settings: defaults, then a TOML file, then POLICY_ASSISTANT_* environment variables; unknown keys rejected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import BUNDLED_MODEL, CONFIG_ENV, Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No POLICY_ASSISTANT_* variable but a config path that does not exist; returns that path."""
    for name in list(os.environ):
        if name.startswith("POLICY_ASSISTANT_"):
            monkeypatch.delenv(name)
    config = tmp_path / "absent.toml"
    monkeypatch.setenv(CONFIG_ENV, str(config))
    return config


def test_defaults(clean_env: Path) -> None:
    settings = Settings()
    assert settings.index_dir == Path("index")
    assert settings.embedding.model == BUNDLED_MODEL == "all-MiniLM-L6-v2"
    assert settings.embedding.device == "auto"
    assert settings.store.mode == "embedded"
    assert settings.retrieval.mode == "hybrid"
    assert settings.retrieval.top_k == 10
    assert settings.answer.generator == "extractive"
    assert settings.ui.host == "127.0.0.1"  # not exposed to the network by default
    assert settings.ui.auth == ""
    # Relations the defaults must keep: passages leave room in the model's 256-token window for the
    # title prefix and the special tokens, and each retriever offers more candidates than are returned.
    assert settings.chunking.max_tokens < 256
    assert settings.chunking.context_prefix is True
    assert settings.retrieval.candidates >= settings.retrieval.top_k
    assert settings.answer.evidence_chunks <= settings.retrieval.top_k


def test_env_var_overrides_a_nested_value(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_ASSISTANT_RETRIEVAL__TOP_K", "7")
    settings = Settings()
    assert settings.retrieval.top_k == 7
    assert settings.retrieval.mode == "hybrid"  # the rest of the section keeps its defaults


@pytest.mark.parametrize("value", ["0", "101", "many"])
def test_env_var_out_of_range_is_rejected(clean_env: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("POLICY_ASSISTANT_RETRIEVAL__TOP_K", value)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert any(error["loc"][:2] == ("retrieval", "top_k") for error in info.value.errors())


def test_toml_file_named_by_env(clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "custom.toml"
    config.write_text(
        'index_dir = "my-index"\n\n[retrieval]\ntop_k = 3\nmode = "lexical"\n\n[chunking]\nmax_tokens = 150\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(config))
    settings = Settings()
    assert settings.index_dir == Path("my-index")
    assert settings.retrieval.top_k == 3
    assert settings.retrieval.mode == "lexical"
    assert settings.chunking.max_tokens == 150
    assert settings.embedding.model == BUNDLED_MODEL


def test_env_var_beats_toml(clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "custom.toml"
    config.write_text("[retrieval]\ntop_k = 3\nrrf_k = 30\n", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv("POLICY_ASSISTANT_RETRIEVAL__TOP_K", "5")
    settings = Settings()
    assert settings.retrieval.top_k == 5
    assert settings.retrieval.rrf_k == 30  # the file's other values in the same section still apply


@pytest.mark.parametrize(
    ("content", "location"),
    [
        ("[retrieval]\ntopk = 3\n", ("retrieval", "topk")),  # a misspelt key in a section
        ("[retreival]\ntop_k = 3\n", ("retreival",)),  # a misspelt section
        ("colour = 'red'\n", ("colour",)),  # an unknown top-level key
    ],
)
def test_unknown_key_in_toml_is_rejected(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, location: tuple[str, ...]
) -> None:
    config = tmp_path / "typo.toml"
    config.write_text(content, encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    with pytest.raises(ValidationError) as info:
        Settings()
    assert any(error["loc"] == location and error["type"] == "extra_forbidden" for error in info.value.errors())


def test_collection_name_follows_model_and_chunking(clean_env: Path) -> None:
    from assistant.index import collection_name

    base = Settings()
    name = collection_name(base)
    assert name.startswith("policy-")
    assert collection_name(Settings()) == name  # stable for equal settings
    other_model = collection_name(Settings(embedding={"model": "/models/another-encoder"}))
    smaller_chunks = collection_name(Settings(chunking={"max_tokens": 120}))
    no_prefix = collection_name(Settings(chunking={"context_prefix": False}))
    assert len({name, other_model, smaller_chunks, no_prefix}) == 4
    # Retrieval and answer knobs do not change what is indexed, so they reuse the index.
    assert collection_name(Settings(retrieval={"top_k": 3}, answer={"evidence_chunks": 3})) == name
