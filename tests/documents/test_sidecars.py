"""Sidecar files: the facts they give, and the ones they are refused for (assistant/documents/sidecars.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.documents import DocumentError, load_document


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_document(path, path.name)


@pytest.mark.parametrize("sidecar_name", ["memo_2020-01-01.txt.meta.json", "memo_2020-01-01.meta.json"])
def test_sidecar_gives_date_url_title(tmp_path: Path, sidecar_name: str) -> None:
    path = tmp_path / "memo_2020-01-01.txt"
    path.write_text("Body of a memo that has a sidecar.\n", encoding="utf-8")
    meta = {"date": "2019-05-06", "url": "https://example.org/memo", "title": "Memo on compute vouchers"}
    (tmp_path / sidecar_name).write_text(json.dumps(meta), encoding="utf-8")
    doc = _load(path)
    assert doc.date == "2019-05-06"  # the sidecar wins over the filename date
    assert doc.url == "https://example.org/memo"
    assert doc.title == "Memo on compute vouchers"


def test_sidecar_publisher_and_author_reach_the_stored_chunks(tmp_path: Path) -> None:
    from assistant.store import chunk_metadata
    from assistant.types import Chunk

    path = tmp_path / "feature.txt"
    path.write_text("Shanghai hands out compute vouchers.\n", encoding="utf-8")
    meta = {"publisher": "Jiemian News", "author": "FAN Yicheng"}
    (tmp_path / "feature.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    doc = _load(path)
    assert (doc.publisher, doc.author) == ("Jiemian News", "FAN Yicheng")
    chunk = Chunk("feature.txt#0", doc.doc_id, doc.text, 0, len(doc.text), "", doc.text)
    stored = chunk_metadata(doc, chunk, 0, 1)
    assert (stored["publisher"], stored["author"]) == ("Jiemian News", "FAN Yicheng")


def test_sidecar_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("Body.\n", encoding="utf-8")
    sidecar = tmp_path / "memo.txt.meta.json"
    sidecar.write_text(json.dumps({"date": "2019-05-06", "colour": "red"}), encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        _load(path)
    message = str(info.value)
    assert str(sidecar) in message
    assert "colour" in message
    assert "\n" not in message


@pytest.mark.parametrize("date", ["2021/09/01", "2021-9-1", "9999-99-99", "2021-02-30", "20210901", "yesterday"])
def test_sidecar_date_must_be_a_real_yyyy_mm_dd_date(tmp_path: Path, date: str) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("Body.\n", encoding="utf-8")
    sidecar = tmp_path / "memo.txt.meta.json"
    sidecar.write_text(json.dumps({"date": date}), encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        _load(path)
    assert str(info.value) == (
        f"{sidecar}: date '{date}' is not a calendar date written YYYY-MM-DD (such as 2021-09-01); fix the sidecar"
    )


def test_sidecar_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    """A bad sidecar costs no parsing: the reader is never called (here it would fail on the junk .docx)."""
    path = tmp_path / "junk.docx"
    path.write_bytes(b"not a zip at all")
    (tmp_path / "junk.docx.meta.json").write_text(json.dumps({"date": "2021/09/01"}), encoding="utf-8")
    with pytest.raises(DocumentError, match="is not a calendar date"):
        _load(path)
