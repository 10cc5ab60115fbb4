"""Declared components: registries by name, and `policy-assistant check` listing them from their declarations."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer import GENERATORS
from assistant.cli import app
from assistant.components import Package, Registry, UnknownComponent
from assistant.store import STORES


def test_a_registry_names_its_components_when_asked_for_another() -> None:
    registry: Registry[object] = Registry("widget")
    registry.register("a", Package("numpy"))(object)
    registry.register("b")(object)
    assert registry["a"].packages == (Package("numpy"),) and registry["a"].missing() == []
    with pytest.raises(UnknownComponent, match="unknown widget 'c'; registered widgets: a, b"):
        registry["c"]
    with pytest.raises(ValueError, match="widget 'a' is registered twice"):
        registry.register("a")(object)


def test_a_missing_package_is_named_with_how_to_install_it() -> None:
    package = Package("no-such-distribution-for-tests", extra="llm")
    assert package.version() is None
    assert package.install == "pip install 'policy-assistant[llm]'"
    assert Package("bm25s").install == "pip install bm25s"


def test_check_lists_every_registered_component_with_its_packages(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 1  # the index is empty
    lines = result.output.splitlines()
    for component in [*STORES, *GENERATORS]:
        assert any(line.startswith(f"{component.kind} {component.name}") for line in lines), component.name
    chroma = version("chromadb")
    assert f"store embedded (in use): chromadb {chroma}" in lines
    assert f"store server: chromadb {chroma}" in lines
    assert "generator extractive (in use): no other packages" in lines
    assert f"generator openai: llama-index-llms-openai-like {version('llama-index-llms-openai-like')}" in lines
    embedder = next(line for line in lines if line.startswith("embedder sentence-transformers (in use): "))
    assert f"sentence-transformers {version('sentence-transformers')}" in embedder


def test_check_fails_when_the_generator_in_use_lacks_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if GENERATORS["llamacpp"].missing() == []:
        pytest.skip("llama-cpp-python is installed here")
    monkeypatch.setenv("POLICY_ASSISTANT_ANSWER__GENERATOR", "llamacpp")
    result = CliRunner().invoke(app, ["check", "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert "generator llamacpp (in use): llama-cpp-python not installed" in result.output
    assert "missing: package llama-cpp-python is not installed (pip install 'policy-assistant[llm]')" in result.output


def test_an_unknown_generator_option_names_the_registered_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "anything", "--generator", "gpt", "--index-dir", str(tmp_path / "i")])
    assert result.exit_code == 2
    assert "unknown generator 'gpt'; registered generators: extractive, openai, llamacpp" in result.output
