"""Shaping the answer from the chosen window (pure logic over hand-made chunks; no model)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.answer import shaping
from assistant.answer.evidence import windows
from assistant.answer.extractive import Candidates
from assistant.answer.questions import frame
from assistant.answer.scoring import WINDOW_FEATURES
from assistant.lexical import coverage_tokens, tokenize
from assistant.settings import AnswerSettings
from tests.answer.test_evidence import chunk, passage_of

LIABLE = "第二十条 处理个人信息造成损害，个人信息处理者不能证明自己没有过错的，应当承担损害赔偿责任。"
AMOUNT = "前款规定的损害赔偿责任按照个人因此受到的损失确定；难以确定的，根据实际情况确定赔偿数额。"


def candidates(question: str, text: str, tokens: Callable[[str], list[str]] = tokenize) -> Candidates:
    """The windows of one chunk holding ``text``, each question token weighing 1 and every feature 0."""
    found_windows = windows(passage_of(chunk(text)))
    weights = {t: 1.0 for t in dict.fromkeys(tokens(question))}
    return Candidates(frame(question), found_windows, np.zeros((len(found_windows), len(WINDOW_FEATURES))), weights)


def window_of(found: Candidates, text: str) -> int:
    return next(i for i, w in enumerate(found.windows) if w.text == text)


def extended(question: str, text: str, first_unit: str) -> str:
    """The answer's window for ``question`` when the window chosen is the one unit ``first_unit``."""
    found = candidates(question, text)
    return shaping.extend(found, window_of(found, first_unit), AnswerSettings()).text


def test_a_sentence_leaning_back_joins_the_window_when_it_answers_more_of_the_question() -> None:
    # The first sentence says who is liable; the next ("前款规定的…") how much: it leans back, so it is never a
    # window of its own, and the question asks both.
    text = f"{LIABLE}\n{AMOUNT}"
    assert extended("泄露信息造成损失，要赔偿吗？赔偿数额怎么确定？", text, LIABLE) == f"{LIABLE} {AMOUNT}"


def test_a_sentence_leaning_back_stays_out_when_it_answers_nothing_more() -> None:
    text = f"{LIABLE}\n{AMOUNT}"
    assert extended("个人信息处理者不能证明自己没有过错的，要承担责任吗？", text, LIABLE) == LIABLE


FINED = "第二十条 采石场经营者违反本办法第五条规定的，由应急部门责令改正；拒不改正的，处一万元以上五万元以下罚款。"
REFERRED = "构成违反治安管理行为的，依法给予治安管理处罚；构成犯罪的，依法追究刑事责任。"


def test_a_figure_asked_for_is_quoted_without_the_sentences_beside_it_that_state_none() -> None:
    text = f"{FINED}\n{REFERRED}"
    # the window chosen holds both paragraphs: the referral after the fine states no sum
    assert extended("违反采石场安全管理办法，最多罚多少钱？", text, f"{FINED} {REFERRED}") == FINED
    # asked what follows, not for a sum, the referral stays
    assert extended("违反了会有什么后果？", text, f"{FINED} {REFERRED}") == f"{FINED} {REFERRED}"


def test_a_sentence_leaning_back_that_states_no_figure_stays_out_of_a_figure_asked_for() -> None:
    issued = "The city will issue 2 billion yuan of harbour grants."
    aim = "These grants are meant to ease the burden on harbour firms."
    assert extended("How much do harbour firms get to ease their burden?", f"{issued}\n{aim}", issued) == issued


def test_a_denied_condition_names_no_tier() -> None:
    serious, refusing = shaping.TIER_CONDITIONS
    assert serious.search("What if the harm done is serious?") and serious.search("后果严重时罚款多少？")
    assert not serious.search("What fine applies (not a serious case)?") and not serious.search("情节不严重的呢？")
    assert refusing.search("What if the ferry operator refused to correct it?") and refusing.search("拒不改正的呢？")


MEASURES = "In May, the port authority set out measures to lower what operators pay for berths, pilots and tugs."
COUPONS = "It plans to issue 40 million yuan of coupons covering these services, offsetting 20% to 60% of fees."


def test_a_figure_asked_for_is_quoted_without_the_sentence_it_leans_on_when_that_answers_nothing() -> None:
    text = f"{MEASURES} {COUPONS}"
    asked = "How large is the coupon fund, and what share of fees does it offset?"
    assert extended(asked, text, f"{MEASURES} {COUPONS}") == COUPONS


def test_the_sentence_leaned_on_stays_when_it_holds_words_of_the_question() -> None:
    text = f"{MEASURES} {COUPONS}"
    asked = "How much money lowers what operators pay for pilots and tugs?"
    assert extended(asked, text, f"{MEASURES} {COUPONS}") == text


def test_the_sentence_leaned_on_stays_when_it_states_a_figure_of_the_kind_asked() -> None:
    base = "A pier operator that skips the weekly check is fined 5,000 yuan."
    raised = "Where the preceding breach recurs, the fine is 50,000 yuan."
    text = f"{base} {raised}"
    assert extended("How much is the fine when the breach recurs?", text, text) == text


MOORING = "渡船停泊码头，应当向港务部门登记。"
YEARLY_LIST = "港务部门每年公布码头名录。"
INSPECTION = "渡船年检由港务部门办理。"


def second_quoted(question: str, best_unit: str, other_unit: str, character_weight: float) -> bool:
    """Is ``other_unit`` quoted as a second window beside ``best_unit``, scoring just below it?"""
    found = candidates(question, f"{best_unit}\n{other_unit}", coverage_tokens)
    best, other = window_of(found, best_unit), window_of(found, other_unit)
    scores = np.full(len(found.windows), -10.0)
    scores[best], scores[other] = 1.0, 0.9
    settings = AnswerSettings(second_window_character_weight=character_weight)
    return shaping.second(found, scores, best, found.windows[best], settings) == other


def test_a_second_window_sharing_only_a_stray_character_with_the_question_stays_out() -> None:
    # The yearly list shares 年 of 年检 and no word the mooring rule lacks: a character alone is weak evidence
    # of another part of the question.
    question = "客运渡船年检在码头办吗？"
    assert not second_quoted(question, MOORING, YEARLY_LIST, AnswerSettings().second_window_character_weight)
    assert second_quoted(question, MOORING, YEARLY_LIST, 1.0)
    # a second window holding a word of the question the first lacks (年检) still comes
    assert second_quoted(question, MOORING, INSPECTION, AnswerSettings().second_window_character_weight)


BERTHS_TOLD = "The harbour office shall be told of every berth a ferry operator opens."
ARTICLE_TWELVE = "Article 12 A ferry operator shall keep a logbook."
BOATS_HELD = "A pier may hold up to 12 boats."


def test_a_figure_of_the_question_is_no_part_of_it_where_a_window_holds_it_as_an_article_number() -> None:
    question = "We have 12 boats at one pier. Must the harbour office be told?"
    weight = AnswerSettings().second_window_character_weight
    assert not second_quoted(question, BERTHS_TOLD, ARTICLE_TWELVE, weight)
    # stated as a count, the figure is what the question speaks of
    assert second_quoted(question, BERTHS_TOLD, BOATS_HELD, weight)
    # and a question naming the article by its number is answered by it
    assert second_quoted(
        "Must the harbour office be told, and what is in Article 12?", BERTHS_TOLD, ARTICLE_TWELVE, weight
    )
