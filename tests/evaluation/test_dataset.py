"""Gold sets: loading, checking and locating quotes (assistant/evaluation/dataset.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import (
    DatasetError,
    load_dataset,
    locate,
)
from tests.conftest import CORPUS, EVALS, ROOT
from tests.evaluation.spans import DOC, P1, TEXT


def test_history_is_read_and_checked(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOC).write_text(TEXT, encoding="utf-8")
    line = {"id": "d", "question": "And the share?", "answerable": True, "facts": ["30% to 100%"]}
    line["evidence"] = [{"doc": DOC, "quote": "Subsidies offset 30% to 100% of costs."}]
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({**line, "history": ["What vouchers are there?"]}) + "\n", encoding="utf-8")
    assert load_dataset(good, corpus)[0].history == ["What vouchers are there?"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**line, "history": "What vouchers are there?"}) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1: 'history' must be a list"):
        load_dataset(bad, corpus)


def test_quotes_with_ascii_punctuation_find_the_full_width_original() -> None:
    text = "第五十五条 有下列情形之一的，个人信息处理者应当事前进行评估：\n（一）处理敏感个人信息；"
    start, end = locate("(一)处理敏感个人信息;", text) or (0, 0)
    assert text[start:end] == "（一）处理敏感个人信息；"
    start, end = locate("（一）处理敏感个人信息；", text) or (0, 0)
    assert text[start:end] == "（一）处理敏感个人信息；"


def test_locate_across_collapsed_whitespace() -> None:
    text = "alpha  beta\n\ngamma delta"
    start, end = locate("beta gamma", text)  # type: ignore[misc]
    assert text[start:end] == "beta\n\ngamma"
    assert locate("beta \n  gamma", text) == (start, end)
    assert locate("beta delta", text) is None
    assert locate("   ", text) is None


def test_locate_normalises_the_quote() -> None:
    text = "第五十五条 有下列情形之一的,个人信息处理者应当事前进行评估:"
    start, end = locate("有下列情形之一的，个人信息处理者", text)  # type: ignore[misc]  # full-width comma
    assert text[start:end] == "有下列情形之一的,个人信息处理者"


# --- load_dataset ------------------------------------------------------------------------------------------------


GOOD = {
    "id": "vouchers",
    "question": "What subsidies cover model usage?",
    "answerable": True,
    "facts": ["1 billion yuan"],
    "evidence": [{"doc": DOC, "quote": "The city plans to issue 1 billion yuan worth of vouchers."}],
    "tags": ["vouchers"],
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / DOC).write_text(TEXT, encoding="utf-8")
    return folder


def write_dataset(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_dataset_resolves_quotes_to_spans(tmp_path: Path, corpus: Path) -> None:
    unanswerable = {"id": "none", "question": "Who won?", "answerable": False, "facts": [], "evidence": []}
    dataset = write_dataset(tmp_path / "ok.jsonl", json.dumps(GOOD), "", json.dumps(unanswerable))
    cases = load_dataset(dataset, corpus)
    assert [c.id for c in cases] == ["vouchers", "none"]
    assert cases[0].gold == [P1]
    assert cases[0].line == 1
    assert cases[1].line == 3  # blank lines keep the numbering
    assert cases[1].gold == []


def _bad_cases() -> dict[str, tuple[str, str]]:
    not_there = dict(GOOD, id="x", evidence=[{"doc": DOC, "quote": "The city plans to issue 2 billion yuan"}])
    missing = {k: v for k, v in GOOD.items() if k != "question"} | {"id": "y"}
    unknown_doc = dict(GOOD, id="z", evidence=[{"doc": "nowhere.txt", "quote": "The city"}])
    return {
        "quote-does-not-occur": (json.dumps(not_there), "does not occur"),
        "bad-json": ('{"id": "broken", "question": ', "invalid JSON"),
        "missing-key": (json.dumps(missing), "'question'"),
        "unknown-doc": (json.dumps(unknown_doc), "nowhere.txt"),
    }


@pytest.mark.parametrize("kind", list(_bad_cases()))
def test_load_dataset_names_the_bad_line(tmp_path: Path, corpus: Path, kind: str) -> None:
    line, reason = _bad_cases()[kind]
    dataset = write_dataset(tmp_path / "bad.jsonl", json.dumps(GOOD), line)
    with pytest.raises(DatasetError) as info:
        load_dataset(dataset, corpus)
    message = str(info.value)
    assert f"{dataset}:2:" in message
    assert reason in message


GOLD_SETS = [p for p in sorted(EVALS.glob("*.jsonl")) if not p.name.startswith("verifier")]


@pytest.mark.parametrize("path", GOLD_SETS, ids=lambda p: p.name)
def test_every_gold_quote_occurs_in_the_bundled_corpus(path: Path) -> None:
    cases = load_dataset(path, CORPUS)
    assert len(cases) == sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert all(g.end > g.start for c in cases for g in c.gold)


def test_blind_splits_hold_every_frozen_case_once() -> None:
    from evals.split import SETS, is_dev

    for name, sources in SETS.items():
        frozen = [json.loads(line) for s in sources for line in (EVALS / "blind" / s).read_text("utf-8").splitlines()]
        dev = [json.loads(line) for line in (EVALS / f"{name}.dev.jsonl").read_text("utf-8").splitlines()]
        test = [json.loads(line) for line in (EVALS / f"{name}.test.jsonl").read_text("utf-8").splitlines()]
        assert sorted(c["id"] for c in dev + test) == sorted(c["id"] for c in frozen)
        assert all(is_dev(c["id"]) for c in dev) and not any(is_dev(c["id"]) for c in test)


# --- the eval command --------------------------------------------------------------------------------------------


def test_eval_cli_reports_the_bad_dataset_line_before_loading_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    seed = (EVALS / "seed_en.jsonl").read_text(encoding="utf-8").splitlines()[0]
    bad = dict(json.loads(seed), id="bad", evidence=[{"doc": "shanghai-ai-policy-clustering.txt", "quote": "No such"}])
    dataset = write_dataset(tmp_path / "bad.jsonl", seed, json.dumps(bad))
    # A model that cannot load: reaching it would fail with a different message.
    monkeypatch.setenv("POLICY_ASSISTANT_EMBEDDING__MODEL", str(tmp_path / "no-such-model"))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["eval", "--dataset", str(dataset), "--corpus", "corpus"])
    assert result.exit_code == 2, result.output
    assert f"{dataset}:2:" in result.output
    assert "does not occur" in result.output
    assert not (tmp_path / "home" / ".cache").exists()  # no eval index was created
