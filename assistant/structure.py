"""What a question says about document structure: the articles and laws it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import (
    BOOK_TITLE,
    CJK_RANGES,
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
    keys += [key for key in _shortened_english(lowered) if key not in keys]
    others = []
    for name in (m.group(1).strip() for m in BOOK_TITLE.finditer(question)):
        short = name.removeprefix(PRC_PREFIX)
        if short not in LAW_NAMES:
            others.append(short)
    return keys, others


_EN_LAW_KINDS = frozenset({"regulations", "regulation", "provisions", "measures"})
_EN_LAW_KIND_WORDS = _EN_LAW_KINDS | {"regs", "rules"}
"""How users end a regulation's name: its own word, or "regs", "rules" for any of them."""


def _shortened_english(lowered: str) -> list[str]:
    """LAW_NAMES keys the question names by an English name shortened as users shorten them: words left out
    after the first two and before the last ("the network data regulations" for the Network Data Security
    Management Regulations), the last said as "regs" or "rules"; at least three words, and one law only ("network
    security regulations" keeps too little to say which law it is)."""
    return sorted({key for key, _ in _shortened_english_spans(lowered)})


def _shortened_english_spans(lowered: str) -> list[tuple[str, tuple[int, int]]]:
    """Each shortened English name in ``lowered`` (see _shortened_english): its key and where it stands."""
    words = list(re.finditer(r"[a-z][a-z-]*", lowered))
    found = []
    for start, word in enumerate(words):
        matches: dict[str, int] = {}
        for key, names in LAW_NAMES.items():
            for name in names:
                parts = name.split()
                if len(parts) < 3 or parts[0] != word.group():
                    continue
                for end in range(start + 2, min(start + len(parts), len(words))):
                    run, last = [w.group() for w in words[start:end]], words[end].group()
                    ends = last == parts[-1] or (last in _EN_LAW_KIND_WORDS and parts[-1] in _EN_LAW_KINDS)
                    if ends and _in_order(run, parts[:-1]):
                        matches[key] = max(matches.get(key, 0), words[end].end())
        if len(matches) == 1:
            ((key, stop),) = matches.items()
            found.append((key, (word.start(), stop)))
    return found


def _in_order(words: list[str], parts: list[str]) -> bool:
    """Whether ``words`` are some of ``parts``, in their order, starting with the first two."""
    remaining = iter(parts)
    return words[:2] == parts[:2] and all(any(w == p for p in remaining) for w in words)


_ZH_LAW_NAME = re.compile(rf"(?:[{CJK_RANGES}]|AI){{2,30}}?(?:法|条例|规定|办法)")
"""A run of Chinese ending in what a law's name ends in: a candidate for a short name of an indexed title. "AI"
stands in such names for 人工智能, as users write them (生成式AI办法)."""


def abbreviates(name: str, title: str) -> bool:
    """Whether ``name`` is a short form of the Chinese ``title`` (its 中华人民共和国 dropped), the ways Chinese law
    names are shortened: keeping the title's end (算法推荐管理规定 for 互联网信息服务算法推荐管理规定); keeping some
    of its characters in order, from its first to its last (个保法 for 个人信息保护法, 科技进步法 for 科学技术进步法);
    or both, a qualifier in front dropped and characters after it (算法推荐规定), when the short form starts with
    two of the title's characters as they stand."""
    name = name.replace("AI", "人工智能")
    short = title.removeprefix(PRC_PREFIX)
    if len(name) < 3 or name == short or _kind(name) != _kind(short):
        return False
    if len(name) >= 4 and short.endswith(name):
        return True
    start = 0 if name[0] == short[0] else short.find(name[:2]) if len(name) >= 4 else -1
    if start < 0:
        return False
    rest = iter(short[start:])
    return all(ch in rest for ch in name)


def _kind(name: str) -> str:
    """What kind of law a name says it is (办法, not 法, for …暂行办法): 《人工智能法》 is no short form of a 办法."""
    return next((kind for kind in ("办法", "条例", "规定", "法") if name.endswith(kind)), name[-1:])


def _abbreviated(question: str, known_titles: list[str]) -> dict[str, str]:
    """Short names in the question ({name: title}) that shorten exactly one indexed title; a title's own end
    (数据条例 of 上海市数据条例) names it before a title that merely holds the same characters
    (网络数据安全管理条例)."""
    found: dict[str, str] = {}
    # Every run ending where a law's name may end: "算法规定" holds 法 inside (算法), where a shortest run would stop.
    ends: set[int] = set()
    for match in re.finditer(f"(?=({_ZH_LAW_NAME.pattern}))", question):
        run = match.group(1)
        if match.end(1) in ends:
            continue  # a later start of a name already found ("推荐规定" of "算法推荐规定")
        for start in range(len(run) - 2):
            name = run[start:]
            matches = [t for t in known_titles if abbreviates(name, t)]
            if len(matches) > 1:
                matches = [t for t in matches if t.endswith(name)]
            if len(matches) == 1:
                found[name] = matches[0]
                ends.add(match.end(1))
                break
    return found


def without_laws(text: str, known_titles: list[str]) -> str:
    """``text`` with the laws it names taken out (《…》 titles, indexed titles and their short forms, LAW_NAMES
    names): what a follow-up naming a law of its own keeps of the question before it."""
    names = [m.group(0) for m in BOOK_TITLE.finditer(text)] + list(_abbreviated(text, known_titles))
    names += [t for t in known_titles if t in text] + [t.removeprefix(PRC_PREFIX) for t in known_titles]
    names += [name for key, spelled in LAW_NAMES.items() for name in (key, *spelled)]
    for name in sorted(set(names), key=len, reverse=True):
        text = re.sub(
            rf"(?<![\w-]){re.escape(name)}(?![\w-])" if name.isascii() else re.escape(name), " ", text, flags=re.I
        )
    cut = len(text)
    for _, (start, end) in reversed(_shortened_english_spans(text.lower())):
        if end <= cut:  # of two names run together, the later is taken out
            text, cut = f"{text[:start]} {text[end:]}", start
    return " ".join(text.split())


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
    short_names = _abbreviated(question, known_titles)
    titles = []
    for title in known_titles:
        short = title.removeprefix(PRC_PREFIX)
        key = law_key(title)
        if (
            (key and key in keys)
            or short in others
            or (len(short) >= 4 and short in question)
            or title in short_names.values()
        ):
            titles.append(title)
    indexed = {law_key(t) for t in titles} | {t.removeprefix(PRC_PREFIX) for t in titles} | set(short_names)
    unknown = [k for k in keys if k not in indexed] + [o for o in others if o not in indexed]
    return StructureQuery(tuple(dict.fromkeys(articles)), tuple(titles), tuple(dict.fromkeys(unknown)))
