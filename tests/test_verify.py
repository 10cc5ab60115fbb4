"""The verifier: figure normalisation (pure logic), and checks with the real model on real spans."""

from __future__ import annotations

import pytest

from assistant.types import Answer, AnswerSentence, Citation
from assistant.verify import Verifier, check_answer, figures, names_a_title
from tests.conftest import CORPUS

VOUCHERS = (
    "The city plans to issue 1 billion yuan worth of vouchers covering these areas, "
    "with subsidies offsetting 30% to 100% of costs."
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1,000 additional companies", "1000 companies"),
        ("第二十一条", "第21条"),
        ("五十万元以上二百万元以下", "50万元以上200万元以下"),
        ("百分之五", "5%"),
        ("1 billion yuan", "1,000 million yuan"),
        ("seven people", "7 people"),
    ],
)
def test_one_figure_written_two_ways_compares_equal(left: str, right: str) -> None:
    assert figures(left) == figures(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1 billion", "2 billion"),
        ("30% to 100%", "30% to 90%"),
        ("第二十一条", "第二十二条"),
        ("August 2023", "July 2023"),
    ],
)
def test_different_figures_differ(left: str, right: str) -> None:
    assert figures(left) != figures(right)


@pytest.mark.parametrize("dotted", ["127.0.0.1", "2021.09.01", "3.1.4", "1.000.000"])
def test_dotted_numbers_are_figures_as_written(dotted: str) -> None:
    """An address, a date or a version number is one figure, compared as written (they crashed float())."""
    assert dotted in figures(f"The server at {dotted} was updated.")
    assert figures(f"Version {dotted}") != figures("Version 3.1.5")


def test_words_containing_numerals_are_not_figures() -> None:
    assert figures("有下列情形之一的,统一管理,一般规定") == set()


@pytest.fixture(scope="module")
def verifier(embedder, tmp_path_factory) -> Verifier:  # type: ignore[no-untyped-def]
    """The pipeline's verifier, its term weights from a real index of the sample document (the corpus these
    cases were written against, before corpus/ gained the regulations)."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index_dir=tmp_path_factory.mktemp("verify-index")), embedder=embedder)
    assistant.ingest([CORPUS / "shanghai-ai-policy-clustering.txt"])
    return assistant.verifier


def test_faithful_paraphrase_passes_and_changed_figure_fails(verifier: Verifier) -> None:
    ok = verifier.check("Shanghai will issue 1 billion yuan of vouchers, offsetting 30% to 100% of costs.", [VOUCHERS])
    assert ok.supported, ok.reasons
    bad = verifier.check("Shanghai will issue 2 billion yuan of vouchers, offsetting 30% to 100% of costs.", [VOUCHERS])
    assert not bad.supported
    assert any("2000000000" in r for r in bad.reasons)


def test_sentence_without_citation_fails(verifier: Verifier) -> None:
    assert verifier.check("Shanghai will issue 1 billion yuan of vouchers.", []).reasons == ("no citation",)


def test_recorded_tiny_model_outputs_fail(verifier: Verifier) -> None:
    for sentence in (
        "The subsidies cover the cost of 1 billion yuan worth of vouchers, which is a significant portion of the "
        "total amount.",
        "The subsidy covers the cost of model training and model maintenance.",
    ):
        assert not verifier.check(sentence, [VOUCHERS]).supported, sentence


def _citation(number: int, quote: str) -> Citation:
    return Citation(number, "seed.txt", "Seed", "", "news", "", 0, len(quote), quote, f"c{number}", 1.0)


def test_unsupported_sentences_are_dropped_and_markers_renumbered(verifier: Verifier) -> None:
    other = "Foundation Model Innovation Center, launched in August 2023, was China's first such cluster."
    answer = Answer(
        question="q",
        sentences=[
            AnswerSentence("The vouchers are worth 5 billion yuan.", (1,)),
            AnswerSentence("The Foundation Model Innovation Center launched in August 2023.", (2,)),
            AnswerSentence("Subsidies offset 30% to 100% of costs.", (1, 2)),
        ],
        citations=[_citation(1, VOUCHERS), _citation(2, other)],
        retrieved=[],
        refused=False,
    )
    checked = check_answer(answer, verifier)
    assert [s.text for s in checked.dropped] == ["The vouchers are worth 5 billion yuan."]
    assert [s.citations for s in checked.sentences] == [(1,), (2, 1)]
    assert [c.quote for c in checked.citations] == [other, VOUCHERS]
    flagged = check_answer(answer, verifier, show_unsupported=True)
    assert [s.supported for s in flagged.sentences] == [False, True, True]
    assert flagged.text.startswith("(unsupported) The vouchers are worth 5 billion yuan. [1]")


def test_a_title_supports_only_a_sentence_naming_its_document(verifier: Verifier) -> None:
    title = "How Shanghai is pairing policy and clustering to scale artificial intelligence"
    span = "Co-founder and chief executive XIA Lixue said the company's growth owed less to individual subsidies."
    # Words of the title ("pairing policy and clustering") are no support for a claim about the span's content.
    claim = "Shanghai is pairing policy and clustering to scale artificial intelligence through subsidies."
    assert not verifier.check(claim, [span], title).supported
    assert names_a_title("The PIPL requires consent.", "中华人民共和国个人信息保护法")
    assert names_a_title("《个人信息保护法》要求同意。", "中华人民共和国个人信息保护法")
    assert not names_a_title("Processors must obtain consent.", "中华人民共和国个人信息保护法")
