"""Structure-aware chunking: headings, articles, paragraphs, sentences, with exact character offsets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .language import ARTICLE, CJK_TEXT, DIVISION, article_number, division_heading
from .types import Chunk, Document

PATH_SEPARATOR = " › "
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ZH_END = set("。！？!?;；")
_EN_END = set(".!?")
_CLOSERS = set("\"'”’)]）」』")
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "mr",
    "mrs",
    "ms",
    "dr",
    "no",
    "vs",
    "st",
    "u.s",
    "inc",
    "ltd",
    "co",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "art",
    "para",
    "fig",
}
_LONGEST_ABBREVIATION = max(len(a) for a in _ABBREVIATIONS)
MAX_CHARS_PER_TOKEN = 8
"""A passage's hard cap in characters, per token of the token budget: the tokenizer makes any word over 100
characters one [UNK], so a token count alone let a 19 MB text without spaces through as one passage. English runs
4 to 5 characters a token and Chinese about 1, so the cap never cuts an ordinary passage."""

TokenCounter = Callable[[str], int]


def heading_article(heading_path: str) -> int:
    """The number of the article a heading path ends in ("第六章 › 第四十五条" -> 45; 0 when it ends in none)."""
    return article_number(heading_path.rsplit(PATH_SEPARATOR, 1)[-1])


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets, whitespace trimmed) within ``text[start:end]``.

    A line break always ends a sentence. 。！？ end one; ! ? ; end one after CJK text (NFKC turns the full-width
    forms into these); . ! ? end an English one when followed by a space and not part of a known abbreviation.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    i = start
    while i < end:
        ch = text[i]
        boundary_after = -1
        if ch == "\n":
            spans.append((begin, i))
            begin = i + 1
        elif (ch in _ZH_END and (ch in "。！？；" or _cjk_before(text, i, begin))) or (
            ch in _EN_END and _english_boundary(text, i, end, begin)
        ):
            boundary_after = i + 1
        if boundary_after > 0:
            while boundary_after < end and text[boundary_after] in _CLOSERS:
                boundary_after += 1
            spans.append((begin, boundary_after))
            begin = boundary_after
            i = boundary_after
            continue
        i += 1
    spans.append((begin, end))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _cjk_before(text: str, i: int, begin: int) -> bool:
    j = i - 1
    while j >= begin and text[j] in _CLOSERS:
        j -= 1
    return j >= begin and CJK_TEXT.match(text[j]) is not None


def _english_boundary(text: str, i: int, end: int, begin: int) -> bool:
    j = i + 1
    while j < end and text[j] in _CLOSERS:
        j += 1
    if j < end and not text[j].isspace():
        return False
    if text[i] == ".":
        # Only the few characters an abbreviation can have are looked at: searching all of text[begin:i] at every
        # period made 'a. ' * 16000 (no sentence ends, so begin stays put) quadratic, 15 s for 48 KB.
        lo = max(begin, i - _LONGEST_ABBREVIATION - 1)
        word = re.search(r"[\w.]+$", text[lo:i])
        if word and (word.start() > 0 or lo == begin):
            found = word.group().lower()
            if found in _ABBREVIATIONS or len(found) == 1:
                return False
    return True


@dataclass
class _Unit:
    start: int
    end: int
    path: tuple[str, ...]
    """Heading labels: ("Chapter IV", "Article 50"), shown with citations."""
    headings: tuple[str, ...] = ()
    """The same headings as written ("Chapter IV Individuals' Rights in Personal Information Processing Activities",
    "Article 50"): indexed with the passage, since a chapter's title says what every article in it is about."""


def _blocks(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _is_english_heading(line: str) -> bool:
    return len(line.split()) <= 12 and not re.search(r"[.!?:;,。！？：；，]$", line) and line[:1].isupper()


def structural_units(doc: Document) -> list[_Unit]:
    """Articles (Chinese regulations) or paragraphs, each with its heading path."""
    text = doc.text
    blocks = _blocks(text)
    headings: dict[int, tuple[str, str]] = {}
    """Level -> (label, heading as written)."""
    units: list[_Unit] = []
    article: _Unit | None = None

    def under(level: int, label: str, written: str) -> dict[int, tuple[str, str]]:
        return {**{k: v for k, v in headings.items() if k < level}, level: (label, written)}

    def unit(start: int, end: int, *article_label: str) -> _Unit:
        ordered = [headings[level] for level in sorted(headings)]
        return _Unit(
            start,
            end,
            (*(label for label, _ in ordered), *article_label),
            (*(written for _, written in ordered), *article_label),
        )

    for index, (start, end) in enumerate(blocks):
        line = text[start:end]
        if heading := _MD_HEADING.match(line):
            level, label = len(heading.group(1)), heading.group(2).strip()
            article = None
            if level == 1:
                continue
            division = DIVISION.match(label)
            headings = under(level, division.group(0) if division else label, label)
            continue
        if plain := division_heading(line):
            headings = under(plain[0], plain[1], line.strip())
            article = None
            continue
        starts_article = ARTICLE.match(line)
        if not starts_article and doc.lang == "en" and index + 1 < len(blocks) and _is_english_heading(line):
            headings = {2: (line, line)}
            article = None
            continue
        if starts_article:
            article = unit(start, end, starts_article.group(0))
            units.append(article)
        elif article is not None:
            article.end = end
        else:
            units.append(unit(start, end))
    return units


def _pack(text: str, unit: _Unit, max_tokens: int, count: TokenCounter) -> list[tuple[int, int]]:
    limit = max_tokens * MAX_CHARS_PER_TOKEN
    if unit.end - unit.start <= limit and count(text[unit.start : unit.end]) <= max_tokens:
        return [(unit.start, unit.end)]
    pieces: list[tuple[int, int, int]] = []
    for s, e in split_sentences(text, unit.start, unit.end):
        for ws, we in _windows(text, s, e, limit):
            pieces.extend(_hard_split(text, ws, we, max_tokens, count))
    packed: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    tokens = 0
    for s, e, n in pieces:
        if current is not None and tokens + n <= max_tokens and e - current[0] <= limit:
            current = (current[0], e)
            tokens += n
        else:
            if current is not None:
                packed.append(current)
            current, tokens = (s, e), n
    if current is not None:
        packed.append(current)
    return packed


def _windows(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, cut at a space in each piece's second half
    when there is one. Cutting by characters first means no more than ``limit`` characters are ever tokenised at
    once (tokenising a 19 MB line whole took 3 GB, and halving it again and again ran past 600 s)."""
    windows = []
    while end - start > limit:
        space = text.rfind(" ", start + limit // 2, start + limit)
        cut = space if space > start else start + limit
        windows.append((start, cut))
        start = cut
    windows.append((start, end))
    return windows


def _hard_split(text: str, start: int, end: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int, int]]:
    """Halve ``text[start:end]`` (at a space when one is near the middle) until every piece is within
    ``max_tokens``; (start, end, tokens) of each."""
    tokens = count(text[start:end])
    if tokens <= max_tokens:
        return [(start, end, tokens)]
    middle = (start + end) // 2
    space = text.rfind(" ", start, middle)
    cut = space if space > start + (middle - start) // 2 else middle
    return _hard_split(text, start, cut, max_tokens, count) + _hard_split(text, cut, end, max_tokens, count)


def version_id(doc_id: str, content_hash: str) -> str:
    """What every chunk id of one version of a document starts with: 'doc id#hash', then ':n'."""
    return f"{doc_id}#{content_hash[:12]}"


def version_of(chunk_id: str) -> str:
    """The version_id a chunk id starts with."""
    return chunk_id.rsplit(":", 1)[0]


def index_text(title: str, heading_path: str, text: str, context_prefix: bool) -> str:
    """What is embedded and indexed: the passage behind its document title and heading path."""
    prefix = PATH_SEPARATOR.join(p for p in (title, heading_path) if p)
    return f"{prefix}\n{text}" if context_prefix and prefix else text


def chunk_document(
    doc: Document,
    max_tokens: int,
    count_tokens: TokenCounter,
    context_prefix: bool,
    count_many: Callable[[list[str]], list[int]] | None = None,
) -> list[Chunk]:
    """The document's chunks. ``count_many`` (Embedder.count_tokens_many), when given, counts every unit that may
    fit whole in one call; count_tokens counts the rest (units split further)."""
    units = structural_units(doc)
    count = count_tokens
    if count_many is not None:
        limit = max_tokens * MAX_CHARS_PER_TOKEN
        whole = list({doc.text[u.start : u.end] for u in units if u.end - u.start <= limit})
        known = dict(zip(whole, count_many(whole))) if whole else {}

        def count(text: str) -> int:
            found = known.get(text)
            return found if found is not None else count_tokens(text)

    chunks: list[Chunk] = []
    for unit in units:
        heading_path = PATH_SEPARATOR.join(unit.path)
        context = PATH_SEPARATOR.join(unit.headings)
        for start, end in _pack(doc.text, unit, max_tokens, count):
            raw = doc.text[start:end]
            passage = raw.strip()
            if not passage:
                continue
            start += len(raw) - len(raw.lstrip())  # a hard split leaves the cut's space at the front
            chunks.append(
                Chunk(
                    chunk_id=f"{version_id(doc.doc_id, doc.content_hash)}:{len(chunks)}",
                    doc_id=doc.doc_id,
                    text=passage,
                    start=start,
                    end=start + len(passage),
                    heading_path=heading_path,
                    index_text=index_text(doc.title, context, passage, context_prefix),
                    context=context,
                )
            )
    return chunks
