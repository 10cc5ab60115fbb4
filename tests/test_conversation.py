"""Which questions lean on the one before, and what they are searched with (pure logic, no model)."""

from __future__ import annotations

import pytest

from assistant.conversation import (
    contextualise,
    enumerated,
    is_follow_up,
    listed_item,
    names_a_kind,
    question_parts,
)

TITLES = ["互联网信息服务算法推荐管理规定", "Personal Information Protection Law"]


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("算法推荐服务提供者需要备案吗？", "不备案会怎样？"),  # a duty left undone: the rule before
        ("Must a processor notify regulators of a breach?", "What if it doesn't?"),
        ("What does Article 13 of the PIPL list?", "And Article 14?"),
        # too little of its own to be asked alone, though the question before named no law or name
        ("Must ferry operators inspect their boats?", "How many times a month?"),
        ("渡船经营者要检查船只吗？", "寄给谁？"),
        # "多长时间" asks as 多久 does: its 时间 and 长时间 are no words of the question's own
        ("渡船经营者需要登记吗？", "得多长时间办完？"),
        # its modal verb first, the question has dropped its subject, though the one before named no law or name
        ("渡船能转让给外地船东吗？", "要经过谁的批准？"),
    ],
)
def test_a_question_leaning_on_the_one_before_is_a_follow_up(previous: str, question: str) -> None:
    assert is_follow_up(question, previous, TITLES)
    assert contextualise(question, [previous], TITLES) != question


def test_a_question_with_a_subject_of_its_own_is_not_a_follow_up() -> None:
    previous = "算法推荐服务提供者需要备案吗？"
    assert not is_follow_up("数据出境安全评估由谁组织？", previous, TITLES)
    assert contextualise("数据出境安全评估由谁组织？", [previous], TITLES) == "数据出境安全评估由谁组织？"
    assert not is_follow_up("What does a ferry licence cover?", "Must ferry operators inspect their boats?", TITLES)


def test_a_follow_up_naming_a_law_in_words_of_its_own_drops_the_law_before() -> None:
    titles = ["Personal Information Protection Law", "Network Data Security Management Regulations"]
    previous = "Under the PIPL, what are the ways a company can lawfully send personal information out of China?"
    searched = contextualise(
        "And under the 2024 network data regulations, can they send employee data abroad?", [previous], titles
    )
    assert "PIPL" not in searched
    # pointing back keeps it
    assert "PIPL" in contextualise("And what about penalties under this law?", [previous], titles)


def test_a_chain_of_follow_ups_keeps_the_subject_the_chat_began_with() -> None:
    titles = ["中华人民共和国数据安全法", "互联网信息服务算法推荐管理规定"]
    history = ["数据安全法对数据交易中介有什么要求？", "没做到会怎么样？"]
    searched = contextualise("罚款具体怎么算？", history, titles)
    assert "数据安全法" in searched and "中介" in searched, searched


def test_a_follow_up_naming_only_a_paragraph_keeps_the_article_before() -> None:
    titles = ["中华人民共和国数据安全法", "Personal Information Protection Law"]
    assert "第六条" in contextualise("第四款呢？", ["《数据安全法》第六条讲了什么？"], titles)
    assert "Article 57" in contextualise("and paragraph 2?", ["What does Article 57 of the PIPL say?"], titles)
    # an article of its own is another article
    assert "第六条" not in contextualise("第七条第二款呢？", ["《数据安全法》第六条讲了什么？"], titles)


def test_a_chat_turned_back_to_its_first_question_leans_on_that_one() -> None:
    history = ["When did the Model Power Community open?", "What does the PIPL say about minors?"]
    searched = contextualise("Back to my first question, what does it focus on?", history, TITLES)
    assert "Model Power Community" in searched
    assert "minors" not in searched
    history = ["上海数据交易所设在哪里？", "第二十八条讲了什么？"]
    searched = contextualise("回到第一个问题，它由谁运营？", history, TITLES)
    assert searched.endswith("上海数据交易所设在哪里？")


def test_a_chat_turned_back_to_an_earlier_topic_leans_on_the_question_about_it() -> None:
    history = ["How much is the ferry grant worth?", "Who registers drones?", "Where is the harbour office?"]
    searched = contextualise("Back to the ferry grant: who can apply?", history, TITLES)
    assert searched.endswith("How much is the ferry grant worth?")
    # named in other words than before: a topic asked before the last question
    searched = contextualise("Going back to that river subsidy — who pays it?", history[:2], TITLES)
    assert searched.endswith("How much is the ferry grant worth?")
    searched = contextualise("说回渡船补贴，谁来发？", ["渡船补贴有多少？", "无人机在哪登记？"], TITLES)
    assert searched.endswith("渡船补贴有多少？")
    # mid-question, "back to" is no turn of the chat: the question before is the one leaned on
    searched = contextualise("Must they send it back to the owner?", history, TITLES)
    assert searched.endswith("Where is the harbour office?")


def test_the_words_turning_a_chat_back_ask_about_nothing() -> None:
    from assistant.answer.questions import asked_words

    assert asked_words("回到第一个问题，人数门槛是多少？") == asked_words("人数门槛是多少？")
    assert asked_words("Going back to my first question, who enforces it?") == asked_words("who enforces it?")


@pytest.mark.parametrize(
    "question",
    ["互联网信息服务算法推荐管理规定里怎么说？", "And what does the Personal Information Protection Law say?"],
)
def test_a_question_naming_only_a_law_asks_what_that_law_says_on_the_topic_before(question: str) -> None:
    previous = "数据安全法规定谁可以对数据泄露提起诉讼？"
    assert is_follow_up(question, previous, TITLES)
    assert "诉讼" in contextualise(question, [previous], TITLES)
    # a law with a topic of its own asks about that topic
    assert not is_follow_up("互联网信息服务算法推荐管理规定对备案有什么要求？", previous, TITLES)


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("Just the fifth one - what does it cover?", 5),
        ("And the second item?", 2),
        ("What about point (3)?", 3),
        ("第三项具体指什么？", 3),
        ("那第十二点呢？", 12),
        ("回到第一个问题，罚款是多少？", 0),
        ("第三条规定了什么？", 0),
        ("第二款呢？", 0),
        ("What was the first question about?", 0),
        ("Was it the first cluster of its kind?", 0),
    ],
)
def test_a_follow_up_may_name_an_item_of_the_list_before(question: str, number: int) -> None:
    assert listed_item(question) == number


@pytest.mark.parametrize(
    ("previous", "question", "meant", "not_meant"),
    [
        ("What does Article 12 of the PIPL cover?", "What about the next article?", "Article 13", "Article 12"),
        ("What does Article 12 of the PIPL cover?", "and the one before that?", "Article 11", "Article 12"),
        ("《数据安全法》第三十条讲了什么？", "那上一条呢？", "第二十九条", "第三十条"),
        ("《数据安全法》第三十条讲了什么？", "后一条规定了什么？", "第三十一条", "第三十条"),
    ],
)
def test_an_article_named_by_its_place_beside_the_one_before_is_that_article(
    previous: str, question: str, meant: str, not_meant: str
) -> None:
    titles = ["中华人民共和国数据安全法", "Personal Information Protection Law"]
    searched = contextualise(question, [previous], titles)
    assert meant in searched and not_meant not in searched, searched
    assert ("数据安全法" if meant.startswith("第") else "PIPL") in searched


def test_a_place_beside_no_article_is_left_as_asked() -> None:
    searched = contextualise("And the next one?", ["What does the PIPL say about minors?"], TITLES)
    assert "Article" not in searched and searched.startswith("And the next one?")


def test_an_english_follow_up_naming_another_law_as_a_law_drops_the_law_before() -> None:
    titles = ["中华人民共和国数据安全法", "Personal Information Protection Law"]
    previous = "What fines does the PIPL set for serious violations?"
    assert "PIPL" not in contextualise("No, I meant the Data Security Law - what are its fines?", [previous], titles)
    assert "PIPL" not in contextualise("what about the DSL?", [previous], titles)
    # a law's name that may name a topic ("algorithmic recommendation") keeps the law before
    algorithms = ["互联网信息服务算法推荐管理规定", "Personal Information Protection Law"]
    assert "PIPL" in contextualise("what about algorithmic recommendation?", [previous], algorithms)


def test_a_follow_up_naming_another_law_drops_the_article_before_with_its_law() -> None:
    titles = ["中华人民共和国数据安全法", "中华人民共和国个人信息保护法"]
    history = ["个人信息保护法第二十条讲什么？", "违反了怎么罚？"]
    searched = contextualise("不是这个，我问的是数据安全法，违反了怎么罚？", history, titles)
    assert "第二十条" not in searched and "数据安全法" in searched, searched
    # the same law keeps it
    assert "第二十条" in contextualise("违反了最多罚多少？", history[:1], titles)


def test_a_correction_asks_the_question_before_of_what_it_names() -> None:
    titles = ["中华人民共和国数据安全法", "Personal Information Protection Law", "Data Security Law"]
    previous = "Under the PIPL, how long must consent records be kept once a user leaves?"
    searched = contextualise("Sorry, I meant the Data Security Law, not the PIPL.", [previous], titles)
    assert searched.startswith("Under the") and "how long must consent records be kept" in searched, searched
    assert "Data Security Law" in searched and "PIPL" not in searched and "meant" not in searched, searched
    searched = contextualise("不是这条，我是说第二十二条", ["数据安全法第二十一条讲什么？"], titles)
    assert "第二十二条" in searched and "数据安全法" in searched and "第二十一条" not in searched, searched
    assert not searched.startswith("，"), searched
    # what a correction denies is a thing it names, not a negated verb of its own question
    searched = contextualise("I mean, is it not required to keep them?", [previous], titles)
    assert "not required to keep them" in searched, searched


def test_the_same_question_of_something_else_asks_the_question_before_of_it() -> None:
    titles = ["中华人民共和国数据安全法", "中华人民共和国科学技术进步法", "Personal Information Protection Law"]
    previous = "Under the Data Security Law, which body approves requests from foreign courts?"
    searched = contextualise("Same thing for the PIPL, Article 41?", [previous], titles)
    assert searched.startswith("Under the") and "which body approves requests from foreign courts" in searched
    assert "PIPL, Article 41" in searched and "Same thing" not in searched, searched
    searched = contextualise("同样的问题，科技进步法呢？", ["数据安全法对科研数据的开放怎么规定？"], titles)
    assert searched.startswith("对科研数据的开放怎么规定") and "科技进步法" in searched, searched
    assert "数据安全法" not in searched and "同样的问题" not in searched, searched
    # a comparison is no request to ask again
    compared = "Is an anonymised record the same thing as a de-identified one under the PIPL?"
    assert contextualise(compared, [previous], titles).startswith(compared)


def test_the_first_of_two_subjects_before_is_the_one_a_reference_to_it_means() -> None:
    history = ["When did the harbour museum open?", "What does the ferry pier offer visitors?"]
    searched = contextualise("How many visitors has the former had?", history, TITLES)
    assert "harbour museum" in searched and "ferry pier" not in searched, searched
    # "the first" before a noun of its own is an adjective, not a reference
    assert "harbour museum" not in contextualise("Which was the first pier built?", history, TITLES)
    history = ["港口博物馆什么时候开放？", "渡口码头提供哪些服务？"]
    searched = contextualise("前面问的那个地方有多少件展品？", history, TITLES)
    assert "港口博物馆" in searched and "渡口码头" not in searched, searched
    # with one question before, "the first" is the first of what it was answered with (listed_item)
    assert contextualise("What about the first of them?", history[:1], TITLES).endswith(history[0])


def test_a_list_written_inline_is_read_into_its_terms() -> None:
    assert enumerated("渡口按照风险等级分为低风险、中风险和高风险三类。") == ["低风险", "中风险", "高风险"]
    kinds = enumerated("前款所称船舶，是指利用客运类、货运类、工程类等船舶从事水上运输。")
    assert kinds == ["客运类", "货运类", "工程类"]
    berths = enumerated("Berths are split into open, reserved and closed berths.")
    assert berths == ["open", "reserved", "closed berths"]
    assert enumerated("渡口应当建立安全制度。") == []
    assert names_a_kind("第二类具体包括哪些？") and names_a_kind("What about the third category?")
    assert not names_a_kind("the first pier")


def test_a_message_asks_one_question_a_question_mark_or_an_and_before_an_interrogative() -> None:
    assert question_parts("Who inspects the piers? And the fine?", 3) == ["Who inspects the piers?", "And the fine?"]
    assert question_parts("码头由谁登记？收费吗？多久检查一次？", 3) == ["码头由谁登记？", "收费吗？", "多久检查一次？"]
    assert question_parts("码头由谁登记？收费吗？多久检查一次？", 2) == ["码头由谁登记？", "收费吗？ 多久检查一次？"]
    assert question_parts("We run two piers. Who inspects them?", 3) == ["We run two piers. Who inspects them?"]
    assert question_parts("Who inspects the piers", 3) == ["Who inspects the piers"]
    # "and" before an interrogative starts the next question; "and" inside one does not
    assert question_parts("Who keeps the register and how long is it kept?", 3) == [
        "Who keeps the register",
        "how long is it kept?",
    ]
    assert question_parts("Who keeps the piers and the register?", 3) == ["Who keeps the piers and the register?"]


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        # the form of the answer ("一次") and the likeness of what was asked ("类似的要求") are no subject
        ("渡船安全条例对船员培训有什么要求？", "港口管理条例里多久搞一次？"),
        ("渡船安全条例对船员培训有什么要求？", "港口管理条例里有类似的要求吗？"),
        (
            "What must a ferry operator do after a collision under the Ferry Safety Law?",
            "Do the Harbour Dues Regulations have a similar duty?",
        ),
    ],
)
def test_a_question_naming_another_law_and_only_the_likeness_of_the_one_before_follows_it_up(
    previous: str, question: str
) -> None:
    titles = ["渡船安全条例", "港口管理条例", "Ferry Safety Law", "Harbour Dues Regulations"]
    assert is_follow_up(question, previous, titles)
    assert not is_follow_up("港口管理条例里对引航员有什么要求？", previous, titles)
