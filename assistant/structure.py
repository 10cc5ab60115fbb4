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

# English names users type for the PRC laws our users follow; the corpus titles are Chinese.
ENGLISH_TITLES = {
    "data security law": "数据安全法",
    "personal information protection law": "个人信息保护法",
    "pipl": "个人信息保护法",
    "dsl": "数据安全法",
    "network data security management regulations": "网络数据安全管理条例",
    "network data security regulations": "网络数据安全管理条例",
    "algorithmic recommendation": "互联网信息服务算法推荐管理规定",
    "algorithm recommendation": "互联网信息服务算法推荐管理规定",
    "shanghai data regulations": "上海市数据条例",
    "shanghai data regulation": "上海市数据条例",
    "law on progress of science and technology": "科学技术进步法",
    "science and technology progress law": "科学技术进步法",
    "cybersecurity law": "网络安全法",
}


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


def article_number(label: str) -> int:
    """The number of an article label such as '第五十五条' (0 when it is not one)."""
    match = _ZH_ARTICLE.search(label)
    return _article(match.group(1)) if match else 0


@dataclass(frozen=True)
class StructureQuery:
    articles: tuple[int, ...]
    titles: tuple[str, ...]


def _strip_prefix(title: str) -> str:
    return title.removeprefix("中华人民共和国")


def parse_question(question: str, known_titles: list[str]) -> StructureQuery:
    """Named articles (第二十一条, 第21条, Article 21) and which known document titles the question names."""
    articles = [n for m in _ZH_ARTICLE.finditer(question) if (n := _article(m.group(1)))]
    articles += [int(m.group(1)) for m in _EN_ARTICLE.finditer(question)]
    named = [m.group(1) for m in _BOOK_TITLE.finditer(question)]
    lowered = question.lower()
    named += [zh for en, zh in ENGLISH_TITLES.items() if re.search(rf"\b{re.escape(en)}\b", lowered)]
    titles = []
    for title in known_titles:
        short = _strip_prefix(title)
        if any(_strip_prefix(name) in (title, short) or short == _strip_prefix(name) for name in named) or (
            len(short) >= 4 and short in question
        ):
            titles.append(title)
    return StructureQuery(tuple(dict.fromkeys(articles)), tuple(titles))
