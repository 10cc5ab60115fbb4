"""What a question asks for, read from its structure (pure logic, no model)."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import AMOUNT, DEFINITION, main_clause
from assistant.answer.questions import (
    PRONOUN,
    abbreviates,
    demonym_of,
    duty_tokens,
    frame,
    name_spans,
    name_within,
    proper_names,
    same_name,
)
from assistant.lexical import tokenize


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("What is the minimum registered capital for AI firms in Shanghai?", "registered capital"),
        ("How much is the ferry grant per crossing?", "ferry grant"),
        ("How do the regulations define important data?", "important data"),
        ("数据处理者需要缴纳多少费用？", "费用"),
        ("数据安全法里说的“数据”是什么意思？", "数据"),
        ("What qualifies as a large platform under the regulations?", "large platform"),
        ("重要数据如何界定？", "重要数据"),
    ],
)
def test_the_focus_is_the_head_of_what_is_asked_about(question: str, focus: str) -> None:
    assert set(tokenize(focus)) <= set(frame(question).focus)


def test_type_nouns_and_framing_words_are_not_a_focus() -> None:
    assert frame("Which department enforces the PIPL?").focus == ()
    assert frame("由哪个部门负责数据安全监管？").focus == ()
    assert frame("What does Shanghai offer to cut costs?").focus == ()  # "what does X …": X is the subject


def test_a_noun_that_only_sorts_gives_way_to_what_it_sorts() -> None:
    # "kind" was the focus: no passage holds it, so it told no window from another
    assert frame("What kinds of records must an operator keep?").focus == ("record",)
    assert frame("Which type of licence does a data broker need?").focus == tuple(tokenize("licence"))


def test_the_focus_is_read_as_windows_are_covered() -> None:
    # "s" was a focus word: no window's coverage holds a lone letter, so no window could cover the whole focus
    assert frame("What portion of a firm's invoices do the vouchers pay?").focus == ("invoic",)
    # windows hold "annual" as "year" and "charge" as "fee": a focus of "annual" or "bills" matched none of them
    assert frame("How much is the annual licence levy?").focus[0] == "year"
    assert frame("What portion of the bills does it pick up?").focus == ("fee",)


def test_a_noun_naming_a_duty_is_not_a_focus() -> None:
    # Provisions state duties with "shall"/"应当", seldom with these nouns.
    assert frame("数据交易中介机构要履行什么义务？").focus == ()
    assert "oblig" not in frame("What obligations do large online platforms have?").focus


@pytest.mark.parametrize(
    ("question", "consequence"),
    [
        ("违反了呢？", True),
        ("What if a platform ignores it?", True),
        ("What does the PIPL say about violations of consent rules?", False),
        ("What if the receiving company later wants to use it for something else?", False),
    ],
)
def test_a_supposed_breach_is_a_question_on_consequences(question: str, consequence: bool) -> None:
    assert frame(question).consequence is consequence


def test_maximum_questions_want_a_quantity() -> None:
    assert frame("What is the most a company can be fined under the PIPL?").wants_quantity
    assert frame("违反本法的，最高罚款多少？").extreme
    assert not frame("What is the most difficult constraint?").extreme
    assert all(frame(f"What is the {size} fine for a late filing?").extreme for size in ("biggest", "smallest"))
    assert frame("What is the longest period records may be kept?").extreme
    # A longer subject between "the most" and its modal is still a clause; "fined" is the verb of "fine".
    asked = frame("What is the most the directly liable person in charge can be fined?")
    assert asked.extreme and asked.wants_quantity and asked.consequence


def test_names_in_a_question() -> None:
    assert "Shenzhen" in proper_names("What subsidies does Shenzhen offer?")
    assert proper_names("What does the law say?") == []
    # jieba tags 东西 ("things") as a place name: a framing noun is never a name.
    assert proper_names("那份报告里要写哪些东西？") == []
    # "同一部法里" ("in the same law"): jieba glues 法 and the locative into the place name 法里
    assert proper_names("同一部法里，哪些情形可以不经同意？") == []


def test_names_a_figure_may_be_about() -> None:
    assert name_spans("How many firms are in Pudong's Model Power Community?") == ["Pudong", "Model Power Community"]
    # a sentence's first word, a month, a currency and a law are no names; the law's owner is not either
    assert name_spans("These Regulations take effect on January 1, 2025, with fines in RMB.") == []
    assert name_spans("What is the top fine under China's PIPL?") == []
    assert frame("How big is it? What does Xuhui's Foundation Model Innovation Center do?").names == (
        "Xuhui",
        "Foundation Model Innovation Center",
    )
    # a follow-up on "the other" cluster is not about the one the question before it named
    assert frame("And the other cluster, when did it open? When did Xuhui's center launch?").names == ()
    assert same_name("Infinigence", "Infinigence AI") and same_name("Chinese", "China")
    assert not same_name("Model Power Community", "Foundation Model Innovation Center")
    assert name_within("Xuhui", "Xuhui-based Foundation Model Innovation Center")
    assert not name_within("Shanghai Innovation Institute", "Shanghai")


@pytest.mark.parametrize(
    ("name", "text", "spelt_out"),
    [
        ("MLPS", "on the basis of the cybersecurity multi-level protection scheme", True),
        ("ID", "public services for online identity authentication", True),
        ("GPUs", "more than 500 companies and shared computing platforms", False),
        ("EU", "the State encourages international exchanges", False),
        ("Shenzhen", "the city of Shenzhen", False),  # a name, not an abbreviation: only the index can tell
    ],
)
def test_an_abbreviation_is_spelt_out_by_initials_or_by_its_start(name: str, text: str, spelt_out: bool) -> None:
    assert abbreviates(name, text) is spelt_out


def test_the_words_asked_about_leave_out_interrogatives_and_what_is_fused_with_them() -> None:
    from assistant.answer.questions import asked_words

    # jieba fuses 由谁来; its 来 named nothing of the answer yet weighed most of all
    assert "#来" not in asked_words("一般由谁来当？")
    assert "一般" in asked_words("一般由谁来当？")
    # colloquial verbs standing alone matched 去重 and 干预
    assert not {"#去", "#干", "#拿"} & set(asked_words("那如果是用户拿它去干违法的事呢？"))
    assert "违法" in asked_words("那如果是用户拿它去干违法的事呢？")
    # "Who's" left a lone "s", which every possessive in the text matched
    assert asked_words("Who's behind it?") == ["behind"]
    # jieba cuts "多长时间" into content words (时间, 长时间) that no answer holds
    assert not {"时间", "长时间", "多长"} & set(asked_words("渡船登记得花多长时间办完？"))
    assert "登记" in asked_words("渡船登记得花多长时间办完？")
    # a year naming which law is part of the law's name, which only its title block matches
    assert "2019" not in asked_words("Who licenses pilots under the 2019 ferry rules?")
    assert "2019" in asked_words("Which pier opened in 2019?")


@pytest.mark.parametrize(
    "question",
    [
        "不备案会怎样？",
        "要是没报告呢？",
        "What if the company does not notify them?",
        "What happens if it just goes ahead without one?",
    ],
)
def test_a_duty_left_undone_asks_what_it_costs(question: str) -> None:
    assert frame(question).consequence


@pytest.mark.parametrize("question", ["不需要备案吗？", "如果不同意会怎样？", "Can we transfer data without consent?"])
def test_a_negation_that_supposes_no_breach_asks_no_cost(question: str) -> None:
    assert not frame(question).consequence


def test_everyday_abbreviations_are_no_names() -> None:
    assert proper_names("Can we send staff data to our overseas HQ for HR work?") == []
    assert proper_names("Is MLPS required?") == ["MLPS"]


def test_a_measure_of_something_asks_about_what_it_measures() -> None:
    # the focus was empty ("years" names the type, and "management" shares its stem with "manager", an agent noun)
    assert frame("How many years of management experience must the security lead have?").focus == ("experi",)
    assert frame("How many days of notice must be given?").focus == ("notic",)
    assert frame("How many years must records be kept?").focus == ()


def test_a_law_the_question_names_is_no_focus() -> None:
    assert frame("网络数据安全管理条例什么时候开始实施？").focus == ()
    assert "适用范围" in frame("数据安全法的适用范围是什么？").focus
    assert not {"数据", "安全"} & set(frame("数据安全法的适用范围是什么？").focus)
    assert frame("What fines does the PIPL set?").focus == ("fine",)


def test_the_time_noun_of_what_time_is_no_word_asked_about() -> None:
    from assistant.answer.questions import asked_words

    # 时候 is in no passage, but its characters were, and 候 weighed most of all the question's words
    assert not {"#时", "#候"} & set(asked_words("这条规定什么时候开始实施？"))


def test_a_noun_before_a_modal_participle_is_the_subject_not_the_focus() -> None:
    # "supposed" was read as part of the head, and no window mentions it
    assert frame("What's the assessment supposed to cover?").focus == ()
    assert frame("What are processors required to do?").focus == ()
    assert frame("What is the minimum registered capital for AI firms?").focus == ("regist", "capit")


def test_a_comparison_asks_about_both_things_compared() -> None:
    # "difference between A and B" took "difference between de-identification" as the focus: only A was quoted
    assert frame("What's the difference between de-identification and anonymization in PIPL?").focus == (
        "de",
        "identif",
        "anonym",
    )
    assert {"标识", "匿名"} <= set(frame("个人信息保护法里去标识化和匿名化有什么区别？").focus)
    assert "#里" not in frame("个人信息保护法里去标识化和匿名化有什么区别？").focus


def test_how_much_before_a_predicate_has_no_head() -> None:
    # "available" was read as the head of "how much is available" and no window on the budget mentions it
    assert frame("How much is available in total?").focus == ()
    assert set(tokenize("fine")) <= set(frame("How much is the fine?").focus)


def test_pronouns_stand_for_something_named_before_determiners_and_other_words_do_not() -> None:
    assert PRONOUN.search("What output goal does it have?")
    assert PRONOUN.search("它什么时候施行？")
    assert not PRONOUN.search("And the cluster on the other side, when did that one open?")
    assert not PRONOUN.search("其他部门呢？")
    assert PRONOUN.search("How many firms are based there?")
    assert not PRONOUN.search("Is there a deadline?")


def test_the_role_a_who_question_asks_for_is_its_focus() -> None:
    # "Who is the chief executive of Infinigence AI?" had no focus: any sentence naming the firm answered
    assert frame("Who is the chief executive of Infinigence AI?").focus == ("chief", "execut")
    assert frame("Who is responsible for enforcing the PIPL?").focus == ()
    assert frame("Who is behind the Shanghai Innovation Institute?").focus == ()


def test_a_nationality_adjective_is_named_by_its_country() -> None:
    text = "citizens of the People's Republic of China and of Japan"
    assert demonym_of("Chinese", text) and demonym_of("Japanese", text)
    assert not demonym_of("Canadian", text) and not demonym_of("Shenzhen", text)


def test_what_a_party_may_face_asks_what_breaking_the_rule_costs() -> None:
    assert frame("What can happen to a platform that gives users no way to opt out?").consequence
    assert frame("What does a company face if it processes personal information illegally?").consequence
    assert not frame("What challenges do firms face in Shanghai?").consequence
    assert not frame("What happens to my data after I close my account?").consequence


def test_a_modal_said_and_denied_asks_and_says_nothing() -> None:
    from assistant.answer.questions import asked_words

    # 能不能 asks as 能否 does: its 不能 is no word the answer must hold
    words = asked_words("平台能不能用算法给老顾客报更高的价？")
    assert "不能" not in words and {"平台", "算法"} <= set(words)
    assert "要求" in asked_words("家人能不能要求删除？")  # the verb after it stays
    assert set(asked_words("需不需要备案？")) & {"需要", "备案"} == {"备案"}
    assert "这个" not in asked_words("这个是不是合法的？")


def test_colloquial_chinese_interrogatives_ask_as_the_standard_ones() -> None:
    # "啥" and "咋" were no interrogatives: "是啥意思" asked for no definition, "啥时候" for no time
    assert frame("算法备案是啥意思？").types == frame("算法备案是什么意思？").types == {"definition"}
    assert frame("这个条例啥时候开始施行？").types == {"time"}
    assert frame("对平台有啥要求？").types == frame("对平台有什么要求？").types


def test_the_term_a_definition_question_asks_about_leaves_out_the_law_that_uses_it() -> None:
    # the law's name and "里的" were read as part of the term: "个人信息保护法里的去标识化" had 保护法 in its focus
    assert frame("数据安全法里的数据处理是什么意思？").focus == frame("数据处理是什么意思？").focus
    assert frame("《网络数据安全管理条例》所称的网络数据是指什么？").focus == frame("网络数据是指什么？").focus
    # "what does the PIPL mean by X": the term follows "by"
    assert frame("What does the PIPL mean by automated decision-making?").focus == tuple(
        tokenize("automated decision-making")
    )


def test_a_word_for_a_term_with_a_demonstrative_asks_for_the_term_named_before() -> None:
    # "How does it define that term?" had "term" as its focus: no definition is of the word "term"
    assert frame("How does the law define that term?").focus == ()
    assert frame("这个概念是什么意思？").focus == ()
    # "the term X" asks about X
    assert frame("How does the PIPL define the term biometric data?").focus == tuple(tokenize("biometric data"))


def test_a_name_with_a_possessive_is_the_name() -> None:
    # "Nvidia's" was the name: its "s" is a token every index holds, so the name never counted as unknown
    assert proper_names("What did Huawei's cloud unit earn?") == ["Huawei"]
    assert proper_names("How big is Xuhui’s cluster?") == ["Xuhui"]


def test_a_chinese_name_is_made_of_its_shortest_words() -> None:
    from assistant.answer.questions import name_parts

    assert set(name_parts("深圳经济特区")) == {"深圳", "经济", "特区"}
    assert name_parts("Model Power Community") == ["Model Power Community"]


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("What valuation did the start-up reach?", "valuation"),
        ("How many square meters of office space are offered?", "meters"),
        ("What is the official name of the scheme?", "name"),
        ("What extra obligations does the law impose?", "obligations"),  # the focus stops at "extra"
        ("What is unusual about the institute?", ""),  # a predicate, not a noun
        ("Who enforces the law?", ""),
        # a plural noun modifies no noun after it: the word after it is its verb
        ("How many passengers trigger the extra ferry checks?", "passengers"),
        ("What berth sizes make a pier a deep-water pier?", "sizes"),
        ("How many passenger seats must a ferry have?", "seats"),
        ("What are skippers not permitted to do at the pier?", ""),
        # the word before a pronoun ending the question is the verb taking it as its object
        ("How many passengers' luggage requires that?", "luggage"),
        ("How many berths does it need?", "berths"),
    ],
)
def test_the_noun_asked_for_is_the_head_of_the_phrase_after_the_interrogative(question: str, noun: str) -> None:
    assert frame(question).noun == noun


def test_a_noun_asking_for_a_condition_is_no_word_of_the_answer() -> None:
    from assistant.answer.questions import asked_words

    # "situation" outweighed every other word: Article 43 ("the actual situation") was quoted
    assert asked_words("In what situations must a firm erase data?") == asked_words("When must a firm erase data?")
    assert "case" not in asked_words("Is there any case where consent is not needed?")
    assert "serious" in asked_words("What if the circumstances are serious?")
    assert tokenize("circumstances")[0] in asked_words("What if the circumstances are serious?")


def test_the_interrogative_numeral_is_no_word_of_the_answer() -> None:
    from assistant.answer.questions import asked_words

    # "几年" and its 几 were words the answer was held to, as 多少 was not
    words = asked_words("评估报告要保存几年？")
    assert "几年" not in words and "#几" not in words
    assert "#几" in asked_words("几乎所有企业都要备案吗？")  # 几乎 is "almost", no interrogative


@pytest.mark.parametrize(
    ("question", "shared_by"),
    [
        ("What is the most a single clinic can claim?", ("clinic",)),
        ("How much does each licensed operator pay?", ("licensed", "operator")),
        ("How much can a carrier charge per parcel delivery under the rules?", ("parcel", "delivery")),
        ("How many permits can any single fishing vessel hold?", ("fishing", "vessel")),
        ("How many clinics operate in the city, per the report?", ()),
        ("What does each of the parties owe?", ()),
        ("各家企业最多能拿多少？", ()),
    ],
)
def test_a_figure_asked_per_one_of_many_names_what_it_is_per(question: str, shared_by: tuple[str, ...]) -> None:
    assert frame(question).shared_by == shared_by


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("港口条例里的安全总监（HSO）由谁担任？", []),
        ("Who appoints the harbour safety officer (HSO)?", []),
        ("Does the harbour office (HKEX) approve moorings?", ["HKEX"]),
        ("Does the harbour rule apply to Acme (Pty)?", ["Acme", "Pty"]),
    ],
)
def test_a_name_in_brackets_that_glosses_the_words_before_it_is_no_name_of_its_own(
    question: str, names: list[str]
) -> None:
    assert [n for n in proper_names(question) if n.isascii()] == names


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("Within how many days must the operator answer a complaint?", {"answer", "complaint"}),
        ("What's the deadline for ferry operators to register a vessel?", {"ferri", "oper", "regist", "vessel"}),
        ("What is the application deadline?", {"applic"}),
        ("Is there an exact deadline when lives are at risk?", {"exact"}),  # a condition is no act
        ("投诉后，经营者要在几个工作日内答复？", {"经营", "经营者", "答复"}),
    ],
)
def test_the_act_a_time_limit_is_asked_for(question: str, act: set[str]) -> None:
    assert act <= {t for t in frame(question).timed_act if not t.startswith("#")}
    assert not {"live", "risk", "投诉"} & frame(question).timed_act


def test_within_belongs_to_the_asked_limit_not_to_the_act() -> None:
    assert "之内" not in frame("多久之内要答复？").timed_act
    assert "内办" not in frame("那得在开航后多久内办？").timed_act


def test_a_question_asking_no_time_limit_names_no_timed_act() -> None:
    assert frame("Who must the operator report an accident to?").timed_act == frozenset()


@pytest.mark.parametrize(
    ("question", "exception"),
    [
        ("Must a ferry operator always keep a logbook?", True),
        ("Can the pier fee be waived in some circumstances?", True),
        ("Are small boats exempt from the harbour levy?", True),
        ("Do skippers never have to carry a licence on the lake?", True),
        ("渡轮经营者是否一定要保存航行日志？", True),
        ("哪些船只可以不登记？", True),
        ("Must a ferry operator keep a logbook?", False),
        ("On which occasions is the pier shut?", False),
        ("Do you know any case law on the harbour levy?", False),
        ("渡轮经营者要保存航行日志吗？", False),
    ],
)
def test_a_question_on_whether_a_duty_always_holds_asks_for_its_exception(question: str, exception: bool) -> None:
    assert frame(question).exception is exception


def test_spaces_around_a_latin_word_in_a_chinese_question_change_no_name() -> None:
    assert proper_names("渡轮 App 收集乘客信息要登记吗？") == proper_names("渡轮App收集乘客信息要登记吗？")
    assert proper_names("Does the ferry App collect passenger data?") == ["App"]


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("Does the harbour law apply to rowing boats?", True),
        ("Are rowing boats bound by rules of the harbour law, or subject to it?", True),
        ("划船要受港口条例管吗？", True),
        ("港口条例适用于私人游艇吗？", True),
        ("How do owners apply for a mooring permit?", False),
        ("港口条例归哪个部门管？", False),
    ],
)
def test_a_yes_no_question_on_whether_a_law_applies_asks_for_its_scope(question: str, scope: bool) -> None:
    assert frame(question).scope is scope


def test_the_question_is_the_last_sentence_after_the_askers_situation() -> None:
    assert main_clause("We run two ferries on the lake. Must we keep a logbook?") == "Must we keep a logbook"
    assert main_clause("我们在湖上经营两条渡船。需要保存航行日志吗？") == "需要保存航行日志吗"
    assert main_clause("Under Art. 5 of the harbour rules, who keeps the logbook?").startswith("Under Art. 5")


def test_money_as_such_is_the_sum_asked_for_not_a_thing_the_text_must_name() -> None:
    for question in ("How much money does the ferry fund hold?", "How much cash does the ferry fund hold?"):
        asked = frame(question)
        assert AMOUNT in asked.types and asked.focus == frame("How much does the ferry fund hold?").focus


def test_a_follow_up_asking_a_definition_in_another_law_asks_for_the_term_before() -> None:
    asked = frame("那船舶登记法里呢？ 里“客运渡船”是怎么定义的？")
    assert DEFINITION in asked.types and {"客运", "渡船"} <= set(asked.focus)


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("Who built that pier?", ("pier",)),
        ("Who led Bluewake Ferries' Series B round?", ("round",)),
        ("Which investor led the pier company's funding round?", ("round",)),
        ("Which office must approve the transfer?", ("transfer",)),
        ("Who inspects the vessels?", ("vessel",)),
        # no thing acted on: a name or a law, the asker's own doing, a role, or no verb of action
        ("Who set up the Harbour Safety Institute?", ()),
        ("Who polices the PIPL?", ()),
        ("Who do they send the logbook to?", ()),
        ("Which office must it give the skipper's name to?", ()),
        ("Who has to appoint the safety officer?", ()),
        ("Which bureau is accountable for the harbour plan?", ()),
        ("Who is behind the ferry grant?", ()),
    ],
)
def test_the_thing_a_who_question_asks_the_doer_of(question: str, thing: tuple[str, ...]) -> None:
    assert frame(question).acted_on == thing


def test_a_name_after_an_indefinite_article_names_a_kind_not_a_thing() -> None:
    assert name_spans("The pier company raised 40 million yuan in a Series B round.") == []
    assert name_spans("The pier company raised 40 million yuan from Tidewater Capital.") == ["Tidewater Capital"]


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("How many skippers enrolled at the ferry school?", ("skipper",)),
        ("How many applied for the ferry course, and how many passed?", ()),
        ("How many registered boats are there on the lake?", ("regist", "boat")),
        ("What personalised timetable must the operator offer?", ("person",)),
    ],
)
def test_a_past_tense_verb_after_the_noun_is_not_the_focus(question: str, focus: tuple[str, ...]) -> None:
    assert frame(question).focus == focus


def test_the_role_a_who_question_asks_for_is_its_noun() -> None:
    assert frame("Who is the treasurer of the harbour office?").noun == "treasurer"
    assert frame("Who's the harbour master of Eastport?").noun == "master"
    assert frame("Who is behind the harbour office?").noun == ""


def test_a_word_opening_a_bracketed_line_is_capitalised_as_a_sentence_start() -> None:
    line = "(Passed at the 3rd Meeting of the Harbour Board on May 2, 2020)\nArticle 1 Ferries shall keep a log."
    assert "Passed" not in " ".join(name_spans(line))
    assert "Harbour Board" in name_spans(line)


@pytest.mark.parametrize(
    ("question", "recipient"),
    [
        ("渡轮船体坏了要报告给谁？", True),
        ("船体损坏了，经营者得向哪一级机构报告？", True),
        ("渡轮停航修复的事由谁来监督？", False),
        ("Who does a pier operator report a deck repair to?", True),
        ("Which body supervises the repair of a cracked pier deck?", False),
    ],
)
def test_a_question_on_whom_something_goes_to_asks_for_a_recipient(question: str, recipient: bool) -> None:
    assert frame(question).recipient is recipient


@pytest.mark.parametrize(
    ("question", "tokens"),
    [
        ("渡轮公司得满足哪些要求？", {"要求", "#要", "#求"}),
        ("码头的要求是什么？", {"要求", "#要", "#求"}),
        ("What obligations does a pier operator have?", {"oblig"}),
        # a verb: what the asker may ask of someone, which the text names as the request
        ("乘客能不能要求渡轮公司退票？", set()),
        # a character another word of the question holds stays
        ("需要遵守什么要求？", {"要求", "#求"}),
    ],
)
def test_duty_nouns_name_the_kind_of_answer_and_verbs_do_not(question: str, tokens: set[str]) -> None:
    assert duty_tokens(question) == tokens


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("渡轮数量达到多少要备案？", ("渡轮",)),
        ("乘客人数超过多少要加开航班？", ("乘客",)),
        ("渡轮的载客门槛是多少？", ("载客",)),
        # the count itself, named: whatever the figure counts answers it
        ("乘船的人数满多少要报告？", ()),
    ],
)
def test_what_a_count_is_of_stands_before_the_verb_reaching_it(question: str, focus: tuple[str, ...]) -> None:
    assert frame(question).focus == focus


@pytest.mark.parametrize(
    ("question", "supervisor"),
    [
        ("港口条例归哪个部门管？", True),
        ("这块谁监管？", True),
        ("省一级谁来管？", True),
        ("Who enforces that?", True),
        ("Who polices the harbour law?", True),
        ("Which regulator oversees this?", True),
        ("Who enforces the berth fees at night?", False),  # asks about something the law says
        ("码头档案由谁保管？", False),  # who keeps a thing is no supervision
        ("Does the harbour law apply to rowing boats?", False),
    ],
)
def test_who_oversees_and_nothing_more_asks_for_the_supervising_body(question: str, supervisor: bool) -> None:
    assert frame(question).supervisor is supervisor
