"""Language-aware tokenisation, the same for documents and queries: jieba for Chinese, stemmed and stop-worded
English, numbers kept whole."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from ..language import CJK, CJK_RANGES, ZH_NUMERAL, chinese_to_int, fold

_TOKEN = re.compile(rf"[{CJK_RANGES}]+|[a-z]+|\d+(?:[.,]\d+)*%?")
EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "must",
        "shall",
        "there",
        "their",
        "they",
        "these",
        "those",
        "than",
        "about",
        "into",
        "over",
        "under",
        "any",
        "all",
        "also",
        "been",
        "being",
        "not",
        "no",
        "but",
        "if",
        "so",
        "such",
        "our",
        "we",
        "you",
        "your",
        "i",
        "each",
        "every",
        "either",
        "neither",
        "both",
        "some",
        "other",
        "another",
        "own",
        "same",
        "several",
        # The rest of English's personal pronouns: they stand for something named elsewhere, never for what a
        # passage is about ("is there a deadline to apply for them?")
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "them",
        "theirs",
        "me",
        "my",
        "us",
        "ours",
        "yours",
        "myself",
        "ourselves",
        "yourself",
        "yourselves",
        "himself",
        "herself",
        "itself",
        "themselves",
    ]
)
ZH_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "等",
        "为",
        "由",
        "其",
        "之",
        "并",
        "而",
        "被",
        "把",
        "以",
        "于",
        "中",
        "上",
        "下",
        "哪些",
        "什么",
        "如何",
        "怎么",
        "吗",
        "呢",
        "有",
        "应当",
        "规定",
        # personal and reflexive pronouns: statutes never say 我们 or 自己, so in a question they would weigh most
        "我",
        "我们",
        "咱",
        "咱们",
        "俺",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "它们",
        "自己",
        "大家",
        # demonstratives, as "this" and "those" are in English
        "这个",
        "那个",
        "这些",
        "那些",
    ]
)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """The same tokens for documents and queries: jieba search-mode words for CJK, stems for English."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        piece = match.group()
        if CJK.match(piece):
            piece = _WHICH_ONE.sub("哪", piece)
            tokens.extend(w for w in _jieba().cut_for_search(piece) if w not in ZH_STOP and w.strip())
            # "不满14岁" asks what "不满十四周岁" says: a Chinese numeral also counts as its digits.
            tokens.extend(str(chinese_to_int(n)) for n in _ZH_NUMBER.findall(piece) if len(n) > 1 or n == "十")
        elif piece[0].isalpha():
            if piece not in EN_STOP:
                tokens.append(_stemmer().stemWord(american_spelling(piece)))
        else:
            tokens.append(piece.replace(",", ""))
    return tokens


_ISE = re.compile(r"^([a-z]{2,})is(e|ed|es|ing|ation|ations|er|ers)$")
_YSE = re.compile(r"^([a-z]+)ys(e|ed|ing)$")
_OUR = re.compile(r"^([a-z]{3,})our(s|ed|ing|able|ably|ite|ites|er|ers)?$")
_TRE = re.compile(r"^([a-z]{2,})tre(s|d)?$")
_ENCE = re.compile(r"^(licen|defen|offen|preten)ce(s)?$")
_ISE_WORDS = frozenset(
    [
        "advertise",
        "advise",
        "apprise",
        "arise",
        "chastise",
        "circumcise",
        "comprise",
        "compromise",
        "demise",
        "despise",
        "devise",
        "disguise",
        "enfranchise",
        "enterprise",
        "excise",
        "exercise",
        "expertise",
        "franchise",
        "improvise",
        "incise",
        "merchandise",
        "premise",
        "promise",
        "revise",
        "rise",
        "supervise",
        "surmise",
        "surprise",
        "televise",
        "wise",
        "otherwise",
        "likewise",
        "noise",
        "poise",
        "praise",
        "raise",
        "cruise",
        "bruise",
        "precise",
        "concise",
        "paradise",
        "treatise",
        "clockwise",
    ]
)
"""Words spelt -ise in American English too: not British spellings of an -ize word."""
_OUR_WORDS = frozenset(["devour", "contour", "troubadour", "paramour"])


def american_spelling(word: str) -> str:
    """A British spelling as American English writes it ("organisation", "behaviour", "centre", "licence",
    "analysed"): the official translations are in American spelling, and the stemmer keeps the two apart
    ("anonymis" against "anonym"). Case-folded input; words spelt alike in both are returned as they are."""
    if (match := _ISE.match(word)) and f"{match[1]}ise" not in _ISE_WORDS:
        return f"{match[1]}iz{match[2]}"
    if match := _YSE.match(word):
        return f"{match[1]}yz{match[2]}"
    if (match := _OUR.match(word)) and f"{match[1]}our" not in _OUR_WORDS:
        return f"{match[1]}or{match[2] or ''}"
    if match := _TRE.match(word):
        return f"{match[1]}ter{match[2] or ''}"
    if match := _ENCE.match(word):
        return f"{match[1]}se{match[2] or ''}"
    return {"programme": "program", "programmes": "programs", "judgement": "judgment"}.get(word, word)


_ZH_NUMBER = re.compile(f"[{ZH_NUMERAL}]+")
_WHICH_ONE = re.compile(r"哪一(?=[\u4e00-\u9fff])")
""""哪一条" asks what "哪条" asks: jieba's search mode would also give its "一条", the word of "第一条"."""
TOKEN_SCHEME = "words+chars+numerals-6"
"""What search_tokens makes, named in the BM25 index's folder: an index built by another scheme is not read."""
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_FUNCTION_CHARS = frozenset("的了和与及或等在是为对由于其之以而被把将从向这那也就都们你您俺咱她它己")
"""Characters that join rather than name: in nearly every Chinese passage, they would only lengthen them; and those
only pronouns are written with (们, 你, 己), which no statute uses."""


_PERIODS = {"annual": "year", "daili": "day"}
"""The adjectives of the calendar's periods whose stems are not the noun's ("annual", "daily"; "monthly" and
"yearly" already stem to theirs): "every year" asks what an "annual report" says."""


_PAYMENT = re.compile(r"\b(?:pay(?:s|ing|ments?)?|paid|bill(?:s|ed|ing)?|(?<![Ii]n )charg(?:e|es|ed|ing))\b", re.I)
"""The verbs and nouns of paying, read as the noun a rule states it with ("may charge necessary fees", "shall not
charge fees"): a user asks whether they must "pay" or will be "billed". Not "in charge" (a person in charge)."""


def coverage_words(text: str) -> list[str]:
    """tokenize's words as coverage reads them: paying read as "fee", a period's adjective as its noun, and no
    lone Latin letter (what is left of a possessive or a contraction, "Who's", "China's", or an item's letter: it
    names nothing)."""
    return [
        _PERIODS.get(w, w)
        for w in tokenize(_PAYMENT.sub(" fee ", text))
        if not (len(w) == 1 and w.isascii() and w.isalpha())
    ]


def coverage_tokens(text: str) -> list[str]:
    """coverage_words and, for Chinese, each character of those words (marked "#" as search_tokens marks them).
    A one-character word counts once, as its character: counted as both, the most ambiguous units of a question
    (去, 事, 门) weighed twice as much as any other, and matched words that merely hold them (去 in 去重)."""
    words = coverage_words(text)
    return [w for w in words if not (len(w) == 1 and CJK.match(w))] + [
        "#" + c for w in words if CJK.match(w) for c in w if c not in _FUNCTION_CHARS
    ]


def search_tokens(text: str) -> list[str]:
    """What BM25 indexes and searches: tokenize's words and, for Chinese, each character on its own (marked "#",
    apart from the one-character words jieba gives). A colloquial question and the statute's wording often share
    characters but no word: 扣走 and 扣押, 收钱 and 收取费用, 研发 and 研究开发."""
    tokens = tokenize(text)
    for run in _CJK_RUN.findall(fold(text)):
        tokens.extend("#" + char for char in run if char not in _FUNCTION_CHARS)
    return tokens
