"""The bundled library: English legal structure, laws named in English, the controlling text beside every
translation, and newer versions first. Real model, real Chroma, the real corpus files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chunking import PATH_SEPARATOR, chunk_document
from assistant.cli import app
from assistant.documents import load_document
from assistant.retrieve import Filters
from tests.conftest import CORPUS

PIPL_EN = "pipl_2021-08-20.txt"
PIPL_ZH = "个人信息保护法_2021-08-20.md"


def test_english_law_is_chunked_by_article_with_its_chapter(embedder) -> None:  # type: ignore[no-untyped-def]
    doc = load_document(CORPUS / PIPL_EN, PIPL_EN)
    chunks = chunk_document(doc, 200, embedder.count_tokens, True)
    article_55 = [c for c in chunks if c.heading_path.endswith("Article 55")]
    assert article_55 and article_55[0].heading_path == f"Chapter V{PATH_SEPARATOR}Article 55"
    assert article_55[0].text.startswith("Article 55 In any of the following circumstances")
    assert "(5) conducting other personal information processing activities" in " ".join(c.text for c in article_55)
    sections = {c.heading_path for c in chunks if "Section 2" in c.heading_path}
    assert f"Chapter II{PATH_SEPARATOR}Section 2{PATH_SEPARATOR}Article 28" in sections
    # The table of contents repeats the chapter headings; it must not swallow them (or the first articles).
    first = next(c for c in chunks if c.text.startswith("Article 1 "))
    assert first.heading_path.startswith("Chapter I" + PATH_SEPARATOR)


@pytest.mark.parametrize(
    "question",
    [
        "What does Article 55 of the PIPL require?",
        "PIPL Art. 55: when is an impact assessment needed?",
        "Under Article 55 of the Personal Information Protection Law, what must be assessed?",
    ],
)
def test_an_english_article_question_cites_both_languages(library, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask(question)
    assert not answer.refused, answer.text
    first = answer.citations[0]
    assert first.doc_id == PIPL_EN and first.heading_path.endswith("Article 55")
    other = first.counterpart
    assert other is not None and other.doc_id == PIPL_ZH and other.heading_path.endswith("第五十五条")
    assert other.label == "中文原文 · 第五十五条"
    source = load_document(CORPUS / PIPL_ZH, PIPL_ZH).text
    assert source[other.start : other.start + 20] == other.quote[:20] == "第五十五条 有下列情形之一的，个人信息处"


def test_the_regulations_are_found_by_their_english_name(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("Network Data Security Management Regulations Article 37")
    assert not answer.refused
    first = answer.citations[0]
    assert first.doc_id == "network-data-security-regulations_2024-09-24.txt"
    assert first.heading_path.endswith("Article 37")
    assert first.counterpart is not None and first.counterpart.heading_path.endswith("第三十七条")


def test_a_chinese_answer_offers_the_official_english(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("《个人信息保护法》第五十五条规定了什么？")
    assert not answer.refused
    first = answer.citations[0]
    assert first.doc_id == PIPL_ZH
    other = first.counterpart
    assert other is not None and other.doc_id == PIPL_EN and other.label == "Official English · Article 55"


@pytest.mark.usefixtures("real_components")
def test_ask_json_gives_the_counterpart_as_a_second_span(tmp_path: Path) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    for name in (PIPL_EN, PIPL_EN + ".meta.json", PIPL_ZH, PIPL_ZH + ".meta.json"):
        shutil.copy(CORPUS / name, folder / name)
    index = str(tmp_path / "index")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(folder), "--index-dir", index]).exit_code == 0
    result = runner.invoke(app, ["ask", "What does Article 55 of the PIPL require?", "--json", "--index-dir", index])
    assert result.exit_code == 0, result.output
    cited = json.loads(result.stdout)["citations"][0]
    other = cited["counterpart"]
    text = load_document(folder / PIPL_ZH, PIPL_ZH).text  # offsets point into the indexed text, as citations' do
    assert other["doc_id"] == PIPL_ZH and text[other["start"] : other["start"] + 10] == "第五十五条 有下列情"
    human = runner.invoke(app, ["ask", "What does Article 55 of the PIPL require?", "--index-dir", index])
    assert "中文原文 · 第五十五条" in human.stdout


def test_a_translation_without_the_article_says_so(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "规定.md").write_text("# 测试规定\n\n第一条 数据处理者应当每年开展一次风险评估。\n", encoding="utf-8")
    (folder / "rules.txt").write_text(
        "Test Rules\n\nArticle 1 Data processors shall conduct a risk assessment every year.\n\n"
        "Article 2 The rules take effect on publication.\n",
        encoding="utf-8",
    )
    (folder / "rules.txt.meta.json").write_text('{"translation_of": "规定.md", "type": "regulation"}', "utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    answer = assistant.ask("What does Article 2 of the Test Rules say?")
    assert not answer.refused, answer.text
    other = answer.citations[0].counterpart
    assert other is not None and other.missing and "no article 2" in other.missing


def test_a_bad_translation_sidecar_is_one_line(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "rules.txt").write_text("Article 1 Processors shall keep records.\n", encoding="utf-8")
    (folder / "rules.txt.meta.json").write_text('{"translation_of": "missing.md"}', encoding="utf-8")
    report = make_assistant().ingest([folder])
    assert report.added == []
    assert len(report.failed) == 1 and 'translation_of "missing.md" names no file beside it' in report.failed[0]


# --- newer versions first ---------------------------------------------------------------------------------------

OLD = (
    "# 测试数据条例\n\n2016年11月7日通过\n\n## 第一章 总则\n\n第一条 为了规范数据处理，制定本条例。\n\n"
    "第二条 数据处理者应当每三年开展一次风险评估。\n\n第三条 本条例自公布之日起施行。\n"
)
NEW = OLD.replace("2016年11月7日通过", "2025年10月28日修订").replace("每三年开展一次", "每年开展一次")


@pytest.fixture
def versions(make_assistant, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "versions"
    folder.mkdir()
    (folder / "测试数据条例_2016-11-07.md").write_text(OLD, encoding="utf-8")
    (folder / "测试数据条例_2025-10-28.md").write_text(NEW, encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    return assistant


def test_the_version_in_force_is_quoted_and_named(versions) -> None:  # type: ignore[no-untyped-def]
    answer = versions.ask("数据处理者多久开展一次风险评估？")
    assert not answer.refused, answer.text
    first = answer.citations[0]
    assert first.doc_id == "测试数据条例_2025-10-28.md" and "每年开展一次" in first.quote
    assert first.version == "as amended 2025-10-28"
    assert "as amended 2025-10-28" in answer.note


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        ("2016年版的条例要求多久开展一次风险评估？", None),
        ("数据处理者多久开展一次风险评估？", Filters(until="2020-12-31")),
    ],
)
def test_the_earlier_version_when_asked_for(versions, question: str, filters: Filters | None) -> None:  # type: ignore[no-untyped-def]
    answer = versions.ask(question, filters)
    assert not answer.refused, answer.text
    first = answer.citations[0]
    assert first.doc_id == "测试数据条例_2016-11-07.md" and "每三年开展一次" in first.quote
    assert first.version == "superseded by the version of 2025-10-28"


def test_a_sidecar_can_say_which_version_it_replaces(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "renamed"
    folder.mkdir()
    (folder / "old.md").write_text(OLD, encoding="utf-8")
    (folder / "new.md").write_text(NEW.replace("# 测试数据条例", "# 测试数据条例（修订）"), encoding="utf-8")
    (folder / "new.md.meta.json").write_text('{"supersedes": "old.md", "date": "2025-10-28"}', encoding="utf-8")
    (folder / "old.md.meta.json").write_text('{"date": "2016-11-07"}', encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    answer = assistant.ask("数据处理者多久开展一次风险评估？")
    assert answer.citations[0].doc_id == "new.md"


def test_the_sources_panel_badges_a_superseded_version(versions) -> None:  # type: ignore[no-untyped-def]
    from assistant.ui.sources import render_sources

    answer = versions.ask("2016年版的条例要求多久开展一次风险评估？")
    html = render_sources(answer)
    assert 'class="version superseded"' in html and "superseded by the version of 2025-10-28" in html


@pytest.mark.parametrize(
    ("previous", "question", "article"),
    [
        ("What does Article 44 of the PIPL give individuals?", "And the article after that?", "Article 45"),
        ("《数据安全法》第三十六条讲了什么？", "上一条呢？", "第三十五条"),
    ],
)
def test_the_article_beside_the_one_before_is_quoted(library, previous: str, question: str, article: str) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask(question, history=[previous])
    assert not answer.refused, answer.text
    assert answer.text.startswith(article), answer.text
    assert all(c.heading_path.endswith(article) for c in answer.citations), [c.heading_path for c in answer.citations]
