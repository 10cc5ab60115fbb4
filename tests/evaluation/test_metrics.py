"""Scoring answers against gold spans and facts (assistant/evaluation/metrics.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation import (
    Case,
    Span,
    aggregate,
    normalise_for_match,
    score_case,
)
from assistant.types import Answer, AnswerSentence
from tests.evaluation.spans import DOC, P1, P2, P3, TEXT, citation, retrieved, span_of


def answer(
    sentences: list[tuple[str, tuple[int, ...]]] | None = None,
    cited: list[Span] | None = None,
    ranked: list[Span] | None = None,
    refused: bool = False,
) -> Answer:
    return Answer(
        question="q",
        sentences=[AnswerSentence(text, numbers) for text, numbers in (sentences or [])],
        citations=[citation(i, s) for i, s in enumerate(cited or [], 1)],
        retrieved=retrieved(ranked or []),
        refused=refused,
        refusal_reason="The documents do not answer this." if refused else "",
    )


def case(facts: list[str] | None = None, gold: list[Span] | None = None, answerable: bool = True) -> Case:
    return Case(id="c", question="q", answerable=answerable, facts=facts or [], gold=gold if gold is not None else [P1])


# --- Span ------------------------------------------------------------------------------------------------------


def test_span_overlap_at_least_half_of_shorter() -> None:
    gold = Span(DOC, 0, 10)
    assert gold.matches(Span(DOC, 5, 20))  # overlap 5 of the shorter 10
    assert Span(DOC, 5, 20).matches(gold)  # symmetric
    assert not gold.matches(Span(DOC, 6, 20))  # overlap 4 of 10
    assert Span(DOC, 0, 100).matches(Span(DOC, 40, 50))  # containment
    assert not gold.matches(Span(DOC, 10, 20))  # touching is not overlapping
    assert gold.matches(Span(DOC, 0, 10))


def test_span_in_another_document_never_matches() -> None:
    assert not Span(DOC, 0, 10).matches(Span("other.txt", 0, 10))
    assert not Span(DOC, 0, 100).matches(Span("other.txt", 40, 50))


# --- score_case and aggregate ------------------------------------------------------------------------------------


def test_wrong_paragraph_citation_lowers_precision() -> None:
    gold_case = case(facts=["1 billion yuan"], gold=[P1])
    text = [("The city will issue 1 billion yuan of vouchers.", (1,))]
    right = score_case(gold_case, answer(text, cited=[P1], ranked=[P1]), 1.0)
    mixed = score_case(gold_case, answer(text, cited=[P1, P2], ranked=[P1]), 1.0)
    wrong = score_case(gold_case, answer(text, cited=[P3], ranked=[P1]), 1.0)
    assert aggregate([right])["citation_precision"] == 1.0
    assert aggregate([mixed])["citation_precision"] == 0.5
    assert aggregate([wrong])["citation_precision"] == 0.0
    assert aggregate([wrong])["citation_recall"] == 0.0
    assert "citation_precision" not in right.lost
    assert "citation_precision" in mixed.lost
    # The right paragraph in the wrong document is wrong too.
    elsewhere = score_case(gold_case, answer(text, cited=[Span("other.txt", P1.start, P1.end)]), 1.0)
    assert aggregate([elsewhere])["citation_precision"] == 0.0


def test_missing_fact_lowers_fact_recall() -> None:
    gold_case = case(facts=["1 billion yuan", "30% to 100%"], gold=[P1, P2])
    both = answer([("It issues 1 billion yuan of vouchers", (1,)), ("covering 30% to 100% of costs.", (2,))], [P1, P2])
    one = answer([("It issues 1 billion yuan of vouchers.", (1,))], [P1])
    assert aggregate([score_case(gold_case, both, 1.0)])["fact_recall"] == 1.0
    result = score_case(gold_case, one, 1.0)
    assert result.facts_missing == ["30% to 100%"]
    assert aggregate([result])["fact_recall"] == 0.5
    assert aggregate([result])["citation_recall"] == 0.5  # P2 was never cited
    assert "fact_recall" in result.lost


@pytest.mark.parametrize(("fact", "said"), [("1000", "1,000"), ("1,000", "1000"), ("1,000", "1,000")])
def test_thousands_separator_does_not_matter(fact: str, said: str) -> None:
    result = score_case(case(facts=[fact], gold=[P3]), answer([(f"It aims at {said} companies.", (1,))], [P3]), 1.0)
    assert result.facts_found == [fact]


def test_fact_match_is_case_and_width_insensitive_but_not_loose() -> None:
    assert normalise_for_match("ＡＩ  Clusters") == normalise_for_match("ai clusters")
    result = score_case(case(facts=["10,000"], gold=[P1]), answer([("About 1,000 firms.", (1,))], [P1]), 1.0)
    assert result.facts_found == []


@pytest.mark.parametrize(
    ("fact", "said", "found"),
    [
        ("1,000", "About 10,000 firms.", False),
        ("200", "It employs 2000 people.", False),
        ("200", "It employs 1200 people.", False),
        ("200", "It employs 200 people.", True),
        ("200", "It employs 200.5 people.", False),
        ("30%", "Subsidies offset 130% of costs.", False),
        ("30%", "Subsidies offset 30% of costs.", True),
        ("五十万元", "处一百五十万元以下罚款", False),
        ("五十万元", "处五十万元以下罚款", True),
        ("seven", "It employed just seven people.", True),
    ],
)
def test_a_figure_is_not_found_inside_a_larger_one(fact: str, said: str, found: bool) -> None:
    result = score_case(case(facts=[fact], gold=[P1]), answer([(said, (1,))], [P1]), 1.0)
    assert (result.facts_found == [fact]) is found


def test_char_precision_counts_cited_characters_outside_gold() -> None:
    exact = score_case(case(gold=[P1]), answer([("x", (1,))], [P1]), 1.0)
    # P1 plus P2 cited in one span: half-ish of the cited characters lie outside the gold span.
    wide = Span(DOC, P1.start, P2.end)
    wider = score_case(case(gold=[P1]), answer([("x", (1,))], [wide]), 1.0)
    assert exact.char_precision == 1.0
    assert wider.char_precision == pytest.approx(len(TEXT[P1.start : P1.end]) / (P2.end - P1.start))
    assert aggregate([exact, wider])["citation_char_precision"] == pytest.approx(
        (1.0 + (P1.end - P1.start) / (P2.end - P1.start)) / 2, abs=1e-4
    )
    # Still a correct citation by the half-overlap rule: only the character metric sees the padding.
    assert aggregate([wider])["citation_precision"] == 1.0
    refused = score_case(case(gold=[P1]), answer(refused=True), 1.0)
    assert refused.char_precision is None  # a refusal cites nothing and does not count


def test_refusal_auc_orders_answerable_above_unanswerable_by_confidence() -> None:
    def scored(answerable: bool, confidence: float):  # type: ignore[no-untyped-def]
        result = answer([("x", (1,))], [P1]) if confidence >= 0.5 else answer(refused=True)
        result.confidence = confidence
        return score_case(case(answerable=answerable, gold=[P1] if answerable else []), result, 1.0)

    separated = [scored(True, 0.9), scored(True, 0.7), scored(False, 0.2), scored(False, 0.6)]
    assert aggregate(separated)["refusal_auc"] == 1.0
    swapped = [scored(True, 0.2), scored(False, 0.9)]
    assert aggregate(swapped)["refusal_auc"] == 0.0
    tied = [scored(True, 0.5), scored(False, 0.5)]
    assert aggregate(tied)["refusal_auc"] == 0.5


def test_answer_chars_p50_is_the_median_answer_length() -> None:
    short = score_case(case(), answer([("abcd", (1,))], [P1]), 1.0)
    long = score_case(case(), answer([("a" * 40, (1,))], [P1]), 1.0)
    refused = score_case(case(), answer(refused=True), 1.0)
    assert aggregate([short, long, refused])["answer_chars_p50"] == 22.0  # refusals are not answers


def test_answering_an_unanswerable_case_lowers_refusal_accuracy() -> None:
    unanswerable = case(answerable=False, gold=[])
    refused = score_case(unanswerable, answer(refused=True), 1.0)
    answered = score_case(unanswerable, answer([("Something made up.", (1,))], [P1]), 1.0)
    assert aggregate([refused])["refusal_accuracy"] == 1.0
    assert aggregate([answered])["refusal_accuracy"] == 0.0
    assert aggregate([refused, answered])["refusal_accuracy"] == 0.5
    assert "refusal_accuracy" in answered.lost
    assert "refusal_accuracy" not in refused.lost
    # Citations on an unanswerable case do not count towards precision.
    assert answered.citations_total == 0


def test_refusing_an_answerable_case_raises_false_refusal_rate() -> None:
    answerable = case(facts=["1 billion yuan"], gold=[P1])
    ok = score_case(answerable, answer([("It issues 1 billion yuan.", (1,))], [P1], ranked=[P1]), 1.0)
    refused = score_case(answerable, answer(refused=True, ranked=[P1]), 1.0)
    assert aggregate([ok])["false_refusal_rate"] == 0.0
    assert aggregate([ok, refused])["false_refusal_rate"] == 0.5
    assert "false_refusal_rate" in refused.lost
    # A refusal states no facts.
    assert refused.facts_found == []


def test_hit_at_k_and_mrr_from_retrieved_ranks() -> None:
    noise = [span_of("Subsidies"), span_of("The project"), Span("other.txt", 0, 50)]
    gold_case = case(gold=[P1])
    at_1 = score_case(gold_case, answer(ranked=[P1, *noise]), 1.0)
    at_3 = score_case(gold_case, answer(ranked=[noise[0], noise[1], P1]), 1.0)
    at_7 = score_case(gold_case, answer(ranked=[*noise, *noise, P1]), 1.0)
    never = score_case(gold_case, answer(ranked=noise), 1.0)
    assert [r.first_hit_rank for r in (at_1, at_3, at_7, never)] == [1, 3, 7, None]

    single = aggregate([at_3])
    assert (single["hit@1"], single["hit@5"], single["hit@10"]) == (0.0, 1.0, 1.0)
    assert single["mrr"] == pytest.approx(1 / 3, abs=1e-4)

    overall = aggregate([at_1, at_3, at_7, never])
    assert overall["hit@1"] == 0.25
    assert overall["hit@5"] == 0.5
    assert overall["hit@10"] == 0.75
    assert overall["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4, abs=1e-4)
    assert "hit@5" in at_7.lost and "hit@10" not in at_7.lost


def test_uncited_sentences_are_counted() -> None:
    result = score_case(case(gold=[P1]), answer([("Cited.", (1,)), ("Not cited.", ())], [P1]), 1.0)
    assert aggregate([result])["uncited_sentence_rate"] == 0.5


# --- locate ------------------------------------------------------------------------------------------------------


def test_counterpart_accuracy_checks_the_other_texts_article(tmp_path: Path) -> None:
    from dataclasses import replace

    from assistant.evaluation import counterparts, translation_pairs
    from assistant.types import Counterpart

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "law-zh.md").write_text("第一条 本法适用。", encoding="utf-8")
    (corpus / "law-en.txt").write_text("Article 1 This Law applies.", encoding="utf-8")
    (corpus / "law-en.txt.meta.json").write_text('{"translation_of": "law-zh.md"}', encoding="utf-8")
    pairs = translation_pairs(corpus)
    assert pairs == {"law-en.txt": "law-zh.md", "law-zh.md": "law-en.txt"}

    cited = replace(citation(1, Span("law-en.txt", 0, 10)), heading_path="Chapter I › Article 1")
    right = Counterpart("law-zh.md", "法", "zh", "中文原文 · 第一条", "第一章 › 第一条", 0, 9, "第一条 本法适用。")
    wrong = replace(right, heading_path="第一章 › 第二条")
    elsewhere = replace(right, doc_id="other.md")
    absent = replace(right, missing="law-zh.md has no article 1")
    for counterpart, expected in ((right, (1, 1)), (wrong, (0, 1)), (elsewhere, (0, 1)), (absent, (0, 1))):
        shown = answer([("x", (1,))])
        shown.citations = [replace(cited, counterpart=counterpart)]
        assert counterparts(shown, pairs) == expected
    untranslated = answer([("x", (1,))])
    untranslated.citations = [replace(cited, doc_id="news.txt")]
    assert counterparts(untranslated, pairs) == (0, 0)  # nothing to count: the metric is 1.0 when none
