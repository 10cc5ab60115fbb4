"""Chinese numerals and what a question names: articles and known document titles."""

from __future__ import annotations

import pytest

from assistant.language import article_number, chinese_to_int, named_paragraphs
from assistant.structure import ArticleLaws, StructureQuery, article_laws, parse_question, without_laws

TITLES = [
    "中华人民共和国数据安全法",
    "中华人民共和国个人信息保护法",
    "网络数据安全管理条例",
    "上海市数据条例",
    "互联网信息服务算法推荐管理规定",
    "中华人民共和国科学技术进步法",
    "生成式人工智能服务管理暂行办法",
    "How Shanghai is pairing policy and clustering to scale artificial intelligence",
]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("十五", 15),
        ("二十一", 21),
        ("五十五", 55),
        ("一百", 100),
        ("一百零三", 103),
        ("一百二十", 120),
        ("一千零五", 1005),
        ("两千零二十", 2020),
        ("21", 21),
    ],
)
def test_chinese_to_int(numeral: str, value: int) -> None:
    assert chinese_to_int(numeral) == value


def test_chinese_to_int_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        chinese_to_int("二十a")


@pytest.mark.parametrize(("label", "value"), [("第五十五条", 55), ("第21条", 21), ("第一章", 0), ("总则", 0)])
def test_article_number(label: str, value: int) -> None:
    assert article_number(label) == value


def test_book_title_and_chinese_article() -> None:
    query = parse_question("《数据安全法》第二十一条规定了什么？", TITLES)
    # 数据安全法 names the national law, not 网络数据安全管理条例 which merely contains 数据安全.
    assert query == StructureQuery(articles=(21,), titles=("中华人民共和国数据安全法",))


def test_arabic_article_without_title() -> None:
    assert parse_question("第21条讲了什么？", TITLES) == StructureQuery(articles=(21,), titles=())


def test_english_article_and_english_law_name() -> None:
    query = parse_question("What does Article 21 of the Data Security Law require?", TITLES)
    assert query == StructureQuery(articles=(21,), titles=("中华人民共和国数据安全法",))


def test_title_without_book_marks_and_repeated_articles() -> None:
    query = parse_question("个人信息保护法第五十五条和第55条有什么要求", TITLES)
    assert query.articles == (55,)  # the same article named twice counts once
    assert query.titles == ("中华人民共和国个人信息保护法",)


def test_question_naming_no_article() -> None:
    query = parse_question("What does the regulation say about cross-border data transfers?", TITLES)
    assert query.articles == ()
    assert query.titles == ()
    # A number that is not an article is not one.
    assert parse_question("Output grew over 30% in 2025.", TITLES).articles == ()


@pytest.mark.parametrize("question", ["第1十条规定了什么？", "第一1条是什么", "第2二条和第1百条"])
def test_mixed_numerals_name_no_article(question: str) -> None:
    """Digits and Chinese numerals mixed in one number are not an article number (they crashed the lookup)."""
    assert parse_question(question, TITLES).articles == ()
    assert article_number(question) == 0


def test_mixed_numerals_beside_a_real_article() -> None:
    assert parse_question("第1十条和第二十一条", TITLES).articles == (21,)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("按个保法，App要告诉用户什么？", "中华人民共和国个人信息保护法"),  # characters kept in order
        ("数安法第三十条讲了什么", "中华人民共和国数据安全法"),
        ("科技进步法怎么说？", "中华人民共和国科学技术进步法"),
        ("按《算法推荐管理规定》最多罚多少？", "互联网信息服务算法推荐管理规定"),  # the title's end kept
        ("推荐规定第五条要求什么？", "互联网信息服务算法推荐管理规定"),  # a qualifier dropped in front, then in order
        ("生成式AI办法第二十条讲了什么？", "生成式人工智能服务管理暂行办法"),  # AI for 人工智能
        ("数据条例第三条讲了什么", "上海市数据条例"),  # the title's end beats characters another title holds
        ("照算法规定第九条，平台要做什么", "互联网信息服务算法推荐管理规定"),  # 法 inside a word of the name
    ],
)
def test_a_short_name_of_an_indexed_law_names_it(question: str, title: str) -> None:
    query = parse_question(question, TITLES)
    assert query.titles == (title,)
    assert query.unknown_laws == ()  # not refused as "not indexed"


@pytest.mark.parametrize(
    "question",
    [
        "《网络安全法》第二十一条规定了什么？",
        "按照国家有关规定办理",
        "上海的规定是什么",
        "依照本法规定的办法",
        "《人工智能法》对高风险系统怎么规定？",  # a 法 is no short form of a 办法
        "数据处理者依法",
    ],
)
def test_other_names_and_ordinary_words_shorten_no_indexed_law(question: str) -> None:
    query = parse_question(question, TITLES)
    assert query.titles == ()


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # words left out after the first two, the last said as "regs" or "rules": the way users shorten names
        ("Do the network data regs cover apps run from abroad?", "网络数据安全管理条例"),
        ("What do the network data rules say about minors?", "网络数据安全管理条例"),
        ("Does the personal information law cover employees?", "中华人民共和国个人信息保护法"),
        ("What do the Shanghai data rules say about public data?", "上海市数据条例"),
        ("Are the Shanghai data regs binding on companies?", "上海市数据条例"),
    ],
)
def test_an_english_name_shortened_as_users_shorten_it_names_the_law(question: str, title: str) -> None:
    assert parse_question(question, TITLES).titles == (title,)


@pytest.mark.parametrize(
    "question",
    [
        "What do the network security regulations require?",  # which law: the one on network data, or another?
        "What do the data rules say?",
        "Which regulations on personal data apply?",
    ],
)
def test_a_name_shortened_beyond_recognition_names_no_law(question: str) -> None:
    assert parse_question(question, TITLES).titles == ()


def test_without_laws_takes_out_every_way_a_law_is_named() -> None:
    titles = ["中华人民共和国个人信息保护法", "Personal Information Protection Law of the People's Republic of China"]
    assert without_laws("When does the PIPL come into force?", titles) == "When does the come into force?"
    assert without_laws("《个人信息保护法》什么时候施行？", titles) == "什么时候施行？"
    assert without_laws("个保法第十三条规定了什么？", titles) == "第十三条规定了什么？"
    assert without_laws("What does the Data Security Law say?", titles) == "What does the say?"
    assert without_laws("Can they charge under the network data rules?", titles) == "Can they charge under the ?"


def test_paragraphs_named_by_number() -> None:
    assert named_paragraphs("《数据安全法》第六条第四款讲了什么？") == (4,)
    assert named_paragraphs("第四十条第一款和第二款") == (1, 2)
    assert named_paragraphs("What does paragraph 2 of Article 57 say?") == (2,)
    assert named_paragraphs("and the second paragraph?") == (2,)
    assert named_paragraphs("paragraphs 1 and 2 of Article 40") == (1, 2)
    assert named_paragraphs("罚款是多少？") == ()  # 罚款 names no paragraph
    assert named_paragraphs("What does Article 5 say?") == ()


FERRY_TITLES = [*TITLES, "Ferry Safety Law", "Harbour Data Rules", "中华人民共和国渡轮安全法", "港口数据条例"]


@pytest.mark.parametrize(
    ("question", "bound"),
    [
        ("What does Article 5 of the Ferry Safety Law say?", {5: ("Ferry Safety Law",)}),
        (
            "Ferry Safety Law Art. 5, and Article 9 of the Harbour Data Rules",
            {5: ("Ferry Safety Law",), 9: ("Harbour Data Rules",)},
        ),
        ("the Ferry Safety Law's Article 5", {5: ("Ferry Safety Law",)}),
        ("《渡轮安全法》第五条的内容", {5: ("中华人民共和国渡轮安全法",)}),
        ("渡轮安全法的第5条", {5: ("中华人民共和国渡轮安全法",)}),
        # named apart from its law, an article is any named law's
        ("Under the Ferry Safety Law, what does Article 5 require?", {}),
        ("What does Article 5 say?", {}),
    ],
)
def test_an_article_belongs_to_the_law_named_with_it(question: str, bound: dict[int, tuple[str, ...]]) -> None:
    laws = article_laws(question, FERRY_TITLES)
    assert laws.bound == bound and laws.asked == ()


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        (
            "Under Article 5 of the Ferry Safety Law, who do the Harbour Data Rules say a carrier reports to?",
            ("Harbour Data Rules",),
        ),
        ("按《渡轮安全法》第五条指定了代表，按《港口数据条例》得向谁报告？", ("港口数据条例",)),
    ],
)
def test_a_law_named_without_an_article_is_the_one_asked(question: str, asked: tuple[str, ...]) -> None:
    # the article of the other law is what the asker already did; the question is put to the law named alone
    assert article_laws(question, FERRY_TITLES).asked == asked


def test_no_law_is_asked_while_an_article_belongs_to_none() -> None:
    question = "Compare Article 5 of the Ferry Safety Law with Article 9 under the Harbour Data Rules"
    assert article_laws(question, FERRY_TITLES) == ArticleLaws({5: ("Ferry Safety Law",)})
