"""The kind of answer a question asks for, read from its interrogative phrase (pure logic, no model)."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import (
    AGENT,
    AMOUNT,
    CONTENTS_ASKED,
    DATE,
    DEADLINE,
    DEFINITION,
    DURATION,
    EXTREME,
    FREQUENCY,
    LIST,
    NUMBER,
    PERCENT,
    PLACE,
    REASON,
    TIME,
    WHEN,
    YEAR,
    YESNO,
    answer_types,
    answer_words,
    headed_phrase,
    main_clause,
    spelled_out,
    time_kind,
)
from assistant.answer.questions import frame


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did the firm raise?", AMOUNT),
        ("What fine does the operator face?", AMOUNT),
        ("What is the fine for not registering?", AMOUNT),
        ("What's its fine for a skipped check?", AMOUNT),  # "its" points at a fine as "the" does
        ("What is their deadline for the berth report?", TIME),
        ("What is the licence fee for a stall?", AMOUNT),  # a fee is a sum, as a fine is
        ("What price does the market set for a stall?", AMOUNT),
        ("What does the permit cost?", AMOUNT),  # a price asked with the verb, not the noun
        ("What do members pay for the service?", AMOUNT),
        ("What will the agency charge an applicant?", AMOUNT),
        ("How many companies operate there?", NUMBER),
        ("What share of the costs is covered?", PERCENT),
        ("When did the community open?", TIME),
        ("How long must the records be kept?", TIME),
        ("How many working days does the regulator have?", TIME),
        ("Which department enforces the rules?", AGENT),
        ("Who set up the institute?", AGENT),
        ("Which investors backed the ferry line?", AGENT),  # an investor, a bank, an insurer is a party
        ("Where is the cluster?", PLACE),
        ("Is separate consent required?", YESNO),
        ("Does the law apply abroad?", YESNO),
        ("What does de-identification mean?", DEFINITION),
        ("And what counts as a large platform?", DEFINITION),  # not a list: "counts" is no plural head
        ("What makes a firm count as a small processor?", DEFINITION),
        ("What makes a drone qualify as a light one?", DEFINITION),
        ("What is considered sensitive information?", DEFINITION),
        ("What are the obligations of large platforms?", LIST),
        ("What security measures must processors take?", LIST),  # a plural head after the interrogative
        ("What has to go into a breach notice?", LIST),  # the contents of something
        ("What must the annual report contain?", LIST),
        ("What is the assessment supposed to cover?", LIST),
        ("What user numbers make a platform count as large?", NUMBER),  # the head is the count, not the users
        ("At what volume of data do the rules start to apply?", NUMBER),
        ("What's the total number of berths the harbour must keep free?", NUMBER),  # "the number of" counts
        ("罚款是多少？", AMOUNT),
        ("需要缴纳多少备案费？", AMOUNT),
        ("登记要交多少？", AMOUNT),  # how much is paid is money, with no word for it
        ("泄露了公司要赔多少？", AMOUNT),
        ("报告应当保存多久？", TIME),
        ("企业必须在多少个工作日内提供？", TIME),
        ("由哪个部门负责？", AGENT),
        ("是否需要取得单独同意？", YESNO),
        ("什么是敏感个人信息？", DEFINITION),
        ("重要数据如何界定？", DEFINITION),
        ("大型网络平台的认定标准是什么？", DEFINITION),
        ("What are the criteria for a large online platform?", DEFINITION),
        ("有哪些情形？", LIST),
        ("持股比例上限是多少？", PERCENT),
    ],
)
def test_answer_type_comes_from_the_interrogative(question: str, kind: str) -> None:
    assert kind in answer_types(question)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Why do ferry operators keep a logbook?", REASON),
        ("And why?", REASON),
        ("What is the main aim of the pier levy?", REASON),
        ("What purpose does the harbour register serve?", REASON),
        ("What are the weekend buses intended to accomplish?", REASON),
        ("What are the new piers supposed to be there for?", REASON),
        ("码头为什么要登记？", REASON),
        ("设立这个基金的目的是什么？", REASON),
        ("出于什么考虑要收费？", REASON),
        # the purposes themselves, many, are a list; a relative "why" asks nothing
        ("What purposes may the logbook be used for?", LIST),
        ("登记目的包括哪些？", LIST),
        ("Who decides why a ferry was late?", AGENT),
    ],
)
def test_why_and_what_for_ask_for_a_reason(question: str, kind: str) -> None:
    assert answer_types(question) == frozenset({kind})


def test_a_number_of_something_named_is_no_count() -> None:
    # "the registration number of the ferry" names an identifier; "the number of ferries" would count them
    assert NUMBER not in answer_types("What is the registration number of the ferry?")


def test_which_aspects_ask_for_no_party() -> None:
    # 方 is a party on its own ("哪一方"), not as the first character of 方面 or 方式
    assert AGENT not in answer_types("渡轮公司要从哪几方面完善调度规则？")
    assert AGENT not in answer_types("码头用哪些方式通知乘客？")
    assert answer_types("靠泊事故由哪一方负责？") == frozenset({AGENT})


def test_how_things_are_classed_asks_for_the_classes() -> None:
    assert answer_types("渡船怎样分类？") == frozenset({LIST})
    assert answer_types("码头收费分几档？") == frozenset({LIST})
    # classing and grading together is a system, not a list of classes
    assert LIST not in answer_types("渡船怎么分类分级？")


def test_which_several_asks_which_ones_not_how_many() -> None:
    # 哪几 asks which ones, as 哪些 does; 几 alone counts
    assert answer_types("码头条例由哪几个部门负责检查？") == frozenset({AGENT})
    assert NUMBER not in answer_types("申请渡轮补贴有哪几个步骤？")
    assert answer_types("申请渡轮补贴有几个步骤？") == frozenset({NUMBER})


@pytest.mark.parametrize(
    "question",
    [
        "What do those platforms have to publish?",
        "What process does the law require?",
        "What status does it get?",
        "What happens if it goes ahead without one?",  # a verb whose subject "what" is
        "What makes a drone light?",
    ],
)
def test_a_plural_subject_or_a_word_ending_in_s_is_not_a_list(question: str) -> None:
    assert LIST not in answer_types(question)


def test_what_kind_of_asks_for_one_described_and_what_kinds_of_for_several() -> None:
    # "the hazardous cargo permit" answers: read as a list, a sentence naming one permit stated no list
    assert LIST not in answer_types("What kind of permit must a fuel barge hold?")
    assert LIST not in answer_types("Then what sort of licence does the pilot need?")
    assert LIST in answer_types("What kinds of cargo must a barge report?")
    assert LIST in answer_types("What types of vessel does the harbour take?")


@pytest.mark.parametrize(
    "question",
    [
        "What do platforms pay attention to?",
        "What does the law charge the regulator with?",
        "What does the person in charge of security need to be?",  # "in charge": the noun, no price
        "交多少份材料？",
    ],
)
def test_paying_attention_and_charging_with_a_duty_ask_no_price(question: str) -> None:
    assert AMOUNT not in answer_types(question)


def test_a_verb_after_what_is_no_head_noun() -> None:
    # "What makes a platform large?" had the focus "make": a window had to hold "make" to be about it
    assert frame("What makes a drone light?").focus == ()
    assert frame("What happens to the data?").focus == ()
    assert frame("What fines apply?").focus == ("fine",)


def test_when_with_a_present_obligation_asks_for_conditions_not_a_time() -> None:
    assert TIME not in answer_types("When is an impact assessment needed?")
    assert TIME not in answer_types("When must a processor notify the regulator?")
    assert TIME in answer_types("When did the regulation take effect?")


def test_how_fast_a_duty_must_be_done_asks_for_a_time_limit_and_how_fast_something_grows_does_not() -> None:
    assert TIME in answer_types("How quickly must a carrier notify the port authority?")
    assert time_kind("How fast do operators have to file the log?") == DURATION
    assert TIME not in answer_types("How fast is the fleet expanding?")


def test_when_a_rule_takes_effect_asks_for_a_date_and_when_a_duty_begins_for_a_condition() -> None:
    assert TIME in answer_types("When do the Network Data Security Regulations come into force?")
    assert TIME in answer_types("When does the PIPL take effect?")
    assert TIME in answer_types("When is the PIPL effective?")
    assert TIME not in answer_types("When does a processor's duty to delete personal information begin?")
    assert TIME not in answer_types("When do we still need their consent?")


def test_what_is_the_deadline_asks_for_a_time_as_what_is_the_fine_asks_for_an_amount() -> None:
    assert TIME in answer_types("What is the filing deadline for a new recommendation service?")
    assert TIME in answer_types("What's the retention period for access logs?")
    assert TIME in answer_types("What are the time limits for answering a complaint?")
    assert TIME not in answer_types("What is the day-to-day job of the data officer?")
    assert TIME not in answer_types("What is the purpose of the filing?")


def test_an_age_is_a_number_not_a_time() -> None:
    assert answer_types("At what age does the PIPL treat personal information as that of a minor?") == {NUMBER}
    assert NUMBER in answer_types("不满几岁的未成年人需要监护人同意？")
    assert TIME not in answer_types("不满几岁的未成年人需要监护人同意？")


def test_fine_tuning_is_no_fine() -> None:
    assert AMOUNT not in answer_types("What fine-tuning rules apply to generative AI providers?")
    assert not frame("What fine-tuning rules apply to generative AI providers?").consequence
    assert frame("What fine does the operator face?").consequence


def test_when_after_the_verb_opens_a_condition_not_a_question() -> None:
    assert TIME not in answer_types("What fine does a manager face when the platform ignores the rule?")
    assert TIME not in answer_types("What happened when the firm moved in?")
    assert TIME not in answer_types("And when the circumstances are serious, how high can the fine go?")
    # a subject with no determiner, and another interrogative after the comma
    assert answer_types("And when ferries break down at sea, who must rescue the passengers?") == {AGENT}
    assert TIME in answer_types("When did the ferry service open, and who runs it?")
    # a lead-in before the interrogative ("so", "then") does not make it a relative pronoun
    assert answer_types("Then whose approval does a ferry operator need?") == {AGENT}
    assert TIME in answer_types("So when did the ferry service open?")
    assert TIME in answer_types("And when did the second cluster open?")
    assert TIME in answer_types("When and where is the conference held?")
    assert TIME in answer_types("Since when has the rule applied?")


def test_a_question_without_an_interrogative_type_asks_for_none() -> None:
    assert answer_types("What does Article 21 of the Data Security Law say?") == frozenset()
    assert answer_types("《数据安全法》第二十一条规定了什么？") == frozenset()


def test_a_bare_follow_up_takes_the_type_of_the_rest() -> None:
    assert AMOUNT in answer_types("第四十六条呢？ 《数据安全法》第四十五条最多罚多少？")
    assert AMOUNT in answer_types("And Article 46? What is the maximum fine under Article 45?")


def test_a_follow_up_that_asks_for_no_type_takes_none_from_the_question_before() -> None:
    # Its own interrogative ("what … publish") asks for no type: the definition asked before is not asked again.
    assert answer_types("What do they have to publish every year? How do the Rules define a large platform?") == (
        frozenset()
    )
    assert answer_types("它要公开什么？ 《示例条例》如何定义大型平台？") == frozenset()
    assert time_kind("What must they publish? How long must records be kept?") == DATE


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did it open?", WHEN),
        ("By what date is the report due?", DATE),
        ("要在什么时候备案？", WHEN),
        ("报告几月份提交？", DATE),
        ("How long must records be kept?", DURATION),
        ("How often must the audit run?", FREQUENCY),
        ("全国科技工作者日是每年的哪一天？", DATE),
        ("多长时间内要报告？", DURATION),
        ("每年至少做几次合规审计？", FREQUENCY),
        # "when" after the interrogative opens a condition: how long the storing lasts is asked
        ("How long must a clinic store scans when a patient moves away?", DURATION),
        # the gap between two events is read from their dates
        ("How long after the north pier opened did the south pier open?", DATE),
        # a deadline asked for, whatever the interrogative: a time limit answers, not the date of some event
        ("When's the ferry grant deadline?", DEADLINE),
        ("By when must operators file their logs?", DEADLINE),
        ("Does repainting the hull have a time limit?", DEADLINE),
        # which year is asked, not a day of the month: "每年5月30日" names none
        ("渡船安全日是哪一年设立的？", YEAR),
        ("In what year did the ferry office open?", YEAR),
        # a length asked for at the end of its clause is a length of time, as terms of office are
        ("船长任期多长？", DURATION),
        # a "when" before a subject opens a condition: the interrogative after it asks
        ("When a patient moves away, how long must a clinic store scans?", DURATION),
        ("When a skipper leaves the harbour, for how long are copies of the log kept?", DURATION),
        ("When the harbour is closed, how long may ferries stay moored?", DURATION),
    ],
)
def test_time_questions_say_which_kind_of_time(question: str, kind: str) -> None:
    assert time_kind(question) == kind


def test_a_follow_up_takes_the_kind_of_time_from_the_question_before() -> None:
    # The follow-up's own clause asks for nothing; the type and the kind of time come from the same clause.
    searched = "那转让了呢？ 无人机所有者购买后多久内要办理实名登记？"
    assert TIME in answer_types(searched)
    assert time_kind(searched) == DURATION


def test_a_definition_is_searched_with_the_words_definitions_are_written_with() -> None:
    assert answer_words("数据安全法里说的“数据”是什么意思？") == "所称 是指"
    assert answer_words("How do the regulations define important data?") == "means refers to"
    assert answer_words("How much is the fine?") == ""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What's the fine for violating Article 27 of the Data Security Law?", AMOUNT),
        ("What’s the maximum fine under the PIPL?", AMOUNT),
        ("Who's in charge of enforcing the PIPL?", AGENT),
    ],
)
def test_a_contracted_question_is_read_as_written_out(question: str, kind: str) -> None:
    assert kind in frame(question).types


def test_contractions_are_written_out_and_possessives_kept() -> None:
    assert spelled_out("What's Shanghai's plan? It doesn't say, they can't and won't.") == (
        "What is Shanghai's plan? It does not say, they can not and will not."
    )


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Is there a deadline for filing?", {YESNO, TIME}),
        ("Is there a filing fee?", {YESNO, AMOUNT}),
        ("注销备案有期限吗？", {YESNO, TIME}),
        ("有没有罚款上限？", {YESNO, AMOUNT}),
        ("Is there any exception?", {YESNO}),
        ("Does the law apply abroad?", {YESNO}),
        ("是否需要单独同意？", {YESNO}),
    ],
)
def test_asking_whether_a_time_or_sum_exists_asks_for_it(question: str, kinds: set[str]) -> None:
    # "有期限吗" was a bare yes/no: a provision punishing the missed deadline was quoted, not the deadline
    assert answer_types(question) == kinds


@pytest.mark.parametrize(
    "question", ["境外的渡轮它管不管？", "检修记录算不算材料？", "船票包不包括保险？", "能不能退票？"]
)
def test_a_verb_said_and_denied_asks_yes_or_no(question: str) -> None:
    assert YESNO in answer_types(question)


def test_a_denial_alone_asks_no_yes_or_no() -> None:
    assert YESNO not in answer_types("哪些情形不需要乘客同意？")
    assert answer_types("不按时检修的，最多罚多少？") == {AMOUNT}


def test_a_yes_no_question_may_open_with_a_phrase_before_its_verb() -> None:
    assert YESNO in answer_types("Under the PIPL, can a company sell personal information?")
    assert YESNO in answer_types("If a user withdraws consent, does that make earlier processing unlawful?")
    assert YESNO not in answer_types("For serious violations, how many years can an executive be barred?")


def test_a_yes_no_question_naming_a_frequency_asks_for_the_frequency_the_law_sets() -> None:
    assert answer_types("Must audits be done once a year?") == {YESNO, TIME}
    assert frame("Do audits have to be done every two years?").time == "frequency"
    assert answer_types("合规审计需要每年做一次吗？") == {YESNO, TIME}
    assert answer_types("Does the PIPL apply to minors?") == {YESNO}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("发生事件后必须在几小时内报告？", "duration"),
        ("几周内办完？", "duration"),
        ("风险评估要每隔几个月做一次？", "frequency"),
        ("合规审计是规定一年做一次吗？", "frequency"),
        ("风险评估至少几年做一次？", "frequency"),
    ],
)
def test_chinese_hours_weeks_and_intervals_ask_for_a_time(question: str, kind: str) -> None:
    # "几小时内" asked for no type: a provision saying "立即" was quoted as if it gave the hours
    assert TIME in answer_types(question)
    assert frame(question).time == kind


def test_where_one_files_or_complains_is_a_body() -> None:
    assert answer_types("Where does an overseas company have to file its representative's details?") == {AGENT}
    assert answer_types("个人信息泄露了去哪里投诉？") == {AGENT}
    assert answer_types("Where is the Model Power Community?") == {PLACE}


def test_what_is_the_amount_or_the_threshold_asks_for_a_figure_whatever_modifies_it() -> None:
    assert AMOUNT in answer_types("What's the minimum coverage amount for the insurance?")
    assert NUMBER in answer_types("What is the exact threshold for a large platform?")
    assert AGENT in answer_types("出口管制具体由哪个部委负责？")


def test_the_main_clause_ends_where_a_second_question_guesses_at_the_answer() -> None:
    assert main_clause("what counts as large there, is there a user number?") == "what counts as large there"
    assert main_clause("Under the PIPL, can a company refuse?") == "Under the PIPL, can a company refuse"
    assert answer_types("渡船票价的优惠比例是多少，是一半吗？") == {PERCENT}
    # a second question of its own, not a guess, still asks
    assert YESNO in answer_types("这个数据是什么，需要备案吗？")


def test_where_after_a_noun_relates_and_asks_for_no_place() -> None:
    # "any situation where you can skip …" asked for a place, and no window states one
    assert PLACE not in answer_types("Any situation where a processor can skip telling users?")
    assert PLACE not in answer_types("Is there a case where consent is not needed?")
    assert answer_types("Where does the Model Power Community sit?") == {PLACE}
    assert answer_types("Which district hosts the hub, and where is it?") == {PLACE}


@pytest.mark.parametrize(
    ("clause", "kind", "of"),
    [
        ("Renewal fee", AMOUNT, ["Renewal"]),
        ("And the appeal deadline", TIME, ["appeal"]),
        ("Number of licensed operators", NUMBER, ["licensed", "operators"]),
        ("续期费用", AMOUNT, ["续期"]),
        ("那年检的周期呢", TIME, ["年检"]),
        ("申请人数", NUMBER, ["申请"]),
    ],
)
def test_a_noun_phrase_asks_for_what_its_head_names(clause: str, kind: str, of: list[str]) -> None:
    assert headed_phrase(clause) == (kind, of)
    assert answer_types(f"{clause}? Where are licences issued?") == {kind}


@pytest.mark.parametrize("clause", ["And for a second offence", "Per operator or in total", "境外的呢", "For the fee"])
def test_other_elliptic_clauses_ask_what_the_question_before_asked(clause: str) -> None:
    assert headed_phrase(clause) is None


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("备案要交钱吗？", {YESNO, AMOUNT}),
        ("Do members pay a fee to join?", {YESNO, AMOUNT}),
        ("平台能收费吗？", {YESNO, AMOUNT}),
        ("登记费是多少？", {AMOUNT}),
        ("消费者能要求删除吗？", {YESNO}),  # 消费者 is no fee
        ("Do the rules fine a platform that charges users twice?", {YESNO}),  # what breaking a rule costs
    ],
)
def test_whether_one_must_pay_asks_for_a_sum(question: str, kinds: set[str]) -> None:
    assert answer_types(question) == kinds


def test_when_is_the_deadline_asks_for_a_time_and_when_is_a_duty_due_for_a_condition() -> None:
    assert TIME in answer_types("When is the ferry licence renewal deadline?")
    assert TIME not in answer_types("When is a ferry inspection needed?")


def test_a_law_named_before_a_search_box_question_is_its_topic() -> None:
    assert answer_types("dsl who enforces the ferry rules") == answer_types("Who enforces the ferry rules?")
    assert TIME in answer_types("ndsr when did they come out")


@pytest.mark.parametrize(
    ("question", "asks_contents"),
    [
        ("Which ferries are on the harbour's list of banned vessels?", True),
        ("What's in the catalogue of protected wrecks?", True),
        ("渡船黑名单里有哪些船？", True),
        ("沉船保护清单上登记了哪些船？", True),
        # who draws the list up, when it comes out, and a nominator (提名单位) are no question on its contents
        ("Who draws up the list of banned vessels?", False),
        ("保护清单哪天发布？", False),
        ("提名单位负什么责任？", False),
    ],
)
def test_a_question_on_what_a_list_holds_is_told_apart(question: str, asks_contents: bool) -> None:
    assert bool(CONTENTS_ASKED.search(question)) is asks_contents


def test_characters_across_two_words_ask_no_definition() -> None:
    assert DEFINITION not in answer_types("渡船运营者负有什么法定义务？")  # 法定 + 义务: no 定义 asked
    assert DEFINITION in answer_types("渡船的定义是什么？")


@pytest.mark.parametrize(
    ("question", "extreme"),
    [
        ("Worst-case penalty when a pier inspection is skipped?", True),
        ("What is the stiffest penalty a ferry operator faces?", True),
        ("How high can the harbour fee go?", True),
        ("渡轮超载顶格罚多少？", True),
        ("渡轮超载最重怎么罚？", True),
        ("How big a fund does the harbour keep?", False),
        ("Which problem is toughest for the ferry crews?", False),
        ("How much of each fare is the grant worth?", False),
    ],
)
def test_superlatives_and_bounds_ask_for_an_extreme(question: str, extreme: bool) -> None:
    assert bool(EXTREME.search(question)) is extreme
