"""The answer step on the bundled library, over the real model and a real Chroma: the examples issue 12 names.

Each question below was answered wrongly (or refused wrongly) by the rule-based answer step this replaced. The
index holds the whole bundled corpus, so every answer competes with ten documents in two languages.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer import evidence as ev
from assistant.answer.extractive import _Breach, _tokens_of_units
from assistant.answer.scoring import WINDOW_FEATURES
from assistant.evaluation import contains_fact, normalise_for_match
from assistant.retrieve import Filters
from assistant.settings import AnswerSettings
from tests.answer.test_evidence import chunk, passage_of
from tests.conftest import CORPUS

ARTICLE = CORPUS / "shanghai-ai-policy-clustering.txt"


def says(answer, *facts: str) -> bool:  # type: ignore[no-untyped-def]
    text = normalise_for_match(" ".join(s.text for s in answer.sentences))
    return all(contains_fact(text, normalise_for_match(f)) for f in facts)


def answers_quoting(assistant, phrase: str, *questions: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Each question's answer text, after checking that it answers and quotes ``phrase``."""
    texts = []
    for question in questions:
        answer = assistant.ask(question)
        assert not answer.refused and phrase in answer.text, (question, answer.text)
        texts.append(answer.text)
    return texts


def test_voucher_sentence_is_read_with_what_these_areas_are(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What subsidies cover model usage?")
    assert not answer.refused
    assert says(answer, "1 billion yuan", "30% to 100%")
    assert says(answer, "computing power, model usage and data access")  # what "these areas" are


def test_what_is_offered_is_read_with_the_sentence_that_states_it(library) -> None:  # type: ignore[no-untyped-def]
    # The issue's first example: the July measures announce it, the next sentence ("covering these areas") says it.
    answer = library.ask("What does Shanghai offer to cut the cost of computing power?")
    assert not answer.refused
    assert says(answer, "1 billion yuan", "30% to 100%"), answer.text


def test_who_is_behind_the_institute_is_answered_although_behind_is_not_in_the_text(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("Who is behind the Shanghai Innovation Institute?")
    assert not answer.refused
    assert says(answer, "Ministry of Education", "municipal government")


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """The news article alone, as the index was when these questions were answered wrongly."""
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index_dir=tmp_path_factory.mktemp("article")), embedder=embedder)
    assistant.ingest([ARTICLE])
    return assistant


@pytest.mark.parametrize(
    "question",
    [
        "What is the minimum registered capital for AI firms in Shanghai?",  # was answered with Zhangjiang
        "Which law governs personal information impact assessments?",  # was "For firms like Infinigence AI, …"
    ],
)
def test_questions_the_article_does_not_answer_are_refused(article, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = article.ask(question)
    assert answer.refused, answer.text
    assert answer.confidence is not None and answer.confidence < 0.5


@pytest.mark.parametrize(
    "question",
    [
        # "what … cost/charge/pay" asks for a price: no passage states one, though each names what is paid for
        "What does an outbound data transfer security assessment cost a company?",
        "What does a company pay for the personal information protection certification?",
        "What do doctoral students at the Shanghai Innovation Institute pay?",
    ],
)
def test_a_price_no_passage_states_is_refused(library, question: str) -> None:  # type: ignore[no-untyped-def]
    assert library.ask(question).refused


def test_the_readme_example_quotes_article_21_of_the_data_security_law(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What does Article 21 of the Data Security Law say?", Filters(types=("regulation",)))
    assert not answer.refused, answer.text
    first = answer.citations[0]
    assert first.doc_id == "数据安全法_2021-06-10.md"
    assert first.heading_path.endswith("第二十一条")
    assert "数据分类分级保护制度" in answer.text
    assert "Chinese" in answer.note  # no English text of this law is indexed: the quote is the Chinese original


def test_a_chinese_fine_question_is_answered_with_the_figure(library) -> None:  # type: ignore[no-untyped-def]
    question = "开展数据处理活动的组织不履行数据安全保护义务的，罚款多少？"
    answer = library.ask(question, Filters(doc_ids=("数据安全法_2021-06-10.md",)))
    assert not answer.refused, answer.text
    assert says(answer, "五万元以上五十万元以下")


def test_a_maximum_fine_question_sees_every_tier_of_the_article(library) -> None:  # type: ignore[no-untyped-def]
    question = "数据处理者违反本法规定，未履行数据安全保护义务的，最高罚款多少？"
    answer = library.ask(question, Filters(doc_ids=("数据安全法_2021-06-10.md",)))
    assert not answer.refused, answer.text
    # The provision is not cut at its first "；": the higher tier and the core-data tier are there too.
    assert says(answer, "五十万元以上二百万元以下", "一千万元")


def test_a_list_question_gets_the_lead_with_every_item(library) -> None:  # type: ignore[no-untyped-def]
    # Article 51's lead sentence and its six items span more than one chunk; one item is not the answer.
    answer = library.ask("Under Article 51 of the PIPL, which measures must personal information processors take?")
    assert not answer.refused, answer.text
    assert "shall take the following measures" in answer.text
    assert all(f"({n})" in answer.text for n in range(1, 7)), answer.text


MUSEUM_RULES = (
    "Museum Visitor Rules\n\n"
    "Article 7 Before admitting a school group, a museum shall give the accompanying teacher the following "
    "information:\n"
    "(1) the opening hours of the galleries the group will visit;\n"
    "(2) the evacuation routes and the assembly point;\n"
    "(3) the name of the staff member on duty for the group.\n\n"
    "Article 8 A museum shall keep its visitor records for two years.\n"
)


def test_a_question_on_what_a_lead_announces_gets_every_item(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """Asked in the lead's own terms, with no list word, the question asks for what the lead announces: the
    first item, which comes next, is not the answer."""
    assistant = assistant_over("museum-rules.txt", MUSEUM_RULES)
    answer = assistant.ask("What must a museum tell the teacher before it admits a school group?")
    assert not answer.refused, answer.text
    assert says(answer, "the following information", "opening hours", "evacuation routes", "staff member on duty")


def test_a_question_on_one_item_gets_that_item_with_its_lead(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("museum-rules.txt", MUSEUM_RULES)
    answer = assistant.ask("Does the teacher of a school group have to be told the evacuation routes?")
    assert not answer.refused, answer.text
    assert says(answer, "evacuation routes and the assembly point")
    assert not says(answer, "opening hours"), answer.text


def test_a_yes_no_question_on_a_duty_is_answered_with_its_exception(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "drone-rules.txt",
        "Drone Registration Rules\n\n"
        "Article 5 The owner of a drone shall register the drone with the civil aviation authority within 15 days "
        "of buying it. The registration shall state the owner's name and the drone's serial number. The authority "
        "shall issue a registration label. The label shall be fixed to the drone's frame. An owner whose drone "
        "weighs less than 250 grams is not required to register the drone.\n\n"
        "Article 6 A registered owner who sells the drone shall report the sale within 30 days.\n",
    )
    answer = assistant.ask("Does every drone owner have to register the drone?")
    assert not answer.refused, answer.text
    assert "register the drone with the civil aviation authority" in answer.text
    assert "not required to register" in answer.text, answer.text


def test_a_question_word_no_passage_holds_counts_where_a_word_near_it_in_meaning_stands(  # type: ignore[no-untyped-def]
    assistant_over,
) -> None:
    """ "sue" is in no passage; retrieval searched for "lawsuit" instead, and the answer step reads it so too: the
    provision on the lawsuit answers, not the one sharing "on behalf of" and "a large number" with the question."""
    assistant = assistant_over(
        "ferry-rules.txt",
        "Ferry Passenger Rules\n\n"
        "Article 1 These Rules are formulated to protect ferry passengers on the river crossings of the city.\n\n"
        "Article 2 A ferry operator that serves a large number of passengers on behalf of the port shall publish its "
        "timetable, keep its boats in good repair and post its fares at every pier.\n\n"
        "Article 3 Where a ferry operator breaks these Rules and harms the interests of many passengers, the harbour "
        "board and the passengers' association may file a lawsuit with the people's court.\n\n"
        "Article 4 The harbour board inspects each ferry once a year.\n",
    )
    question = "Who could sue on their behalf when many ferry passengers are affected?"
    assert assistant.retrieve(question).related_to.get("sue", ())[:1] == ("lawsuit",)
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert says(answer, "the harbour board and the passengers' association may file a lawsuit")
    assert not says(answer, "publish its timetable"), answer.text


def test_a_why_question_is_answered_by_the_reason_not_by_what_it_restates(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """The question restates what it asks the reason for, so that statement matches it best; the answer is the
    sentence stating a purpose, in another paragraph."""
    assistant = assistant_over(
        "harbour-bus.txt",
        "Harbour Bus Notice\n\n"
        "The city will run free harbour buses on weekends from May. The buses stop at every pier on the east bank "
        "and at the old customs house.\n\n"
        "Ferry tickets stay unchanged, and monthly passes remain valid on every ferry line.\n\n"
        "The weekend service is meant to ease crowding on the ferries during the summer months, so that passengers "
        "wait less at the piers.\n",
    )
    answer = assistant.ask("Why will the city run free harbour buses on weekends?")
    assert not answer.refused, answer.text
    assert says(answer, "so that passengers wait less")


@pytest.mark.parametrize(
    ("name", "text", "question", "quoted", "not_quoted"),
    [
        pytest.param(
            # The question restates the duty, which matches it best; whether it always holds is said by the
            # provision that lifts it, not by an exception to some other duty.
            "ferry-cancellation-rules.txt",
            "Ferry Cancellation Rules\n\n"
            "Article 2 Where a crossing is cancelled, the ferry operator shall warn the passengers booked on it by "
            "text message.\n\n"
            "Article 3 The operator shall not sell tickets for a crossing after it has been cancelled, except where "
            "the harbour board allows it.\n\n"
            "Article 4 Where the cancellation is announced on the harbour board's website at least two days before "
            "the crossing, the operator is not required to warn the passengers.\n\n"
            "Article 5 The harbour board inspects each ferry once a year.\n",
            "If a crossing is cancelled, must the operator always warn the booked passengers?",
            "the operator is not required to warn the passengers",
            "except where the harbour board allows it",
            id="exception",
        ),
        pytest.param(
            # The report's contents name a body too, as the one that specifies them: not where the report goes.
            "ferry-safety-reports.txt",
            "Ferry Safety Reports\n\n"
            "Article 6 Each ferry operator shall review its crossings every year and submit its findings to the "
            "port administration of its home harbour before the end of March.\n\n"
            "Article 7 The yearly safety report of a ferry operator shall contain the following:\n"
            "(1) the crossings made and the passengers carried;\n"
            "(2) the accidents and near misses of the year; and\n"
            "(3) other items of the safety report to be sent as specified by the Harbour Board.\n",
            "Who does a ferry operator send its yearly safety report to?",
            "to the port administration of its home harbour",
            "other items of the safety report",
            id="recipient",
        ),
        pytest.param(
            # The question's own words match a duty on the same boats best; the law's scope provision answers it.
            # The asker's situation, told first in a sentence of its own, leaves the question a yes/no one.
            "harbour-boats-law.txt",
            "Harbour Boats Law\n\n"
            "Article 2 This Law applies to boats that carry passengers for hire within the harbour.\n\n"
            "Article 3 This Law does not apply to a boat that a household keeps for its own leisure.\n\n"
            "Article 5 Owners of small rowing boats kept for family trips shall moor them at the east pier after "
            "dusk.\n",
            "We keep a small rowing boat for family trips. Does the boats law apply to us?",
            "does not apply to a boat that a household keeps",
            "moor them at the east pier",
            id="scope",
        ),
    ],
)
def test_the_quote_is_the_statement_the_question_asks_for_not_what_it_restates(  # type: ignore[no-untyped-def]
    assistant_over, name: str, text: str, question: str, quoted: str, not_quoted: str
) -> None:
    answer = assistant_over(name, text).ask(question)
    assert not answer.refused, answer.text
    assert says(answer, quoted), answer.text
    assert not says(answer, not_quoted), answer.text


def test_who_fines_and_the_most_it_costs_quotes_every_tier(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """The message asks who first, but for the maximum of a penalty too: the tier for serious cases is quoted."""
    assistant = assistant_over(
        "ferry-logbook-rules.txt",
        "Ferry Logbook Rules\n\n"
        "Article 5 The operator of a passenger ferry shall keep a logbook of every crossing.\n\n"
        "Article 9 Where an operator fails to keep the logbook required by Article 5, the Harbour Board shall order "
        "it to make corrections and impose a fine of 2,000 yuan. Where the circumstances are serious, a fine of not "
        "less than 5,000 yuan but not more than 20,000 yuan shall be imposed.\n",
    )
    answer = assistant.ask("Who fines an operator that keeps no logbook, and what is the most it can be fined?")
    assert not answer.refused, answer.text
    assert says(answer, "the Harbour Board", "not more than 20,000 yuan")


def test_money_as_such_is_the_sum_asked_for_not_a_word_the_text_must_hold(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("How much money will be put into the AI+ vouchers?")
    assert not answer.refused, answer.text
    assert "1 billion yuan" in answer.text


def test_a_definition_is_found_among_the_articles_that_use_the_term(assistant_over) -> None:  # type: ignore[no-untyped-def]
    uses = [
        f"第{n}条 无人机{duty}，无人机所有者应当配合无人机管理部门。"
        for n, duty in zip(
            "二三四五六七八九十",
            [
                "实行实名登记",
                "应当标注登记标识",
                "飞行应当遵守空域规定",
                "转让应当办理变更",
                "不得在人群上方飞行",
                "事故应当及时报告",
                "数据应当保存一年",
                "维修应当由专业机构进行",
                "报废应当注销登记",
            ],
            strict=True,
        )
    ]
    articles = ["第一条 本办法所称无人机，是指没有机载驾驶员、由遥控设备操纵的航空器。", *uses]
    assistant = assistant_over("无人机管理办法.txt", "无人机管理办法\n\n" + "\n\n".join(articles) + "\n")
    answer = assistant.ask("无人机管理办法里说的“无人机”是什么意思？")
    assert not answer.refused, answer.text
    assert "没有机载驾驶员" in answer.text, answer.text


def test_what_an_article_says_is_the_whole_article(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "drone-rules.txt",
        "Drone Registration Rules\n\n"
        "Article 3 The civil aviation authority keeps the register of drones.\n\n"
        "The register is open to the public, except for the owners' addresses.\n\n"
        "Article 4 Owners shall keep their registration label readable.\n",
    )
    answer = assistant.ask("What does Article 3 of the Drone Registration Rules say?")
    assert "keeps the register of drones" in answer.text
    assert "open to the public" in answer.text, answer.text
    assert "Article 4" not in answer.text


def test_a_follow_up_asking_how_long_is_answered_with_a_time_limit(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "无人机登记办法.txt",
        "无人机实名登记办法\n\n"
        "第五条 无人机所有者应当在购买之日起十五日内办理实名登记。\n\n"
        "第六条 无人机所有者转让无人机的，应当在转让之日起三十日内办理变更登记。\n",
    )
    answer = assistant.ask("那转让了呢？", history=["无人机所有者购买后多久内要办理实名登记？"])
    assert not answer.refused, answer.text
    assert "三十日内" in answer.text


_FERRY_OPERATION_RULES = (
    "# 渡轮管理办法\n\n第一条 为了规范渡轮运营，保障乘客安全，制定本办法。\n\n"
    "第二条 在本市水域内运营渡轮，适用本办法。在本市水域外运营渡轮，损害本市乘客合法权益的，依法追究法律责任。\n\n"
    "第三条 渡轮经营者应当每年检修船只，并保存检修记录。\n\n"
    "第四条 本办法自2020年3月1日起施行。\n"
)


@pytest.mark.parametrize(
    ("question", "answer"),
    [("在本市水域外运营的渡轮它管不管？", "第二条"), ("检修记录算不算要保存的材料？", "第三条")],
)
def test_a_follow_up_asking_with_a_verb_said_and_denied_asks_yes_or_no(
    assistant_over,  # type: ignore[no-untyped-def]
    question: str,
    answer: str,
) -> None:
    # it asked when, as the question before did, and was refused for stating no date
    assistant = assistant_over("渡轮管理办法.md", _FERRY_OPERATION_RULES)
    found = assistant.ask(question, history=["《渡轮管理办法》哪一天生效？"])
    assert not found.refused, found.text
    assert found.text.startswith(answer), found.text


def test_a_frequency_without_digits_answers_how_often(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("重要数据的处理者多久开展一次风险评估？")
    assert not answer.refused, answer.text
    assert "每年度" in answer.text


def test_time_expressions_without_digits_answer_when(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "算力券通知.txt",
        "算力券申报通知\n\n企业应当于每年上半年提交算力券申请材料。\n\n市经济信息化部门在受理后的次月公布评审结果。\n",
    )
    first = assistant.ask("企业什么时候提交算力券申请材料？")
    assert not first.refused and "上半年" in first.text
    second = assistant.ask("评审结果什么时候公布？")
    assert not second.refused and "次月" in second.text


def test_quotes_read_exactly_as_the_source(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("个人信息处理者在哪些情形下应当事前进行个人信息保护影响评估？")
    assert not answer.refused
    assert "（一）处理敏感个人信息；" in answer.text  # full-width, as the law is written
    source = (CORPUS / "个人信息保护法_2021-08-20.md").read_text(encoding="utf-8")
    for citation in answer.citations:
        assert citation.quote in source


def test_an_unindexed_law_is_refused_by_name(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What does Article 21 of the Cybersecurity Law say?")
    assert answer.refused
    assert "Cybersecurity Law" in answer.refusal_reason


@pytest.mark.parametrize(
    ("question", "law"),
    [
        # Nothing of the law is retrieved: the English passages found are other laws' (the Network Data Security
        # Regulations' Article 35 was quoted).
        ("What does the Data Security Law say about data classification?", "数据安全法"),
        # Chinese passages of the law are boosted in by its name, but the answer step reads only the question's
        # language: the news article's "subsidies" sentence was quoted.
        ("What does the Science and Technology Progress Law say about subsidies?", "科学技术进步法"),
    ],
)
def test_a_law_named_in_english_but_indexed_in_chinese_only_is_not_answered_from_another_document(  # type: ignore[no-untyped-def]
    library, question: str, law: str
) -> None:
    # Neither BM25 nor the bundled model matches an English question against Chinese text.
    answer = library.ask(question)
    assert answer.refused and not answer.citations, answer.text
    assert "indexed in Chinese only" in answer.refusal_reason and law in answer.refusal_reason


def test_a_contracted_penalty_question_on_a_named_article_quotes_the_article_that_punishes_it(library) -> None:  # type: ignore[no-untyped-def]
    # "What's" read as "What is": a question for an amount, so the provision citing Article 27 with its fine is
    # quoted, not Article 27's duty (quoted before, the question read as asking for no type).
    answer = library.ask("What's the fine for violating Article 27 of the Data Security Law?")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第四十五条")
    assert "五万元以上五十万元以下" in answer.text


def test_a_penalty_question_quotes_the_paragraph_that_names_the_duty_not_one_punishing_another_breach(library) -> None:  # type: ignore[no-untyped-def]
    # Article 45 of the Data Security Law punishes breaches of Article 27 in its first paragraph, and breaches of
    # the core data rules in its second, which was quoted (its fine, up to 一千万元, is no fine for Article 27).
    answer = library.ask("违反数据安全法第二十七条会被罚多少？")
    assert not answer.refused, answer.text
    assert "不履行本法第二十七条" in answer.text and "五万元以上五十万元以下" in answer.text
    assert "核心数据" not in answer.text


def test_a_penalty_question_on_an_article_no_provision_cites_is_answered_by_the_general_clause(library) -> None:  # type: ignore[no-untyped-def]
    # No article of the Data Security Law cites Article 13; Article 52 punishes breaches of the law at large
    # ("违反本法规定…"). Before, the question read as asking what Article 13 says, and Article 13 was quoted.
    answer = library.ask("违反数据安全法第十三条怎么罚？")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第五十二条")
    assert "违反本法规定" in answer.text and "第十三条" not in answer.text


def test_a_named_law_the_filters_leave_out_is_refused_saying_so(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What does the PIPL say about consent?", Filters(types=("news",)))
    assert answer.refused and not answer.citations, answer.text
    assert "filters leave out" in answer.refusal_reason


def test_a_follow_up_is_searched_with_the_previous_subject(library) -> None:  # type: ignore[no-untyped-def]
    first = "《数据安全法》第四十五条对不履行数据安全保护义务的单位最多罚多少？"
    answer = library.ask("第四十六条呢？", history=[first])
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第四十六条")
    assert "数据安全法" in answer.searched_for


def test_a_sentence_whose_subject_is_the_project_before_is_read_with_it(library) -> None:  # type: ignore[no-untyped-def]
    # "The project aims to attract …" says what the town just named is meant to achieve; before, it was left out.
    answer = library.ask("What is the Zhangjiang AI Innovation Town meant to achieve?")
    assert not answer.refused, answer.text
    assert says(answer, "1,000 additional companies", "250 billion yuan")


def test_a_paragraph_named_by_number_is_quoted_without_the_rest_of_its_article(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("《个人信息保护法》第十三条第二款是什么？")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第十三条")
    assert says(answer, "不需取得个人同意")
    assert "（一）取得个人的同意" not in answer.text  # the first paragraph's items are not what was asked
    absent = library.ask("《数据安全法》第六条第九款讲了什么？")
    assert absent.citations[0].heading_path.endswith("第六条")
    assert "no paragraph 9" in absent.note
    english = library.ask("What does paragraph 9 of Article 21 of the Data Security Law say?")
    assert "no paragraph 9" in english.note and "Quoted in Chinese" in english.note, english.note


def test_a_follow_up_naming_only_a_paragraph_is_about_the_article_before(library) -> None:  # type: ignore[no-untyped-def]
    # Before, the article was dropped from what was searched and a paragraph of another article was quoted.
    answer = library.ask("And the second paragraph?", history=["What does Article 13 of the PIPL say?"])
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("Article 13")
    assert says(answer, "Subparagraphs (2) to (7) of the preceding paragraph")
    assert "(1) the individual's consent has been obtained" not in answer.text


def test_a_follow_up_on_what_breaking_an_article_costs_is_answered_by_the_provision_citing_it(library) -> None:  # type: ignore[no-untyped-def]
    # Before, the article number was dropped from what was searched, and a general liability clause was quoted.
    answer = library.ask("违反了怎么罚？", history=["网络数据安全管理条例第三十条规定了什么？"])
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第五十七条"), answer.text
    assert "第三十条" in answer.searched_for


def test_a_follow_up_naming_another_law_is_not_searched_with_the_law_before(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("数据安全法呢？", history=["个人信息保护法什么时候施行？"])
    assert "个人信息保护法" not in answer.searched_for
    assert answer.citations[0].doc_id.startswith("数据安全法"), answer.text
    assert "2021年9月1日" in answer.text


@pytest.mark.parametrize(
    ("history", "question"),
    [
        (
            "Under the PIPL, what must a processor do before processing sensitive personal information?",
            "What do the network data regs add for minors under 14?",
        ),
        (
            "Does the PIPL require an impact assessment before automated decision-making?",
            "What do the network data rules require of platforms that push personalized content?",
        ),
    ],
)
def test_a_follow_up_naming_another_law_by_a_shortened_name_is_answered_from_it(  # type: ignore[no-untyped-def]
    library, history: str, question: str
) -> None:
    # "the network data regs / rules" name the Network Data Security Management Regulations as users shorten them
    answer = library.ask(question, history=[history])
    assert "PIPL" not in answer.searched_for
    assert not answer.refused and answer.citations[0].doc_id.startswith("network-data-security"), answer.text


def test_a_follow_up_on_another_breach_of_the_same_penalty_article_quotes_its_paragraph(library) -> None:  # type: ignore[no-untyped-def]
    # Article 48 punishes a breach of Article 35 in its first paragraph and of Article 36 in its second; reached from
    # Article 36 (foreign judicial bodies), the first paragraph is not read with Article 36's words.
    answer = library.ask(
        "那违反规定向外国司法机构提供数据呢？", history=["《数据安全法》第四十八条对拒不配合数据调取的最多罚多少？"]
    )
    assert not answer.refused and answer.citations[0].quote.startswith("违反本法第三十六条规定"), answer.text


def test_a_follow_up_naming_a_breach_quotes_the_paragraph_punishing_it(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # the paragraph opens with a breach of its own, citing no article: held to the duty asked about before, it was
    # dropped as punishing another breach, though the follow-up names that very breach
    assistant = assistant_over(
        "示例数据条例_2024-01-01.md",
        "# 示例数据条例\n\n"
        "第三条 数据处理者应当按月向主管部门报送数据处理日志。\n\n"
        "第五条 国家建立重要数据目录登记制度，由主管部门统一登记。\n\n"
        "第九条 违反本条例第三条规定，未按月报送数据处理日志的，由主管部门责令改正，处一万元以上五万元以下罚款。\n\n"
        "违反重要数据目录登记制度，隐瞒数据来源的，由主管部门处一百万元以上三百万元以下罚款。\n",
    )
    answer = assistant.ask("那违反重要数据目录登记制度呢？", history=["不按月报送数据处理日志，最多罚多少？"])
    assert not answer.refused and "一百万元以上三百万元以下" in answer.text, answer.text


def test_what_makes_a_thing_count_as_a_term_is_answered_by_its_definition(library) -> None:  # type: ignore[no-untyped-def]
    # read as a list whose focus was "make", it quoted Article 46's duties of large platforms
    answer = library.ask("What makes an online platform count as a large one under the network data regulations?")
    assert not answer.refused and "50 million or more registered users" in answer.text, answer.text


def test_a_question_on_duties_quotes_the_duty_not_the_penalty_for_breaching_it(library) -> None:  # type: ignore[no-untyped-def]
    # Article 47 words the duty again ("未履行本法第三十三条规定的义务"), matching 义务 where Article 33 says 应当.
    answer = library.ask("数据交易中介机构要履行什么义务？")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第三十三条"), answer.text


def test_a_follow_up_naming_a_law_indexed_only_in_another_language_keeps_the_law_before(library) -> None:  # type: ignore[no-untyped-def]
    # "algorithmic recommendation" names the Chinese-only provisions, but here it is the topic asked about.
    answer = library.ask(
        "What about algorithmic recommendation?",
        history=["Under the PIPL, can companies use automated decision-making?"],
    )
    assert "PIPL" in answer.searched_for
    assert not answer.refused, answer.text
    assert answer.citations[0].doc_id.startswith("pipl"), answer.text


def test_a_question_naming_a_documents_publisher_is_answered_from_it(library) -> None:  # type: ignore[no-untyped-def]
    # The feature's text never names its outlet; its sidecar does. Before, "None of them mentions Jiemian."
    answer = library.ask("Roughly how many AI companies operate in Shanghai, per the Jiemian feature?")
    assert not answer.refused, answer.text
    assert "10,000" in answer.text
    other = library.ask("What does the Reuters article say about Shanghai?")
    assert other.refused and "Reuters" in other.refusal_reason


def test_a_chinese_count_is_answered_with_a_figure_of_the_unit_counted(library) -> None:  # type: ignore[no-untyped-def]
    # "多少人": the focus 人 is one character, which the coverage holds as its character; before, it was never found,
    # and the question was refused. A figure of people ("1000万人") answers, not "3年" beside 个人信息.
    answer = library.ask("一个App手里的个人信息达到多少人，就得按重要数据处理者的标准来管？")
    assert not answer.refused, answer.text
    assert answer.citations[0].heading_path.endswith("第二十八条"), answer.text
    assert "1000万人" in answer.text


def test_an_age_is_answered_with_the_age_the_law_states(library) -> None:  # type: ignore[no-untyped-def]
    # Before, "what age" asked for a time, which "under the age of 14" is not, and the question was refused.
    answer = library.ask("At what age does the PIPL treat personal information as that of a minor?")
    assert not answer.refused, answer.text
    assert "under the age of 14" in answer.text


def test_a_follow_up_quotes_what_it_asks_not_the_previous_answer_again(assistant_over, make_assistant) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Harbour Estate Rules\n\n"
        "Article 9 Face scanners installed at the gates of residential estates shall be necessary for public "
        "security, shall comply with relevant national provisions, and shall carry prominent signs.\n\n"
        "Article 10 Scanning a face shall not be the sole way for residents to enter an estate.\n\n"
        "Article 11 Estate managers shall keep visitor logs for one year.\n"
    )
    first = "What do the Harbour Estate Rules require of face scanners installed at residential estate gates?"
    follow_up = "Can scanning be the sole way in?"
    assistant = assistant_over("harbour-rules.txt", text)
    answer = assistant.ask(follow_up, history=[first])
    assert not answer.refused, answer.text
    assert answer.text.startswith("Article 10 Scanning a face shall not be the sole way"), answer.text
    assert len(answer.citations) == 1, answer.text
    # Counted as much as its own, the previous question's words bring back the answer it already had.
    even = make_assistant(answer=AnswerSettings(borrowed_word_weight=1.0)).ask(follow_up, history=[first])
    assert "public security" in even.text, even.text


PLATFORM_RULES = (
    "Harbour Platform Rules\n\n"
    "Article 2 In these Rules, a large platform means an online platform with 50 million or more registered users.\n\n"
    "Article 8 Large platform operators shall publish annual reports on personal data protection.\n\n"
    "Article 9 Operators shall appoint a data officer.\n"
)
DEFINING = "How do the Harbour Platform Rules define a large platform?"


def test_a_follow_up_asking_for_no_type_is_not_held_to_the_type_asked_before(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # Held to the definition the first question asked for, Article 8 (which defines nothing) was refused.
    answer = assistant_over("platform-rules.txt", PLATFORM_RULES).ask(
        "What do they have to publish every year?", history=[DEFINING]
    )
    assert not answer.refused, answer.text
    assert answer.text.startswith("Article 8 Large platform operators shall publish annual reports"), answer.text


def test_a_follow_up_is_compared_with_its_own_words_not_only_the_previous_question(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("platform-rules.txt", PLATFORM_RULES)
    question = "What do they have to publish every year?"
    searched = assistant.searched_for(question, [DEFINING])
    found = assistant.extractive.candidates(searched, assistant.retrieve(question, history=[DEFINING]), embed_all=True)
    dense = {w.text.split()[1]: row[WINDOW_FEATURES.index("dense")] for w, row in zip(found.windows, found.rows)}
    # By the searched text's vector alone, the definition the previous question asked for is the closer.
    assert dense["8"] > dense["2"], dense


def test_words_no_passage_holds_do_not_drown_those_that_tell_passages_apart(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # 刷脸 (tokenised 刷, 脸), 物业, 业主 and 进门 occur nowhere: counted, they would shrink every window's coverage
    # alike, and the article's lead paragraph would win on its position alone.
    assistant = assistant_over(
        "港湾小区管理规定.txt",
        "港湾小区管理规定\n\n"
        "第九条 在小区、商场、公园、宾馆等场所安装人脸识别设备，应当为维护公共安全所必需，"
        "遵守国家有关规定，并设置显著标识。\n\n"
        "所收集的人脸信息只能用于维护公共安全，不得用于其他目的。\n\n"
        "前款规定的场所，不得以人脸识别作为进入该场所的唯一方式。\n\n"
        "第十条 小区管理者应当保存访客登记一年。\n",
    )
    questions = ("物业能让业主只靠刷脸这一种方式进门吗？", "刷脸可以当成进小区的唯一方式吗？")
    for text in answers_quoting(assistant, "唯一方式", *questions):
        assert not text.startswith("第九条"), text


CUT_AT_SEMICOLON = (
    "# 示例园区管理办法\n\n第一条 为了规范园区管理，制定本办法。\n\n"
    "第九条 入驻企业应当按照约定用途使用园区提供的算力资源，"
    + "如实登记使用情况、用途变化、合作单位、数据来源、模型名称和服务对象，" * 4
    + "并每季度向园区管理机构报送使用报告；"
    + "连续两次逾期的，管理方可以收回已分配的算力资源，三年内不再受理其算力券、模型券和数据券申请，" * 2
    + "情节严重的予以通报。\n\n第十条 园区管理机构应当公开收费标准。\n"
)


def test_a_provision_cut_by_a_chunk_boundary_at_its_semicolon_is_quoted_to_its_sentence_end(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("园区办法.md", CUT_AT_SEMICOLON)
    # The article is longer than a chunk: the boundary falls at its "；", in the middle of the sentence.
    texts = [c.text for c in assistant.index.chunks(list(assistant.lexical.ids))]
    assert any(t.endswith("报送使用报告；") for t in texts) and any(t.startswith("连续两次逾期的") for t in texts)
    answer = assistant.ask("入驻企业多久报送一次使用报告？")
    assert not answer.refused, answer.text
    assert "每季度" in answer.text and "情节严重的予以通报。" in answer.text, answer.text


def test_an_abbreviation_the_evidence_spells_out_is_no_unknown_name(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "MLPS" is in no passage, but the passage it is asked about spells it out: a refusal ("None of them mentions
    # MLPS") would turn away an answerable question. An abbreviation nothing spells out still is one.
    assistant = assistant_over(
        "rules.txt",
        "Article 12 Where the risk assessment of important data overlaps with that in the cybersecurity multi-level "
        "protection scheme assessment, the relevant results can be mutually recognised.\n\n"
        "Article 13 Network data processors shall keep logs of their processing for at least three years.\n",
    )
    answer = assistant.ask("If our risk assessment overlaps with our MLPS assessment, can the results be reused?")
    assert not answer.refused, answer.text
    assert says(answer, "mutually recognised")
    refused = assistant.ask("If our risk assessment overlaps with our GDPR assessment, can the results be reused?")
    assert refused.refused and "GDPR" in refused.text


def test_a_name_the_question_gives_is_not_the_answer_it_asks_for(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "Acme Robotics" is a name, but the question gives it: a sentence naming only Acme Robotics names no one.
    assistant = assistant_over(
        "acme.txt",
        "Acme Robotics opened its first laboratory in the Xuhui cluster in 2021. For firms like Acme Robotics, the "
        "impact of the cluster has been practical. Its workforce grew to more than 200 people within two years. "
        "Co-founder and chief executive Jane Doe said the growth owed less to subsidies than to proximity. The "
        "cluster also hosts several chip designers and two universities.\n\n"
        "The city government plans further measures for the district in 2026.\n",
    )
    answer = assistant.ask("Who is the chief executive of Acme Robotics?")
    assert says(answer, "Jane Doe"), answer.text
    assert "opened its first laboratory" not in answer.text


def test_a_colloquial_chinese_question_is_answered_by_the_paragraph_it_shares_characters_with(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # 续 (延续) and 到期 (届满) share characters with the question but no word: by words alone the second paragraph
    # matches nothing the first does not, and the article's lead paragraph wins on its position.
    assistant = assistant_over(
        "示例许可管理办法.txt",
        "示例许可管理办法\n\n"
        "第五条 经营单位应当向区市场监管部门申请办理经营许可证，许可证有效期为三年。\n\n"
        "许可证有效期届满需要延续的，经营单位应当在届满前三十日内向原发证部门提出延续申请。\n\n"
        "第六条 经营单位应当在经营场所显著位置悬挂许可证。\n",
    )
    answers_quoting(assistant, "三十日内", "许可证快到期了，想继续用要怎么办？", "证过期前要续的话得提前多久申请？")


def test_a_follow_up_asking_when_is_answered_by_a_time_limit_counted_from_an_event(library) -> None:  # type: ignore[no-untyped-def]
    # "什么时候" asked for a calendar date, which "变更之日起十个工作日内" is not: the question was refused.
    answer = library.ask("那备案信息后来变了呢？", history=["具有舆论属性的算法推荐服务要在什么时候备案？"])
    assert not answer.refused, answer.text
    assert "变更之日起十个工作日内" in answer.text


def test_a_definition_follow_up_quotes_the_term_it_names_not_one_merely_holding_its_words(library) -> None:  # type: ignore[no-untyped-def]
    # "（八）大型网络平台，是指…具有重要影响的网络平台" holds 重要 and 数据 but defines no 重要数据: it was quoted
    # alone.
    answer = library.ask("那“重要数据”呢？", history=["《网络数据安全管理条例》里“大型网络平台”是什么意思？"])
    assert not answer.refused, answer.text
    assert answer.citations[0].quote.startswith("（四）重要数据，是指"), answer.text
    # nor is it quoted beside: a second window must be as much about the term asked, and state as much of the answer
    assert "大型网络平台" not in answer.text


def test_a_definition_asked_colloquially_of_a_named_law_quotes_the_definition(library) -> None:  # type: ignore[no-untyped-def]
    # "啥" was no interrogative and the law's name part of the term: an article on 数据处理活动 was quoted
    answer = library.ask("网络数据安全管理条例中的网络数据是啥意思？")
    assert not answer.refused, answer.text
    assert answer.citations[0].quote.startswith("（一）网络数据，是指"), answer.text


def test_a_follow_up_asking_how_that_term_is_defined_quotes_the_term_asked_about_before(library) -> None:  # type: ignore[no-untyped-def]
    # "term" was the definition's focus, a word no definition is of: the question was refused
    answer = library.ask("How does it define that term?", history=["Does the PIPL cover anonymized information?"])
    assert not answer.refused, answer.text
    assert '"anonymization" refers to' in answer.text, answer.text


def test_a_question_about_a_name_no_document_holds_is_refused_when_it_is_possessive(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("How much did Alibaba's cloud revenue grow last year?")
    assert answer.refused, answer.text
    assert "Alibaba" in answer.text, answer.text


def test_a_question_in_british_spelling_is_answered_as_in_american(library) -> None:  # type: ignore[no-untyped-def]
    # "anonymisation" stemmed to "anonymis", which no passage holds: the question was refused
    answer = library.ask("How does the PIPL define anonymisation?")
    assert not answer.refused, answer.text
    assert answer.citations[0].quote.startswith('(4) "anonymization" refers to'), answer.text


@pytest.mark.parametrize("question", ["深圳经济特区对公共数据开放有什么规定？", "北京经济技术开发区的算力券怎么申请？"])
def test_a_place_no_document_names_is_unknown_though_its_other_words_are_common(library, question: str) -> None:  # type: ignore[no-untyped-def]
    # 经济 and 特区 are in many passages, so the name counted as known: Shanghai's rules were quoted
    answer = library.ask(question)
    assert answer.refused, answer.text
    assert "None of them mentions" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "noun"),
    [("What dividend did MiniMax pay its shareholders?", "dividend"), ("What royalty do model makers owe?", "royalty")],
)
def test_a_question_for_a_thing_no_passage_names_is_refused_naming_it(library, question: str, noun: str) -> None:  # type: ignore[no-untyped-def]
    # the passages naming MiniMax were quoted, though none says anything of a dividend
    answer = library.ask(question)
    assert answer.refused, answer.text
    assert f"None of them mentions {noun}." in answer.text, answer.text


def test_the_verb_after_a_counted_noun_is_no_thing_the_passages_must_name(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions trigger." The word after "how many users" was read as the noun counted.
    answer = library.ask("How many registered users trigger the rules for large online platforms?")
    assert not answer.refused, answer.text
    assert "50 million or more" in answer.text, answer.text


def test_a_noun_phrase_follow_up_naming_a_thing_no_passage_names_is_refused(library) -> None:  # type: ignore[no-untyped-def]
    # asking nothing of its own, the follow-up's thing is its focus: the definition before was quoted for it
    history = ["What makes an online platform large in the network data rules?"]
    answer = library.ask("Royalty threshold?", history=history)
    assert answer.refused and "None of them mentions Royalty." in answer.text, answer.text


def test_in_a_small_library_an_absent_noun_is_no_reason_to_refuse(make_assistant) -> None:  # type: ignore[no-untyped-def]
    # one news article never says "business": the question was refused for it, though the article answers
    assistant = make_assistant()
    assistant.ingest([ARTICLE])
    answer = assistant.ask("How many AI businesses operate in Shanghai?")
    assert "None of them mentions" not in answer.text, answer.text
    assert "More than 10,000 AI-related companies" in answer.text, answer.text


def test_a_word_no_passage_holds_in_a_question_naming_an_article_asks_what_the_article_says(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions avenues." The article named is what the question asks about.
    answer = library.ask("What avenues does Article 38 of the PIPL open for sending personal information abroad?")
    assert not answer.refused, answer.text
    assert "Article 38" in answer.text, answer.text
    # a figure the article does not give is still refused, for its type
    assert library.ask("What fee does Article 38 of the PIPL set for sending personal information abroad?").refused


def test_a_question_for_a_thing_the_passages_name_is_not_refused_for_it(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What subsidies cover model usage?")
    assert not answer.refused, answer.text


def test_what_counts_as_a_term_is_answered_by_its_definition(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What counts as a large online platform under the 2024 network data regulations?")
    assert not answer.refused, answer.text
    assert "50 million or more registered users" in answer.text


def test_a_second_quote_comes_from_the_document_of_the_first(library) -> None:  # type: ignore[no-untyped-def]
    # The regulations' portability clause answers; the PIPL's platform duties (Article 58) were quoted beside it.
    answer = library.ask("用户多次要求把个人信息转到其他平台，公司可以收费吗？")
    assert not answer.refused, answer.text
    assert answer.citations[0].doc_id.startswith("网络数据安全管理条例"), answer.text
    assert {c.doc_id for c in answer.citations} == {answer.citations[0].doc_id}, answer.text


def test_a_question_on_what_numbers_qualify_is_answered_with_the_figures(library) -> None:  # type: ignore[no-untyped-def]
    # "What user numbers …" asked for a person ("what user"), and a list of platform duties was quoted.
    answer = library.ask("What user numbers make a platform count as 'large' under the 2024 network data regulations?")
    assert not answer.refused, answer.text
    assert "50 million or more registered users" in answer.text


def test_what_is_published_every_year_is_answered_by_the_annual_report(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask(
        "What do they have to put out every year?",
        history=["How do the 2024 network data regulations define a large online platform?"],
    )
    assert not answer.refused, answer.text
    assert "annual social responsibility reports" in answer.text


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        ("What is the Shanghai Innovation Institute?", "Who's behind it?", "Ministry of Education"),
    ],
)
def test_a_follow_up_asking_who_is_answered_about_the_subject_before(  # type: ignore[no-untyped-def]
    library, history: str, question: str, expected: str
) -> None:
    answer = library.ask(question, history=[history])
    assert not answer.refused, answer.text
    assert expected in answer.text


def test_an_everyday_abbreviation_no_document_uses_does_not_refuse_the_question(library) -> None:  # type: ignore[no-untyped-def]
    # Before: "None of them mentions HQ."
    answer = library.ask(
        "Under the 2024 network data regulations, can a company send its employees' data to its overseas HQ for HR?"
    )
    assert not answer.refused, answer.text
    assert "human resource management" in answer.text


def test_a_yes_no_question_reads_the_paragraph_that_bounds_the_rule_by_naming_it(library) -> None:  # type: ignore[no-untyped-def]
    # The third paragraph of Article 23 names the first by number ("本条第一款规定的…不得…"); the first was
    # quoted alone, which says where devices may be installed, not that they may not be the only way in.
    answer = library.ask("在上海，写字楼能不能只靠人脸识别让人进出？")
    assert not answer.refused, answer.text
    assert "唯一验证方式" in answer.text


def test_a_follow_up_naming_another_law_in_everyday_words_is_answered_from_that_law(library) -> None:  # type: ignore[no-untyped-def]
    # "the 2024 network data regulations" is no title the index knows; the PIPL, named before, confined the evidence
    # to its own articles, and the question was refused.
    answer = library.ask(
        "And under the 2024 network data regulations, can they send employee data abroad for HR management?",
        history=["Under the PIPL, what are the ways a company can lawfully send personal information out of China?"],
    )
    assert not answer.refused, answer.text
    assert "human resource management" in answer.text


def test_a_colloquial_follow_up_is_not_matched_by_its_light_verbs(library) -> None:  # type: ignore[no-untyped-def]
    # "拿它去干违法的事": 去 and 干, as characters, matched 去重 and 干预 of the algorithm provisions' Article 12.
    answer = library.ask("那如果是用户拿它去干违法的事呢？", history=["生成式AI服务提供者发现违法内容应该怎么处理？"])
    assert not answer.refused, answer.text
    assert "第十二条" not in answer.text
    assert "使用者利用生成式人工智能服务从事违法活动" in answer.text


def test_a_list_asked_of_a_named_article_stated_in_paragraphs_quotes_the_article(library) -> None:  # type: ignore[no-untyped-def]
    # Article 17 states its options in three paragraphs, not numbered items: one paragraph was quoted.
    answer = library.ask("算法推荐管理规定第十七条要求提供者给用户哪些选项？")
    assert not answer.refused, answer.text
    assert "不针对其个人特征的选项" in answer.text
    assert "选择或者删除" in answer.text


def test_a_date_no_top_passage_gives_is_found_further_down(library) -> None:  # type: ignore[no-untyped-def]
    # Every article naming "these Regulations" matched the question as well as the one giving the date (ranked
    # below the evidence's top five): the question was refused.
    answer = library.ask("When do China's network data security management regulations take effect?")
    assert not answer.refused, answer.text
    assert "January 1, 2025" in answer.text


def test_a_laws_date_is_sought_only_in_the_version_in_the_questions_language(library) -> None:  # type: ignore[no-untyped-def]
    # The PIPL names both its versions: where a chunk of the Chinese one was retrieved too (the hybrid search brings
    # one now and then), its dating article, reached whole, competed with the English one's for an English question,
    # and the Chinese adoption line outscored it.
    question = "Since when is the PIPL binding?"
    english, chinese = (
        [c for c in library.retrieve("PIPL Art. 62").chunks if c.metadata.get("lang") == lang][:1]
        for lang in ("en", "zh")
    )
    retrieval = replace(library.retrieve(question), chunks=english + chinese)
    found = library.extractive.candidates(question, retrieval)
    assert found.dated_laws and found.windows
    assert {w.passage.chunks[0].metadata.get("lang") for w in found.windows} == {"en"}


def test_a_figure_of_something_else_further_down_does_not_answer(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("How many years of work experience must the person in charge of network data security have?")
    assert answer.refused, answer.text


def test_what_something_is_supposed_to_cover_is_answered_with_its_contents(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "supposed" counted as what was asked about, and "cover" asked for no list
    answer = library.ask("What is it supposed to cover?", history=["When does the PIPL require an impact assessment?"])
    assert not answer.refused, answer.text
    assert "legitimate, justified and necessary" in answer.text


def test_asking_whether_a_time_limit_exists_is_answered_with_it_or_refused(library) -> None:  # type: ignore[no-untyped-def]
    # The Data Security Law says to report "按照规定", with no time limit: article 29 was quoted as if it gave one.
    assert library.ask("数据安全法规定发生数据安全事件后向主管部门报告有没有具体时限？").refused
    # The network data regulations charge for transfers beyond a reasonable number: no fee for a filing.
    assert library.ask("Is there a fee for an algorithm filing?").refused


def test_a_comparison_quotes_what_each_thing_is(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("Under the PIPL, what's the difference between de-identified and anonymized information?")
    assert not answer.refused, answer.text
    assert '"de-identification" refers to' in answer.text and '"anonymization" refers to' in answer.text


@pytest.mark.parametrize(
    ("question", "defined"),
    [
        ("大型网络平台的认定标准是什么？", "大型网络平台，是指注册用户5000万以上"),
        ("What are the criteria for a large online platform under the 2024 network data regulations?", "refers to"),
    ],
)
def test_the_criteria_for_a_term_are_its_definition(library, question: str, defined: str) -> None:  # type: ignore[no-untyped-def]
    # a provision on what large platforms must do was quoted: "认定标准" and "criteria" asked for no definition
    answer = library.ask(question)
    assert not answer.refused, answer.text
    assert defined in answer.text and ("5000万" in answer.text or "50 million" in answer.text), answer.text


def test_a_duration_stated_as_a_bound_answers_how_long(library) -> None:  # type: ignore[no-untyped-def]
    # "所必要的最短时间" states no figure: the question was refused as if the law set no period
    answer = library.ask("个人信息最多能保存多久？")
    assert not answer.refused, answer.text
    assert "必要的最短时间" in answer.text


def test_how_much_is_available_is_answered_with_the_sum(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "available" was taken for what the sum is of, and the voucher sentence never says it
    answer = library.ask("How much is available in total?", history=["What are the AI+ vouchers?"])
    assert not answer.refused, answer.text
    assert "1 billion yuan" in answer.text


def test_a_pronoun_in_a_follow_up_asks_about_what_the_question_before_named(library) -> None:  # type: ignore[no-untyped-def]
    # "it" is Zhangjiang AI Innovation Town: the goal of the next paragraph's measures (50 billion yuan) was quoted
    answer = library.ask("What output goal does it have?", history=["Tell me about Zhangjiang AI Innovation Town."])
    assert not answer.refused, answer.text
    assert "250 billion yuan" in answer.text.split("[1]")[0], answer.text


@pytest.mark.parametrize(
    ("follow_up", "answered"),
    [
        ("And the Model Power Community, when did it open?", "opened in August 2024"),
        ("What about Zhangjiang AI Innovation Town, when was it added?", "In September 2025"),
    ],
)
def test_a_pronoun_in_a_follow_up_naming_its_own_subject_stands_for_it(library, follow_up: str, answered: str) -> None:  # type: ignore[no-untyped-def]
    # "it" was read as the Foundation Model Innovation Center the question before named: its launch was quoted first
    answer = library.ask(follow_up, history=["When was the Foundation Model Innovation Center launched?"])
    assert not answer.refused, answer.text
    assert answered in answer.citations[0].quote, answer.text


def test_a_follow_up_going_back_to_the_first_question_is_about_its_subject(library) -> None:  # type: ignore[no-untyped-def]
    # it leaned on the question just before (the PIPL on minors) and was refused
    history = ["When did the Model Power Community open?", "What does the PIPL say about minors?"]
    answer = library.ask("Back to my first question, what does it focus on?", history=history)
    assert not answer.refused, answer.text
    assert "Model Power Community focuses on chips" in answer.citations[0].quote, answer.text


def test_a_follow_up_naming_only_another_law_asks_it_about_the_topic_before(library) -> None:  # type: ignore[no-untyped-def]
    # it named a law of its own, so it was searched alone: the regulation's date of adoption was quoted
    history = ["个人信息保护法对侵害众多个人权益的情形，规定谁可以起诉？"]
    answer = library.ask("上海市数据条例里怎么说？", history=history)
    assert not answer.refused, answer.text
    assert "市消费者权益保护委员会" in answer.text, answer.text


def test_a_question_for_a_situation_where_a_duty_lapses_quotes_the_exception(library) -> None:  # type: ignore[no-untyped-def]
    # "where" asked for a place and "situation" weighed most: the question was refused
    answer = library.ask("Any situation where a processor can skip telling users about a leak under the PIPL?")
    assert not answer.refused, answer.text
    assert "is not required to notify individuals" in answer.text, answer.text


def test_a_frequency_the_law_does_not_set_is_not_confirmed(library) -> None:  # type: ignore[no-untyped-def]
    # The regulations say "regularly": Article 27 was quoted as if it answered "twice a year?"
    answer = library.ask(
        "Under the network data regulations, must processors audit their handling of personal information twice a year?"
    )
    assert answer.refused, answer.text


def test_there_in_a_follow_up_is_the_place_the_question_before_named(library) -> None:  # type: ignore[no-untyped-def]
    # The article gives no count of the community's firms; "allowing the firm to scale" in one district was quoted
    answer = library.ask("How many firms have set up there?", history=["Tell me about Pudong's Model Power Community."])
    assert answer.refused, answer.text
    answer = library.ask("How many students study there?", history=["What is the Shanghai Innovation Institute?"])
    assert "over 800 students" in answer.text, answer.text


def test_hours_the_law_does_not_count_are_not_answered_by_immediately(library) -> None:  # type: ignore[no-untyped-def]
    # Article 29 says "立即" and "及时": it was quoted as if it said within how many hours
    assert library.ask("数据安全法要求发生数据安全事件后几小时内告知用户？").refused


def test_a_question_on_who_holds_a_role_quotes_the_sentence_naming_the_role(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("Who is Infinigence AI's chief executive?")
    assert not answer.refused, answer.text
    assert "XIA Lixue" in answer.text


def test_a_nationality_is_no_unknown_name_and_where_one_reports_is_a_body(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions Chinese." (the texts say "the People's Republic of China"), then as no place
    answer = library.ask(
        "Under the network data regulations, where must a foreign processor serving Chinese users report its "
        "representative's contact details?"
    )
    assert not answer.refused, answer.text
    assert "cyberspace administration" in answer.text


def test_what_a_company_may_face_is_answered_by_the_penalty(library) -> None:  # type: ignore[no-untyped-def]
    # Article 10, the duty, was quoted: "what does a company face" asked nothing of a penalty
    answer = library.ask("Under the PIPL, what does a company face if it processes personal information illegally?")
    assert "Article 66" in answer.text and "fine" in answer.text, answer.text


def test_a_fee_the_law_does_not_set_is_not_answered_by_a_fine(library) -> None:  # type: ignore[no-untyped-def]
    # Article 33's fine for a filing obtained by fraud was quoted as the price of a filing
    assert library.ask("算法推荐服务提供者备案要交多少钱？").refused


def test_a_figure_asked_with_modifiers_before_its_noun_is_answered_with_the_figure(library) -> None:  # type: ignore[no-untyped-def]
    # "what is the exact threshold" asked for no type: Article 46's prohibitions were quoted
    answer = library.ask(
        "What is the exact threshold of users for a large online platform under the network data regulations?"
    )
    assert "50 million" in answer.text, answer.text
    # "哪个部委" asked for no body: Article 25, which names none, was quoted
    assert library.ask("数据安全法规定的管制物项数据出口管制，由哪个部委负责？").refused


_HARBOUR_FERRY_RULES = (
    "Harbour Ferry Rules\n\nArticle 1 The ferry grant pays 12 yuan per crossing to every licensed operator.\n\n"
    "Article 2 Every ferry shall pass a safety inspection organised by the harbour office before each season.\n\n"
    "Article 3 An operator shall keep its crossing logs for two years.\n"
)
"""A made-up law, as a document: a grant, an inspection with no fee, a duty to keep records."""


def test_a_name_in_the_askers_own_situation_is_no_unknown_name(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions Norwegian." The asker's nationality sets the scene; it is not asked about.
    assistant = assistant_over("ferries.txt", _HARBOUR_FERRY_RULES)
    answer = assistant.ask("We're a Norwegian operator with two boats. How much does the ferry grant pay per crossing?")
    assert not answer.refused, answer.text
    assert "12 yuan per crossing" in answer.text
    # a name in the sentence that asks is still what the documents must mention
    assert assistant.ask("How much does the ferry grant pay per crossing in Norway?").refused


def test_a_fee_a_rule_does_not_set_is_refused(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "What is the inspection fee?" asked for no type of answer: the rule on the inspection was quoted as its fee
    assistant = assistant_over("ferries.txt", _HARBOUR_FERRY_RULES)
    assert assistant.ask("What is the safety inspection fee for a ferry?").refused
    assert not assistant.ask("Does a ferry have to pass a safety inspection?").refused


@pytest.mark.parametrize(
    ("name", "text", "asked", "answered"),
    [
        (
            "ferries.txt",
            "Harbour Ferry Rules\n\nArticle 1 Every operator shall keep a crossing log. The logs shall be kept for at "
            "least three years.\n\nArticle 2 Every ferry shall have a licensed captain who knows the harbour.\n",
            "How many years of experience must a ferry captain have?",
            "How long must the crossing logs be kept?",
        ),
        (
            "渡船条例.md",
            "# 渡船管理条例\n\n第一条 为了规范渡船运营，制定本条例。\n\n"
            "第二条 渡船运营者应当建立船舶日志，日志应当至少保存3年。\n\n"
            "第三条 渡船运营者应当配备持证船长，船长应当熟悉本港水域。\n",
            "船长至少要有几年驾驶经验？",
            "船舶日志至少要保存几年？",
        ),
    ],
)
def test_how_long_one_thing_lasts_is_no_answer_for_another(  # type: ignore[no-untyped-def]
    assistant_over, name: str, text: str, asked: str, answered: str
) -> None:
    # the three years the logs are kept were quoted as the years of experience a captain needs
    assistant = assistant_over(name, text)
    assert assistant.ask(asked).refused, assistant.ask(asked).text
    assert not assistant.ask(answered).refused


def test_a_law_named_by_a_short_form_is_no_unknown_name(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions 法里." (the segmenter glued 里 to the short name's last character)
    answer = library.ask("科技进步法里哪些企业可以享受税收优惠？")
    assert not answer.refused, answer.text
    assert "科技型中小企业" in answer.text
    assert library.ask("深圳的算力券补贴多少？").refused  # a place no document names still is one


def test_a_refusal_says_what_the_closest_passage_lacks(library) -> None:  # type: ignore[no-untyped-def]
    # only the bare refusal was ever shown: the reason's branch sat behind one that always returned
    answer = library.ask("个人信息保护影响评估报告要交多少钱？")
    assert answer.refused and answer.text.endswith("The closest passage gives no amount."), answer.text


def test_a_figure_about_another_named_thing_is_no_answer(library) -> None:  # type: ignore[no-untyped-def]
    # "It has attracted more than 500 companies" follows the sentence naming the Foundation Model Innovation Center;
    # it was quoted as the Model Power Community's count, which the feature never gives.
    assert library.ask("How many firms has Pudong's Model Power Community drawn in?").refused
    history = ["What is Pudong's Model Power Community for?"]
    answer = library.ask("How many companies have set up there?", history=history)
    assert answer.refused
    # the refusal says whose figure the closest passage gives
    assert "gives a figure for Foundation Model Innovation Center, not for Model Power Community." in answer.text
    # "Shanghai's Xuhui-based …" makes Xuhui another name of Shanghai's, not of every name holding "Shanghai": the
    # Infinigence sentence was quoted for the Shanghai Innovation Institute's funding
    answer = library.ask(
        "How much funding does it receive every year?", history=["What is the Shanghai Innovation Institute?"]
    )
    assert "gives an amount for Infinigence, not for Shanghai Innovation Institute." in answer.text, answer.text
    # the same sentence answers for the cluster it is about, named as the feature names it elsewhere ("Xuhui's …")
    answer = library.ask("When did the Xuhui large-model cluster launch, and how many companies does it have now?")
    assert "more than 500 companies" in answer.text, answer.text


def test_the_same_law_named_in_a_follow_up_is_no_unknown_name(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "None of them mentions 法里." ("同一部法里": "in the same law", tagged as a place name)
    answer = library.ask("同一部法里，哪些企业能享受税收优惠？", history=["科技进步法怎么鼓励科研人员创新？"])
    assert "科技型中小企业" in answer.text, answer.text


def test_a_follow_up_to_a_follow_up_is_answered_from_the_law_the_chat_began_with(library) -> None:  # type: ignore[no-untyped-def]
    # the algorithm rules' Article 33 was quoted: only the previous question, itself subjectless, was searched with
    history = ["数据安全法对数据交易中介有什么要求？", "没做到会怎么样？"]
    answer = library.ask("罚款具体怎么算？", history=history)
    assert "违法所得一倍以上十倍以下" in answer.text, answer.text


def test_being_billed_is_answered_by_the_rule_on_charging_fees(library) -> None:  # type: ignore[no-untyped-def]
    # Article 50's inspection measures were quoted: "bill" shared no word with "shall not charge fees"
    answer = library.ask("Will the authorities bill us after a network data security inspection?")
    assert "shall not charge fees" in answer.text, answer.text


def test_a_pronoun_is_no_word_of_what_is_asked(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "her", rare in the statutes, weighed as much as "corrected" and was in no window
    answer = library.ask("My wife passed away. Can I have her personal information corrected?")
    assert "rectify" in answer.text, answer.text


def test_a_penalty_provision_that_hands_the_case_on_answers_for_the_duties_it_names(library) -> None:  # type: ignore[no-untyped-def]
    # the PIPL's Article 66 was quoted: Article 32, which names Article 19, states no fine of its own ("予以处理")
    answer = library.ask("算法推荐服务提供者违反第十九条会怎么处罚？")
    assert "第三十二条" in answer.text, answer.text


def test_how_many_is_answered_by_a_figure_of_what_is_counted(library) -> None:  # type: ignore[no-untyped-def]
    # refused: "the company has raised nearly 500 million yuan" counted as a figure of companies outscored "It has
    # attracted more than 500 companies", whose "it" only the sentence before names
    history = ["When was the Foundation Model Innovation Center in Xuhui launched?"]
    answer = library.ask("And how many businesses does it host?", history=history)
    assert "more than 500 companies" in answer.text, answer.text


def test_a_clause_that_guesses_at_the_answer_does_not_make_a_yes_no_question(library) -> None:  # type: ignore[no-untyped-def]
    # Article 46's duties were quoted: "…, is it about users?" read the whole question as yes or no
    answer = library.ask("What counts as a large online platform in the network data regulations, is it about users?")
    assert "50 million or more" in answer.text, answer.text


def test_a_follow_up_made_of_a_noun_phrase_asks_for_what_its_head_names(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "Registration fee?" is "What is the registration fee?": an amount, which the rules do not set. Read with the
    # question before it, it asked where to register, and the office that registers was quoted as its answer.
    assistant = assistant_over(
        "drone-rules.txt",
        "Drone Registration Rules\n\n"
        "Article 4 Owners shall register each drone with the district aviation office within 15 days of purchase.\n\n"
        "Article 5 The district aviation office shall issue a registration number on the spot.\n",
    )
    history = ["Where do drone owners register their drones under the Drone Registration Rules?"]
    fee = assistant.ask("Registration fee?", history=history)
    assert fee.refused and "amount" in fee.text, fee.text
    deadline = assistant.ask("Registration deadline?", history=history)
    assert not deadline.refused and says(deadline, "within 15 days"), deadline.text


def test_a_chinese_follow_up_made_of_a_noun_phrase_asks_for_what_its_head_names(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "无人机登记办法.txt",
        "无人机登记办法\n\n"
        "第四条 所有者应当自购买之日起十五日内向区航空管理部门办理登记。\n\n"
        "第五条 区航空管理部门应当当场发放登记编号。\n",
    )
    history = ["无人机登记办法规定向哪个部门办理登记？"]
    fee = assistant.ask("登记费用？", history=history)
    assert fee.refused, fee.text
    deadline = assistant.ask("那登记期限呢？", history=history)
    assert not deadline.refused and says(deadline, "十五日内"), deadline.text


_PERMIT_RULES = (
    "Harbour Permit Rules\n\n"
    "Article 7 An operator may moor a vessel in the harbour only where one of the following conditions is met:\n"
    "(1) it holds a mooring permit issued by the harbour office;\n"
    "(2) the vessel is in distress and has notified the coast guard;\n"
    "(3) the vessel carries supplies for a public emergency;\n"
    "(4) other circumstances provided by laws and administrative regulations.\n\n"
    "Article 8 The harbour office shall decide on a permit application within ten working days.\n"
)


@pytest.mark.parametrize(
    ("follow_up", "item"),
    [
        ("Just the third one - what does it cover?", "(3) the vessel carries supplies"),
        ("And item 2?", "(2) the vessel"),
    ],
)
def test_a_follow_up_naming_an_item_of_the_list_before_is_answered_with_that_item(  # type: ignore[no-untyped-def]
    assistant_over, follow_up: str, item: str
) -> None:
    # Searched with the question before it, the follow-up matched the whole list alike, and its lead and every
    # item were quoted (or another item, by a shared word).
    assistant = assistant_over("harbour-rules.txt", _PERMIT_RULES)
    history = ["Under what conditions may a vessel moor in the harbour?"]
    answer = assistant.ask(follow_up, history=history)
    assert not answer.refused and answer.text.startswith(item), answer.text
    assert len(answer.sentences) == 1 and len(answer.citations) == 1
    quoted = answer.citations[0]
    assert assistant.document_text(quoted.doc_id)[quoted.start : quoted.end].startswith(item)
    streamed = list(assistant.ask_stream(follow_up, history=history))
    assert streamed[-1].final and streamed[-1].text == answer.text


def test_a_chinese_follow_up_naming_an_item_is_answered_with_that_item(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "港口停泊管理办法.txt",
        "港口停泊管理办法\n\n"
        "第七条 有下列情形之一的，船舶可以在港区停泊：\n"
        "（一）持有港务部门核发的停泊许可证；\n"
        "（二）船舶遇险并已通知海事部门；\n"
        "（三）运送公共应急物资；\n"
        "（四）法律、行政法规规定的其他情形。\n\n"
        "第八条 港务部门应当在十个工作日内作出许可决定。\n",
    )
    answer = assistant.ask("第二项具体指什么？", history=["港口停泊管理办法规定船舶在什么情形下可以停泊？"])
    assert not answer.refused and answer.text.startswith("（二）船舶遇险"), answer.text
    assert len(answer.citations) == 1


def test_a_figure_asked_per_one_of_many_is_not_answered_by_a_total(library) -> None:  # type: ignore[no-untyped-def]
    # The city's 1 billion yuan of vouchers (or the 1,000 companies Zhangjiang aims to attract) was quoted as what
    # one company can get.
    for question in (
        "How much in computing-power vouchers can a single AI start-up receive from Shanghai?",
        "What is the maximum voucher amount per company in Shanghai's AI+ programme?",
    ):
        answer = library.ask(question)
        assert answer.refused, answer.text
    total = library.ask("How much did Shanghai set aside for its AI+ vouchers?")
    assert not total.refused and says(total, "1 billion yuan"), total.text


def test_a_figure_asked_per_one_of_many_is_answered_by_one_stated_per_one(assistant_over) -> None:  # type: ignore[no-untyped-def]
    per_firm = assistant_over(
        "harbour-fund-rules.txt",
        "Harbour Fund Rules\n\nThe city will issue 2 billion yuan of harbour grants to shipping firms over three "
        "years. Each shipping firm may receive at most 5 million yuan a year.\n",
    )
    answer = per_firm.ask("What is the most a single firm can get from the harbour grants?")
    assert not answer.refused and says(answer, "5 million yuan"), answer.text


def test_a_fine_on_each_liable_person_is_answered(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("Under the PIPL, how much can each directly liable person be fined in a serious case?")
    assert not answer.refused and says(answer, "RMB 1 million yuan"), answer.text


_CLINIC_RULES = (
    "Clinic Safety Rules\n\n"
    "Article 3 Clinics shall keep patient records for at least five years.\n\n"
    "Article 4 The State encourages insurers to develop malpractice liability insurance products, and encourages "
    "clinics to purchase such insurance.\n\n"
    "Article 9 Where a clinic violates Article 3 of these Rules, the health department shall order it to make "
    "corrections and impose a fine of not less than RMB 20,000 yuan but not more than RMB 200,000 yuan.\n"
)


def test_a_penalty_word_inside_a_term_the_text_uses_asks_no_penalty(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "liability" made the question one on what breaking a rule costs: the fine of Article 9 was quoted as the
    # insurance's minimum cover.
    assistant = assistant_over("clinic-rules.txt", _CLINIC_RULES)
    answer = assistant.ask("What is the minimum cover of the malpractice liability insurance clinics should buy?")
    assert "RMB" not in answer.text, answer.text  # refused over the whole corpus; here, Article 4 is quoted
    fine = assistant.ask("What is the most a clinic can be fined for not keeping patient records?")
    assert not fine.refused and says(fine, "RMB 200,000 yuan"), fine.text


def test_the_liability_insurance_the_regulations_encourage_has_no_stated_minimum(library) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask("What's the smallest sum insured allowed for network data damage liability insurance?")
    assert answer.refused and "no amount" in answer.text, answer.text


def test_a_word_with_a_letter_left_out_is_read_as_the_word_of_the_text(library) -> None:  # type: ignore[no-untyped-def]
    # "deparment" is in no passage, and the question was refused as one about a thing the documents never name.
    answer = library.ask("Which deparment is responsible for overall coordination of personal information protection?")
    assert not answer.refused and says(answer, "national cyberspace department"), answer.text
    unknown = library.ask("What valuation did Infinigence AI reach in its latest round?")
    assert unknown.refused and "valuation" in unknown.text, unknown.text  # no "evaluation" by a letter added


_FERRY_RULES = (
    "渡口安全管理办法\n\n"
    "第五条 渡船经营者应当在开航之日起十五个工作日内向交通运输部门提交安全管理制度。\n\n"
    "第六条 发生渡船事故的，经营者应当在2小时内向海事管理机构报告。\n\n"
    "第七条 乘客投诉的，经营者应当及时处理。\n"
)


def test_a_time_limit_for_another_act_is_no_answer(assistant_over) -> None:  # type: ignore[no-untyped-def]
    ferry = assistant_over("渡口安全管理办法.txt", _FERRY_RULES)
    # The only limits in the rules are for filing a safety system and for reporting an accident.
    answer = ferry.ask("乘客投诉后，渡船经营者要在几个工作日内答复乘客？")
    assert answer.refused, answer.text
    asked = ferry.ask("发生渡船事故后，经营者要在几小时内上报？")
    assert not asked.refused and "2小时内" in asked.text, asked.text
    # an elliptic act is the one the question before asked about
    follow_up = ferry.ask("开航后多久内得办？", history=["渡船经营者需要提交安全管理制度吗？"])
    assert not follow_up.refused and "十五个工作日内" in follow_up.text, follow_up.text


_FERRY_RULES_EN = (
    "Ferry Safety Rules\n\n"
    "Article 5 Ferry operators shall submit their safety management system to the transport department within 15 "
    "working days of starting service.\n\n"
    "Article 6 Where a ferry accident occurs, the operator shall report it to the maritime authority within 2 "
    "hours.\n\n"
    "Article 7 Operators shall handle passenger complaints promptly.\n"
)


def test_an_english_time_limit_for_another_act_is_no_answer(assistant_over) -> None:  # type: ignore[no-untyped-def]
    ferry = assistant_over("ferry-safety-rules.txt", _FERRY_RULES_EN)
    for question in (
        "Within how many days must a ferry operator answer a passenger complaint?",
        "What is the deadline for operators to compensate passengers after an accident?",
    ):
        answer = ferry.ask(question)
        assert answer.refused, answer.text
    asked = ferry.ask("How many hours does an operator have to report a ferry accident?")
    assert not asked.refused and "within 2 hours" in asked.text, asked.text
    # a deadline asked of the chat's duty, naming no act of its own, is that duty's
    follow_up = ferry.ask("Is there an exact deadline for that?", history=["Must operators report ferry accidents?"])
    assert not follow_up.refused and "within 2 hours" in follow_up.text, follow_up.text


def test_a_list_of_conditions_is_no_count_asked_for(assistant_over) -> None:  # type: ignore[no-untyped-def]
    carrier = assistant_over(
        "carrier-data-rules.txt",
        "Carrier Data Rules\n\nArticle 3 A carrier may export passenger records if one of the following conditions "
        "is met:\n\n(1) it has passed an export assessment;\n\n(2) it holds an export certificate.\n",
    )
    answer = carrier.ask("Above how many passengers' records must a carrier pass an export assessment?")
    assert answer.refused, answer.text


def test_a_figure_no_passage_states_is_not_answered_however_well_the_words_match(assistant_over) -> None:  # type: ignore[no-untyped-def]
    harbour = assistant_over(
        "harbour-grants.txt",
        "Harbour Grants\n\nThe city will issue 2 billion yuan of harbour grants to shipping firms over three years, "
        "covering berths, cranes and fuel.\n\nShipping firms apply through the port office.\n",
    )
    for question in (
        "How much of the harbour grants does each shipping firm get?",
        "How many cranes does a single shipping firm get from the harbour grants?",
    ):
        answer = harbour.ask(question)
        assert answer.refused, answer.text
    total = harbour.ask("How much will the city issue in harbour grants?")
    assert not total.refused and "2 billion yuan" in total.text, total.text


_CLUB_RULES = (
    "船员俱乐部管理办法\n\n"
    "第三条 船员加入俱乐部，应当向港务部门登记，港务部门应当在五个工作日内完成登记。\n\n"
    "第四条 俱乐部为会员提供培训和法律咨询。\n"
)


def test_whether_one_must_pay_is_answered_only_by_a_passage_on_paying(assistant_over) -> None:  # type: ignore[no-untyped-def]
    club = assistant_over("船员俱乐部管理办法.txt", _CLUB_RULES)
    for question, history in (("登记要交钱吗？", []), ("这个要交钱吗？交多少？", ["船员加入俱乐部要去哪登记？"])):
        answer = club.ask(question, history=history)
        assert answer.refused, answer.text
    priced = assistant_over(
        "crew-club-rules.txt",
        "Crew Club Rules\n\nArticle 3 Crew members joining the club shall register with the port office.\n\n"
        "Article 4 Members pay an annual fee of 200 yuan.\n",
    )
    answer = priced.ask("Do crew members have to pay to join the club?")
    assert not answer.refused and "200 yuan" in answer.text, answer.text


_LIBRARY_RULES = (
    "图书馆管理办法\n\n"
    "第八条 读者借阅图书应当持有效证件。\n\n"
    "读者借阅的图书应当在三十日内归还。\n\n"
    "第九条 图书馆应当建立古籍修复制度，对破损古籍进行修复。\n"
)
_LIBRARY_RULES_EN = (
    "Library Rules\n\n"
    "Article 8 Readers shall show a valid card when borrowing books.\n\n"
    "Borrowed books shall be returned within 30 days.\n\n"
    "Article 9 Libraries shall set up a system for repairing damaged rare books.\n"
)


def test_which_article_is_answered_with_its_number(assistant_over) -> None:  # type: ignore[no-untyped-def]
    library = assistant_over("图书馆管理办法.txt", _LIBRARY_RULES)
    # 第几条 asks which article, not how many: no figure is wanted
    repair = library.ask("图书馆管理办法里规定古籍修复的是第几条")
    assert not repair.refused and "第九条" in repair.text, repair.text
    # the answer sits in the article's second paragraph: its number is quoted with it
    due = library.ask("借的书多久要还，是哪一条规定的？")
    assert not due.refused and "第八条" in due.text and "三十日内" in due.text, due.text
    english = assistant_over("library-rules.txt", _LIBRARY_RULES_EN)
    answer = english.ask("Which article says how long a borrowed book can be kept, and for how long?")
    assert not answer.refused and "Article 8" in answer.text and "30 days" in answer.text, answer.text


def test_an_acronym_spelt_like_a_function_word_is_a_name_to_find_as_written(assistant_over) -> None:  # type: ignore[no-untyped-def]
    grants = assistant_over(
        "harbour-grants.txt",
        "Harbour Grants\n\nThe city will issue 2 billion yuan of harbour grants to shipping firms, and lets us "
        "review each use of them.\n\nShipping firms apply through the port authority.\n",
    )
    # "us" and "use" in the text are no US
    answer = grants.ask("How much do the US harbour grants pay shipping firms?")
    assert answer.refused and "US" in answer.text, answer.text
    # a party the question supposes is described by its country, not asked about
    supposed = grants.ask("Where does a US shipping firm apply for harbour grants?")
    assert not supposed.refused and "port authority" in supposed.text, supposed.text
    spelt_out = assistant_over(
        "ferry-grants.txt",
        "Ferry Grants\n\nFerry firms from the United States may apply for ferry grants of 5 million yuan.\n",
    )
    answer = spelt_out.ask("How much can US ferry firms get in ferry grants?")
    assert not answer.refused and "5 million yuan" in answer.text, answer.text


_FERRY_BERTH_RULES = (
    "渡口泊位管理办法\n\n"
    "第六条 渡口泊位按照使用方式分为公共泊位、专用泊位和临时泊位三类。\n\n"
    "第七条 专用泊位由渡口经营者申请，经港口部门批准后方可使用。\n\n"
    "第八条 临时泊位的使用期限不超过三十日。\n"
)


def test_a_kind_named_by_its_place_in_a_list_written_inline_is_asked_about_by_name(assistant_over) -> None:  # type: ignore[no-untyped-def]
    berths = assistant_over("渡口泊位管理办法.txt", _FERRY_BERTH_RULES)
    history = ["渡口泊位分为哪几类？"]
    second = berths.ask("第二类要经哪个部门批准？", history=history)
    assert not second.refused and "港口部门批准" in second.text, second.text
    third = berths.ask("第三类的使用期限是多久？", history=history)
    assert not third.refused and "三十日" in third.text, third.text


def test_a_body_named_in_lower_case_answers_who(assistant_over) -> None:  # type: ignore[no-untyped-def]
    moorings = assistant_over(
        "mooring-rules.txt",
        "Mooring Rules\n\nArticle 4 Berth operators shall report damaged moorings to the port office.\n\n"
        "Article 5 Damaged moorings shall be repaired within ten days.\n",
    )
    answer = moorings.ask("Who do berth operators report damaged moorings to?")
    assert not answer.refused and "port office" in answer.text, answer.text


def test_a_window_the_choice_passed_over_does_not_come_back_as_the_second(library) -> None:  # type: ignore[no-untyped-def]
    # Article 18 (notice before processing) scores above the breach article's exception, which the choice takes for
    # a question on whether a duty always holds; quoted beside it, it would answer of another duty.
    answer = library.ask("Is a processor exempt from notifying individuals after personal information slips out, ever?")
    assert not answer.refused and "is not required to notify individuals" in answer.text, answer.text
    assert [c for c in answer.citations if "Article 18" in c.quote] == [], answer.text


def test_a_clipped_word_is_the_word_the_text_spells_out(library) -> None:  # type: ignore[no-untyped-def]
    # no passage holds "info"; many hold "information"
    answer = library.ask("Under the PIPL, what info must a processor give people before handling their data?")
    assert not answer.refused and "Article 17" in answer.text, answer.text


_FERRY_GRANT_NEWS = (
    "Ferry Grant\n\n"
    "In March 2024, the city launched a ferry grant for river operators. "
    "By 2025, fares on the river had risen sharply. "
    "The grant pays 12 yuan per crossing. "
    "Operators must refit their boats with electric engines by 2027.\n"
)


def test_a_deadline_is_not_answered_by_the_date_of_an_event(assistant_over) -> None:  # type: ignore[no-untyped-def]
    news = assistant_over("ferry-grant-news.txt", _FERRY_GRANT_NEWS)
    answer = news.ask("When's the ferry grant's deadline for operators?")
    assert answer.refused, answer.text
    refit = news.ask("By when must operators refit their boats?")
    assert not refit.refused and "by 2027" in refit.text, refit.text


_FERRY_FLEET_NEWS = (
    "Ferry Fleet\n\n"
    "River operators can apply for the ferry grant, which the city opened in 2023 and plans to double within five "
    "years. Two years later, the grant had paid for 40 new boats.\n"
)


def test_a_deadline_is_a_limit_on_the_act_asked_about(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "Two years later" is no limit, and "within five years" limits another act: nothing answers the deadline
    news = assistant_over("ferry-fleet-news.txt", _FERRY_FLEET_NEWS)
    answer = news.ask("What's the deadline for operators to apply for the ferry grant?")
    assert answer.refused, answer.text
    rule = "Operators must apply for the grant 30 days before buying a boat.\n"
    stated = assistant_over("ferry-fleet-rules.txt", _FERRY_FLEET_NEWS + rule)
    answer = stated.ask("What's the deadline for operators to apply for the ferry grant?")
    assert not answer.refused and "30 days before" in answer.text, answer.text


def test_which_year_is_not_answered_by_a_day_of_every_year(assistant_over) -> None:  # type: ignore[no-untyped-def]
    rules = assistant_over("渡船安全办法.md", "# 渡船安全办法\n\n第九条 每年5月30日为渡船安全日。\n")
    answer = rules.ask("渡船安全日最早设立于哪一年？")
    assert answer.refused, answer.text
    dated = assistant_over("渡船安全日通知.md", "# 渡船安全日通知\n\n渡船安全日自2019年起设立，每年5月30日举行。\n")
    answer = dated.ask("渡船安全日最早设立于哪一年？")
    assert not answer.refused and "2019年" in answer.text, answer.text


def test_a_term_of_office_asked_how_long_is_a_length_of_time(assistant_over) -> None:  # type: ignore[no-untyped-def]
    rules = assistant_over("渡口管理办法.md", "# 渡口管理办法\n\n第六条 渡口设站长一名，由区交通部门任命。\n")
    answer = rules.ask("渡口站长的任期多长？")
    assert answer.refused, answer.text


def test_a_threshold_over_another_period_does_not_answer(assistant_over) -> None:  # type: ignore[no-untyped-def]
    rules = assistant_over(
        "ferry-line-rules.txt",
        "Ferry Line Rules\n\nArticle 8 A busy ferry line is one with 9,000 or more monthly riders.\n",
    )
    answer = rules.ask("How many daily riders make a ferry line busy?")
    assert answer.refused and "another period or size" in answer.text, answer.text
    answer = rules.ask("How many monthly riders make a ferry line busy?")
    assert not answer.refused and "9,000" in answer.text, answer.text


def test_a_chat_turned_back_to_an_earlier_topic_is_answered_on_that_topic(assistant_over) -> None:  # type: ignore[no-untyped-def]
    rules = assistant_over(
        "river-rules.txt",
        "River Rules\n\n"
        "Article 3 The ferry grant covers 40% of an operator's fuel costs and is paid by the city transport bureau.\n\n"
        "Article 4 Drone owners shall register each drone with the district aviation office.\n",
    )
    history = ["What share of fuel costs does the ferry grant cover?", "Where do drone owners register?"]
    answer = rules.ask("Back to that subsidy — who is behind it?", history=history)
    assert not answer.refused and "transport bureau" in answer.text and "aviation" not in answer.text, answer.text


def test_a_question_for_a_body_is_not_answered_by_a_persons_consent(assistant_over) -> None:  # type: ignore[no-untyped-def]
    rules = assistant_over(
        "ferry-licence-rules.txt",
        "Ferry Licence Rules\n\nArticle 6 Before a ferry licence is issued, the applicant shall obtain the written "
        "consent of the individual who owns the boat.\n",
    )
    answer = rules.ask("Which agency has to approve a ferry licence before it is issued?")
    assert answer.refused, answer.text


def test_a_definition_asked_of_another_law_is_not_that_laws_definition_of_a_broader_term(
    make_assistant, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "客运渡船管理条例.md").write_text(
        "# 客运渡船管理条例\n\n第二条 本条例所称客运渡船，是指专门运送旅客的渡船。\n", encoding="utf-8"
    )
    (folder / "船舶登记法.md").write_text(
        "# 船舶登记法\n\n第三条 本法所称船舶，是指在水上航行的各类船只。\n\n第四条 船舶应当定期检验。\n",
        encoding="utf-8",
    )
    assistant = make_assistant()
    assistant.ingest([folder])
    history = ["“客运渡船”在客运渡船管理条例里是什么意思？"]
    answer = assistant.ask("那船舶登记法里呢？", history=history)
    assert answer.refused and "defines another term" in answer.text, answer.text
    answer = assistant.ask("船舶登记法里“船舶”是什么意思？")
    assert not answer.refused and "各类船只" in answer.text, answer.text


def test_a_sum_spent_is_not_answered_by_an_output_target(assistant_over) -> None:  # type: ignore[no-untyped-def]
    news = assistant_over(
        "ferry-town-news.txt",
        "Ferry Town\n\nThe city is putting money into Ferry Town, which aims to lift river trade output beyond 80 "
        "billion yuan within five years.\n",
    )
    answer = news.ask("How much is the city spending on Ferry Town?")
    assert answer.refused, answer.text


_PIER_NEWS = (
    "Harbour Start-ups\n\nWhen Bluewake Ferries moved into the Eastport Maritime Hub, a city-backed cluster, the boat "
    "maker had twelve staff. Three years later it employs 90, and the company has raised 40 million yuan in a Series "
    "B funding round{led}.\n"
)


def test_who_did_a_thing_is_answered_only_by_a_name_beside_it(assistant_over) -> None:  # type: ignore[no-untyped-def]
    news = assistant_over("pier-news.txt", _PIER_NEWS.format(led=""))
    # the hub and the city, named the sentence before, did not lead the round
    answer = news.ask("Who led Bluewake Ferries' Series B round?")
    assert answer.refused and "do not say who" in answer.text, answer.text
    answer = news.ask(
        "Which investor led the boat maker's funding round?", history=["How much did Bluewake Ferries raise?"]
    )
    assert answer.refused, answer.text
    news = assistant_over("pier-news-led.txt", _PIER_NEWS.format(led=" led by Tidewater Capital"))
    answer = news.ask("Who led Bluewake Ferries' Series B round?")
    assert not answer.refused and "Tidewater Capital" in answer.text, answer.text


def test_a_sum_raised_in_a_named_kind_of_round_is_the_companys(assistant_over) -> None:  # type: ignore[no-untyped-def]
    news = assistant_over("pier-news.txt", _PIER_NEWS.format(led=""))
    # "a Series B round" is no other thing the sum could belong to
    answer = news.ask("How much did Bluewake Ferries raise?")
    assert not answer.refused and "40 million yuan" in answer.text, answer.text


def test_a_role_no_passage_names_is_not_answered_by_a_name(assistant_over) -> None:  # type: ignore[no-untyped-def]
    news = assistant_over(
        "harbour-office-news.txt",
        "Eastport Harbour\n\nThe Eastport Harbour Office was set up by the city transport bureau in 2019. Its twelve "
        "inspectors check every ferry before the summer season.\n",
        answer=AnswerSettings(absent_noun_min_passages=0),  # a one-document library, read as a broad one
    )
    answer = news.ask("Who is the treasurer of the Eastport Harbour Office?")
    assert answer.refused and "treasurer" in answer.text, answer.text
    answer = news.ask("Who set up the Eastport Harbour Office?")
    assert not answer.refused and "transport bureau" in answer.text, answer.text


_RESTRICTED_VESSELS = (
    "Harbour Catalogue Rules\n\n"
    "Article 5 The harbour office shall draw up a catalogue of restricted vessels and publish it on its website.\n\n"
)


def test_a_provision_creating_a_list_does_not_say_what_is_on_it(assistant_over) -> None:  # type: ignore[no-untyped-def]
    harbour = assistant_over("harbour-catalogue-rules.txt", _RESTRICTED_VESSELS)
    answer = harbour.ask("Which vessels are on the catalogue of restricted vessels?")
    assert answer.refused, answer.text


def test_a_provision_saying_what_goes_on_a_list_answers_what_is_on_it(assistant_over) -> None:  # type: ignore[no-untyped-def]
    harbour = assistant_over(
        "harbour-catalogue-rules.txt",
        _RESTRICTED_VESSELS + "Article 6 Vessels that fail two safety inspections in a year shall be included in "
        "the catalogue of restricted vessels.\n",
    )
    answer = harbour.ask("Which vessels are on the catalogue of restricted vessels?")
    assert not answer.refused and "fail two safety inspections" in answer.text, answer.text


def test_classes_asked_for_are_those_named_with_the_classifier(assistant_over) -> None:  # type: ignore[no-untyped-def]
    ferries = assistant_over(
        "渡船管理办法.md",
        "# 渡船管理办法\n\n第五条 本市以安全第一、分级分类、便民高效为原则，管理渡船和渡口。"
        "渡船按照用途分为客运渡船、货运渡船和车辆渡船三类。\n",
    )
    answer = ferries.ask("渡船分哪几类？")
    assert not answer.refused and "三类" in answer.text and "便民高效" not in answer.text, answer.text
    # how they are classed, or into how many tiers, asks for the classes too
    for question in ("本市渡船如何分类？", "渡船分几档？"):
        answer = ferries.ask(question)
        assert not answer.refused and "三类" in answer.text, (question, answer.text)


_FERRY_PENALTIES = (
    "Ferry Penalty Rules\n\n"
    "Article 3 Operators shall keep a passenger log for every crossing.\n\n"
    "Article 9 Where an operator violates Article 3, the harbour office shall order it to make corrections and may "
    "impose a fine of not more than 10,000 yuan; where the operator refuses to make corrections, a fine of not more "
    "than 50,000 yuan. Where the circumstances of a violation as prescribed in the preceding paragraph are serious, "
    "the harbour office shall impose a fine of not less than 50,000 yuan but not more than 200,000 yuan.\n"
)


def test_a_penalty_tier_asked_for_is_quoted_without_the_others(assistant_over) -> None:  # type: ignore[no-untyped-def]
    ferry = assistant_over("ferry-penalty-rules.txt", _FERRY_PENALTIES)
    serious = ferry.ask("If an operator's failure to keep the passenger log is serious, what is the top fine?")
    assert "200,000 yuan" in serious.text and "10,000 yuan" not in serious.text, serious.text
    # a comparison of the tiers asks for both
    both = ferry.ask("Compare the fine for an ordinary log violation with the fine for a serious one.")
    assert "200,000 yuan" in both.text and "10,000 yuan" in both.text, both.text


_FERRY_SANCTIONS = (
    "Ferry Sanction Rules\n\n"
    "Article 3 Operators shall keep a passenger log for every crossing.\n\n"
    "Article 9 Where an operator violates Article 3, the harbour office shall order it to make corrections, give a "
    "warning and impose a fine of not more than 10,000 yuan on the operator.\n\n"
    "In case of an illegal act as prescribed in the preceding paragraph and the case is grave, the "
    "harbour office shall impose a fine of not more than 200,000 yuan on the operator, and a fine of not less than "
    "1,000 yuan but not more than 5,000 yuan on the skipper directly responsible, and may bar the skipper from "
    "command for a certain period.\n"
)


def test_what_a_breach_costs_a_person_is_quoted_without_the_paragraph_its_sanction_leans_on(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """The question supposes the breach, which the first paragraph states with the operator's fine: the paragraph
    punishing the skipper answers, and quoting the other before it only puts another fine first."""
    ferry = assistant_over("ferry-sanction-rules.txt", _FERRY_SANCTIONS)
    answer = ferry.ask(
        "And what could the skipper himself face?",
        history=["What does the harbour office do when an operator's failure to keep the log is serious?"],
    )
    assert says(answer, "5,000 yuan"), answer.text
    assert "10,000 yuan" not in answer.text, answer.text


def test_a_follow_up_asking_what_a_list_holds_gets_every_item(assistant_over) -> None:  # type: ignore[no-untyped-def]
    ferry = assistant_over(
        "ferry-accident-rules.txt",
        "Ferry Accident Rules\n\n"
        "Article 8 Where a ferry accident harms passengers, the operator shall notify the passengers harmed.\n\n"
        "The notice shall include the following items:\n\n"
        "(1) the cause of the ferry accident and the harm it may do to passengers;\n\n"
        "(2) the remedial measures the operator has taken; and\n\n"
        "(3) the operator's contact details.\n",
    )
    answer = ferry.ask(
        "And the notice: what is in it?", history=["Must the operator tell passengers about a ferry accident?"]
    )
    # the chat's words (accident, passengers) fall in the first item; the list is what the follow-up asks for
    assert all(item in answer.text for item in ("(1)", "(2)", "(3)")), answer.text


FERRY_REPAIRS = (
    "渡轮安全规定\n\n第三条 渡轮经营者发现船体损坏的，应当立即停航，采取修复措施，并向港务管理机构报告。\n\n"
    "第四条 渡轮经营者应当为每一航次配备救生衣。\n"
)
PIER_REPAIRS = (
    "Pier Safety Rules\n\nArticle 3 Where a pier operator finds a crack in the deck, it shall close the pier, "
    "repair the deck and report the repair to the harbour office.\n\n"
    "Article 4 A pier operator shall keep life rings at each end of the pier.\n"
)


@pytest.mark.parametrize(
    "question",
    ["渡轮停航修复的事由谁来监督？", "船体损坏以后由哪个部门督促整改？"],
    ids=["who", "which-department"],
)
def test_the_body_something_is_reported_to_is_not_the_one_that_does_what_is_asked(  # type: ignore[no-untyped-def]
    assistant_over, question: str
) -> None:
    answer = assistant_over("渡轮安全规定.txt", FERRY_REPAIRS).ask(question)
    assert answer.refused, answer.text


@pytest.mark.parametrize(
    ("name", "text", "question", "quoted"),
    [
        ("渡轮安全规定.txt", FERRY_REPAIRS, "渡轮船体坏了要报告给谁？", "向港务管理机构报告"),
        ("渡轮安全规定.txt", FERRY_REPAIRS, "船体损坏了，经营者得向哪一级机构报告？", "向港务管理机构报告"),
        ("pier-safety-rules.txt", PIER_REPAIRS, "Who does a pier operator report a deck repair to?", "harbour office"),
    ],
    ids=["zh-to-whom", "zh-to-which-department", "en-to-whom"],
)
def test_the_body_something_is_reported_to_answers_who_it_goes_to(  # type: ignore[no-untyped-def]
    assistant_over, name: str, text: str, question: str, quoted: str
) -> None:
    answer = assistant_over(name, text).ask(question)
    assert not answer.refused and says(answer, quoted), answer.text


HARBOUR_CARGO = (
    "Harbour Cargo Rules\n\n"
    'Article 3 "Hazardous cargo" is cargo that, once spilled into the harbour, may easily harm fish or boats, '
    "including fuel, paint and fertiliser.\n\n"
    "Article 9 Where cargo falls into the water, the pier operator shall immediately take remedial measures and "
    "notify the harbour office.\n\n"
    "Article 10 The harbour office inspects each pier once a year.\n"
)


def test_a_definition_of_a_term_the_question_does_not_use_is_not_quoted_for_its_words(  # type: ignore[no-untyped-def]
    assistant_over,
) -> None:
    """Only the definition holds "spilled", but it says what the term is, not what an operator must do."""
    assistant = assistant_over("harbour-cargo-rules.txt", HARBOUR_CARGO)
    answer = assistant.ask("If some cargo is spilled, what must the operator do?")
    assert not answer.refused, answer.text
    assert says(answer, "take remedial measures and notify the harbour office"), answer.text
    assert not says(answer, "Hazardous cargo"), answer.text
    # a question using the term reads the definition whole
    assert says(assistant.ask("Does paint count as hazardous cargo?"), "fuel, paint and fertiliser")


FERRY_DATA = (
    "渡轮数据管理办法\n\n"
    "第五条 渡轮经营者应当依法开展船舶数据采集活动，遵守以下规定：\n\n"
    "（一）使用具有合法来源的航行记录；\n\n"
    "（二）采取有效措施提高船舶数据质量；\n\n"
    "（三）定期校验船舶数据的准确性。\n\n"
    "第九条 港务管理机构依据职责对渡轮经营者开展监督检查，经营者应当予以配合，"
    "按要求对船舶数据来源、规模、类型等予以说明。\n\n"
    "第十二条 渡轮经营者应当在码头公示票价。\n"
)


@pytest.mark.parametrize("question", ["采集船舶数据时要满足哪些要求？", "经营者采集船舶数据得遵守什么要求？"])
def test_a_question_on_requirements_is_answered_by_the_duty_not_by_the_word(  # type: ignore[no-untyped-def]
    assistant_over, question: str
) -> None:
    """Only Article 9 holds 要求 ("按要求…说明"); the requirements are Article 5's list."""
    answer = assistant_over("渡轮数据管理办法.txt", FERRY_DATA).ask(question)
    assert not answer.refused, answer.text
    assert says(answer, "遵守以下规定", "使用具有合法来源的航行记录"), answer.text
    assert not says(answer, "按要求对船舶数据来源"), answer.text


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # the recommendation rules never give the number of users that makes a service one "with public opinion
        # attributes"; only the fine for faking its filing holds a figure
        ("算法推荐服务的用户数量达到多少就属于具有舆论属性？", False),
        ("注册用户超过多少，就得为算法推荐服务办理备案？", False),
        # a count of persons that the 2024 regulations set
        ("一家公司掌握的个人信息超过多少人，就得遵守对重要数据处理者的规定？", True),
        ("手上个人信息涉及的人数超过多少，要照重要数据处理者管理？", True),
    ],
)
def test_a_count_reached_is_of_what_reaches_it(library, question: str, answered: bool) -> None:  # type: ignore[no-untyped-def]
    answer = library.ask(question)
    assert answer.refused is not answered, answer.text
    if answered:
        assert "1000万人以上" in answer.text, answer.text


FERRY_FINES = (
    "Ferry Logbook Rules\n\n"
    "Article 5 The operator of a passenger ferry shall keep a logbook of every crossing.\n\n"
    "Article 9 Where an operator fails to keep the logbook required by Article 5, the Harbour Board shall order "
    "it to make corrections and impose a fine of 2,000 yuan.\n\n"
    "Where the operator repeats the offence, a fine of not "
    "less than 5,000 yuan but not more than 20,000 yuan shall be imposed.\n\n"
    "Article 12 The Harbour Board inspects each ferry once a year.\n"
)


@pytest.mark.parametrize(
    ("question", "every_tier"),
    [
        ("Worst-case penalty for an operator that keeps no logbook?", True),
        ("An operator keeps no logbook: how high can the fine go?", True),
        ("What is the harshest fine for a ferry operator without a logbook?", True),
        # no bound asked: the ordinary tier answers
        ("What fine does an operator without a logbook face?", False),
    ],
)
def test_a_superlative_or_a_bound_asks_for_every_tier(  # type: ignore[no-untyped-def]
    assistant_over, question: str, every_tier: bool
) -> None:
    answer = assistant_over("ferry-logbook-rules.txt", FERRY_FINES).ask(question)
    assert not answer.refused and says(answer, "a fine of 2,000 yuan"), answer.text
    assert says(answer, "not more than 20,000 yuan") is every_tier, answer.text


_COLLISION_RULES = (
    "Harbour safety rules\n\n"
    "Article 3 Where a ferry collision harms public safety, the operator shall notify the harbour office within 24 "
    "hours.\n\n"
    "Article 4 Ferry operators shall keep their logbooks for three years.\n"
)


def test_a_limit_counted_in_another_unit_does_not_answer(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("harbour-safety.txt", _COLLISION_RULES)
    assert assistant.ask("Within how many days is the operator to notify the harbour office of a collision?").refused
    answer = assistant.ask("Within how many hours is the operator to notify the harbour office of a collision?")
    assert not answer.refused and "24 hours" in answer.text, answer.text


def test_the_number_of_people_asked_is_not_answered_by_a_length_of_time(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # "The number of …" asked nothing typed, and the period a record is kept for was quoted as the answer.
    assistant = assistant_over(
        "harbour.txt",
        "Harbour Rules\n\nArticle 1 A ferry operator shall appoint a safety officer for its passenger records.\n\n"
        "Article 2 The passenger records of a ferry operator shall be kept for at least three years.\n",
    )
    answer = assistant.ask(
        "What is the total number of passengers whose records make a ferry operator appoint a safety officer?"
    )
    assert answer.refused, answer.text


_FUEL_VOUCHERS = (
    "Harbour fuel vouchers\n\n"
    "The port will issue 2 million yuan worth of fuel vouchers to ferry operators, with the vouchers covering 20% to "
    "60% of fuel costs. Operators apply through the harbour office.\n"
)


def test_whether_there_is_a_cap_is_answered_only_by_a_limit(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # The vouchers' total and the share of costs they cover say nothing of a cap per operator.
    assistant = assistant_over("vouchers.txt", _FUEL_VOUCHERS)
    answer = assistant.ask("Does one ferry operator face a maximum on fuel vouchers?")
    assert answer.refused, answer.text


def test_a_stated_cap_answers_whether_there_is_one(assistant_over) -> None:  # type: ignore[no-untyped-def]
    capped = _FUEL_VOUCHERS.replace(
        "Operators apply", "A single operator may receive up to 50,000 yuan. Operators apply"
    )
    assistant = assistant_over("vouchers.txt", capped)
    answer = assistant.ask("Does one ferry operator face a maximum on fuel vouchers?")
    assert not answer.refused and "up to 50,000 yuan" in answer.text, answer.text


def test_a_time_limit_on_another_act_does_not_answer_through_a_character_of_an_unseen_word(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # 提早 is in no passage; its 提 is in 提交, the act the ten days govern, which is not the check asked about.
    assistant = assistant_over(
        "渡轮管理办法_2024-01-01.md",
        "# 渡轮管理办法\n\n"
        "第一条 渡轮经营者应当在开航之日起十个工作日内通过渡轮登记系统提交航线名称、船舶数量等信息。\n\n"
        "第二条 渡轮经营者开航前应当开展安全检查。\n",
    )
    answer = assistant.ask("开航前的安全检查得提早几个工作日弄好？")
    assert answer.refused, answer.text


def test_which_banks_did_something_is_not_answered_by_a_kind_of_body(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(
        "loans.txt",
        "Ferry loans\n\nThe port encourages commercial banks to lend to ferry operators under the ferry loan scheme. "
        "Operators that borrow under the scheme may receive an interest subsidy from the harbour office.\n",
    )
    answer = assistant.ask("Which banks have joined the ferry loan scheme?")
    assert answer.refused, answer.text


FERRY_RULES = (
    "# 渡船安全管理规定\n\n"
    "2023年5月10日 港务局2023年第3次局务会议审议通过\n\n"
    "2023年7月1日 施行\n\n"
    "<!-- INFO END -->\n\n"
    "## 第一章 总 则\n\n"
    "第一条 为了保障渡船航行安全，保护乘客生命财产安全，制定本规定。\n\n"
    "第二条 渡船运营者应当每年开展一次安全检查，并向港务局报送检查报告。\n\n"
    "## 第二章 附 则\n\n"
    "第三条 本规定自2023年7月1日起施行。\n"
)


def test_the_date_a_law_takes_effect_is_cited_from_its_article_not_its_title_block(assistant_over) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over("渡船安全管理规定.md", FERRY_RULES)
    answer = assistant.ask("渡船安全管理规定几月几号开始施行？")
    assert not answer.refused, answer.text
    assert "本规定自2023年7月1日起施行" in answer.text, answer.text
    # what only the title block records is cited from it, though an article states a date of the same year
    adopted = assistant.ask("渡船安全管理规定是什么时候审议通过的？")
    assert "2023年5月10日" in adopted.text, adopted.text


_DUTIES = (
    "检查船体",
    "配备救生衣",
    "培训船员",
    "记录航行日志",
    "公示票价",
    "保养发动机",
    "检查消防设备",
    "清点乘客人数",
)
FERRY_RULES_UNDATED = (
    "渡船安全管理规定\n\n"
    + "".join(
        f"第{number}条 渡船运营者应当按照渡船安全管理要求{duty}，保障渡船安全。\n\n"
        for number, duty in zip("一二三四五六七八九十", [*_DUTIES, "落实安全管理责任", "报告安全事故"], strict=True)
    )
    + "".join(
        f"第十{number}条 港务局应当加强渡船安全管理规定的宣传，督促渡船运营者{duty}。\n\n"
        for number, duty in zip("一二三四五六七八", _DUTIES, strict=True)
    )
    + "第十九条 本规定自2024年3月1日起施行。\n"
)


def test_the_date_a_law_takes_effect_is_found_anywhere_in_it(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """ "生效" shares no word with "自…起施行": every article naming the rules outranks the one dating them, which
    no title block repeats. Asked of the rules alone, their own date answers, wherever it is."""
    assistant = assistant_over("渡船安全管理规定.txt", FERRY_RULES_UNDATED)
    for answer in (
        assistant.ask("渡船安全管理规定何时生效？"),
        assistant.ask("它何时开始生效？", history=["渡船安全管理规定管哪些事？"]),
    ):
        assert not answer.refused, answer.text
        assert "本规定自2024年3月1日起施行" in answer.text, answer.text
    # a time of something in the rules is that provision's, and these set none
    answer = assistant.ask("渡船安全管理规定里航行日志存几年？")
    assert "2024年3月1日" not in answer.text, answer.text


_BOAT_DUTIES = (
    "keep its hull sound",
    "carry a life jacket for every person on it",
    "keep a log of every crossing",
    "display its licence number on the bow",
    "service its engine every month",
    "carry a fire extinguisher",
    "train its crew in rescue drills",
    "publish its fares at the pier",
)
BOAT_RULES = (
    "Harbour Boat Rules\n\n"
    "Article 1 These Rules apply to every boat operating in the harbour.\n\n"
    + "".join(
        f"Article {number} The owner of every boat operating in the harbour shall {duty}.\n\n"
        for number, duty in enumerate(_BOAT_DUTIES, start=2)
    )
    + "Article 10 The owner of a boat operating in the harbour shall report every accident to the harbour office, "
    "except where no person was hurt.\n\n"
    + "".join(
        f"Article {number} The harbour office shall check that every boat operating in the harbour does {duty}.\n\n"
        for number, duty in enumerate(_BOAT_DUTIES, start=11)
    )
    + "Article 19 These Rules are not applicable to rowing boats kept by sports clubs for training.\n"
)


def test_exceptions_to_what_a_law_applies_to_are_what_it_does_not_apply_to(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """After a question on what the rules apply to, "Any exceptions?" asks what they exclude, stated in an article
    that ranks below every duty of boat owners; an exception to one of those duties is no answer."""
    assistant = assistant_over("harbour-boat-rules.txt", BOAT_RULES)
    answer = assistant.ask("Any exceptions?", history=["Do the Harbour Boat Rules apply to every boat in the harbour?"])
    assert not answer.refused, answer.text
    assert says(answer, "not applicable to rowing boats"), answer.text
    assert "no person was hurt" not in answer.text, answer.text


def test_whether_a_law_covers_a_case_is_answered_by_its_scope_from_further_down(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """Every duty of boat owners matches a question on whether the rules cover one's boats about as well as the
    article saying what they do not apply to; ranked below the evidence's top chunk here, it is reached for."""
    assistant = assistant_over(
        "ferry-rules.txt",
        "Ferry Rules\n\n"
        "Article 1 A boat owner shall keep each boat's hull sound and register each boat with the harbour office.\n\n"
        "Article 2 A boat owner shall carry a life jacket for every person on each boat.\n\n"
        "Article 3 These Rules do not apply to vessels kept only for training by a sports club.\n",
        answer={"evidence_chunks": 1},
    )
    answer = assistant.ask("Do the duties of a boat owner under the ferry rules apply to each boat our club owns?")
    assert "do not apply to vessels kept only for training" in answer.text, answer.text


def test_where_the_breach_asked_about_has_a_paragraph_the_other_breaches_do_not_answer() -> None:
    foreign = (
        "第二十一条 违反本法第六条规定，拒不配合调取的，处五万元以下罚款。\n\n"
        "违反本法第七条规定，擅自向外国机构提供航行记录的，处十万元以下罚款；"
    )
    severe = "造成严重后果的，处五百万元以下罚款。"
    abroad = "第二十条 违反本法第五条规定，把乘客名单传到境外的，处一百万元以下罚款；情节严重的，处一千万元以下罚款。"
    passages = [
        passage_of(chunk(foreign, index=4), chunk(severe, index=5, start=len(foreign))),
        passage_of(chunk(abroad, index=7, start=1000)),
    ]
    judged = {c.chunk_id for p in passages for c in p.chunks}
    breach = _Breach({"境外": 3.0, "乘客": 2.0, "名单": 2.0}, _tokens_of_units(passages), judged)
    breach.found = any(breach.punished_by(u) for p in passages for u in p.units)
    # the duties retrieved with it (Articles 5 and 7) are no longer enough: Article 7's tier answers another breach
    kept = [w.text for p in passages for w in ev.windows(p) if not breach.punishes_another(w, {5, 7})]
    assert breach.found
    assert any("一千万元" in text for text in kept)
    assert not any("五百万元" in text for text in kept), kept


@pytest.mark.parametrize(
    "text",
    [
        "第五条 渡船运营者不履行本法第八条规定的检修义务的，由港务局处一万元以下罚款。",
        "Article 5 Where a ferry operator fails to perform the duties in Article 8 of this Law, it shall be fined.",
    ],
)
def test_a_duty_of_a_numbered_article_left_undone_opens_a_breach(text: str) -> None:
    from assistant.answer.extractive import _opening_breach

    (unit,) = passage_of(chunk(text)).units
    assert _opening_breach(unit) == {8}


FERRY_SUPERVISION = (
    "渡船运营管理办法\n\n"
    "第一条 为了规范渡船运营，保障乘客安全，制定本办法。\n\n"
    "第二条 港务、交通、公安、应急管理等部门，依据各自职责依法加强对渡船运营的管理。\n\n"
    + "".join(
        f"第{number}条 渡船运营者应当{duty}，发现安全隐患的，应当及时处置并告知港务局。\n\n"
        for number, duty in zip("三四五六七八九", _DUTIES, strict=False)
    )
    + "第十条 渡船运营者发现乘客携带危险物品的，应当及时采取停止登船、暂扣物品等处置措施，并告知港务局。\n"
)


def test_who_oversees_what_the_question_before_asked_is_the_body_the_law_charges(assistant_over) -> None:  # type: ignore[no-untyped-def]
    """ "那由谁监管？" names nothing but the verb: the duty the question before asked about matches best and names no
    body but the harbour office; the article charging the departments with supervision shares no word with either."""
    assistant = assistant_over("渡船运营管理办法.txt", FERRY_SUPERVISION)
    answer = assistant.ask("那由谁监管？", history=["渡船运营者发现乘客带危险物品要怎么处理？"])
    assert not answer.refused, answer.text
    assert "依据各自职责依法加强对渡船运营的管理" in answer.text, answer.text


FERRY_SUPERVISION_EN = (
    "Ferry Operation Rules\n\n"
    "Article 1 These Rules are formulated to keep ferry passengers safe.\n\n"
    "Article 2 The harbour office shall be responsible for the supervision and administration of ferry operations.\n\n"
    + "".join(
        f"Article {number} A ferry operator shall {duty}, and shall deal with any hazard it finds and tell the "
        "harbour office.\n\n"
        for number, duty in zip(range(3, 9), _BOAT_DUTIES, strict=False)
    )
    + "Article 9 A ferry operator that finds a passenger carrying dangerous goods shall refuse boarding, hold the "
    "goods and tell the harbour office.\n"
)


def test_who_enforces_what_the_question_before_asked_is_the_body_the_rules_charge(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # the English statement of supervision ("shall be responsible for the supervision and administration of …")
    assistant = assistant_over("ferry-operation-rules.txt", FERRY_SUPERVISION_EN)
    answer = assistant.ask(
        "And who enforces that?", history=["What must a ferry operator do about a passenger with dangerous goods?"]
    )
    assert not answer.refused, answer.text
    assert "responsible for the supervision and administration of ferry operations" in answer.text, answer.text


_FERRY_ACT = (
    "渡船安全条例\n\n2020年3月2日 港务局第5次局务会议审议通过\n\n第一条 为了保障渡船乘客安全，制定本条例。\n\n"
    "第二条 渡船经营者应当每年组织一次船员安全培训。\n\n第三条 渡船载客不得超过核定人数。\n\n"
    "第三十条 本条例自2020年5月1日起施行。\n"
)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("渡船安全条例哪一天起正式施行？", "2020年5月1日"),
        ("渡船安全条例哪天审议通过的？", "2020年3月2日"),
        # the law dates its adoption and its taking effect: the adoption line was quoted for these
        ("渡船安全条例是哪一天废止的？", None),
        ("渡船安全条例是哪年哪月修订的？", None),
    ],
)
def test_a_laws_date_answers_only_for_the_step_it_dates(assistant_over, question: str, quoted: str | None) -> None:  # type: ignore[no-untyped-def]
    answer = assistant_over("渡船安全条例.txt", _FERRY_ACT).ask(question)
    if quoted is None:
        assert answer.refused and "2020年" not in answer.text, answer.text
    else:
        assert not answer.refused and quoted in answer.text, answer.text


_PORT_RULES = (
    "港口管理办法\n\n第一条 为了加强港口管理，制定本办法。\n\n第五条 港口经营者应当每季度检查一次系泊设施。\n\n"
    "第六条 港口经营者应当每年培训装卸工人。\n"
)


def _ferry_and_port(assistant_over):  # type: ignore[no-untyped-def]
    """An assistant over the made-up ferry regulation and port rules, each a law of its own."""
    assistant_over("渡船安全条例.txt", _FERRY_ACT)
    return assistant_over("港口管理办法.txt", _PORT_RULES)


def test_a_follow_up_asking_only_by_when_asks_of_the_duty_not_of_the_law(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # The law named in the question before was taken for the one whose date is asked: its adoption line answered.
    answer = _ferry_and_port(assistant_over).ask("截止到哪一天？", history=["渡船安全条例要求渡船经营者每年组织什么？"])
    assert "2020年" not in answer.text, answer.text


def test_a_laws_own_dating_provision_answers_when_it_became_binding(library) -> None:  # type: ignore[no-untyped-def]
    # Nothing but the law's name matched, so the dating article, reached for, looked unrelated: refused.
    answer = library.ask("Since when is the PIPL binding?")
    assert not answer.refused and "November 1st" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # the PIPL's own name is no word of its text: nothing of it was retrieved, and the law "matched nothing"
        ("What is the PIPL?", "Article 1 This Law is enacted"),
        # the provision matching the law's name best (第三条, an adoption line) was quoted as what the law is
        ("网络数据安全管理条例是什么？", "第一条 为了规范网络数据处理活动"),
        ("上海市数据条例讲了什么？", "第一条 为了保护自然人"),
        # a thing asked of the law is no question on the law as a whole
        ("Is a refund owed under the PIPL?", None),
    ],
)
def test_a_question_on_a_law_as_a_whole_is_answered_with_its_first_article(  # type: ignore[no-untyped-def]
    library, question: str, opening: str | None
) -> None:
    answer = library.ask(question)
    if opening is None:
        assert "Article 1 " not in answer.text, answer.text
    else:
        assert not answer.refused and answer.text.startswith(opening), answer.text


def test_a_follow_up_naming_only_a_law_asks_of_it_the_question_before(assistant_over) -> None:  # type: ignore[no-untyped-def]
    # Read as a question on the law as a whole, it was answered with the law's purpose.
    answer = _ferry_and_port(assistant_over).ask("那港口管理办法呢？", history=["渡船安全条例对船员培训有什么要求？"])
    assert not answer.text.startswith("第一条"), answer.text


def _titled(tmp_path: Path, name: str, text: str) -> None:
    """A sidecar naming the document ``name`` (in assistant_over's folder) by its first line: the title a question
    names the law by."""
    (tmp_path / "documents").mkdir()
    sidecar = {"title": text.split("\n", 1)[0], "type": "regulation"}
    (tmp_path / "documents" / f"{name}.meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), "utf-8")


_HARBOUR_RULES = (
    "Harbour Safety Rules\n\n"
    "Article 1 These Rules are formulated to keep harbours and their piers safe.\n\n"
    "Article 2 Pier operators shall inspect mooring lines every month.\n\n"
    "Article 3 Pier operators shall keep passenger lists for one year.\n\n"
    "Article 20 Where a pier operator violates Article 2 of these Rules, the harbour office shall order it to make "
    "corrections and may impose a fine of not more than RMB 50,000 yuan.\n\n"
    "Article 21 Where a pier operator violates Article 3 of these Rules, the harbour office shall impose a fine of "
    "not less than RMB 1 million yuan but not more than RMB 8 million yuan.\n\n"
    "Article 22 Where anyone violates other provisions of these Rules, the harbour office shall order corrections "
    "and give a warning; in grave cases, a fine of not more than RMB 200,000 yuan shall be imposed.\n"
)
_HARBOUR_RULES_ZH = (
    "港口安全规则\n\n第一条 为了保障港口和码头安全，制定本规则。\n\n第二条 码头经营者应当每月检查系泊缆绳。\n\n"
    "第三条 码头经营者应当保存乘客名单一年。\n\n"
    "第二十条 码头经营者违反本规则第二条规定的，由港务部门责令改正，可以处五万元以下罚款。\n\n"
    "第二十一条 码头经营者违反本规则第三条规定的，由港务部门处一百万元以上八百万元以下罚款。\n\n"
    "第二十二条 违反本规则其他规定的，由港务部门责令改正，给予警告；情节严重的，处二十万元以下罚款。\n"
)


@pytest.mark.parametrize(
    ("name", "text", "question", "quoted"),
    [
        # the general clause, matching the law's name and "fine" best, was quoted: a fine of 200,000 as the most
        (
            "harbour-safety-rules.txt",
            _HARBOUR_RULES,
            "Harbour Safety Rules: the highest fine they set?",
            "8 million",
        ),
        (
            "harbour-safety-rules.txt",
            _HARBOUR_RULES,
            "Under the Harbour Safety Rules, how large a fine might a firm face at most?",
            "8 million",
        ),
        ("港口安全规则.txt", _HARBOUR_RULES_ZH, "港口安全规则最高罚多少？", "八百万元"),
        ("港口安全规则.txt", _HARBOUR_RULES_ZH, "违反港口安全规则，公司最多被罚多少钱？", "八百万元"),
        # a breach named is the one whose fine is asked
        (
            "harbour-safety-rules.txt",
            _HARBOUR_RULES,
            "Harbour Safety Rules: the highest fine on a pier operator who skips the monthly mooring line inspection?",
            "50,000",
        ),
        ("港口安全规则.txt", _HARBOUR_RULES_ZH, "港口安全规则里，不检查系泊缆绳最多罚多少？", "五万元"),
    ],
)
def test_the_most_a_law_fines_is_its_highest_fine(  # type: ignore[no-untyped-def]
    assistant_over, tmp_path: Path, name: str, text: str, question: str, quoted: str
) -> None:
    _titled(tmp_path, name, text)
    answer = assistant_over(name, text).ask(question)
    assert not answer.refused and quoted in answer.citations[0].quote, answer.text


def test_every_provision_tying_for_a_laws_highest_fine_is_quoted(assistant_over, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # each breach punished with the highest fine is one answer to what costs the most: one was quoted, as if the
    # others cost less
    text = (
        "码头收费规则\n\n第一条 码头收费应当公开。\n\n第二条 码头不得重复收费。\n\n第三条 码头应当开具票据。\n\n"
        "第十条 违反本规则第一条规定的，由港务部门处十万元以下罚款。\n\n"
        "第十一条 违反本规则第二条规定的，由港务部门责令退还，处十万元以下罚款。\n\n"
        "第十二条 违反本规则第三条规定的，由港务部门处一万元以下罚款。\n"
    )
    _titled(tmp_path, "码头收费规则.txt", text)
    answer = assistant_over("码头收费规则.txt", text).ask("码头收费规则最高罚多少？")
    quoted = sorted(c.quote[:4] for c in answer.citations)
    assert quoted == ["第十一条", "第十条 "], answer.text


_PILOTAGE_RULES = (
    "Harbour Pilotage Rules\n\n(Adopted at the 5th Meeting of the Harbour Board on March 2, 2020)\n\n"
    "Article 1 These Rules are formulated to make pilotage in the harbour effective and safe.\n\n"
    "Article 2 Pilots shall take effective measures to keep vessels clear of the piers.\n\n"
    "Article 3 The harbour office shall take effective measures to guide vessels in fog.\n\n"
    "Article 4 Pilots shall take effective measures to report hazards to the harbour office.\n\n"
    "Article 5 Pier operators shall take effective measures to light their berths at night.\n\n"
    "Article 6 Tug operators shall take effective measures to assist pilots in strong wind.\n\n"
    "Article 30 These Rules shall come into force as of May 1, 2020.\n"
)


@pytest.mark.parametrize(
    "question",
    ["When do the Harbour Pilotage Rules take effect?", "Since when have the Harbour Pilotage Rules applied?"],
)
def test_a_laws_date_of_taking_effect_is_read_from_its_dating_provision_wherever_it_ranks(  # type: ignore[no-untyped-def]
    assistant_over, tmp_path: Path, question: str
) -> None:
    # "effect" matched every article taking "effective measures": the provision dating the law was retrieved low,
    # or not at all, and the reach for it stopped at the adoption line, which dates another step: refused.
    _titled(tmp_path, "harbour-pilotage-rules.txt", _PILOTAGE_RULES)
    answer = assistant_over("harbour-pilotage-rules.txt", _PILOTAGE_RULES).ask(question)
    assert not answer.refused and "May 1, 2020" in answer.text, answer.text


_PASSENGER_FERRY_RULES = (
    "渡运管理条例\n\n第一条 为了规范客运渡船管理，制定本条例。\n\n第二条 客运渡船应当配备救生衣。\n\n"
    "第三条 客运渡船应当每年检验一次。\n\n第四条 客运渡船不得超载。\n\n第五条 客运渡船应当悬挂标志。\n\n"
    "第六条 客运渡船应当配备持证船员。\n\n"
    "第二十条 客运渡船是核定载客十二人以上、在两岸之间往返运送旅客的机动或者非机动的渡船。\n"
)


@pytest.mark.parametrize("question", ["什么是客运渡船？", "什么算客运渡船？", "什么样的船才算客运渡船？"])
def test_a_chinese_definition_by_genus_answers_what_a_term_is(assistant_over, question: str) -> None:  # type: ignore[no-untyped-def]
    # "客运渡船是…的渡船" defines the term without "是指": read as no definition, and retrieved below the duties that
    # name the term, it was never reached; "什么算…" was not read as asking for one.
    answer = assistant_over("渡运管理条例.txt", _PASSENGER_FERRY_RULES).ask(question)
    assert not answer.refused and "核定载客十二人以上" in answer.text, answer.text


_LOGBOOK_RULES = (
    "Pier Logbook Rules\n\n"
    "Article 1 These Rules apply to the operators of passenger piers.\n\n"
    "Article 2 The logbook shall be kept in the logbook format the port authority sets.\n\n"
    "Article 3 Pier operators shall record every berthing of a vessel, the names of its crew and its cargo in a "
    "logbook, and shall hand it to the harbour office every quarter.\n"
)


@pytest.mark.parametrize("question", ["Who gets the logbook?", "Which office receives the logbook?"])
def test_who_gets_a_thing_asks_whom_it_goes_to(assistant_over, question: str) -> None:  # type: ignore[no-untyped-def]
    # read as asking who acts on the logbook, the body setting its format answered as well as the one receiving it
    answer = assistant_over("pier-logbook-rules.txt", _LOGBOOK_RULES).ask(question)
    assert not answer.refused and "harbour office" in answer.citations[0].quote, answer.text


_BERTH_RULES = (
    "码头泊位规则\n\n第一条 为了规范码头泊位管理，根据《中华人民共和国引航法》，制定本规则。\n\n"
    "第三条 码头经营者应当公布泊位使用情况。\n\n"
    "第九条 码头经营者违反本规则第三条规定的，由港务部门责令改正，处一万元以上五万元以下罚款。\n"
)


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        # the rules' own fine was quoted as the act's
        ("《引航法》对违规者罚多少钱？", True),
        # what the rules say of the act is in a passage that cites it
        ("码头泊位规则是根据哪部法律制定的？", False),
    ],
)
def test_a_law_the_passages_only_cite_is_not_answered_for_by_them(  # type: ignore[no-untyped-def]
    assistant_over, tmp_path: Path, question: str, refused: bool
) -> None:
    _titled(tmp_path, "码头泊位规则.txt", _BERTH_RULES)
    answer = assistant_over("码头泊位规则.txt", _BERTH_RULES).ask(question)
    assert answer.refused is refused, answer.text
    if refused:
        assert "is not indexed" in answer.text, answer.text


_LANDING_RULES = (
    "渡口管理办法\n\n第一条 为了规范渡口管理，保障渡运安全，制定本办法。\n\n"
    "第五条 渡口经营者应当每日检查渡船救生设备。\n\n第六条 渡口经营者应当公示渡运时刻和票价。\n\n"
    "第二十条 本办法下列用语的含义是：\n\n"
    "（一）渡口，是指供渡船停靠、上下旅客的场所。\n\n（二）渡口经营者，是指经营渡口并提供渡运服务的企业、个人。\n"
)


def test_what_a_party_must_do_is_not_answered_by_its_definition(assistant_over, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the definition of the operator matched its name best and was quoted: it says what one is, not what it must do
    _titled(tmp_path, "渡口管理办法.txt", _LANDING_RULES)
    answer = assistant_over("渡口管理办法.txt", _LANDING_RULES).ask("渡口经营者有哪些义务？")
    assert not answer.refused and "应当" in answer.citations[0].quote, answer.text
    assert "是指" not in answer.text, answer.text
