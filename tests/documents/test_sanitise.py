"""The clean-up every format shares: characters normalised, web furniture stripped
(assistant/documents/sanitise.py, through load_document)."""

from __future__ import annotations

from pathlib import Path

from assistant.documents import load_document
from tests.conftest import CORPUS

SAMPLE = CORPUS / "shanghai-ai-policy-clustering.txt"
HEADLINE = "How Shanghai is pairing policy and clustering to scale artificial intelligence"


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_document(path, path.name)


def test_crlf_nbsp_and_zero_width_are_normalised_characters_kept(tmp_path: Path) -> None:
    raw = (
        "First\u00a0line  with\ttabs.   \r\n"
        "The \ufb01le names the ＰＯＬＩＣＹ ① and a zero\u200bwidth space.\r\n"
        "\r\n\r\n\r\n\r\n"
        "Old Mac\rline end."
    )
    path = tmp_path / "messy.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = _load(path)
    assert "\r" not in doc.text
    assert "\u00a0" not in doc.text
    assert "\u200b" not in doc.text
    assert doc.text == (
        # Compatibility characters stay as written (quotes are verbatim); matching folds them (language.fold).
        "First line with tabs.\nThe \ufb01le names the ＰＯＬＩＣＹ ① and a zerowidth space.\n\nOld Mac\nline end."
    )


# --- the bundled sample ------------------------------------------------------------------------------------------


def test_sample_furniture_is_stripped() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    # The capture really has the furniture, so the assertions below are not vacuous.
    assert raw.count(HEADLINE) == 3
    for furniture in ("JieMian Logo", "FOLLOW US", "Photo from Jiemian News", "by FAN Yicheng"):
        assert furniture in raw
    doc = load_document(SAMPLE, SAMPLE.name)
    for furniture in ("JieMian Logo", "FOLLOW US", "Photo from Jiemian News", "by FAN Yicheng", HEADLINE):
        assert furniture not in doc.text
    assert doc.title == HEADLINE
    assert doc.lang == "en"
    assert doc.doc_type == "news"
    # The body survives: the standfirst opens it and the closing paragraph ends it.
    assert doc.text.startswith("A coordinated package of regulation, funding, infrastructure and talent policies")
    assert doc.text.endswith("strengthening Shanghai's appeal as a place to grow.")
    assert "From incentives to coordination" in doc.text
