"""What the pipeline knows about the languages it reads, in one place: scripts, width folding, clause marks."""

from __future__ import annotations

import re
import unicodedata

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_RANGES}]")
CJK_TEXT = re.compile(f"[{CJK_RANGES}\u3000-\u303f\uff00-\uffef]")
"""A CJK character or CJK punctuation (full-width forms included): what a Chinese sentence is written in."""


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
    """(level, label) of a plain-text division heading: '第二章 …' -> (2, '第二章'),
    'Chapter V …' -> (2, 'Chapter V')."""
    match = DIVISION.match(line)
    if match is None or len(line) > _MAX_DIVISION_LINE or re.search(r"[.。;；:：]$", line):
        return None
    return _DIVISION_LEVEL[match.group(1) or match.group(2)], match.group(0)


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}

ZH_ARTICLE_REFERENCE = re.compile(rf"第\s*([{ZH_NUMERAL}\d]+)\s*条")
"""An article named anywhere in a text: 第二十一条, 第21条."""
EN_ARTICLE_REFERENCE = re.compile(r"\bart(?:icle|\.)?\s*(\d+)\b", re.I)
"""Article 21, Art. 21, art 21."""
ZH_PARAGRAPH_REFERENCE = re.compile(rf"第\s*([{ZH_NUMERAL}\d]+)\s*款")
"""A paragraph (款) of an article named by its number: 第四款, 第2款."""
EN_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
EN_PARAGRAPH_REFERENCE = re.compile(
    rf"\b(?:paragraph|para\.?)\s*(\d+)\b|\b({'|'.join(EN_ORDINALS)}) paragraph\b"
    r"|\bparagraphs ((?:\d+(?:,\s*|\s+and\s+))+\d+)\b",
    re.I,
)
"""Paragraph 2, para. 2, the second paragraph, paragraphs 1 and 2."""
BOOK_TITLE = re.compile(r"《([^》]+)》")
"""A title in Chinese book-title marks: 《数据安全法》."""
_EN_ARTICLE_LABEL = re.compile(r"^Article (\d+)$")


CITATION_MARKER = re.compile(r"\s*\[(\d+)\]")
"""A citation marker in generated text: [1]."""

# What users call the PRC laws and regulations our users follow: the Chinese short title (the key), then English
# names and abbreviations. Titles of indexed documents are matched through it, in either language, and a law named
# here that no indexed document is is refused by name rather than answered from something else.
LAW_NAMES: dict[str, tuple[str, ...]] = {
    "数据安全法": ("data security law", "dsl"),
    "个人信息保护法": ("personal information protection law", "pipl"),
    "网络数据安全管理条例": (
        "network data security management regulations",
        "regulations on network data security management",
        "network data security regulations",
        "ndsr",
    ),
    "网络安全法": ("cybersecurity law", "cyber security law", "csl"),
    "互联网信息服务算法推荐管理规定": (
        "provisions on the management of algorithmic recommendations in internet information services",
        "algorithmic recommendation provisions",
        "algorithm recommendation provisions",
        "algorithmic recommendation",
        "algorithm recommendation",
    ),
    "生成式人工智能服务管理暂行办法": (
        "interim measures for the management of generative artificial intelligence services",
        "generative ai measures",
        "generative ai interim measures",
    ),
    "上海市数据条例": ("shanghai data regulations", "shanghai data regulation"),
    "科学技术进步法": ("law on progress of science and technology", "science and technology progress law"),
    "反垄断法": ("anti-monopoly law", "antimonopoly law", "aml"),
    "电子商务法": ("e-commerce law", "electronic commerce law"),
    "民法典": ("civil code",),
}
PRC_PREFIX = "中华人民共和国"
_EN_PRC_SUFFIX = re.compile(r"\s+of the people['’]s republic of china$", re.I)


def chinese_to_int(text: str) -> int:
    """'二十一' -> 21, '一百零三' -> 103, '21' -> 21."""
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + digit


def named_paragraphs(text: str) -> tuple[int, ...]:
    """The paragraphs of an article that ``text`` names by number (第四款, paragraph 2, the second paragraph,
    paragraphs 1 and 2), in order, each once."""
    numbers = [article_from_numeral(m.group(1)) for m in ZH_PARAGRAPH_REFERENCE.finditer(text)]
    for match in EN_PARAGRAPH_REFERENCE.finditer(text):
        digits, ordinal, several = match.groups()
        if ordinal:
            numbers.append(EN_ORDINALS.index(ordinal.lower()) + 1)
        else:
            numbers += [int(n) for n in re.findall(r"\d+", digits or several)]
    return tuple(dict.fromkeys(n for n in numbers if n > 0))


def article_from_numeral(numeral: str) -> int:
    """An article's number; 0 for numerals that mix digits and Chinese (第1十条, 第一1条), which name none."""
    try:
        return chinese_to_int(numeral)
    except ValueError:
        return 0


def int_to_chinese(number: int) -> str:
    """55 -> '五十五', 103 -> '一百零三': how laws write an article number (below 10,000)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, number = divmod(number, value)
        if digit:
            out += ("" if value == 10 and not out and digit == 1 else digits[digit]) + unit
        elif out and number and not out.endswith("零"):
            out += "零"
    return out + (digits[number] if number else "")


def article_number(label: str) -> int:
    """The number of an article label such as '第五十五条' or 'Article 55' (0 when it is not one)."""
    if match := _EN_ARTICLE_LABEL.match(label):
        return int(match.group(1))
    match = ZH_ARTICLE_REFERENCE.search(label)
    return article_from_numeral(match.group(1)) if match else 0


_EN_CITED = re.compile(
    r"\bArticles?\s+(\d+)\b((?:\s*(?:,|and|or|to|through)\s*(?:Articles?\s+)?\d+\b)*+)(?!\s+of\s+the\s+[A-Z])"
)
_ZH_CITED_RANGE = re.compile(rf"第([{ZH_NUMERAL}\d]+)条(?:第[{ZH_NUMERAL}\d]+款)?(?:至|到)第([{ZH_NUMERAL}\d]+)条")


def cited_articles(text: str) -> set[int]:
    """The articles of the same document that a provision cites: "violates Article 12, Articles 16 to 20 or
    paragraph 2 of Article 40 of these Regulations", "违反本条例第十六条至第二十条、第四十条第二款规定的". A citation
    of another law's article (《个人信息保护法》第五十三条, "Article 53 of the Personal Information Protection
    Law") is not one of them."""
    cited: set[int] = set()
    for match in _EN_CITED.finditer(text):
        numbers = [int(match.group(1))]
        tail = match.group(2) or ""
        for joint, number in re.findall(r"(,|and|or|to|through)\s*(?:Articles?\s+)?(\d+)", tail):
            if joint in ("to", "through") and int(number) >= numbers[-1]:
                numbers.extend(range(numbers[-1] + 1, int(number) + 1))
            else:
                numbers.append(int(number))
        cited.update(numbers)
    for match in _ZH_CITED_RANGE.finditer(text):
        first, last = article_from_numeral(match.group(1)), article_from_numeral(match.group(2))
        cited.update(range(first, last + 1) if 0 < first <= last else ())
    for match in ZH_ARTICLE_REFERENCE.finditer(text):
        if not text[: match.start()].rstrip().endswith("》"):
            cited.add(article_from_numeral(match.group(1)))
    cited.discard(0)
    return cited


def law_key(title: str) -> str:
    """The LAW_NAMES key a document title belongs to ('' when none): '中华人民共和国数据安全法' and
    'Data Security Law of the People's Republic of China' both give '数据安全法'."""
    short = title.removeprefix(PRC_PREFIX).strip()
    if short in LAW_NAMES:
        return short
    english = _EN_PRC_SUFFIX.sub("", title.strip()).lower()
    return next((key for key, names in LAW_NAMES.items() if english in names), "")


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None
