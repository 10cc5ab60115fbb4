"""What a question says about document structure: the articles and laws it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import (
    BOOK_TITLE,
    EN_ARTICLE_REFERENCE,
    LAW_NAMES,
    PRC_PREFIX,
    ZH_ARTICLE_REFERENCE,
    article_from_numeral,
    law_key,
)


@dataclass(frozen=True)
class StructureQuery:
    articles: tuple[int, ...]
    titles: tuple[str, ...]
    """Indexed document titles the question names (a law in either language names both)."""
    unknown_laws: tuple[str, ...] = ()
    """Laws the question names that no indexed title is: 《…》 titles, or names from LAW_NAMES."""


def _named_laws(question: str) -> tuple[list[str], list[str]]:
    """(LAW_NAMES keys, other 《》 titles) the question names."""
    lowered = question.lower()
    keys = [
        key
        for key, names in LAW_NAMES.items()
        if key in question or any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered) for name in names)
    ]
    others = []
    for name in (m.group(1).strip() for m in BOOK_TITLE.finditer(question)):
        short = name.removeprefix(PRC_PREFIX)
        if short not in LAW_NAMES:
            others.append(short)
    return keys, others


def mentioned(law: str, text: str) -> bool:
    """Does lower-cased ``text`` cite the law: 《law》 or its full Chinese title, or an English name of it?"""
    if f"《{law}》" in text or f"{PRC_PREFIX}{law}" in text:
        return True
    return any(
        re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in LAW_NAMES.get(law, ()) if len(name) > 4
    )


def parse_question(question: str, known_titles: list[str]) -> StructureQuery:
    """Named articles (第二十一条, 第21条, Article 21, Art. 21), the known document titles the question names, and
    the laws it names that are not among them."""
    articles = [n for m in ZH_ARTICLE_REFERENCE.finditer(question) if (n := article_from_numeral(m.group(1)))]
    articles += [int(m.group(1)) for m in EN_ARTICLE_REFERENCE.finditer(question)]
    keys, others = _named_laws(question)
    titles = []
    for title in known_titles:
        short = title.removeprefix(PRC_PREFIX)
        key = law_key(title)
        if (key and key in keys) or short in others or (len(short) >= 4 and short in question):
            titles.append(title)
    indexed = {law_key(t) for t in titles} | {t.removeprefix(PRC_PREFIX) for t in titles}
    unknown = [k for k in keys if k not in indexed] + [o for o in others if o not in indexed]
    return StructureQuery(tuple(dict.fromkeys(articles)), tuple(titles), tuple(dict.fromkeys(unknown)))
