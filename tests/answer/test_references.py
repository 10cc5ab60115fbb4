"""Following a law's citations back from a duty to the provisions that punish it."""

from __future__ import annotations

import pytest

from assistant.answer.references import BREACH_OF_A_LAW
from assistant.language import cited_articles
from assistant.settings import AnswerSettings

RULES = (
    "Drone Registration Rules\n\n"
    "Article 5 The owner of a drone weighing 250 grams or more shall register the drone with the civil aviation "
    "authority within 15 days of buying it.\n\n"
    "Article 6 A registered owner who sells a drone shall report the sale within 30 days.\n\n"
    "Article 7 Flights over crowds are prohibited.\n\n"
    "Article 12 Where anyone violates Article 5 or Article 6 of these Rules, the civil aviation authority shall "
    "order a correction and may impose a fine of not more than RMB 2,000 Yuan; where the violator refuses to "
    "correct, a fine of not less than RMB 2,000 Yuan but not more than RMB 20,000 Yuan.\n\n"
    "Article 13 Where anyone violates Article 7 of these Rules, the drone shall be confiscated.\n"
)


def test_the_articles_a_provision_cites() -> None:
    assert cited_articles(
        "Where anyone violates Article 12, Articles 16 to 20, paragraphs 1 and 2 of Article 40, or Article 42 of "
        "these Regulations"
    ) == {12, 16, 17, 18, 19, 20, 40, 42}
    assert cited_articles("违反本条例第二十九条第二款、第三十条第二款和第三款、第三十一条规定的") == {29, 30, 31}
    assert cited_articles("违反本办法第十六条至第二十条规定的") == {16, 17, 18, 19, 20}


def test_another_laws_article_is_not_cited_by_this_one() -> None:
    assert cited_articles("依照《中华人民共和国个人信息保护法》第五十三条规定设立专门机构") == set()
    assert cited_articles("in accordance with Article 53 of the Personal Information Protection Law") == set()
    assert cited_articles("in accordance with Article 40 of this Law") == {40}


def test_a_fine_question_is_answered_from_the_article_that_punishes_the_duty(assistant_over, make_assistant) -> None:  # type: ignore[no-untyped-def]
    question = "What is the highest fine for an owner who never registers a new drone?"
    answer = assistant_over("drone-rules.txt", RULES).ask(question)
    assert not answer.refused, answer.text
    assert "RMB 20,000 Yuan" in answer.text, answer.text

    # The penalty is reached by following its citation of Article 5 back from the duty; not without.
    for citing_from, reached in ((AnswerSettings().citing_from, True), (0, False)):
        assistant = make_assistant(answer=AnswerSettings(citing_from=citing_from))
        found = assistant.extractive.candidates(question, assistant.retrieve(question))
        citing = [w.text for w in found.windows if all(u.chunk.chunk_id in found.citing for u in w.units)]
        assert any("RMB 20,000 Yuan" in text for text in citing) is reached, citing


LONG_PENALTY = (
    "Library Lending Rules\n\n"
    "Article 3 A lending library shall let every borrower switch off reading suggestions that are based on the "
    "borrower's loan history, with one click on the account page.\n\n"
    "Article 4 A lending library shall keep loan records for no longer than two years.\n\n"
    "Article 5 A lending library shall publish its opening hours at the entrance.\n\n"
    "Article 6 A lending library shall answer a borrower's complaint within ten days.\n\n"
    "Article 20 Where anyone violates Article 3, Article 4, Article 5 or Article 6 of these Rules, the culture "
    "department shall order corrections, give a warning, and confiscate the illegal gains; where the violator "
    "refuses to make corrections or the circumstances are serious, the culture department shall impose a fine of "
    "not more than RMB 300,000 Yuan on the library, may order the suspension of lending, and shall impose a fine "
    "of not less than RMB 5,000 Yuan but not more than RMB 50,000 Yuan on the directly liable person in charge and "
    "other directly liable persons.\n"
)


def test_a_fine_question_quotes_the_penalty_even_when_the_duty_matches_the_question_better(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # Each question describes the duty (Article 3) more closely than the long penalty article that cites four
    # duties, so the duty scores best: still, only the penalty says what breaking the duty costs.
    assistant = assistant_over("library-rules.txt", LONG_PENALTY)
    for question in (
        "What fine does a manager face when the library ignores the rule that borrowers may switch off reading "
        "suggestions?",
        "How much can the people in charge be fined if a library does not let borrowers switch off reading "
        "suggestions based on their loan history?",
    ):
        answer = assistant.ask(question)
        assert not answer.refused, answer.text
        assert answer.text.startswith("Article 20"), answer.text
        assert "RMB 50,000 Yuan" in answer.text, answer.text


def test_a_follow_up_to_a_fine_question_still_asks_about_the_fine(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("drone-rules.txt", RULES)
    first = "What is the penalty for an owner who does not register a new drone in time?"
    for follow_up in ("What if the owner then refuses to correct it?", "And if the owner refuses, how high can it go?"):
        answer = assistant.ask(follow_up, history=[first])
        assert not answer.refused, answer.text
        assert "RMB 20,000 Yuan" in answer.text, (follow_up, answer.text)


LISTED_CONDUCT = (
    "Museum Rules\n\n"
    "Article 12 Duplicate items of a collection may be disposed of only through a public auction.\n\n"
    "Article 13 A museum shall keep an inventory of its collection and update it every year.\n\n"
    "Article 40 Where a museum or its staff commits any of the following acts, the cultural heritage department "
    "at the same level shall order corrections; where the circumstances are serious, the persons directly in "
    "charge shall be given sanctions according to law:\n"
    "(1) lending a collection item abroad without approval;\n"
    "(2) failing to keep the inventory of the collection;\n"
    "(3) selling duplicate items to private dealers without a public auction.\n"
)


UNCITED_PENALTY = (
    "Heritage Rules\n\n"
    "Article 5 A museum shall not lend a collection item abroad without the approval of the heritage department.\n\n"
    "Article 6 A museum shall insure every collection item it lends.\n\n"
    "Article 30 Where a loan breaches these rules, the heritage department shall revoke the museum's licence to "
    "lend and may impose a fine of up to RMB 200,000 Yuan.\n"
)


@pytest.mark.parametrize(
    ("document", "question", "expected"),
    [
        # The item matches the question best, but only the lead of the list says what follows from it.
        (
            LISTED_CONDUCT,
            "What is the penalty for a museum selling duplicate items to private dealers?",
            ["selling duplicate items to private dealers", "shall order corrections"],
        ),
        # The duty (Article 5) matches the question best and cites nothing back; only Article 30 says what follows.
        (
            UNCITED_PENALTY,
            "What are the consequences for a museum lending a collection item abroad without approval?",
            ["RMB 200,000 Yuan"],
        ),
    ],
    ids=["item-with-its-lead", "uncited-penalty-over-the-duty"],
)
def test_a_penalty_question_quotes_what_states_the_sanction(assistant_over, document, question, expected) -> None:  # type: ignore[no-untyped-def]
    answer = assistant_over("museum-rules.txt", document).ask(question)
    assert not answer.refused, answer.text
    for text in expected:
        assert text in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "breach"),
    [
        ("生成式人工智能服务提供者违反办法规定怎么处罚？", "违反办法"),
        ("What happens if a company violates the PIPL?", "violates the PIPL"),
        (
            "What is the fine for breaking the Network Data Security Regulations?",
            "breaking the Network Data Security Regulations",
        ),
        ("违反数据安全保护义务的，最高罚款多少？", None),
        ("What's the fine if a platform ignores that?", None),
    ],
)
def test_a_breach_of_a_law_as_a_whole_is_told_from_a_breach_of_a_duty(question: str, breach: str | None) -> None:
    found = BREACH_OF_A_LAW.search(question)
    assert (found.group(0) if found else None) == breach


def test_a_penalty_question_quotes_the_provision_imposing_a_sanction_not_a_referral_to_other_law(library) -> None:  # type: ignore[no-untyped-def]
    # Both general penalty clauses punish a breach of the PIPL; Article 71 (public security penalties, criminal
    # liability "in accordance with the law") matched "penalty" literally and was quoted instead of Article 66.
    for question, history in (
        ("What is the penalty for violating Article 13 of the PIPL?", []),
        ("违反的话怎么处罚？", ["《个人信息保护法》第五十一条规定了什么？"]),
    ):
        answer = library.ask(question, history=history)
        assert not answer.refused, answer.text
        assert answer.citations[0].heading_path.endswith(("Article 66", "第六十六条")), answer.text
    crime = library.ask("What happens if a violation of the PIPL constitutes a crime?")
    assert crime.citations[0].heading_path.endswith("Article 71"), crime.text


def test_a_question_on_breaching_a_law_as_a_whole_quotes_its_general_penalty_clause(library) -> None:  # type: ignore[no-untyped-def]
    # Before, the definitions of the measures were quoted: the penalty article shares few words with the question.
    answer = library.ask("生成式人工智能服务提供者违反办法规定怎么处罚？")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第二十一条"), answer.text


def test_a_penalty_follow_up_on_an_article_no_provision_cites_is_not_answered_by_one_punishing_other_articles(
    library,
) -> None:  # type: ignore[no-untyped-def]
    # The article carried over leads to the law's general clauses; what was retrieved beside them competes too, but
    # Article 57, punishing breaches of Articles 29 to 32 (retrieved through "第十条" in "第三十条"), is no answer.
    answer = library.ask("违反了怎么罚？", history=["网络数据安全管理条例第十条规定了什么？"])
    assert answer.citations, answer.text
    assert answer.citations[0].heading_path.endswith(("第五十八条", "第六十一条")), answer.text


def test_a_supposed_breach_asks_what_it_costs_without_naming_a_sanction(library) -> None:  # type: ignore[no-untyped-def]
    # "What if … ignores it?", "不配合会怎样？" name no fine or penalty; before, they read as asking about the duty.
    answer = library.ask(
        "What if a platform ignores it?", history=["What does Article 42 of the NDSR require of platforms?"]
    )
    assert answer.citations[0].heading_path.endswith("Article 55"), answer.text
    answer = library.ask("不配合会怎样？", history=["《数据安全法》第三十五条要求企业做什么？"])
    assert answer.citations[0].heading_path.endswith("第四十八条"), answer.text
