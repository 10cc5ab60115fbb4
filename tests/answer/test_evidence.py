"""Units and windows of evidence (pure logic over hand-made chunks)."""

from __future__ import annotations

from assistant.answer.evidence import LEANS_BACK, Passage, paragraph_opening, paragraph_units, parts, units_of, windows
from assistant.answer.questions import frame
from assistant.answer.scoring import defined_term_tokens, states, type_present
from assistant.types import RetrievedChunk


def chunk(text: str, index: int = 0, start: int = 0, title: str = "Test law") -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=f"doc#v:{index}",
        doc_id="doc",
        text=text,
        start=start,
        end=start + len(text),
        heading_path="第一章 › 第五条",
        metadata={"chunk_index": index, "n_chunks": 3, "title": title},
        score=1.0,
        rank=index + 1,
    )


def passage_of(*chunks: RetrievedChunk) -> Passage:
    passage = Passage(list(chunks))
    passage.units = [u for c in chunks for u in units_of(c)]
    for position, unit in enumerate(passage.units):
        unit.position = position
    return passage


def test_a_provision_is_not_cut_at_its_semicolons() -> None:
    text = (
        "违反本条规定的，处五万元以上五十万元以下罚款；拒不改正的，处五十万元以上二百万元以下罚款。\n"
        "前款规定以外的，依法处理。"
    )
    units = units_of(chunk(text))
    assert [u.text for u in units] == [
        "违反本条规定的，处五万元以上五十万元以下罚款；拒不改正的，处五十万元以上二百万元以下罚款。",
        "前款规定以外的，依法处理。",
    ]
    assert units[1].leans_back


def test_units_keep_exact_offsets_and_full_width_text() -> None:
    text = "第五十五条 有下列情形之一的，应当评估：\n（一）处理敏感个人信息；\n（二）自动化决策。"
    c = chunk(text, start=100)
    units = units_of(c)
    assert [u.kind for u in units] == ["lead", "item", "item"]
    for unit in units:
        assert text[unit.start - 100 : unit.end - 100] == unit.text
    assert units[1].text == "（一）处理敏感个人信息；"


def test_a_lead_is_never_quoted_without_its_items() -> None:
    text = "Article 58 A platform shall perform the following obligations:\n(1) set up rules;\n(2) publish reports."
    passage = passage_of(chunk(text))
    found = {tuple(u.position for u in w.units) for w in windows(passage)}
    assert (0,) not in found
    assert (0, 1, 2) in found
    assert (0, 2) in found  # one item with its lead


def test_windows_span_neighbouring_chunks_and_quote_per_chunk() -> None:
    first = chunk("In July, the city rolled out measures on computing power.", 0, 0)
    second = chunk("The city plans to issue vouchers covering these areas.", 1, len(first.text) + 2)
    passage = passage_of(first, second)
    assert passage.units[1].leans_back and not passage.units[0].leans_back
    found = windows(passage)
    # "…covering these areas" is never quoted without the sentence naming the areas
    assert all(w.units[0].position == 0 for w in found)
    both = next(w for w in found if len(w.units) == 2)
    assert [len(run) for run in parts(both)] == [1, 1]  # one quote in each chunk


def test_the_title_line_is_not_a_unit() -> None:
    texts = [u.text for u in units_of(chunk("Test law\nArticle 1 This law applies."))]
    assert texts == ["Article 1 This law applies."]


def test_type_detectors() -> None:
    assert type_present("amount", "a fine of not more than RMB 50 million yuan")
    assert type_present("amount", "处五十万元以上二百万元以下罚款")
    assert not type_present("amount", "(4) promoting the development of services;")  # an item number is no figure
    assert not type_present("number", "Article 70 Where a processor may file a lawsuit")
    # an ordinal says which one, not how many
    assert not type_present("number", "2023年5月10日 港务局第十五届委员会第三次会议通过")
    assert not type_present("number", "Adopted at the 30th Meeting of the Harbour Board")
    assert type_present("number", "渡口配备3名安全员")
    assert type_present("time", "which opened in August 2024", "date")
    # "哪天", "几月" ask for a day of the calendar: a number of years is a length, not one
    assert not type_present("time", "航行日志应当至少保存三年", "date")
    assert type_present("time", "本规定自2024年3月1日起施行", "date")
    assert not type_present("time", "the processor may file a lawsuit", "date")  # "may" is no month
    assert type_present("time", "应当在三十个工作日内予以备案", "duration")
    assert type_present("time", "应当每年度开展风险评估", "frequency")
    assert not type_present("time", "上一年度营业额百分之五以下", "duration")
    # a duration stated as a bound: "how long" is answered by "the minimum time necessary"
    assert type_present("time", "shall be the minimum time necessary to achieve the purpose", "duration")
    # an age counts years, but no length of time: how long a log is kept is not answered by who may sail alone
    assert not type_present("time", "the ticket of a passenger under the age of 14 years", "duration")
    assert not type_present("time", "the ticket of a passenger under the age of 14 years")
    assert type_present("time", "a passenger's log shall be kept for 14 years", "duration")
    assert type_present("time", "保存期限应当为实现处理目的所必要的最短时间", "duration")
    assert not type_present("time", "shall be kept for the time being", "duration")
    assert type_present("time", "每年上半年报送，次月公布", "date")
    # "when" is answered by a time limit counted from an event; "what date" only by a date
    assert type_present("time", "应当在变更之日起十个工作日内办理变更手续", "when")
    assert type_present("time", "shall report within 15 working days", "when")
    assert not type_present("time", "shall report within 15 working days", "date")
    assert type_present("percentage", "offsetting 30% to 100% of costs")
    assert type_present("list", "computing power, model usage and data access")
    assert type_present("agent", "the consent of the parents or other guardians shall be obtained")
    assert type_present("definition", "“important data” refers to data in specific fields")
    assert type_present("definition", "“processing” means the collection, storage and use of data")
    # "means" the noun is no definition
    assert not type_present("definition", "according to the agreed purposes, means, and scopes")
    assert not type_present("definition", "collected by means of automated tools")


def test_a_paragraph_naming_another_of_its_article_is_quoted_with_that_one() -> None:
    text = (
        "第二十三条 在小区安装个人身份识别设备，应当设置显著标识。\n\n"
        "所收集的信息，只能用于维护公共安全的目的。\n\n"
        "本条第一款规定的区域，不得以个人身份识别技术作为唯一验证方式。"
    )
    passage = passage_of(chunk(text))
    assert passage.units[2].leans_back
    found = {tuple(u.position for u in w.units) for w in windows(passage)}
    # the third paragraph is read with the first, which it names, not only with the second just before it
    assert (0, 2) in found
    assert (2,) not in found
    named_second = windows(passage_of(chunk(text.replace("第一款", "第二款"))))
    assert (0, 2) not in {tuple(u.position for u in w.units) for w in named_second}


def test_a_paragraph_is_numbered_as_its_law_numbers_it_with_its_items() -> None:
    text = (
        "第二十一条 个人发现其个人信息不准确的，有权请求更正。\n\n"
        "有下列情形之一的，处理者应当删除个人信息：\n\n"
        "（一）处理目的已实现；\n\n"
        "（二）个人撤回同意。\n\n"
        "对属于本条第一款、第二款情形的，处理者应当予以更正、删除。"
    )
    passage = passage_of(chunk(text))
    assert [u.text for u in paragraph_units(passage, [2])] == [
        "有下列情形之一的，处理者应当删除个人信息：",
        "（一）处理目的已实现；",
        "（二）个人撤回同意。",
    ]
    third = ["对属于本条第一款、第二款情形的，处理者应当予以更正、删除。"]
    assert [u.text for u in paragraph_units(passage, [3])] == third
    assert paragraph_units(passage, [4]) == []
    # the items of the second paragraph do not make the third paragraph the fifth
    assert paragraph_units(passage_of(chunk("not an article\n\nsecond")), [2]) == []


def test_a_sentence_whose_subject_is_a_bare_definite_noun_leans_back() -> None:
    text = "In May 2024, the city opened Riverside Park, linking three labs. The project aims to host 300 firms."
    passage = passage_of(chunk(text))
    assert passage.units[1].leans_back
    assert (1,) not in {tuple(u.position for u in w.units) for w in windows(passage)}
    # a name is no noun standing for what came before; nor is a noun its phrase goes on to qualify
    for sentence in ("The Model Power Community, which opened in 2024, hosts labs.", "The withdrawal of consent shall"):
        assert not LEANS_BACK.search(sentence)


def test_a_definition_states_its_term_before_its_defining_verb() -> None:
    assert defined_term_tokens("（四）重要数据，是指特定领域的数据。") >= {"重要", "数据"}
    assert "数据" in defined_term_tokens("第三条 本法所称数据，是指任何以电子方式对信息的记录。")
    assert {"larg", "onlin", "platform"} <= defined_term_tokens("(8) “large online platform” refers to a platform")
    # "包括" lists what a duty covers as often as it defines
    assert defined_term_tokens("报告除包括前款规定的内容外，还应当说明情况。") == frozenset()


def test_a_count_is_no_date_or_length_of_time_but_an_age_is_a_count() -> None:
    # "kept for at least three years" answered "at what volume of personal information …"
    assert not type_present("number", "Records shall be kept for at least three years.")
    assert not type_present("number", "第五十五条 本条例自2025年1月1日起施行。")
    assert type_present("number", "personal information of more than 10 million individuals")
    assert type_present("number", "minors under the age of 14 years")
    assert type_present("number", "不满十四周岁未成年人")


def test_a_fine_is_the_sum_only_a_question_on_a_penalty_asks_for() -> None:
    fined = "并处一万元以上十万元以下罚款"
    assert not states("amount", fined, frame("算法推荐服务提供者备案要交多少钱？"))
    assert states("amount", fined, frame("违反的话最高罚款多少？"))
    assert states(
        "amount", "The city plans to issue 1 billion yuan worth of vouchers", frame("How much are the vouchers?")
    )


def test_a_paragraph_cut_by_a_chunk_boundary_opens_where_its_text_does() -> None:
    first = (
        "第二十一条 违反本法第六条规定，拒不配合的，处五万元以下罚款。\n\n"
        "违反本法第七条规定，擅自提供航行记录的，处十万元以下罚款；"
    )
    second = "造成严重后果的，处五百万元以下罚款。\n\n第二十二条 渡船应当每年检修。"
    passage = passage_of(chunk(first), chunk(second, index=1, start=len(first)))
    severe = next(u for u in passage.units if u.text.startswith("造成严重后果"))
    assert paragraph_opening(severe, passage).text.startswith("违反本法第七条规定")
    annual = next(u for u in passage.units if u.text.startswith("第二十二条"))
    assert paragraph_opening(annual, passage) is annual
