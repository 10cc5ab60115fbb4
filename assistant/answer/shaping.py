"""Shaping the answer from the chosen window: what it must be read with (the sentence that states what it
announces, the whole list, the exception to a duty, every tier of a penalty, the whole article), a second window
for a question in two parts, and the verbatim quotes it becomes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..lexical import coverage_tokens
from ..settings import AnswerSettings
from . import evidence as ev
from .answer_types import AMOUNT, LIST, NUMBER, PERCENT, YESNO, main_clause
from .base import EvidenceUnit
from .questions import compared
from .scoring import WINDOW_FEATURES, states, type_present, without_references

_QUANTITIES = frozenset({AMOUNT, NUMBER, PERCENT})

if TYPE_CHECKING:
    from .extractive import Candidates


def extend(found: Candidates, best: int, settings: AnswerSettings) -> ev.Window:
    """The chosen window as the answer quotes it (see _extended), held to the tier of a penalty the question
    names."""
    return _in_the_tier_asked(found, _extended(found, best, settings))


TIER_CONDITIONS = (
    # not where denied: "(not a serious case)", "情节不严重"
    re.compile(r"(?<!\bnot )(?<!\bnot a )\b(?:serious(?:ly)?|severe(?:ly)?)\b|(?<![不非])严重", re.I),
    re.compile(r"\brefus\w* to (?:make |take )?correct\w*|拒不改正|拒不整改", re.I),
)
"""The conditions on which a penalty provision steps up its sanction: the circumstances being serious; the violator
refusing to correct ("情节严重", "拒不改正")."""


def _in_the_tier_asked(found: Candidates, window: ev.Window) -> ev.Window:
    """For a question naming the condition of a penalty's tier ("What does a serious breach of the log rule cost?",
    "拒不改正要罚多少钱？"), the window without the sanctions of the other tiers: of the units imposing
    a fine, those stating that condition, when any does. The fine for the ordinary case is another figure, and
    quoted beside the one asked for it is easily taken for it."""
    clause = main_clause(found.frame.text)
    asked = [condition for condition in TIER_CONDITIONS if condition.search(clause)]
    # a comparison of the two tiers asks for both
    if not asked or compared(clause) or not (found.frame.consequence or found.frame.types & _QUANTITIES):
        return window
    fining = [u for u in window.units if type_present(AMOUNT, u.text)]
    named = [u for u in fining if any(condition.search(u.text) for condition in asked)]
    if not named or len(named) == len(fining):
        return window
    return ev.Window(window.passage, [u for u in window.units if u not in fining or u in named])


def _extended(found: Candidates, best: int, settings: AnswerSettings) -> ev.Window:
    """A question that asks what an article says gets the whole article, when short. A question for a maximum
    or minimum sees every tier of the provision: the window grows by the other units of its passage that state a
    figure. A question asking for a list gets the whole list the window
    belongs to, its lead sentence with every item: one item of "the following obligations" is not the answer. A
    question on a penalty reads an item with its lead, which states the sanction. A sentence that a chunk boundary
    cut at its "；" is quoted whole (evidence.whole_sentences)."""
    window = ev.whole_sentences(found.windows[best])
    article = window.passage.units
    short = sum(len(u.text) for u in article) <= settings.whole_article_chars
    if found.asks_for_article and found.paragraphs:
        return ev.Window(window.passage, ev.paragraph_units(window.passage, found.paragraphs) or list(article))
    if found.asks_for_article and short:
        return ev.Window(window.passage, list(article))
    # "第十七条给了用户哪些选择？": a named article asked for a list it states in paragraphs, not numbered items
    if found.named and LIST in found.frame.types and short and not any(u.kind == "lead" for u in article):
        return ev.Window(window.passage, list(article))
    asked = found.frame.types - {LIST}
    if not asked or not all(states(kind, window.text, found.frame) for kind in asked):
        window = _with_follower(window)
    else:
        window = _with_follower(window, lambda grown: _gain(found, window, grown) >= settings.second_window_gain)
    window = _without_idle_ends(found, window)
    window = _without_unasked_antecedent(found, window, settings)
    if found.frame.consequence:
        window = _with_lead(window)
    if LIST in found.frame.types or _asks_what_lead_announces(found, window):
        return _whole_list(window)
    if YESNO in found.frame.types:
        return _with_exception(window)
    # "Who fines a breach, and what is the most it costs?" asks who first, but for a maximum of a penalty too
    if not (found.frame.extreme and (found.frame.wants_quantity or found.frame.consequence)):
        return window
    units = {u.position: u for u in window.units}
    for unit in window.passage.units:
        if unit.position not in units and type_present("number", unit.text):
            units[unit.position] = unit
    return ev.Window(window.passage, [units[p] for p in sorted(units)][: settings.max_tier_units])


def with_provision_number(found: Candidates, window: ev.Window) -> ev.Window:
    """For a question asking which article says something, the window with its article's opening sentence, which
    carries the article's number ("Article 56 …", "第二十四条 …"), when the window does not begin there: the number
    is the answer, and a quote from the middle of the article does not show it."""
    opening = window.passage.units[0]
    if not found.frame.which_provision or window.units[0].position == 0 or not ev.OPENS_ARTICLE.match(opening.text):
        return window
    return ev.Window(window.passage, [opening, *window.units])


def _without_idle_ends(found: Candidates, window: ev.Window) -> ev.Window:
    """For a question asking for a figure (a sum, a count, a share), the window without the sentences at its ends
    that state none when the rest states it: "顶格罚多少钱？" is answered by the fine, not by the referral to criminal
    law after it. A lead sentence stays (its items need it), and so does what the rest leans back on."""
    asked = found.frame.types & _QUANTITIES
    if not asked or found.frame.types - _QUANTITIES:
        return window
    units = list(window.units)

    def idle(unit: ev.Unit) -> bool:
        return unit.kind != "lead" and not any(states(kind, unit.text, found.frame) for kind in asked)

    while len(units) > 1 and idle(units[-1]):
        units.pop()
    while len(units) > 1 and idle(units[0]) and not units[1].leans_back:
        units.pop(0)
    if not any(states(kind, u.text, found.frame) for u in units for kind in asked):
        return window
    return ev.Window(window.passage, units)


def _without_unasked_antecedent(found: Candidates, window: ev.Window, settings: AnswerSettings) -> ev.Window:
    """The window without what its first unit leaning back leans on ("vouchers covering these areas" on the
    sentence naming the areas; "本条第一款规定的场所" on the first paragraph), for a question asking a kind of answer
    (a sum, a share, a date, a body) that the rest states and that does not, when that covers less than
    ``second_window_gain`` of the question the rest does not: the rest answers, and the quote is the smallest that
    does. So for a question on what a breach costs, asking no kind of answer ("And what could the skipper himself
    face?"): the sanction leaning back is the answer. A question on what the areas are finds its words there,
    and one on the most a breach costs finds the other tier's fine there: both keep it."""
    units = window.units
    leaning = next((i for i, u in enumerate(units) if u.leans_back), 0)
    before = units[:leaning]
    if not before or not {u.position for u in before} <= {
        u.position for u in ev.leaned_on(units[leaning], window.passage)
    }:
        return window
    asked = found.frame.types - {LIST, YESNO}
    rest = ev.Window(window.passage, units[leaning:])
    # A question on what a breach costs supposes the breach: the paragraph a sanction leans back on ("an illegal
    # act as prescribed in the preceding paragraph") states the breach, and the other tier's sanction.
    if not (asked or found.frame.consequence) or compared(main_clause(found.frame.text)):
        return window  # a comparison of the tiers asks for both
    if any(states(kind, u.text, found.frame) for u in before for kind in asked):
        return window
    if not all(states(kind, rest.text, found.frame) for kind in asked):
        return window
    return rest if _gain(found, rest, window) < settings.second_window_gain else window


def _with_follower(window: ev.Window, worth: Callable[[ev.Window], bool] = lambda _: True) -> ev.Window:
    """The window with the unit after it when that one leans back on it ("… computing power, model usage and
    data access. The city plans vouchers covering these areas"): what a sentence announces, the next states.
    For a window that already holds the type of answer asked for (a date, a figure), only when the follower is
    ``worth`` it: it covers more of the question ("前款规定的损害赔偿责任按照…确定" says how much, after the
    sentence that says who is liable). Leaning back, it is never a window of its own."""
    units = window.passage.units
    after = window.units[-1].position + 1
    if after < len(units) and units[after].leans_back and len(window.units) < ev.MAX_WINDOW_UNITS:
        grown = ev.Window(window.passage, [*window.units, units[after]])
        return grown if worth(grown) else window
    return window


def _gain(found: Candidates, window: ev.Window, grown: ev.Window, character_weight: float = 1.0) -> float:
    """The IDF-weighted share of the question that ``grown`` covers and ``window`` does not, the Chinese characters
    that coverage counts beside the words ("#渡") weighed by ``character_weight``."""
    gained = _covered(found, grown) - _covered(found, window)
    if any(t.isdigit() for t in gained):
        # "12 berths" is not what "Article 12" speaks of: a figure of the question is gained only where the window
        # states it other than as an article or item number, or where the question too names an article by it
        stated = set(coverage_tokens(without_references(grown.text)))
        counted = set(coverage_tokens(without_references(found.frame.text)))
        gained = {t for t in gained if not t.isdigit() or t in stated or t not in counted}
    weight = {t: found.weights[t] * (character_weight if t.startswith("#") else 1.0) for t in gained}
    return sum(weight.values()) / (sum(found.weights.values()) or 1.0)


def _with_lead(window: ev.Window) -> ev.Window:
    """The window with the lead sentence of each numbered item it quotes, for a question on what breaking a rule
    costs: a penalty provision lists the conduct in its items and states the sanction once, in the lead ("有下列
    行为之一的，由…责令改正…：（六）擅自…"). The item alone says what was done, not what follows."""
    held = {u.position for u in window.units}
    leads = {lead.position: lead for u in window.units if (lead := ev.lead_of(u, window.passage)) is not None}
    missing = [lead for p, lead in leads.items() if p not in held]
    if not missing:
        return window
    return ev.Window(window.passage, sorted([*window.units, *missing], key=lambda u: u.position))


def _with_exception(window: ev.Window) -> ev.Window:
    """The window with the first unit of its passage that qualifies it (an exception or exemption, see
    evidence.QUALIFIES), when the window states none itself: "is not required to notify individuals" is the
    answer to "Does it always have to notify them?"; and with the paragraphs that name one it quotes by number."""
    held = {u.position for u in window.units}
    # A later paragraph naming a quoted one by number ("本条第一款规定的区域，不得…") says how that rule is bounded.
    bounding = [
        u
        for u in window.passage.units
        if u.position not in held and any(named.position in held for named in ev.named_paragraph(u, window.passage))
    ]
    if not any(ev.QUALIFIES.search(u.text) for u in window.units):
        exception = next(
            (u for u in window.passage.units if u.position not in held and ev.QUALIFIES.search(u.text)), None
        )
        bounding += [exception] if exception is not None else []
    if not bounding:
        return window
    return ev.Window(
        window.passage, sorted({u.position: u for u in [*window.units, *bounding]}.values(), key=lambda u: u.position)
    )


def _asks_what_lead_announces(found: Candidates, window: ev.Window) -> bool:
    """Whether the window quotes a list's lead with only some of its items, and those items match no word of the
    question that the lead does not: then the question asks what the lead announces ("What must a company tell
    people before processing?" over "… shall, before processing personal information, inform an individual of the
    following matters:"), and the first item, quoted because it comes next, is not the answer. An item that
    matches words of its own ("evacuation routes") is what the question asks about."""
    held = {u.position for u in window.units}
    for lead in (u for u in window.units if u.kind == "lead"):
        items = ev.items_of(lead, window.passage)
        quoted = [item for item in items if item.position in held]
        if quoted and len(quoted) < len(items):
            # the words a follow-up borrows (a notice's contents asked for after a question on a breach) are the subject
            # of the whole list, whichever item they fall in
            matched = [_covered(found, ev.Window(window.passage, [unit])) - found.borrowed for unit in [lead, *quoted]]
            return not set().union(*matched[1:]) - matched[0]
    return False


def _whole_list(window: ev.Window) -> ev.Window:
    leads = [u for u in window.units if u.kind == "lead"]
    leads += [lead for u in window.units if (lead := ev.lead_of(u, window.passage)) is not None]
    if not leads:
        return window
    lead = leads[0]
    units = {u.position: u for u in window.units}
    units.update({u.position: u for u in [lead, *ev.items_of(lead, window.passage)]})
    return ev.Window(window.passage, [units[p] for p in sorted(units)])


def second(found: Candidates, scores: np.ndarray, best: int, chosen: ev.Window, settings: AnswerSettings) -> int | None:
    """A second window when the question has two parts: scoring nearly as well, not overlapping the first, from
    the same document (a near-equal window of another law answers as that law would, not the second part), and
    covering question terms the first does not. None when the choice passed over a better-scored window (one
    restating the duty asked about, where an exception answers; one stating no fine, where another does): that window
    would come back as the second, and the next below it is no second part either."""
    margin = settings.second_window_margin
    for i in np.argsort(-scores, kind="stable"):
        window = found.windows[int(i)]
        if scores[int(i)] > scores[best]:
            return None
        if int(i) == best:
            continue
        if scores[int(i)] < scores[best] - margin:
            return None
        if window.overlaps(chosen) or not _as_apt(found, int(i), best) or window.key[0] != chosen.key[0]:
            continue
        if _gain(found, chosen, window, settings.second_window_character_weight) >= settings.second_window_gain:
            return int(i)
    return None


def _as_apt(found: Candidates, other: int, best: int) -> bool:
    """Is window ``other`` about what the question asks (its focus), and does it state the kind of answer asked,
    as well as the best does? A second window holding other words of the question, but defining another term or
    stating no figure, answers another question."""
    columns = [WINDOW_FEATURES.index("focus"), WINDOW_FEATURES.index("types")]
    return bool(np.all(found.rows[other, columns] >= found.rows[best, columns]))


def _covered(found: Candidates, window: ev.Window) -> set[str]:
    tokens = found.tokens_of(window)
    return {t for t in found.weights if t in tokens}


def quotes(window: ev.Window) -> list[EvidenceUnit]:
    """The window as verbatim quotes: one per run of units contiguous within one chunk."""
    quotes = []
    for run in ev.parts(window):
        chunk = run[0].chunk
        start, end = run[0].start, run[-1].end
        quotes.append(EvidenceUnit(chunk, start, end, chunk.text[start - chunk.start : end - chunk.start]))
    return quotes
