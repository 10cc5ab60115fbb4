"""Evidence as the answer step reads it: passages of neighbouring chunks, their citable units, candidate windows.

A unit is a sentence, a provision's clause group (a Chinese 款 is never cut at its "；"), a numbered item, or a
list's lead sentence. A window is what an answer may quote: one to three neighbouring units of one passage
(a passage never crosses an article or a section heading), or a list's lead sentence with its items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..chunking import split_sentences, version_of
from ..embedding import Embedder
from ..language import ARTICLE, ZH_NUMERAL, article_from_numeral, fold
from ..lexical import tokenize
from ..types import RetrievedChunk

ITEM = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+、|\d+[.、)）](?!\d)|\(?[a-z]\))\s*"
)
"""A numbered item: （一）, (1), 1., 1、, 一、, (a), a)."""
_LEAD_END = (":", "：")
LEANS_BACK = re.compile(
    r"^(?:[^,，]{0,40}[,，]\s*)?(?:it|its|they|their|them|this|these|those|such(?! as)|he|she|his|her)\b"
    r"|\b(?:these|those|such(?! as)|the said|the above|the preceding)\s+\w+"
    r"|^The (?-i:[a-z]+) (?:shall|may|must|will|would|can|could|is|are|was|were|has|have|had|(?-i:[a-z]+(?:s|ed)))\b"
    r"|^(?:其|该|此|上述|前款|前述|前两款|前三款|本条第[一二三四五六七八九十]+款|这)",
    re.I,
)
"""A unit that refers back to what came before it (a pronoun or demonstrative subject, "these areas", "前款"):
read alone, it does not say what it is about."""
QUALIFIES = re.compile(
    r"\b(?:(?:is|are|be) not required to|need not|except (?:for|where|when|as)|unless|(?:shall|does|do) not apply|"
    r"(?:is|are) exempt)\b|除外|可以不|不适用|无需|无须|不需要|不必",
    re.I,
)
"""A unit that limits a rule: an exception, an exemption, a case where the duty does not hold. A yes-or-no question
about a duty ("Does it always have to …?", "是否一定要…？") is answered by the rule and its exceptions together."""
_THIS_ARTICLES_PARAGRAPH = re.compile(
    rf"^\s*(?:[^,，。]{{0,20}})?本条第([{ZH_NUMERAL}\d]+)款|\bparagraph (\d+) of this Article\b", re.I
)
"""A paragraph of the same article named by its number ("本条第一款规定的公共场所", "paragraph 1 of this Article"): what
the unit leans on is that paragraph, which need not be the one just before it."""
_CLAUSE_END = ("；", ";")
OPENS_ARTICLE = re.compile(r"^(?:第[^\s条]{1,8}条|Article \d+)(?=\s)")
"""The number an article's first sentence opens with."""
MAX_WINDOW_UNITS = 3
MAX_LIST_ITEMS = 12


@dataclass
class Unit:
    chunk: RetrievedChunk
    start: int
    """Offsets into the document's text, like the chunk's."""
    end: int
    text: str
    kind: str
    """'sentence', 'item' (a numbered item) or 'lead' (a sentence ending in ':' that items follow)."""
    leans_back: bool = False
    """It refers back to what came before it (see LEANS_BACK)."""
    position: int = 0
    """Index of the unit in its passage."""


@dataclass
class Passage:
    """Consecutive chunks of one document version under one heading path, read as one text."""

    chunks: list[RetrievedChunk]
    units: list[Unit] = field(default_factory=list)

    @property
    def heading_path(self) -> str:
        return self.chunks[0].heading_path

    @property
    def best_rank(self) -> int:
        ranks = [c.rank for c in self.chunks if c.rank]
        return min(ranks) if ranks else 0


@dataclass
class Window:
    passage: Passage
    units: list[Unit]

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.units)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.units[0].chunk.doc_id, self.units[0].start, self.units[-1].end)

    @property
    def chars(self) -> int:
        return sum(u.end - u.start for u in self.units)

    def contains(self, other: Window) -> bool:
        mine = {(u.chunk.doc_id, u.start) for u in self.units}
        return all((u.chunk.doc_id, u.start) in mine for u in other.units)

    def overlaps(self, other: Window) -> bool:
        mine = {(u.chunk.doc_id, u.start) for u in self.units}
        return any((u.chunk.doc_id, u.start) in mine for u in other.units)


def units_of(chunk: RetrievedChunk) -> list[Unit]:
    """The citable units of one chunk, with exact offsets."""
    spans = split_sentences(chunk.text)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # A clause ending in "；" runs on to the next on the same line: a provision's tiers stay together.
        if merged and chunk.text[merged[-1][1] - 1] in _CLAUSE_END and "\n" not in chunk.text[merged[-1][1] : s]:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    units = []
    title = fold(str(chunk.metadata.get("title", ""))).strip()
    for s, e in merged:
        text = chunk.text[s:e]
        if fold(text).lstrip("# ").strip() == title:
            continue  # the document's title line: it names the document, it states nothing
        kind = "item" if ITEM.match(text) else "lead" if text.endswith(_LEAD_END) else "sentence"
        leans_back = kind == "sentence" and bool(LEANS_BACK.search(re.sub(r"^第\S+条\s*|^Article \d+\s*", "", text)))
        units.append(Unit(chunk, chunk.start + s, chunk.start + e, text, kind, leans_back))
    return units


def neighbour_ids(chunk: RetrievedChunk) -> list[str]:
    """Ids of the chunks just before and after this one in its document."""
    index = int(chunk.metadata.get("chunk_index", 0))
    total = int(chunk.metadata.get("n_chunks", index + 1))
    version = version_of(chunk.chunk_id)
    return [f"{version}:{i}" for i in (index - 1, index + 1) if 0 <= i < total]


def passages(chunks: Sequence[RetrievedChunk], lookup: Callable[[list[str]], list[RetrievedChunk]]) -> list[Passage]:
    """The chunks with their neighbours under the same heading, merged into passages, best-ranked first.

    A sentence that leans on the one before it ("vouchers covering these areas") or a numbered item whose lead
    sentence ended the previous chunk is then read with what it needs."""
    by_id = {c.chunk_id: c for c in chunks}
    # A neighbour ranks just below the chunk it was fetched for: it was not retrieved, but it is next to what was.
    neighbour_rank: dict[str, int] = {}
    for chunk in chunks:
        for i in neighbour_ids(chunk):
            if i not in by_id:
                neighbour_rank[i] = min(neighbour_rank.get(i, 10**6), (chunk.rank or 10**6 - 1) + 1)
    for neighbour in lookup(list(neighbour_rank)):
        by_id.setdefault(neighbour.chunk_id, replace(neighbour, rank=neighbour_rank[neighbour.chunk_id]))
    ranked = set(by_id) - set(neighbour_rank)
    groups: dict[tuple[str, str], list[RetrievedChunk]] = {}
    for chunk in by_id.values():
        groups.setdefault((version_of(chunk.chunk_id), chunk.heading_path), []).append(chunk)
    found: list[Passage] = []
    for members in groups.values():
        members.sort(key=lambda c: int(c.metadata.get("chunk_index", 0)))
        run: list[RetrievedChunk] = []
        for chunk in members:
            if run and int(chunk.metadata.get("chunk_index", 0)) != int(run[-1].metadata.get("chunk_index", 0)) + 1:
                found.append(Passage(run))
                run = []
            run.append(chunk)
        found.append(Passage(run))
    kept = [p for p in found if any(c.chunk_id in ranked for c in p.chunks)]
    for passage in kept:
        passage.units = [u for c in passage.chunks for u in units_of(c)]
        for position, unit in enumerate(passage.units):
            unit.position = position
    return sorted(kept, key=lambda p: p.best_rank or 10**6)


def items_of(lead: Unit, passage: Passage) -> list[Unit]:
    """The numbered items that follow a lead sentence."""
    items: list[Unit] = []
    for follower in passage.units[lead.position + 1 :]:
        if follower.kind != "item" or len(items) == MAX_LIST_ITEMS:
            break
        items.append(follower)
    return items


def windows(passage: Passage) -> list[Window]:
    """Every window of the passage: runs of one to three units, each list lead with its items, and each item with
    its lead. A run that ends on a lead sentence ("… the following obligations:") is never quoted without what it
    leads to: it takes all its items. A run that starts with a unit leaning back ("vouchers covering these areas",
    "前款规定的…") is never quoted without the unit it leans on: it takes the one before."""
    units = passage.units
    found: list[Window] = []
    for first in range(len(units)):
        for size in range(1, MAX_WINDOW_UNITS + 1):
            if first + size > len(units):
                break
            run = units[first : first + size]
            if run[0].leans_back and first > 0:
                run = [*leaned_on(run[0], passage), *run]
            if run[-1].kind == "lead":
                run = [*run, *items_of(run[-1], passage)]
            found.append(Window(passage, run))
    for unit in units:
        if unit.kind == "lead":  # one item with its lead; the runs above already hold the first
            found.extend(Window(passage, [unit, item]) for item in items_of(unit, passage)[1:])
    unique: dict[tuple[int, ...], Window] = {}
    for window in found:
        unique.setdefault(tuple(u.position for u in window.units), window)
    return list(unique.values())


def _paragraphs(passage: Passage) -> list[list[Unit]]:
    """The passage's units grouped by paragraph (a line break, or a chunk boundary, between two units)."""
    found: list[list[Unit]] = []
    for unit in passage.units:
        last = found[-1][-1] if found else None
        if last is not None and last.chunk.chunk_id == unit.chunk.chunk_id:
            between = unit.chunk.text[last.end - unit.chunk.start : unit.start - unit.chunk.start]
            if "\n" not in between:
                found[-1].append(unit)
                continue
        found.append([unit])
    return found


def paragraph_opening(unit: Unit, passage: Passage) -> Unit:
    """The unit that opens the paragraph ``unit`` stands in (``unit`` itself when it opens one), across the
    boundaries of chunks that cut a paragraph ("…罚款；" | "造成严重后果的，…")."""
    units = passage.units
    i = next((n for n, u in enumerate(units) if u is unit), None)
    if i is None:
        return unit
    while i > 0 and "\n" not in _text_between(units[i - 1], units[i]):
        i -= 1
    return units[i]


def _text_between(before: Unit, after: Unit) -> str:
    """The document's text between two units, from a chunk holding it; a line break where none does."""
    for chunk in (after.chunk, before.chunk):
        if chunk.start <= before.end <= after.start <= chunk.end:
            return chunk.text[before.end - chunk.start : after.start - chunk.start]
    return "\n"


def _article_paragraphs(passage: Passage) -> list[list[Unit]]:
    """The paragraphs (款) of the article the passage holds, as its law numbers them: a numbered item belongs to
    the paragraph whose lead it follows, though it stands on a line of its own. None when the passage does not
    start at an article's heading."""
    if not passage.units or not ARTICLE.match(passage.units[0].text):
        return []
    found: list[list[Unit]] = []
    for paragraph in _paragraphs(passage):
        if found and paragraph[0].kind == "item":
            found[-1].extend(paragraph)
        else:
            found.append(list(paragraph))
    return found


def paragraph_units(passage: Passage, numbers: Sequence[int]) -> list[Unit]:
    """The units of the paragraphs of its article numbered ``numbers`` (第四款, paragraph 2); none when the
    article has no such paragraph, or the passage is no article."""
    paragraphs = _article_paragraphs(passage)
    return [u for n in sorted(set(numbers)) if 0 < n <= len(paragraphs) for u in paragraphs[n - 1]]


def named_paragraph(unit: Unit, passage: Passage) -> list[Unit]:
    """The units of the paragraph of its article that ``unit`` names by number ("本条第一款规定的…"), when the
    passage starts at the article's heading and holds that paragraph before the unit; else none."""
    named = _THIS_ARTICLES_PARAGRAPH.search(unit.text)
    if named is None or not passage.units or not ARTICLE.match(passage.units[0].text):
        return []
    numeral = named.group(1) or named.group(2)
    number = int(numeral) if numeral.isdigit() else article_from_numeral(numeral)
    paragraphs = _article_paragraphs(passage)
    if not 0 < number <= len(paragraphs) or unit in paragraphs[number - 1]:
        return []
    return [u for u in paragraphs[number - 1] if u.position < unit.position]


def leaned_on(unit: Unit, passage: Passage) -> list[Unit]:
    """What a unit leaning back needs beside it: the paragraph of its article it names by number; else the unit
    before it."""
    return named_paragraph(unit, passage) or [passage.units[unit.position - 1]]


def runs_on(unit: Unit, following: Unit) -> bool:
    """Whether ``following`` finishes the sentence of ``unit``: a clause ending in "；" that a chunk boundary cut
    from the rest of its line (within a chunk, units_of keeps them together)."""
    return unit.text.endswith(_CLAUSE_END) and following.start == unit.end


def whole_sentences(window: Window) -> Window:
    """The window grown to whole sentences where a chunk boundary cut one at its "；" (runs_on): a provision is
    never quoted up to a "；" when the rest of its sentence holds the next tier or condition."""
    units = window.passage.units
    run = list(window.units)
    while run[0].position > 0 and runs_on(units[run[0].position - 1], run[0]):
        run.insert(0, units[run[0].position - 1])
    while run[-1].position + 1 < len(units) and runs_on(run[-1], units[run[-1].position + 1]):
        run.append(units[run[-1].position + 1])
    return window if len(run) == len(window.units) else Window(window.passage, run)


def item_number(unit: Unit) -> int:
    """The number an item is labelled with: （五）, (5), 5., 五、 -> 5; 0 for a lettered item or any other unit."""
    match = re.match(r"[（(]?\s*([一二三四五六七八九十]+|\d+)", unit.text) if unit.kind == "item" else None
    return article_from_numeral(match.group(1)) if match else 0


def lead_of(unit: Unit, passage: Passage) -> Unit | None:
    """The lead sentence a numbered item belongs to, when the passage holds it."""
    if unit.kind != "item":
        return None
    for earlier in reversed(passage.units[: unit.position]):
        if earlier.kind == "lead":
            return earlier
        if earlier.kind != "item":
            return None
    return None


def parts(window: Window) -> list[list[Unit]]:
    """The window as citable parts: runs of units that are contiguous within one chunk."""
    found: list[list[Unit]] = []
    for unit in window.units:
        last = found[-1][-1] if found else None
        if last is not None and last.chunk.chunk_id == unit.chunk.chunk_id and unit.position == last.position + 1:
            found[-1].append(unit)
        else:
            found.append([unit])
    return found


def locate(
    sentence: str, chunk: RetrievedChunk, embedder: Embedder, idf: Callable[[str], float], trust: float
) -> Unit | None:
    """The unit of ``chunk`` that best supports ``sentence``: where a generated sentence's citation points (its
    marker names a whole chunk; a citation must name the sentence it rests on). Scored like a window: the words of
    the sentence it holds, weighted by IDF, and the model's similarity as far as it can read them."""
    units = units_of(chunk)
    if not units:
        return None
    vectors = embedder.embed([sentence, *(u.text for u in units)])
    weights = {t: idf(t) for t in tokenize(sentence)}
    total = sum(weights.values()) or 1.0

    def score(unit: Unit, similarity: float) -> float:
        held = set(tokenize(unit.text))
        return trust * similarity + sum(w for t, w in weights.items() if t in held) / total

    similarities = vectors[1:] @ vectors[0]
    return max(zip(units, similarities, strict=True), key=lambda pair: score(pair[0], float(pair[1])))[0]
