"""What the pipeline knows about the languages it reads, in one place: scripts, width folding, clause marks."""

from __future__ import annotations

import re
import unicodedata

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_RANGES}]")


def fold(text: str) -> str:
    """The form text is compared in: NFKC (full-width forms to ASCII, compatibility characters to their base) and
    case-folded. Stored text is never folded: quotes and offsets read as the source does (see documents.normalise).
    """
    return unicodedata.normalize("NFKC", text).casefold()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the offset in ``text`` of the character it came from
    (NFKC may turn one character into several: 'ﬁ' -> 'fi', '㈠' -> '(一)')."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        offsets.extend([i] * len(folded))
    return "".join(out), offsets


ZH_NUMERAL = "零〇一二两三四五六七八九十百千万"
ARTICLE = re.compile(rf"^第[{ZH_NUMERAL}\d]+条|^Article (\d+)\b")
"""A line that starts an article: '第二十一条 …' or 'Article 21 …'."""
DIVISION = re.compile(rf"^第[{ZH_NUMERAL}\d]+([编章节])|^(Part|Chapter|Section) (?:[IVXLC]+|\d+)\b")
"""A division of a law above its articles: 编/章/节, Part/Chapter/Section."""
_DIVISION_LEVEL = {"编": 1, "Part": 1, "章": 2, "Chapter": 2, "节": 3, "Section": 3}
_MAX_DIVISION_LINE = 160
"""A plain line naming a division ("第二章 技术发展与治理", "Chapter V Obligations of …") is a heading when this short
and without a sentence's final mark; otherwise it is a sentence that starts with those words."""


def division_heading(line: str) -> tuple[int, str] | None:
    """(level, label) of a plain-text division heading: '第二章 …' -> (2, '第二章'), 'Chapter V …' -> (2, 'Chapter V').
    """
    match = DIVISION.match(line)
    if match is None or len(line) > _MAX_DIVISION_LINE or re.search(r"[.。;；:：]$", line):
        return None
    return _DIVISION_LEVEL[match.group(1) or match.group(2)], match.group(0)


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None
