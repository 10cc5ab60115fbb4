"""Each format read into text: encodings, HTML, .docx (bounded), PDF, and files no reader can use
(assistant/documents/readers.py, through load_document)."""

from __future__ import annotations

import random
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest

from assistant.documents import DocumentError, load_document
from tests.hostile import DOCX_TEXT, docx_empty_paragraphs, docx_too_many_paragraphs, docx_zero_image

ZH_TEXT = (
    "第一条 为了规范数据处理活动，保障数据安全，促进数据开发利用，制定本法。\n"
    "第二条 在中华人民共和国境内开展数据处理活动及其安全监管，适用本法。\n"
    "第三条 本法所称数据，是指任何以电子或者其他方式对信息的记录。\n"
)
# Paragraph-length Western European text whose only non-ASCII letters exist in Latin-1.
LATIN1_TEXT = (
    "Die Straße in München führt zum Büro von Jürgen Müller. Größere Äpfel wachsen überall im Süden.\n"
    "Les élèves de l'école ont visité la cathédrale de Québec. Ça coûte très cher à Noël, où l'on mange des crêpes.\n"
)


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_document(path, path.name)


# --- encodings ---------------------------------------------------------------------------------------------------


def test_utf8_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_bytes("Policy text: café, 数据安全.\n".encode())
    doc = _load(path)
    assert doc.text == "Policy text: café, 数据安全."
    assert doc.source == str(path)
    assert doc.doc_id == "plain.txt"


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Hello BOM world. 你好。".encode())
    doc = _load(path)
    assert doc.text == "Hello BOM world. 你好。"
    assert "\ufeff" not in doc.text


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_family_chinese_is_detected(tmp_path: Path, encoding: str) -> None:
    text = ZH_TEXT
    if encoding == "gb18030":
        # 𠮷 (U+20BB7) exists in GB18030 (four bytes) but not in GBK.
        text += "第四条 吉野家的“𠮷”字只能用GB18030编码。\n"
        with pytest.raises(UnicodeEncodeError):
            text.encode("gbk")
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / f"law-{encoding}.txt"
    path.write_bytes(data)
    doc = _load(path)
    assert doc.text == text.strip()  # as written: full-width punctuation and all
    assert doc.lang == "zh"
    assert doc.doc_type == "regulation"  # three or more 第X条 lines


@pytest.mark.parametrize(
    "text",
    [
        LATIN1_TEXT,
        # Every accented letter is followed by an ASCII letter, so the bytes are also valid GB18030.
        "Die Straße in München für Müller.\n",
    ],
    ids=["paragraph", "valid-gb18030-bytes"],
)
def test_latin1_text_is_detected(tmp_path: Path, text: str) -> None:
    data = text.encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    doc = _load(path)
    assert doc.text == text.strip()
    assert doc.lang == "en"


# --- other formats -----------------------------------------------------------------------------------------------


def test_html_drops_script_and_style_keeps_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Compute vouchers</title><style>body { color: red }</style>"
        "<script>var tracking = 'secret';</script></head><body><nav>Menu stuff</nav>"
        "<h1>Vouchers announced</h1><p>First paragraph here.</p><p>Second <b>bold</b> paragraph.</p>"
        "<footer>Copyright footer</footer></body></html>",
        encoding="utf-8",
    )
    doc = _load(path)
    for dropped in ("tracking", "secret", "color", "Menu stuff", "Copyright footer"):
        assert dropped not in doc.text
    assert "First paragraph here.\n\nSecond bold paragraph." in doc.text
    assert doc.title == "Compute vouchers"


HTML_PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
# Each saved page's article, paragraph by paragraph (a table row is one line), in order: all of it must be read.
HTML_ARTICLES = {
    "news-unclosed-p.html": [  # <p> never closed, an ad <div> between two of them
        "The harbour district announced three transport grants for commuters on Monday.",
        "The ferry grant pays 12 yuan per crossing to residents who commute to the islands.",
        "The harbour grant covers half of a monthly pass, up to 150 yuan.",
        "The bridge grant is 40 yuan a month for cyclists crossing the Yangpu bridge.",
        "Applications open on 1 April through the district's service portal.",
    ],
    "notice-lists.html": [  # <li>, <dt> and <dd> never closed, a list inside a list item
        "The municipal economy commission issues computing power vouchers to small and medium firms.",
        "Firms registered in the city for at least one year;",
        "Firms with fewer than 300 employees;",
        "Firms whose AI projects are listed in one of these fields:",
        "industrial inspection",
        "medical imaging",
        "language models for public services",
        "Firms with no unpaid taxes.",
        "Voucher value",
        "Each voucher covers 30% of computing costs, up to 500,000 yuan a year.",
        "Validity",
        "Vouchers are valid for 12 months from the date of issue.",
        "Questions: call 12345 on working days.",
    ],
    "subsidy-table.html": [  # <td>, <th> and <tr> never closed
        "The table below lists the grants the transport bureau pays from 1 April 2025.",
        "Grant rates by mode of transport",
        "Grant | Amount | Who qualifies",
        "Ferry | 12 yuan per crossing | island residents",
        "Harbour pass | half a monthly pass, up to 150 yuan | dock workers",
        "Bridge | 40 yuan a month | registered cyclists",
        "Rates are reviewed every year in March.",
    ],
    "layout-divs.html": [  # text straight in nested layout <div>s and <span>s, no <p> at all
        "The Lingang pilot zone admitted its first 40 AI firms this week.",
        "Each firm receives a rent subsidy of 60% for three years.",
        "The zone's data exchange opens to them in June, free of listing fees until 2026.",
        "Firms must report their computing use every quarter.",
    ],
    "gov-navigation.html": [  # GB2312 page: a menu in <div>s, a layout <table>, articles split by <br>
        "第一条　为了降低企业使用算力的成本，推动人工智能产业发展，制定本办法。",
        "第二条　算力券由市经济信息化委发放，每张面值一万元。",
        "第三条　企业使用算力券购买算力服务的，可以抵扣服务费用的百分之三十。",
        "第四条　同一企业每年获得的算力券不超过五十万元。",
        "第五条　本办法自2024年6月1日起施行。",
    ],
}


@pytest.mark.parametrize("page", sorted(HTML_ARTICLES))
def test_saved_html_page_loses_nothing_of_the_article(tmp_path: Path, page: str) -> None:
    path = tmp_path / page
    shutil.copyfile(HTML_PAGES / page, path)
    doc = _load(path)
    # Compared after NFKC on both sides, whether or not normalise() applies it.
    lines = [unicodedata.normalize("NFKC", line) for line in doc.text.split("\n")]
    expected = [unicodedata.normalize("NFKC", " ".join(p.split())) for p in HTML_ARTICLES[page]]
    missing = [p for p in expected if p not in lines]
    assert not missing, (missing, doc.text)
    assert [lines.index(p) for p in expected] == sorted(lines.index(p) for p in expected)  # in reading order
    for furniture in ("gtag(", "loadAd(", "display: flex", "Contact us", "Home", "jquery"):
        assert furniture not in doc.text


def test_html_headings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    shutil.copyfile(HTML_PAGES / "news-unclosed-p.html", path)
    doc = _load(path)
    assert doc.title == "Harbour district sets crossing grants | Coastal Daily"
    assert "# Harbour district sets crossing grants" in doc.text.split("\n")
    gov = tmp_path / "gov.html"
    shutil.copyfile(HTML_PAGES / "gov-navigation.html", gov)
    doc = _load(gov)
    assert (doc.lang, doc.doc_type, doc.title) == ("zh", "regulation", "滨海市算力券管理办法")


def test_deeply_nested_html_is_read_once(tmp_path: Path) -> None:
    """5,000 nested <blockquote> (each level's text read once): no recursion error, no text repeated."""
    path = tmp_path / "thread.html"
    path.write_text(
        "<html><body>" + "".join(f"<blockquote>Reply {n} on the ferry grant." for n in range(5000)) + "</body></html>",
        encoding="utf-8",
    )
    doc = _load(path)
    assert doc.text.split("\n\n") == [f"Reply {n} on the ferry grant." for n in range(5000)]


def test_docx_paragraphs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("A paragraph written in Word.")
    document.add_paragraph("Another paragraph, with 1,000 companies.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    doc = _load(path)
    assert doc.text == "A paragraph written in Word.\n\nAnother paragraph, with 1,000 companies."
    assert doc.lang == "en"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: docx_empty_paragraphs(folder, "bomb.docx", 4_600_000), "a zip bomb or padding"),
        (lambda folder: docx_empty_paragraphs(folder, "bomb.docx", 17_000_000), "over 32 MB"),
        (docx_too_many_paragraphs, "more than 100,000 paragraphs"),
    ],
    ids=["74 KB of empty paragraphs", "189 KB of empty paragraphs", "150,000 paragraphs"],
)
def test_docx_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    (path,) = make(tmp_path)
    with pytest.raises(DocumentError) as info:
        _load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and reason in message, message
    assert "\n" not in message


def test_docx_media_is_never_unpacked(tmp_path: Path) -> None:
    """A picture part of 256 MB of zeros: the text is read, the picture is not (tests/test_reliability.py has 3 GB)."""
    (path,) = docx_zero_image(tmp_path, image_bytes=256 * 2**20)
    with zipfile.ZipFile(path) as archive:
        assert max(p.file_size for p in archive.infolist()) == 256 * 2**20
    assert _load(path).text == DOCX_TEXT


def _minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a Helvetica text layer, with a correct xref table."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        ops += [f"({line}) Tj", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_text_layer_hand_written(tmp_path: Path) -> None:
    path = tmp_path / "handmade.pdf"
    path.write_bytes(_minimal_pdf(["Shanghai issued computing vouchers.", "Subsidies offset 30% of costs."]))
    doc = _load(path)
    assert "Shanghai issued computing vouchers." in doc.text
    assert "Subsidies offset 30% of costs." in doc.text


def test_pdf_text_layer_reportlab(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "report.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Shanghai issued computing vouchers in 2025.")
    pdf.showPage()
    pdf.drawString(72, 720, "Page two mentions the Model Power Community.")
    pdf.save()
    doc = _load(path)
    assert "Shanghai issued computing vouchers in 2025." in doc.text
    assert "Page two mentions the Model Power Community." in doc.text
    assert doc.text.index("vouchers") < doc.text.index("Page two")


# --- unusable files ----------------------------------------------------------------------------------------------


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    return path


def _whitespace_only_md(tmp_path: Path) -> Path:
    path = tmp_path / "blank.md"
    path.write_text("\n\n   \n<!-- only a comment -->\n", encoding="utf-8")
    return path


def _unsupported(tmp_path: Path) -> Path:
    path = tmp_path / "slides.pptx"
    path.write_text("not really slides", encoding="utf-8")
    return path


def _binary_txt(tmp_path: Path) -> Path:
    path = tmp_path / "random.txt"
    path.write_bytes(random.Random(1234).randbytes(4096))
    return path


def _junk_zip_docx(tmp_path: Path) -> Path:
    path = tmp_path / "junk.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("junk.bin", b"not a word document " * 20)
    return path


def _junk_content_types_docx(tmp_path: Path) -> Path:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"junk, not XML")
    return path


def _not_a_zip_docx(tmp_path: Path) -> Path:
    path = tmp_path / "renamed.docx"
    path.write_bytes(random.Random(99).randbytes(600))
    return path


def _text_only_pdf_header(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(b"%PDF-1.4\nnothing else\n")
    return path


@pytest.mark.parametrize(
    "make",
    [
        _empty,
        _whitespace_only_md,
        _unsupported,
        _binary_txt,
        _junk_zip_docx,
        _junk_content_types_docx,
        _not_a_zip_docx,
        _text_only_pdf_header,
    ],
)
def test_unusable_file_raises_one_line_document_error(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(DocumentError) as info:
        _load(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
