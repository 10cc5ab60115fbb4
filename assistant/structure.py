"""What a question says about document structure: named articles, named laws, numerals."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万"

_ZH_ARTICLE = re.compile(rf"第\s*([{CN_NUMERAL}\d]+)\s*条")
_EN_ARTICLE = re.compile(r"\bart(?:icle|\.)?\s*(\d+)\b", re.I)
_BOOK_TITLE = re.compile(r"《([^》]+)》")
_EN_ARTICLE_LABEL = re.compile(r"^Article (\d+)$")

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
_PRC_PREFIX = "中华人民共和国"
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


def _article(numeral: str) -> int:
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
    match = _ZH_ARTICLE.search(label)
    return _article(match.group(1)) if match else 0


@dataclass(frozen=True)
class StructureQuery:
    articles: tuple[int, ...]
    titles: tuple[str, ...]
    """Indexed document titles the question names (a law in either language names both)."""
    unknown_laws: tuple[str, ...] = ()
    """Laws the question names that no indexed title is: 《…》 titles, or names from LAW_NAMES."""


def law_key(title: str) -> str:
    """The LAW_NAMES key a document title belongs to ('' when none): '中华人民共和国数据安全法' and
    'Data Security Law of the People's Republic of China' both give '数据安全法'."""
    short = title.removeprefix(_PRC_PREFIX).strip()
    if short in LAW_NAMES:
        return short
    english = _EN_PRC_SUFFIX.sub("", title.strip()).lower()
    return next((key for key, names in LAW_NAMES.items() if english in names), "")


def _named_laws(question: str) -> tuple[list[str], list[str]]:
    """(LAW_NAMES keys, other 《》 titles) the question names."""
    lowered = question.lower()
    keys = [
        key
        for key, names in LAW_NAMES.items()
        if key in question or any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered) for name in names)
    ]
    others = []
    for name in (m.group(1).strip() for m in _BOOK_TITLE.finditer(question)):
        short = name.removeprefix(_PRC_PREFIX)
        if short not in LAW_NAMES:
            others.append(short)
    return keys, others


def mentioned(law: str, text: str) -> bool:
    """Does lower-cased ``text`` cite the law: 《law》 or its full Chinese title, or an English name of it?"""
    if f"《{law}》" in text or f"{_PRC_PREFIX}{law}" in text:
        return True
    return any(
        re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in LAW_NAMES.get(law, ()) if len(name) > 4
    )


def parse_question(question: str, known_titles: list[str]) -> StructureQuery:
    """Named articles (第二十一条, 第21条, Article 21, Art. 21), the known document titles the question names, and
    the laws it names that are not among them."""
    articles = [n for m in _ZH_ARTICLE.finditer(question) if (n := _article(m.group(1)))]
    articles += [int(m.group(1)) for m in _EN_ARTICLE.finditer(question)]
    keys, others = _named_laws(question)
    titles = []
    for title in known_titles:
        short = title.removeprefix(_PRC_PREFIX)
        key = law_key(title)
        if (key and key in keys) or short in others or (len(short) >= 4 and short in question):
            titles.append(title)
    indexed = {law_key(t) for t in titles} | {t.removeprefix(_PRC_PREFIX) for t in titles}
    unknown = [k for k in keys if k not in indexed] + [o for o in others if o not in indexed]
    return StructureQuery(tuple(dict.fromkeys(articles)), tuple(titles), tuple(dict.fromkeys(unknown)))
