import pytest

from assistant.answer.answer_types import AGENT, AMOUNT, BOUND, DEADLINE, LIST, NUMBER, TIME
from assistant.answer.evidence import Window
from assistant.answer.questions import frame
from assistant.answer.scoring import (
    STATES_MEMBERSHIP,
    _limits_another_act,
    _speaks_of_more_than_paying,
    another_grade,
    asked_alike,
    counts,
    defined_term,
    defined_term_tokens,
    required_types,
    states,
    type_present,
    unstated,
)
from assistant.lexical import coverage_tokens
from tests.answer.test_evidence import chunk, passage_of


def test_a_figure_counts_the_noun_that_follows_it() -> None:
    (companies,) = coverage_tokens("companies")
    assert counts(companies, "It has attracted more than 500 companies, including MiniMax and StepFun.")
    assert counts(companies, "More than 10,000 AI-related companies now operate in Shanghai")
    # a figure of something else beside the noun: the workforce's 200, the round's 500 million yuan
    assert not counts(
        companies, "its workforce has grown to more than 200, and the company has raised 500 million yuan"
    )
    (users,) = coverage_tokens("users")
    assert counts(users, "an online platform with 50 million or more registered users")


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("A carrier may export data if one of the following conditions is met:", False),
        ("Each one shall keep a log.", False),
        ("One inspector shall attend each audit.", True),
        ("It may fine one company at a time.", True),
    ],
)
def test_one_that_counts_nothing_is_no_figure(text: str, counts: bool) -> None:
    assert type_present(NUMBER, text) is counts


def test_the_items_handed_over_within_a_time_limit_are_not_the_act_it_governs() -> None:
    provision = "渡船运营者应当在开航之日起十个工作日内通过港口系统填报航线名称、开航时间、安全评估报告等信息。"
    # an item of what is filed (安全评估报告) is not the act the ten days govern
    assert _limits_another_act(provision, frame("渡船的安全评估要在多少个工作日内完成？").timed_act)
    assert not _limits_another_act(provision, frame("开航后多少个工作日内要填报航线名称？").timed_act)


def test_a_time_limit_governs_an_act_that_shares_a_word_with_the_question_not_a_character() -> None:
    provision = "渡船运营者应当在开航之日起十个工作日内通过港口系统提交航线名称等信息。"
    # 提前 and 提交 share 提, and nothing they speak of
    assert _limits_another_act(provision, frame("开航前的安全检查，规定要提前几个工作日办完？").timed_act)
    # a verb of one character is a word: it heads the act's words (办 of 办理)
    change = "渡船运营者的登记信息发生变更的，应当在变更之日起五个工作日内办理变更手续。"
    assert not _limits_another_act(change, frame("那得在变更后多久内办？").timed_act)
    # what recurs follows its period
    assert not _limits_another_act(
        "渡船运营者应当每两年开展一次安全检查。", frame("安全检查多长时间做一次？").timed_act
    )


def test_the_subject_of_an_english_question_is_no_word_of_the_act_it_times() -> None:
    logbooks = "Logbooks of the ferry's personnel shall be kept for at least three years."
    # "each person" is who has the sea time; "personnel" shares its stem, and nothing the question asks about
    assert _limits_another_act(logbooks, frame("How long at sea must each person have served?").timed_act)
    assert not _limits_another_act(logbooks, frame("For how long are logbooks to be kept by the operator?").timed_act)
    # to whom is part of the act: "tell the harbour authorities"
    report = "Operators shall report an accident to the harbour authorities within 24 hours."
    assert not _limits_another_act(
        report, frame("How fast must an operator tell the harbour authorities about an accident?").timed_act
    )


def test_which_particular_companies_are_answered_by_their_names() -> None:
    banks = frame("Which banks have joined the ferry loan scheme?")
    assert not states(AGENT, "Ferry operators may borrow under the scheme from commercial banks.", banks)
    assert not states(AGENT, "The People's Republic of China encourages the ferry loan scheme.", banks)
    assert states(AGENT, "Bluewake Bank joined the ferry loan scheme in 2024.", banks)
    # which kind must do something: a class of them answers
    assert states(
        AGENT, "The harbour office shall keep a logbook for each ferry.", frame("Which firms must keep a logbook?")
    )


def test_whether_a_limit_exists_asks_for_a_bound() -> None:
    assert required_types(frame("Does the ferry grant carry a maximum per boat?")) == {BOUND}
    assert required_types(frame("渡轮补贴有上限吗？")) == {BOUND}
    # a bound phrase asks no limit's existence
    assert BOUND not in required_types(frame("Must ferries hold a permit up to some tonnage?"))
    assert type_present(BOUND, "A ferry may receive not more than 5,000 yuan.")
    assert type_present(BOUND, "每艘渡轮补贴五万元以下。")
    assert not type_present(BOUND, "Vouchers cover 20% to 60% of fuel costs.")


def test_a_deadline_is_a_time_limit_or_a_date_something_is_due_by() -> None:
    assert type_present(TIME, "Operators shall refit their boats within 90 days.", DEADLINE)
    assert type_present(TIME, "The port aims for 40 berths by 2027.", DEADLINE)
    # the date of an event, and a narrative opening with one, set no deadline
    assert not type_present(TIME, "In March 2024, the city launched a ferry grant.", DEADLINE)
    assert not type_present(TIME, "By 2025, fares had risen sharply.", DEADLINE)
    # what is due by the date is the act it limits
    berths = "The port aims for 40 berths by 2027."
    grant = frame("What deadline do operators face to apply for the ferry grant?")
    assert _limits_another_act(berths, grant.timed_act)
    assert not _limits_another_act(berths, frame("By when must the port have its berths?").timed_act)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("本条例所称渡船，是指载运旅客的船舶。", "渡船"),
        ("载客超过十二人的船舶属于客运渡船，实行更加严格的检验制度。", "客运渡船"),
        ("A boat carrying more than twelve passengers shall be deemed as a passenger ferry.", "passenger ferry"),
        ("The operator shall keep a logbook, including the crossings made.", ""),
    ],
)
def test_a_unit_defines_the_term_before_its_defining_verb_or_the_class_after_it(text: str, term: str) -> None:
    defined = defined_term_tokens(text)
    assert set(coverage_tokens(term)) <= defined and bool(defined) == bool(term)
    # what the defined thing is, or what is done with it, is no part of the term
    assert not defined & {t for t in coverage_tokens("载客 twelve 检验 logbook") if not t.startswith("#")}


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ('Article 3 "Hazardous cargo" is cargo that, once spilled, may easily harm fish.', "hazardous cargo"),
        ("(2) “pier cargo” refers to goods landed at a pier;", "pier cargo"),
        ("本条例所称渡船，是指载运旅客的船舶。", "渡船"),
        ("Cargo is what a ferry carries besides its passengers.", ""),
    ],
)
def test_the_term_a_unit_defines_is_its_words_alone(text: str, term: str) -> None:
    # not the article's or the item's number, nor what says the term is the law's ("本条例所称")
    assert defined_term(text) == {t for t in coverage_tokens(term) if not t.startswith("#")}


def test_a_question_ending_in_to_or_with_is_answered_by_the_body_after_it() -> None:
    asked = frame("Which harbour body do skippers register their boats with?")
    assert asked.recipient and not frame("Which office checks the logbook?").recipient
    assert states(AGENT, "Skippers shall register their boats with the harbour office each year.", asked)
    assert not states(AGENT, "The logbook holds the items specified by the Harbour Office.", asked)


@pytest.mark.parametrize(
    ("text", "says_what_is_on_it"),
    [
        ("Vessels failing two inspections shall be included in the catalogue of restricted vessels.", True),
        ("The harbour office may put such operators on the harbour's list of barred operators.", True),
        ("连续两次检验不合格的渡船应当列入限制名单。", True),
        ("The harbour office shall draw up a catalogue of restricted vessels.", False),
        ("Priority shall be given to the vessels listed in the catalogue.", False),
        ("对列入名单的渡船进行重点检查。", False),
    ],
)
def test_a_provision_says_what_goes_on_a_list_or_only_mentions_one(text: str, says_what_is_on_it: bool) -> None:
    assert bool(STATES_MEMBERSHIP.search(text)) is says_what_is_on_it


def test_acts_joined_by_a_comma_and_bing_are_a_list() -> None:
    assert type_present(LIST, "渡船运营者应当检查船舶，登记乘客身份，并留存航行记录。")
    # one act with its consequence, joined without a comma, lists nothing
    assert not type_present(LIST, "渡船运营者造成损害的，应当予以说明并承担相应责任。")


def test_a_fee_question_is_answered_by_a_passage_on_what_it_asks_the_fee_for() -> None:
    def window(text: str) -> Window:
        passage = passage_of(chunk(text))
        return Window(passage, passage.units)

    asked = "办理渡船登记需要付钱吗？费用标准如何？"
    # the fee schedule of something else shares only the schedule (标准) and a character (理 of 管理 and 办理)
    assert not _speaks_of_more_than_paying(window("资源的管理单位应当按照国家有关规定确定收费标准。"), asked)
    assert _speaks_of_more_than_paying(window("渡船登记不收取费用。"), asked)


@pytest.mark.parametrize(
    ("question", "text", "other"),
    [
        ("How many daily riders make a ferry line busy?", "a line with 9,000 or more monthly riders", "monthly"),
        ("How many monthly riders make a ferry line busy?", "a line with 9,000 or more monthly riders", ""),
        # the same period in other words
        ("Who reads the yearly safety report?", "an annual safety report to the harbour office", ""),
        ("日活多少算繁忙渡线？", "月活跃乘客9000人以上的渡线", "月"),
        # a period of something else is no answer to the period asked
        ("How many daily riders make a ferry line busy?", "an annual safety report on 9,000 riders", ""),
        # a size class is one too
        ("那中型渡口呢？", "大型渡口，是指日均客流一万人次以上的渡口。", "大"),
        ("What counts as a big ferry operator?", "A large ferry operator is one with 20 or more boats.", ""),
        ("What counts as a small ferry operator?", "A large ferry operator is one with 20 or more boats.", "large"),
        # a year named from now: this year's figure is none for the last
        (
            "And how many crossings were there last year?",
            "The port expects 2 million crossings this year.",
            "this year",
        ),
        ("How many crossings are expected this year?", "The port expects 2 million crossings this year.", ""),
        ("去年渡运了多少人次？", "今年渡运量预计超过两百万人次。", "this year"),
        ("每年渡运多少人次？", "今年渡运量预计超过两百万人次。", ""),
    ],
)
def test_a_period_or_size_other_than_the_one_asked_is_told(question: str, text: str, other: str) -> None:
    assert another_grade(question, text) == other


def test_a_passage_counting_over_the_period_asked_keeps_another_from_being_told() -> None:
    asked = "How many daily riders make a ferry line busy?"
    monthly = "a line with 9,000 or more monthly riders"
    assert another_grade(asked, monthly, [monthly, "or 400 or more daily riders"]) == ""


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        # a body asked for: a person is none
        ("Which agency has to approve a ferry licence?", "It requires the consent of the individual.", False),
        ("Which agency has to approve a ferry licence?", "The harbour bureau approves ferry licences.", True),
        ("渡船执照由哪个部门审批？", "应当取得船东个人的同意。", False),
        ("渡船执照由哪个部门审批？", "由区交通主管部门审批。", True),
        # "who" asks for anyone
        ("Who has to agree before a ferry licence is issued?", "It requires the consent of the individual.", True),
    ],
)
def test_a_question_for_a_body_is_not_answered_by_a_person(question: str, text: str, answers: bool) -> None:
    assert states(AGENT, text, frame(question)) is answers


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        (
            "How much is the city spending on Ferry Town?",
            "It aims to lift trade output beyond 80 billion yuan.",
            False,
        ),
        ("How much is the city spending on Ferry Town?", "The city will invest 2 billion yuan in Ferry Town.", True),
        ("渡船小镇投入了多少钱？", "力争产值突破800亿元。", False),
        # a yield asked for is answered by one
        ("How much output is Ferry Town to reach?", "It aims to lift output beyond 80 billion yuan.", True),
    ],
)
def test_a_sum_spent_is_not_answered_by_a_yield(question: str, text: str, answers: bool) -> None:
    assert states(AMOUNT, text, frame(question)) is answers


def test_a_later_part_asking_for_things_is_unstated_where_the_answer_holds_none_of_its_words() -> None:
    opening = "The East Pier, opened in May 2018, was the first pier built for fast ferries."
    assert unstated("which famous lines call there?", opening, ["When did the East Pier open"])
    served = f"{opening} It is served by more than 12 ferry lines, including Bluewake."
    assert not unstated("which famous lines call there?", served, ["When did the East Pier open"])
    # the words it shares with the part before are that part's: the pier says nothing of what calls there
    assert unstated("which lines call at the pier?", opening, ["When did the East Pier open"])
    # a yes or no cannot be seen to be missing from the text
    assert not unstated("is it free?", opening, ["When did the East Pier open"])


def test_a_later_part_asking_what_breaking_a_rule_costs_is_unstated_where_the_answer_states_no_sanction() -> None:
    duty = "第八条 港务部门依法登船检查，船东应当予以协助。"
    before = ["港务部门登船检查，船东可以拒绝吗？"]
    # the duty holds the part's own word (协助) and says nothing of what follows
    assert unstated("不协助会怎样？", duty, before)
    penalty = "拒不协助登船检查的，由港务部门责令改正，处一万元以上五万元以下罚款。"
    assert not unstated("不协助会怎样？", f"{duty} {penalty}", before)


def test_a_length_of_time_counted_in_a_unit_is_stated_in_that_unit() -> None:
    assert not states(
        "time", "The operator shall notify the harbour office within 24 hours.", frame("Within how many days?")
    )
    assert states(
        "time", "The operator shall notify the office within 15 working days.", frame("Within how many days?")
    )
    assert not states("time", "应当在十五个工作日内上报。", frame("事故得几个小时内上报？"))
    assert states("time", "应当在24小时内上报。", frame("事故得几个小时内上报？"))


def test_which_month_and_day_is_no_count_of_them() -> None:
    assert states("time", "每年5月30日为渡船安全日。", frame("渡船安全日定在几月几号？"))


@pytest.mark.parametrize(
    ("parts", "alike"),
    [
        (["For how many hours may a ferry sail?", "Then for how long does its crew rest?"], {0, 1}),
        (["渡船须在几日内备案？", "港务局几日内办结？"], {0, 1}),
        (["Who inspects the piers?", "How often?"], set()),  # a body and a time: each part asks its own kind
        (["Who licenses the pilots?", "And who else is told?"], set()),  # no figure: one quote answers both
        (["最高罚多少？", "由谁处罚？", "个人最多罚多少？"], {0, 2}),
    ],
)
def test_parts_asking_the_same_kind_of_answer(parts: list[str], alike: set[int]) -> None:
    assert asked_alike(parts) == alike
