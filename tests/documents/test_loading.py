"""One file to one Document: title, dates and type found in the text and the file name, the Chinese regulations
(assistant/documents/loading.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.documents import load_document


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_document(path, path.name)


# --- Markdown, dates, sidecars -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adoption", "expected"),
    [
        ("2021年11月25日 上海市第十五届人民代表大会常务委员会第三十七次会议通过", "2021-11-25"),
        ("2021年8月5日 国家互联网信息办公室2021年第20次室务会议审议通过", "2021-08-05"),
    ],
)
def test_markdown_title_adoption_date_and_info_comment(tmp_path: Path, adoption: str, expected: str) -> None:
    path = tmp_path / "测试条例.md"
    path.write_text(
        f"# 上海市测试条例\n\n{adoption}\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了测试，制定本条例。\n",
        encoding="utf-8",
    )
    doc = _load(path)
    assert doc.title == "上海市测试条例"
    assert doc.date == expected
    assert "<!--" not in doc.text
    assert "INFO END" not in doc.text
    assert "第一条 为了测试，制定本条例。" in doc.text  # the full-width comma as written
    assert doc.lang == "zh"
    assert doc.doc_type == "regulation"  # the title ends in 条例


def test_date_from_filename(tmp_path: Path) -> None:
    path = tmp_path / "annual-report_2023-04-05.txt"
    path.write_text("Some report text about policy.\n", encoding="utf-8")
    doc = _load(path)
    assert doc.date == "2023-04-05"
    assert doc.title == "annual-report"  # the date suffix is not part of the title


def test_no_date_anywhere_gives_empty_date(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Nothing here is dated.\n", encoding="utf-8")
    assert _load(path).date == ""


# --- the Chinese regulations -------------------------------------------------------------------------------------


def _zh_files(zh_corpus: Path) -> list[Path]:
    files = sorted(p for p in zh_corpus.iterdir() if p.suffix == ".md")
    assert files, f"no .md files in {zh_corpus}"
    return files


def test_zh_corpus_documents(zh_corpus: Path) -> None:
    for path in _zh_files(zh_corpus):
        match = re.fullmatch(r"(.+)_(\d{4}-\d{2}-\d{2})", path.stem)
        assert match, path.name
        law, date = match.groups()
        doc = load_document(path, path.name)
        assert doc.lang == "zh", path.name
        assert doc.doc_type == "regulation", path.name
        assert doc.date == date, path.name
        # National laws carry the 中华人民共和国 prefix in their title; the file name drops it.
        assert doc.title.removeprefix("中华人民共和国").startswith(law), (path.name, doc.title)
        assert "INFO END" not in doc.text
        assert "\r" not in doc.text
        assert "，" in doc.text  # kept as written
