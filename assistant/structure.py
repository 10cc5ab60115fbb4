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


@dataclass(frozen=True)
class ArticleLaws:
    """Which law each named article is an article of, where the question says so."""

    bound: dict[int, tuple[str, ...]]
    """Articles named with their law ("Article 9 of the ferry law", "Ferry Law Art. 9", "《渡轮法》第九条"): the
    indexed titles (both languages) of that law."""
    asked: tuple[str, ...] = ()
    """Titles of the laws the question names with no article, when every article it names is another law's: "under
    the ferry law's Article 9, what do the harbour rules require?" takes the article as given and asks the rules."""


_ARTICLE_THEN_LAW = re.compile(r"\s*,?\s*(?:of|in)\s+(?:the\s+)?", re.I)
"""What stands between an article and the law it belongs to, named after it: "Article 9 of the ferry law"."""
_LAW_THEN_ARTICLE = re.compile(r"(?:['’]s)?\s*[,:]?\s*的?\s*")
"""What stands between a law and its article, named after it: "the ferry law's Article 9", "《渡轮法》第九条"."""


def _law_spans(question: str, known_titles: list[str]) -> list[tuple[int, int, str]]:
    """Where the question names an indexed law, and which (its LAW_NAMES key, else its title without
    中华人民共和国)."""
    keys = {law_key(t) or t.removeprefix(PRC_PREFIX) for t in known_titles}
    lowered = question.lower()
    spans = [
        (m.start(), m.end(), law_key(m.group(1)) or m.group(1).removeprefix(PRC_PREFIX))
        for m in BOOK_TITLE.finditer(question)
    ]
    for key, names in LAW_NAMES.items():
        for name in (key, *names):
            pattern = re.escape(name) if not name.isascii() else rf"(?<![\w-]){re.escape(name)}(?![\w-])"
            spans += [(m.start(), m.end(), key) for m in re.finditer(pattern, lowered)]
    spans += [(start, end, key) for key, (start, end) in _shortened_english_spans(lowered)]
    for title in known_titles:
        short = title.removeprefix(PRC_PREFIX)
        if len(short) >= 4:
            key = law_key(title) or short
            spans += [(m.start(), m.end(), key) for m in re.finditer(re.escape(short.lower()), lowered)]
    for name, title in _abbreviated(question, known_titles).items():
        key = law_key(title) or title.removeprefix(PRC_PREFIX)
        spans += [(m.start(), m.end(), key) for m in re.finditer(re.escape(name), question)]
    return [span for span in spans if span[2] in keys]


def article_laws(question: str, known_titles: list[str]) -> ArticleLaws:
    """The laws the question's articles belong to, where it names them together (see ArticleLaws)."""
    spans = _law_spans(question, known_titles)
    references = [(m, article_from_numeral(m.group(1))) for m in ZH_ARTICLE_REFERENCE.finditer(question)]
    references += [(m, int(m.group(1))) for m in EN_ARTICLE_REFERENCE.finditer(question)]
    bound: dict[int, str] = {}
    unbound = False
    for match, number in references:
        if not number:
            continue
        owner = next(
            (
                key
                for start, end, key in spans
                if (start >= match.end() and _ARTICLE_THEN_LAW.fullmatch(question, match.end(), start))
                or (end <= match.start() and _LAW_THEN_ARTICLE.fullmatch(question, end, match.start()))
            ),
            "",
        )
        if owner:
            bound.setdefault(number, owner)
        else:
            unbound = True

    def titles(key: str) -> tuple[str, ...]:
        return tuple(t for t in known_titles if (law_key(t) or t.removeprefix(PRC_PREFIX)) == key)

    others = dict.fromkeys(key for _, _, key in spans if key not in bound.values())
    asked = tuple(t for key in others for t in titles(key)) if bound and not unbound else ()
    return ArticleLaws({number: titles(key) for number, key in bound.items()}, asked)


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
