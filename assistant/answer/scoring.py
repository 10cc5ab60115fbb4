"""Features of candidate windows, and the two fitted linear models that read them.

One model ranks the windows of the evidence (which one answers?); the other decides from the best window and
the question whether the documents answer at all. Both are logistic regressions fitted on the dev splits of the
gold sets by ``evals/fit_answer.py``, which writes ``answer_model.json`` beside this file with its
cross-validated figures (docs/evals.md). No rule here names a word of any question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..language import CJK, ZH_NUMERAL
from ..lexical import ZH_STOP, coverage_tokens, tokenize
from .answer_types import (
    AGENT,
    AMOUNT,
    BOUND,
    CONSEQUENCE,
    DEFINITION,
    LAW,
    LIST,
    NUMBER,
    PAYING,
    PERCENT,
    PERSON_NOUNS,
    PLACE,
    REASON,
    TIME,
    YESNO,
    main_clause,
)
from .evidence import Unit, Window
from .questions import ZH_CLAUSE, QuestionFrame, asked_words, frame, name_spans, name_within, same_name

MODEL_FILE = Path(__file__).with_name("answer_model.json")

_ZH_NUM = ZH_NUMERAL + "亿"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred|thousand|"
    r"million|billion|trillion|dozens?|hundreds|thousands|half"
)
_MONEY = re.compile(
    rf"(?:RMB|USD|US\$|\$|¥|￥|€)\s?(?:\d|(?:{_NUMBER_WORDS})\b)|\d[\d,.]*\s*(?:(?:million|billion|trillion)\s+)?"
    rf"(?:yuan|dollars?|euros?|rmb)\b|[\d{_ZH_NUM}]+\s*(?:万|亿)?元|(?:{_NUMBER_WORDS})\s+(?:(?:million|billion)\s+)?yuan"
    r"|percent of (?:the )?(?:previous|last|annual)|营业额百分之",
    re.I,
)
_PERCENT = re.compile(r"\d\s*%|％|\bper ?cent\b|百分之|[一二三四五六七八九十]成(?![员立功])", re.I)
_REFERENCE = re.compile(
    rf"\b(?:Article|Chapter|Section|paragraph|item|No\.)\s*\d+|第[\d{_ZH_NUM}]+[条款项章节]"
    r"|(?:^|(?<=[\s:：;；]))[（(]\s*(?:\d+|[一二三四五六七八九十]+|[a-z])\s*[)）]|^\s*\d+[.、]",
    re.I | re.M,
)
"""Cross-references and item numbers: figures that are not answers."""


def without_references(text: str) -> str:
    """``text`` with its cross-references and item numbers blanked ("Article 12", "第十二条", "(3)")."""
    return _REFERENCE.sub(" ", text)


_NUMBER = re.compile(
    rf"\d|(?<![第])[{_ZH_NUM}]+(?:[个家项名人次倍年日天月周元]|个月|个工作日|小时|周岁|分之)|\b(?:{_NUMBER_WORDS})\b",
    re.I,
)
_ORDINAL = re.compile(rf"第[\d{_ZH_NUM}]+|\b\d+(?:st|nd|rd|th)\b", re.I)
"""An ordinal ("第三十七次会议", "the 30th Meeting"): which one, not how many."""
_PRONOUN_ONE = re.compile(r"\b(?:one (?:of|another)|(?:any|no|each|every|the|this|that|which) one)\b", re.I)
""""One" that counts nothing: "if one of the following conditions is met", "each one"."""
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY_OR_SPAN = rf"\d+\s*日|[{_ZH_NUM}]+日(?!内)|上半年|下半年|次月|次年|当年|年底|年初|月底"
"""A day of a month, or a part of a year named without a figure ("次月", "年底")."""
_DATE = re.compile(
    rf"\b(?-i:{MONTHS})\b|\b(?:1[89]|20)\d{{2}}\b|[\d{_ZH_NUM}]+\s*[年月](?!度)|{_DAY_OR_SPAN}",
    re.I,
)
_DURATION = re.compile(
    rf"[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|日|天|小时|个月|月|年|周)(?:内|以内|之内|以上|以下|前|后|起)"
    rf"|[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|小时|个月|周)|(?<![上下本当])[{_ZH_NUM}\d]+年(?=[^\d{_ZH_NUM}月度]|$)"
    # a bound makes a number of days a length, not a day of the month: "使用期限不超过三十日"
    rf"|(?:不超过|不少于|不得超过|至少|最长|最多|为期)\s*[{_ZH_NUM}\d]+\s*(?:日|天|月)"
    rf"|\b(?:\d+|{_NUMBER_WORDS})[\s-]+(?:working[\s-]+)?(?:days?|hours?|weeks?|months?|years?)\b"
    # a duration stated as a bound rather than a figure: "the minimum period necessary", "必要的最短时间"
    r"|\b(?:minimum|shortest) (?:\w+ )?(?:period|time)\b|最短(?:时间|期限)",
    re.I,
)
_FINE = re.compile(r"\bfine[sd]?\b(?!-)|罚款", re.I)
_ZH_TIME_LIMIT = re.compile(rf"[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|日|天|小时|个月|月|年|周)(?:以内|之内|内)")
"""A time limit in a provision ("十个工作日内", "24小时内"): what has to be done by then follows it."""
_EN_TIME_LIMIT = re.compile(
    rf"\bwithin (?:\d+|{_NUMBER_WORDS})(?:[\s-]+working)?[\s-]+(?:days?|hours?|weeks?|months?|years?)\b", re.I
)
_ZH_DURATION = re.compile(
    rf"(?<![\d{_ZH_NUM}])(?:[{_ZH_NUM}]+|\d{{1,3}})\s*(?:个)?(?:工作日|日|天|小时|个月|月|年|周)(?![\d{_ZH_NUM}]|以内|之内|内)"
)
"""How long something lasts in a provision ("至少保存3年", "保存六个月"): what lasts that long precedes it. Not a
date ("2021年11月1日"), not a time limit (see _ZH_TIME_LIMIT)."""
_EN_DURATION = re.compile(
    rf"\bfor (?:at least |not less than |no less than |a period of |up to |no more than |not more than )?"
    rf"(?:\d+|{_NUMBER_WORDS})(?:[\s-]+working)?[\s-]+(?:days?|hours?|weeks?|months?|years?)\b",
    re.I,
)
"""How long something lasts ("shall be kept for at least three years"): what lasts precedes it in its clause."""
_EN_ACT_START = re.compile(r"\b(?:shall|must|should|will|may|required to|aims? to|plans? to)\b|[,;:.]", re.I)
_EN_ACT_END = re.compile(r"[,;:.]")
_AGE = re.compile(
    rf"\bage of (?:\d+|{_NUMBER_WORDS})\b|\b(?:\d+|{_NUMBER_WORDS})[\s-]+years?[\s-]+(?:old|of age)\b"
    rf"|[\d{_ZH_NUM}]+\s*周?岁",
    re.I,
)
_FREQUENCY = re.compile(
    rf"每[{_ZH_NUM}\d]*(?:个)?(?:年|季度|月|半年|周|日|天)|年度报告"
    r"|\b(?:annual(?:ly)?|each year|every year|quarterly|monthly|yearly|per year|once a|twice a|(?:\w+) times a)\b",
    re.I,
)
_DEADLINE = re.compile(
    rf"[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|日|天|小时|个月|年|周)(?:内|以内|之内)"
    rf"|\bwithin\s+(?:\d+|{_NUMBER_WORDS})[\s-]+(?:working[\s-]+)?(?:days?|hours?|weeks?|months?|years?)\b",
    re.I,
)
"""A time limit counted from an event ("自变更之日起十个工作日内", "within 15 working days"): how a rule says when its
duty falls due, so it answers "when" as a date would."""
_EN_BY_DATE = re.compile(
    # in lower case: "By 2025, operating costs had become …" opens a narrative, and sets no one a deadline
    rf"\b(?-i:by|before|no later than|not later than|prior to|until)\s+(?:the end of\s+)?(?:{_DATE.pattern})",
    re.I,
)
"""A date a duty must be met by ("output of 50 billion yuan by 2027", "before March 31"): what is due then
precedes it in its clause."""
_BY_DATE = re.compile(rf"{_EN_BY_DATE.pattern}|(?:{_DATE.pattern})\s*(?:前|之前|以前)|截至|截止", re.I)
_DUE_RELATIVE = re.compile(
    rf"\b(?:\d+|{_NUMBER_WORDS})[\s-]+(?:working[\s-]+)?(?:days?|hours?|weeks?|months?|years?)\s+"
    r"(?:after|before|prior to|in advance|from)\b"
    rf"|[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|日|天|小时|个月|月|年|周)(?:前|之前|以前)"
    rf"|(?:不超过|不得超过|最长|最迟)\s*[{_ZH_NUM}\d]+\s*(?:个)?(?:工作日|日|天|小时|个月|月|年|周)",
    re.I,
)
"""A time limit counted from an event other than "within" ("30 days before the change", "十日前", "最长不超过三十日"):
unlike a length of time ("Two years later", "kept for three years"), it says when a duty falls due."""
_YEAR = re.compile(
    rf"\b(?:1[89]|20)\d{{2}}\b|[\d〇零{_ZH_NUM}]{{4}}\s*年|\b(?:this|last|next) year\b|(?<![每])(?:今|去|明|前)年", re.I
)
"""A year ("2019", "二〇二一年", "last year"): what "which year" asks for, where "每年5月30日" names none."""
_CALENDAR_DATE = re.compile(
    rf"\b(?-i:{MONTHS})\b|\b(?:1[89]|20)\d{{2}}\b|(?:\d{{4}}|[〇零{_ZH_NUM}]{{4}})\s*年|[\d{_ZH_NUM}]+\s*月(?!度)|{_DAY_OR_SPAN}",
    re.I,
)
"""A day, a month or a year of the calendar, what "哪天", "几月" and "what date" ask for: "保存三年" counts years."""
_TIME_KINDS = {
    "date": _CALENDAR_DATE,
    "year": _YEAR,
    "deadline": re.compile(f"{_DEADLINE.pattern}|{_BY_DATE.pattern}|{_DUE_RELATIVE.pattern}", re.I),
    "when": re.compile(f"{_DATE.pattern}|{_DEADLINE.pattern}", re.I),
    "duration": _DURATION,
    "frequency": _FREQUENCY,
}
_SPENDING_ASKED = re.compile(
    r"\b(?:put(?:ting)?|pour(?:ing|s|ed)?|pump(?:ing|s|ed)?)\s+(?:\w+\s+){0,3}?(?:into|in|behind)\b"
    r"|\b(?:invest\w*|spen[dt]\w*|fund(?:s|ed|ing)?|budget\w*|allocat\w*|earmark\w*|bankroll\w*)\b"
    r"|投入|投资|出资|拨款|拨付|财政资金|预算",
    re.I,
)
"""A question for a sum spent on something ("How much is the port putting into the ferries?", "投入了多少钱？")."""
_YIELD = re.compile(
    r"\b(?:output|revenue|revenues|sales|turnover|valuation|GDP|production value)\b|产值|营业额|营收|销售额|估值", re.I
)
"""What a sum may be the yield of, not the spending on: an output target, a turnover, a valuation."""
_CLAUSES = re.compile(r"[,;，；。]|(?<=[.!?])\s")
_PUBLIC_BODIES = (
    r"\b(?:Ministry|Department|Commission|Administration|Bureau|Council|Government|Committee|Court|Authority|Agency|"
    r"Congress|Procuratorate|Office)\b|\bdepartments?\b|\bauthorit(?:y|ies)\b|\bthe State\b|\bregulators?\b"
    r"|\bagenc(?:y|ies)\b|\b(?:governments?|courts?|ministr(?:y|ies)|bureaus?|commissions?|committees?|offices?"
    r"|councils?|procuratorates?|administrations?)\b"
    r"|部门|机关|委员会|政府|办公室|国务院|网信|法院|检察院|主管|[^\s，。；、]{1,6}[局厅部院]"
)
_AGENT = re.compile(
    rf"{_PUBLIC_BODIES}|\b(?:Institute|Centre|Center|Association)\b"
    r"|\b[A-Z][a-z]+ [A-Z][a-z]+(?: [A-Z][a-z]+)*\b|\b[A-Z]{2,}[a-z]*\b"
    rf"|\b(?:{PERSON_NOUNS})\b"
    r"|机构|中心|协会|单位|人员|父母|监护人|代表|负责人|组织|个人",
)
_BODY = re.compile(rf"{_PUBLIC_BODIES}|\bCAC\b|\b(?:institutions?|organs?|bodies|body)\b|机构")
"""A public body in a text: what _AGENT finds, less people, private parties and other names."""
_BODY_ASKED = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+)?(?:department|authority|body|agency|ministry|organ|office|regulator|commission"
    r"|bureau|court|government|institution)s?\b|(?:哪个|哪些|什么|哪一?级|哪家)(?:政府)?(?:部门|机关|机构|单位|法院)",
    re.I,
)
"""A question for a public body, not a person: "Which agency …?", "由哪个部门…？"."""
_PLACE = re.compile(
    r"\b(?:in|at|on|along|across|near|inside|within) (?:the )?[A-Z][a-z]+|\b[A-Z][a-z]+(?:'s)? (?:District|City|"
    r"Province|Bank|River|Park|Town|Zone)\b|[省市区县镇]|新片区|园区|境内|境外",
)
_DEFINES = re.compile(
    # "means" the verb, not the noun ("the agreed purposes, means, and scopes", "by means of")
    r"(?<!by )\bmeans?\b(?!\s*[,;.)]|\s+(?:of|and|or)\b)|\brefers? to\b|\bshall mean\b|\bis defined as\b|是指|指的是",
    re.I,
)
"""The verbs a definition is stated with, after the term it defines."""
_CLASSIFIES = re.compile(r"属于|\b(?:is|are|shall be) (?:deemed|regarded|considered|classified) (?:to be |as )", re.I)
"""The verbs a definition by class is stated with, before the term it defines ("…的船舶属于客运渡船", "… shall be
deemed as a passenger ferry")."""
_DEFINITION = re.compile(
    rf"{_DEFINES.pattern}|{_CLASSIFIES.pattern}|\bdefined\b|\binclud(?:e|es|ing)\b|包括|所称", re.I
)
"""A unit that may define: those verbs, or words that bound a term's scope ("包括", "includes", "所称")."""
_REASON = re.compile(
    r"\b(?:in order to|so as to|so that|with a view to|for the (?:purposes?|sake) of|aim(?:s|ed)? (?:to|at)|"
    r"(?:the|its|their|whose) (?:aim|goal|objective)s? (?:is|are|was|were|of)\b|intended to|designed to|because|"
    r"due to|owing to|to (?:avoid|prevent|ensure|safeguard))\b"
    r"|为了|旨在|目的|以便|以免|避免|防止|因为|由于|鉴于|从而|以利于|为此",
    re.I,
)
"""How a text states a purpose or a cause: the conjunctions and phrases of purpose ("in order to", "so as to
avoid", "the aim is", "为了", "以免") and of cause ("because", "由于")."""
_CITES_LAW = re.compile(
    r"《[^》]{2,40}(?:法|条例|规定|办法|细则)》|\b(?:[A-Z][a-z]+ ){1,6}(?:Law|Regulations|Act|Measures|Provisions)\b"
)
_ZH_CLASSES_ASKED = re.compile(r"几([类种档])|(?:怎么|如何|怎样)(?:来)?分([类档])(?!分级)")
"""A Chinese question for the classes or kinds of something ("分哪几类？", "有几种？", "分几档？", "怎么分类？"), by
its classifier."""
_ENUMERATION = re.compile(
    # "说明数据来源，审核交易双方的身份，并留存…": a duty's acts, the last joined by "，并"
    r"[^,，、;；.。]+(?:[,，、][^,，、;；.。]+)+(?:[,，]?\s*(?:\band\b|\bor\b|和|及|以及|或者|与)|[,，]\s*并且?)\s*[^,，、;；.。]+"
    r"|(?:[^、，。；]+、){2,}",
    re.I,
)


def type_present(kind: str, text: str, time_kind: str = "") -> bool:
    """Does ``text`` state something of the answer type ``kind`` (for a time, of ``time_kind`` when given)?"""
    if kind == YESNO:
        return True
    if kind == AMOUNT:
        return bool(_MONEY.search(text))
    if kind == PERCENT:
        return bool(_PERCENT.search(text))
    if kind == NUMBER:
        # A count ("how many firms") is no date or length of time: "kept for at least three years" counts nothing;
        # an age ("under the age of 14 years") is a count of years.
        counted = _PRONOUN_ONE.sub(
            " ", _DURATION.sub(" ", _DATE.sub(" ", _ORDINAL.sub(" ", _REFERENCE.sub(" ", text))))
        )
        return bool(_AGE.search(text) or _NUMBER.search(counted))
    if kind == TIME:
        # an age ("a minor under the age of 14 years") counts years, but is no length of time a thing lasts
        cleaned = _AGE.sub(" ", _REFERENCE.sub(" ", text))
        if time_kind in _TIME_KINDS:
            return bool(_TIME_KINDS[time_kind].search(cleaned))
        return any(pattern.search(cleaned) for pattern in _TIME_KINDS.values())
    if kind == AGENT:
        return bool(_AGENT.search(text))
    if kind == PLACE:
        return bool(_PLACE.search(text))
    if kind == DEFINITION:
        # with the defined term in the same unit: see types_present
        return bool(_DEFINITION.search(text)) or _by_genus(text) is not None
    if kind == LIST:
        return bool(_ENUMERATION.search(text))
    if kind == LAW:
        return bool(_CITES_LAW.search(text))
    if kind == REASON:
        return bool(_REASON.search(text))
    if kind == BOUND:
        return bool(_BOUND.search(text))
    return True


_BOUND = re.compile(
    r"\b(?:not (?:more|less|fewer) than|no (?:more|less|fewer) than|(?:more|less|fewer) than|at (?:least|most)|up to|"
    r"maximum|minimum|ceiling|capped|upper limit|lower limit|(?:shall|must|may) not exceed|not exceeding|"
    r"or (?:more|less|above|below|higher|lower)|within|no limit|unlimited)\b"
    r"|以上|以下|以内|之内|不超过|不得超过|不少于|不得少于|不满|未满|至少|至多|最多|最少|最高|最低|上限|下限|最长|最短|不限",
    re.I,
)
"""How a text states a limit: the phrases of a bound in English ("not more than", "at least", "up to", "or more",
"within") and in Chinese ("以下", "不超过", "至少", "上限"), or that there is none ("no limit", "不限")."""
STATES_DUTY = re.compile(r"应当|不得|必须|\b(?:shall|must|(?:is|are) (?:required|obliged) to)\b", re.I)
"""How a provision states a duty or a prohibition ("应当", "不得", "shall", "must")."""
STATES_EXCEPTION = re.compile(
    r"\b(?:except|unless|exempt\w*|need not|not (?:be )?(?:required|obliged) to|(?:shall|does|do|will) not apply"
    r"|not applicable|(?:shall )?not be subject to)\b|除外|不适用|可以不|无需|无须|不需要|不必|免予|免于|豁免",
    re.I,
)
"""How a provision states an exception to a duty ("except where", "is not required to notify", "does not apply",
"…的除外", "不适用", "可以不")."""
_EN_GRADED = re.compile(
    r"\b(daily|weekly|monthly|quarterly|annual|yearly|large|big|medium|medium-sized|mid-sized|small|small-sized)"
    r"\s+([a-z]+)",
    re.I,
)
_SAME_GRADE = {
    "yearly": "annual",
    "big": "large",
    "medium-sized": "medium",
    "mid-sized": "medium",
    "small-sized": "small",
}
_ZH_GRADED = re.compile(r"(?<![生节假当今昨明每])([日周月年])([活均])(?!动)|([大中小微])(型)")


def grades(text: str) -> set[tuple[str, str]]:
    """The periods ``text`` counts things over and the sizes it classes them by, each with the word after it:
    ("monthly", "activ") of "monthly active users", ("large", "onlin") of "large online platforms", ("月", "活") of
    "月活跃用户" and "月活", ("大", "型") of "大型网络平台";
    and the years it names from now ("this year", "#year")."""
    found = {
        (_SAME_GRADE.get(grade.lower(), grade.lower()), coverage_tokens(word)[0])
        for grade, word in _EN_GRADED.findall(text)
        if coverage_tokens(word)
    }
    found |= {(_RELATIVE_YEARS[m.group(0).lower()], "#year") for m in _RELATIVE_YEAR.finditer(text)}
    return found | {(m[1] or m[3], m[2] or m[4]) for m in _ZH_GRADED.finditer(text)}


_RELATIVE_YEARS = {
    **{f"{w} year": f"{w} year" for w in ("this", "last", "next")},
    **{"今年": "this year", "去年": "last year", "明年": "next year"},
}
_RELATIVE_YEAR = re.compile(r"\b(?:this|last|next) year\b|今年|去年|明年", re.I)
"""A year named by its distance from now ("last year", "今年"): a figure for this year is none for the last."""


def another_grade(question: str, text: str, evidence: Sequence[str] = ()) -> str:
    """The period or size ``text`` states where the question states another of the same thing ("daily active users"
    asked, "monthly active users" stated; 中型渡口 asked, 大型渡口 defined) and no passage of the ``evidence``
    states the one asked: a threshold over a month is none over a day, a large platform's definition no medium
    one's. Empty otherwise."""
    stated = grades(text)
    for grade, word in grades(main_clause(question)):
        others = sorted(g for g, w in stated if w == word and g != grade)
        if others and not any((grade, word) in grades(t) for t in (text, *evidence)):
            return others[0]
    return ""


STATES_MEMBERSHIP = re.compile(
    r"(?:纳入|列入|编入|列为)[^，。；]{0,20}?(?:目录|清单|名单)(?!的)|(?:目录|清单|名单)(?:应当)?(?:包括|包含|列明)"
    r"|\b(?:shall|may|must|will|should|to)\s+(?:be\s+)?(?:include[sd]?|list(?:ed)?|put|place[sd]?|add(?:ed)?)\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:in|on|to)\s+(?:[\w'’-]+\s+){0,6}?(?:lists?|catalogs?|catalogues?)\b"
    r"|\b(?:lists?|catalogs?|catalogues?)\s+(?:shall\s+|should\s+|must\s+|will\s+)?"
    r"(?:include|includes|cover|covers|contain|contains)\b",
    re.I,
)
"""How a provision says what goes on a list or catalogue ("应当纳入限制名单", "may include them in a list of …",
"the catalogue shall include …"); not a mention of what is already on one ("对列入名单的渡船", "the vessels listed
in the catalogue")."""
STATES_SCOPE = re.compile(r"\b(?:appl(?:y|ies)|applicable)\b|适用", re.I)
"""How a provision states what a law applies to, or does not ("This Law shall also apply to …", "不适用本办法")."""


STATES_SUPERVISION = re.compile(
    r"负责[^。；]{0,40}(?:监督管理|监管|管理)(?:工作)?|依据各自职责(?:依法)?(?:负责|加强)[^。；]{0,40}(?:监督管理|监管|管理)"
    r"|承担[^。；]{0,20}监管职责"
    r"|\bresponsible for\b[^.;]{0,120}\b(?:supervision|administration|regulation)\b",
    re.I,
)
"""How a law charges a body with its supervision ("港务局负责渡船…的监督管理工作", "依据各自职责依法加强对…的
管理", "shall be responsible for … supervision and administration"); not a penalty's "依据各自职责责令改正"."""


_RECIPIENT_BEFORE = re.compile(
    r"\b(?:to|with)\s+(?:(?!(?:be|been|by|as|for|from|in|on|at|of|that|which|who|shall|may|must|is|are)\b)"
    r"[\w'’-]+\s+){0,6}$",
    re.I,
)
"""What comes before a body named as the one something goes to or is done with: "to" or "with", and at most six words
of the body's own name ("to the relevant competent authorities"), none a verb or a preposition of its own ("to be
reported as specified by the Board" names the Board as the one that specifies)."""
_ZH_RECIPIENT = re.compile(r"(?:向|报送|报告|提交|通报|移送|告知)[^，。；：向]{0,16}$")
"""A body named as the one something goes to, in Chinese: "向" or a verb of handing over, and the body's name
("向港务管理机构", "报送所在地港务局")."""


def _received(text: str, body: re.Match[str]) -> bool:
    """Is ``body`` named in ``text`` as the one something goes to or is done with (see _RECIPIENT_BEFORE)?"""
    return bool(_RECIPIENT_BEFORE.search(text[: body.start()]) or _ZH_RECIPIENT.search(text[: body.end()]))


_NAME = re.compile(r"\b[A-Z][\w'+-]*(?:\s+(?:(?:of|for|and|on)\s+)?[A-Z][\w'+-]*)*")
"""A run of capitalised words: a name ("Infinigence AI", "Ministry of Education", "XIA Lixue")."""
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")


@lru_cache(maxsize=64)
def _given(question: str) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(tokenize(question)), frozenset(_FIGURE.findall(question))


_NAMES_ASKED = re.compile(
    r"\bwhich\s+(?:[\w-]+\s+){0,2}?(?:compan(?:y|ies)|firms?|investors?|insurers?|banks?|start-?ups?|businesses|vendors?)"
    r"\s+(?:has|have|had|is|are|was|were|\w+ed)\b",
    re.I,
)
"""Which particular companies, investors or banks did or are something ("Which banks have joined …", "which
start-ups are based there"): named ones answer. Not which kind must or may do something ("Which companies
must appoint an officer?", "Which firms does the rule cover?"): a class of them answers that."""
_STATE_WORDS = frozenset({"People", "People's", "Republic", "China", "Chinese", "PRC", "State", "Council"})
"""The words of the state's own name and its government's, which laws name throughout."""


# Each unit is read once for every window that holds it and every type asked: worth keeping.
@lru_cache(maxsize=4096)
def unasked(text: str, question: str) -> str:
    """``text`` with the names and figures the question itself gives blanked out: they are what it asks about,
    not its answer. "For firms like Infinigence AI, …" names no one for "Who is the chief executive of
    Infinigence AI?"."""
    asked, figures = _given(question)

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    def given_name(match: re.Match[str]) -> str:
        tokens = tokenize(match.group(0))
        return blank(match) if tokens and set(tokens) <= asked else match.group(0)

    text = _NAME.sub(given_name, text)
    return _FIGURE.sub(lambda m: blank(m) if m.group(0) in figures else m.group(0), text) if figures else text


def states(kind: str, text: str, frame: QuestionFrame) -> bool:
    """Does ``text`` state an answer of type ``kind`` to the question, beyond what the question gives itself?
    A fine is the sum only a question on what breaking a rule costs asks for: not a fee, a grant or a cover."""
    if kind == AGENT and frame.recipient:
        # "Whom is the logbook given to?": the body it goes to ("hand the logbook to the harbour office"),
        # not the one that specifies what it holds ("as specified by the harbour office").
        text = unasked(text, frame.text)
        return any(_received(text, m) for m in _AGENT.finditer(text))
    body_asked = bool(_BODY_ASKED.search(main_clause(frame.text)))
    if kind == AGENT and _NAMES_ASKED.search(main_clause(frame.text)):
        # "Which banks have joined the ferry loan scheme?": a name answers ("Bluewake Bank"), not a kind of body
        # ("commercial banks"), nor the state whose law it is
        return any(set(name.split()) - _STATE_WORDS for name in name_spans(unasked(text, frame.text)))
    if kind == AGENT and YESNO not in frame.types and frame.lang == "zh":
        # "谁负责监督渡轮？": the body something is reported to ("并向港务管理机构报告") does not do it. (In English,
        # _AGENT misses too many doers, "the harbour board", to read a sentence without the body after its "to".)
        text = unasked(text, frame.text)
        return any(not _ZH_RECIPIENT.search(text[: m.end()]) for m in (_BODY if body_asked else _AGENT).finditer(text))
    if kind == AGENT and body_asked:
        # "Which agency approves the licence?": a person ("the individual", "父母") is no body
        return bool(_BODY.search(unasked(text, frame.text)))
    if kind == AMOUNT and _SPENDING_ASKED.search(main_clause(frame.text)):
        # "How much is the port spending on the ferries?": what it is to yield ("lift output beyond 80 billion yuan")
        # is no sum spent on it
        text = " ".join(c for c in _CLAUSES.split(text) if not _YIELD.search(c))
    if kind == AMOUNT and YESNO in frame.types and not frame.consequence:
        # "登记要交钱吗？": a passage speaking of a fee, a charge or its absence answers, with a sum or without.
        return bool(PAYING.search(_FINE.sub(" ", text)))
    if kind == AMOUNT and not frame.consequence and _FINE.search(text):
        return False
    if kind == TIME and (unit := _counted_time_unit(frame.text)):
        # "Within how many days?": a limit in hours is another provision's, not one to be read in days
        return any(unit.search(m.group(0)) for m in _DURATION.finditer(unasked(text, frame.text)))
    return type_present(kind, unasked(text, frame.text), frame.time)


_TIME_UNITS = (
    (r"days?", r"days?|日|天"),
    (r"hours?", r"hours?|小时"),
    (r"weeks?", r"weeks?|周|星期"),
    (r"months?", r"months?|月"),
    (r"years?", r"years?|年"),
)
"""Each unit a length of time is counted in: as a question asks for it ("how many days"), and as a text states it
(a working day is a day)."""
_EN_COUNTED_TIME = re.compile(rf"\bhow many (?:working )?({'|'.join(asked for asked, _ in _TIME_UNITS)})\b", re.I)
_ZH_COUNTED_TIME = re.compile(
    r"(?:几|多少)\s*(?:个)?(工作日|天|小时|周|星期|年)|(?:几|多少)\s*个(月)|(?<!月)(?:几|多少)(日)"
)
"""几个月 counts months, where 几月 asks which month; 几日 after 几月 asks which day of it ("几月几日")."""


def _counted_time_unit(question: str) -> re.Pattern[str] | None:
    """The unit a question counts a length of time in ("how many days", "几个小时"), as the text would state it."""
    asked = _EN_COUNTED_TIME.search(question) or _ZH_COUNTED_TIME.search(question)
    if not asked:
        return None
    word = next(g for g in asked.groups() if g).lower()
    word = "日" if word == "工作日" else word
    for english, stated in _TIME_UNITS:
        if re.fullmatch(english, word) or re.fullmatch(stated, word):
            return re.compile(stated, re.I)
    return None


_TOLD_FROM_TEXT = (AMOUNT, NUMBER, PERCENT, TIME, AGENT, PLACE, LAW, REASON)
"""The answer types a text can be seen to state or lack on its own: not a yes or no, a list or a definition."""
_FIGURES = frozenset({AMOUNT, NUMBER, PERCENT, TIME})
"""The answer types that are figures: one quote states one of them for one thing."""


def unstated(part: str, text: str, before: Sequence[str] = ()) -> bool:
    """Whether ``text``, the answer's quotes for a whole message, leaves out what a later ``part`` of it asks: a
    sum, a time, a body, ... of which it states none; for a part asking what breaking a rule costs, the sanction;
    for a part asking for a list or a thing (not a yes or no), one whose own words (not those of the parts
    ``before`` it) the text holds none of."""
    asked = frame(part)
    kinds = [kind for kind in asked.types if kind in _TOLD_FROM_TEXT]
    if kinds:
        return not all(states(kind, text, asked) for kind in kinds)
    if asked.consequence:
        # "May the pier refuse an inspection? What follows if it does?": a quote of the duty, which shares the
        # second part's words, says nothing of what breaking it costs
        return not CONSEQUENCE.search(text)
    if YESNO in asked.types:
        return False
    own = set(asked_words(part)) - {t for earlier in before for t in coverage_tokens(earlier)}
    return bool(own) and not own & set(coverage_tokens(text))


def asked_alike(parts: Sequence[str]) -> set[int]:
    """The parts of a message asking for a figure of a kind (a sum, a count, a share, a time) another part asks for
    too: "For how many hours may a ferry sail? Then for how long does its crew rest?" An answer to the whole stating
    one time may answer either part, so each is answered on its own. Two parts asking who, or why, are most often
    one question asked twice, which one quote answers."""
    kinds = [set(frame(part).types) & _FIGURES for part in parts]
    return {i for i, own in enumerate(kinds) if any(own & other for j, other in enumerate(kinds) if j != i)}


def required_types(frame: QuestionFrame) -> set[str]:
    kinds = set(frame.types) - {YESNO}
    if frame.wants_quantity and not kinds:
        kinds.add(NUMBER)
    if frame.extreme and not kinds and YESNO in frame.types and _BOUND_ASKED.search(main_clause(frame.text)):
        # "Does the ferry grant carry a maximum per boat?": whether a limit exists is answered by one, or by a text
        # saying there is none
        kinds.add(BOUND)
    return kinds


_BOUND_ASKED = re.compile(
    r"\b(?:maximum|minimum|max|min|cap|ceiling|upper limit|lower limit)\b|上限|下限|最高|最低", re.I
)
"""The nouns of a limit ("a cap", "上限"), as a yes/no question asks whether there is one; not a bound phrase, which
may ask for a figure in a later part ("…, and to what tonnage at most?")."""


def types_present(frame: QuestionFrame, window: Window, unit_tokens: dict[int, set[str]]) -> float:
    """Whether the window states what the question asks for: 1 when each required type is in a unit that names
    the question's focus (or anywhere, when the question has none), 0.5 when only in a unit that does not (the
    figure may belong to something else: "1,000 companies" is no registered capital), 0 when absent.
    A list is a lead with at least two of its items, or an enumeration ("A, B and C", "甲、乙、丙")."""
    kinds = required_types(frame)
    if not kinds:
        return 1.0
    focused = [u for u in window.units if set(frame.focus) & unit_tokens[id(u)]] if frame.focus else []
    score = 1.0
    for kind in kinds:
        if kind == LAW:
            # A law's own provisions answer "which law …"; other text must cite one by name.
            regulation = window.passage.chunks[0].metadata.get("type") == "regulation"
            score = min(score, 1.0 if regulation or type_present(LAW, window.text) else 0.0)
        elif kind == DEFINITION and frame.focus:
            # A definition states its term before "是指" or "refers to": "（八）大型网络平台，是指…具有重要影响的
            # 网络平台" holds 重要 and 数据, yet defines no 重要数据.
            defining = [u for u in window.units if set(frame.focus) <= defined_term_tokens(u.text)]
            score = min(score, _presence(kind, frame, defining, window.units))
        elif kind == LIST:
            items = sum(u.kind == "item" for u in window.units)
            structured = any(u.kind in ("item", "lead") for u in window.passage.units)
            found = items >= 2 if structured else type_present(LIST, window.text)
            if found and not structured and (classes := _ZH_CLASSES_ASKED.search(main_clause(frame.text))):
                # "分哪几类？": the classes are counted or named with the classifier ("…和非开放三类", "生成合成类、
                # 个性化推送类"); an enumeration of principles ("需求导向、分级分类、公平公开") names none
                # a tier asked for (档) is as often counted in classes ("三类")
                classifier = classes.group(1) or classes.group(2)
                named = rf"{classifier}[、，,和及与][^、，,。；;]{{1,10}}{classifier}"
                found = bool(re.search(rf"[{_ZH_NUM}\d]\s*[{classifier}类]|{named}", window.text))
            score = min(score, float(found))
        else:
            counted = _counted_unit(frame) if kind == NUMBER else ""
            if counted:
                # "多少人": a figure of that unit ("1000万人"), not any unit holding the character (个人信息).
                focused = [
                    u for u in window.units if re.search(rf"[\d〇零一二三四五六七八九十百千万亿两]\s*{counted}", u.text)
                ]
            elif kind == NUMBER and frame.lang == "en" and len(frame.focus) == 1:
                # "How many companies": a figure of companies ("more than 500 companies"), not a unit that holds
                # "company" and some other figure ("the company has raised nearly 500 million yuan").
                focused = [u for u in window.units if counts(frame.focus[0], u.text)]
            stating, units = (focused if frame.focus else window.units), window.units
            if frame.shared_by and kind in (AMOUNT, NUMBER):
                # "The most a single company can get in vouchers": "1 billion yuan worth of vouchers" is the total.
                stating = [u for u in stating if _shared(u.text, frame.shared_by)]
                units = [u for u in units if _shared(u.text, frame.shared_by)]
            acted_on = set(frame.acted_on) if kind == AGENT and not frame.focus else set()
            if acted_on and any(acted_on & unit_tokens.get(id(u), set()) for u in window.passage.units):
                # "Who built the east pier?": where the passage speaks of the pier ("… the east pier opened in 2019,
                # costing 40 million yuan"), its builder is named there; the port named the sentence before is not.
                stating = [u for u in units if acted_on & unit_tokens[id(u)]]
            if kind == TIME and (asked := frame.timed_act):
                # "乘客投诉后，经营者须在几个工作日内答复？": "网信部门…应当在三十个工作日内予以备案" limits
                # another act.
                stating = [u for u in stating if not _limits_another_act(u.text, asked)]
                units = [u for u in units if not _limits_another_act(u.text, asked)]
            if frame.names and kind in _NAMED_FIGURES:
                # "How many companies are in Pudong's Model Power Community?": "It has attracted more than 500
                # companies" counts those of the Foundation Model Innovation Center, named the sentence before.
                stating = [u for u in stating if _about(u, window, frame.names)]
                units = [u for u in units if _about(u, window, frame.names)]
            if kind == AMOUNT and YESNO in frame.types and not _speaks_of_more_than_paying(window, frame.text):
                # "Is there a fee for an algorithm filing?": a sentence on the fee for transfers beyond a reasonable
                # number shares nothing with the question but the fee
                stating = units = []
            score = min(score, _presence(kind, frame, stating, units))
    return score


@lru_cache(maxsize=4096)
def defined_term_tokens(text: str) -> frozenset[str]:
    """The coverage tokens of the term a unit defines: its text before "是指" or "refers to" ("本法所称数据"), or the
    class it puts things in, after "属于" or "deemed as"; none when it defines nothing ("包括" and "includes" as often
    list what a duty covers)."""
    match = _DEFINES.search(text)
    if match:
        return frozenset(coverage_tokens(text[: match.start()]))
    if (term := _by_genus(text)) is not None:
        return frozenset(coverage_tokens(term))
    # "…的船舶属于客运渡船，实行更加严格的检验制度": the class named after the verb, to the end of its clause
    classed = _CLASSIFIES.search(text)
    return frozenset(coverage_tokens(re.split(r"[，,；;。.]", text[classed.end() :])[0])) if classed else frozenset()


_ZH_GENUS = re.compile(
    rf"^(?:第[{_ZH_NUM}\d]+条\s*)?(?:[（(][{_ZH_NUM}\d]+[)）]\s*)?(?P<term>[\u4e00-\u9fff]{{2,20}}?)是(?!指)"
    r"[^。；;]{2,}?的(?P<genus>(?:(?!的)[\u4e00-\u9fff]){2,10})[，,。；;]"
)
"""A Chinese definition by genus: the term, 是, what sets it apart, then the kind of thing it is, which ends the
term's own name ("客运渡船是载客十二人以上的渡船，…"): no "是指" is written."""


def _by_genus(text: str) -> str | None:
    """The term ``text`` defines by its genus (see _ZH_GENUS), if it does."""
    genus = _ZH_GENUS.match(text)
    return genus.group("term") if genus and genus.group("term").endswith(genus.group("genus")) else None


_QUOTED_TERM = re.compile(r'^(?:Article \d+\s+)?(?:\(\d+\)\s*)?["“]([^"”]{1,80})["”]\s+(?:is|are)\b')
"""A definition by a quoted term and "is" ("'Hazardous cargo' is cargo that, once spilled, …")."""


def defined_term(text: str) -> frozenset[str]:
    """The coverage tokens of the term a unit defines (see defined_term_tokens), or of the quoted term it opens
    with and says what it is; none when it defines nothing."""
    if quoted := _QUOTED_TERM.match(text):
        return frozenset(coverage_tokens(quoted.group(1)))
    # not the numbering, the characters of its words, or what says a term is the law's ("本法所称…")
    return frozenset(
        t for t in defined_term_tokens(text) if not (t.startswith("#") or t.isdigit() or _SO_CALLED.search(t))
    )


_SO_CALLED = re.compile(r"所称|^本?(?:法|办法|条例|规定|条)?$|^前款$")
"""The words that say a term is the law's own ("本条例所称…"), no part of the term."""


_EN_COUNT = re.compile(
    r"(?:\b\d+(?:[,.]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens))"
    r"((?:\s+[\w'-]+){1,5})",
    re.I,
)
"""A figure or number word and the words after it, where English puts what it counts ("500 companies", "50 million
or more registered users", "seven people")."""


def counts(noun: str, text: str) -> bool:
    """Whether ``text`` gives a figure of ``noun`` (a coverage token): the noun within five words after it."""
    return any(noun in coverage_tokens(m.group(1)) for m in _EN_COUNT.finditer(text))


def _counted_unit(frame: QuestionFrame) -> str:
    """The unit a Chinese question counts in ("多少人", "几家"): its focus when that is one character."""
    if len(frame.focus) == 1 and frame.focus[0].startswith("#"):
        return re.escape(frame.focus[0][1:])
    return ""


_SHARING = re.compile(r"\b(?:each|every|per|a single|apiece|respectively)\b|每|单个", re.I)


def _speaks_of_more_than_paying(window: Window, question: str) -> bool:
    """Whether the window shares a word with the question besides those of paying ("fee", "charge", 收费): a word,
    not a character ("办理备案" and "管理单位" share 理, and nothing they speak of)."""
    asked = {t for t in coverage_tokens(PAYING.sub(" ", question)) if not t.startswith("#")}
    return bool(asked & set(coverage_tokens(PAYING.sub(" ", window.text))))


_ZH_CLAUSE_END = re.compile(r"[，,；;。？?！!]")
_ZH_BOUND = re.compile(r"至少|最少|最多|最长|最短|不少于|不超过|不得少于|不得超过")
"""How a length of time is bounded ("至少保存3年"): words of the limit, not of the act it governs."""


def _limits_another_act(text: str, asked: frozenset[str]) -> bool:
    """Whether every time limit ``text`` states governs an act the question does not name: the words around the
    limit, to the edges of its clause ("24小时内向有关主管部门报告", "shall report to the competent authorities
    within 24 hours"), or before a length of time ("应当至少保存3年", "shall be kept for at least three years"), share
    nothing (for Chinese, not a character) with the asking clause."""
    if CJK.search(text):
        # The items of a list after the verb ("填报名称、服务形式、算法自评估报告等信息") are what is handed over,
        # not the act: the act is the verb and its first object.
        acts = [
            m.group(0).split("、")[0]
            for limit in _ZH_TIME_LIMIT.finditer(text)
            if (m := ZH_CLAUSE.match(text, limit.end()))
        ]
        # what lasts, or recurs, is said around the length: "至少保存3年", "每两年开展一次安全检查"
        acts += [
            _ZH_BOUND.sub(
                " ",
                f"{_ZH_CLAUSE_END.split(text[: lasting.start()])[-1]} {_ZH_CLAUSE_END.split(text[lasting.end() :])[0]}",
            )
            for lasting in _ZH_DURATION.finditer(text)
        ]
    else:
        acts = [
            f"{_EN_ACT_START.split(text[: limit.start()])[-1]} {_EN_ACT_END.split(text[limit.end() :])[0]}"
            for limit in _EN_TIME_LIMIT.finditer(text)
        ]
        # what lasts is the subject of its clause as much as its verb ("records shall be kept for three years")
        acts += [_EN_ACT_END.split(text[: lasting.start()])[-1] for lasting in _EN_DURATION.finditer(text)]
        acts += [_EN_ACT_START.split(text[: due.start()])[-1] for due in _EN_BY_DATE.finditer(text)]
    if words := frozenset(t for t in asked if not t.startswith("#")):
        # A word, not a character of one: "提前…做完" and "提供服务" share 提 and nothing they speak of. A
        # character no asked word holds is a word of one character ("多久内办？"): it heads the act's words ("办理").
        single = {t for t in asked - words if t[1:] not in ZH_STOP and not any(t[1:] in w for w in words)}
        return bool(acts) and not any(
            _same_stem(words | single, [t for t in coverage_tokens(act) if t in single or not t.startswith("#")])
            for act in acts
        )
    return bool(acts) and not any(_same_stem(asked, coverage_tokens(act)) for act in acts)


def _same_stem(asked: frozenset[str], tokens: Iterable[str]) -> bool:
    """Whether a word of ``tokens`` is one of ``asked``, or the same word in another part of speech: the stemmer
    keeps "registr" of "registration" and "regist" of "register"."""
    return any(
        token in asked
        or (len(token) >= 5 and any(a.startswith(token) or token.startswith(a) for a in asked if len(a) >= 5))
        for token in tokens
    )


def _shared(text: str, shared_by: tuple[str, ...]) -> bool:
    """Whether a figure's unit may be one per what the question asks it per: it says so ("each", "per"), or names
    one of them, in the singular ("a firm may receive"); "grants to shipping firms" and "attract 1,000 additional
    companies" speak of them all."""
    one = re.compile(rf"\b{re.escape(shared_by[-1])}\b", re.I)
    return bool(_SHARING.search(text) or one.search(text))


def total_only(frame: QuestionFrame, window: Window) -> bool:
    """Whether the window gives the figure asked per one of many ("a single company") only as a total."""
    kinds = [k for k in required_types(frame) if k in (AMOUNT, NUMBER)]
    stating = [u for u in window.units if any(states(k, u.text, frame) for k in kinds)]
    return bool(frame.shared_by and stating) and not any(_shared(u.text, frame.shared_by) for u in stating)


_NAMED_FIGURES = (NUMBER, AMOUNT, PERCENT, TIME)
"""The types of answer that belong to whatever their sentence names: a count, a sum, a share, a date."""


def named_elsewhere(frame: QuestionFrame, window: Window) -> list[str]:
    """The names of the sentences that state what the question asks for, when each is about something other than
    what the question names: "The closest passage gives that for the Foundation Model Innovation Center"."""
    kinds = [k for k in required_types(frame) if k in _NAMED_FIGURES]
    stating = [u for u in window.units if any(states(k, u.text, frame) for k in kinds)]
    if not frame.names or not stating or any(_about(u, window, frame.names) for u in stating):
        return []
    return list(dict.fromkeys(name for u in stating for name in _subject(u, window)))


def _subject(unit: Unit, window: Window) -> list[str]:
    """Whom a unit is about, as far as names tell: the first it names, or the first the sentence before names
    when it leans back on that one."""
    if unit.leans_back and unit.position and (before := name_spans(window.passage.units[unit.position - 1].text)):
        return before[:1]
    return name_spans(unit.text)[:1]


def _names_of(unit: Unit, window: Window) -> list[str]:
    """What a unit names, read with the sentence before when it leans back on it ("It has attracted …")."""
    named = name_spans(unit.text)
    if unit.leans_back and unit.position > 0:
        named += name_spans(window.passage.units[unit.position - 1].text)
    return named


def _about(unit: Unit, window: Window, names: tuple[str, ...]) -> bool:
    """Whether a unit may be about what the question names: it names one of those things, or nothing at all."""
    named = _names_of(unit, window)
    if not named:
        return True
    # The passage may call it by another name: "Xuhui's Foundation Model Innovation Center" is the Xuhui cluster.
    # Not every name holding the owner's: the Shanghai Innovation Institute is not "Shanghai's Xuhui".
    aliases = {(owner, owned) for u in window.passage.units for owner, owned in _OWNED_NAME.findall(u.text)}
    return any(
        same_name(asked, name) or any(name_within(asked, a) and same_name(b, name) for a, b in aliases)
        for asked in names
        for name in named
    )


_OWNED_NAME = re.compile(r"\b([A-Z][A-Za-z]+)(?:['’]s|-based)\s+((?:[A-Z][A-Za-z]+\s+)*[A-Z][A-Za-z]+)")
"""A name owned by a place or an organisation: "Xuhui's Foundation Model Innovation Center", "Xuhui-based …"."""


def _presence(kind: str, frame: QuestionFrame, focused: list[Unit], units: list[Unit]) -> float:
    """1 in a unit naming the focus, 0.5 only elsewhere in the window (or, for an amount, a bare number), else 0."""
    if any(states(kind, u.text, frame) for u in focused):
        return 1.0
    if any(states(kind, u.text, frame) for u in units):
        return 0.5
    if kind == AMOUNT and any(states(NUMBER, u.text, frame) for u in focused):
        return 0.5
    return 0.0


WINDOW_FEATURES = (
    "lexical",
    "unit_lexical",
    "focus",
    "types",
    "dense",
    "unit_dense",
    "rank",
    "lead",
    "units",
    "chars",
)
ANSWERABLE_FEATURES = (
    "window_score",
    "lexical",
    "focus",
    "types",
    "dense",
    "rank",
    "missing_idf",
    "trust",
    "named_article",
    "typed",
    "relevance",
    "types_stated",
    "typed_unit_lexical",
)


@dataclass
class LinearModel:
    """A logistic regression over named features, with the standardisation it was fitted with."""

    features: tuple[str, ...]
    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]

    def logit(self, rows: np.ndarray) -> np.ndarray:
        z = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logit(rows))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": self.weights,
            "bias": self.bias,
            "mean": self.mean,
            "scale": self.scale,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(tuple(data["features"]), data["weights"], data["bias"], data["mean"], data["scale"])


WINDOW_SIGNS = {
    "lexical": 1,
    "unit_lexical": 1,
    "focus": 1,
    "types": 1,
    "dense": 1,
    "unit_dense": 1,
    "rank": 1,
}
"""The direction each feature can only push a window's score: more of the question covered never makes a window
worse. A fit that gives one the other sign (collinear features, few examples) drops it instead."""
ANSWERABLE_SIGNS = {
    "window_score": 1,
    "lexical": 1,
    "focus": 1,
    "types": 1,
    "dense": 1,
    "rank": 1,
    "missing_idf": -1,
    "named_article": 1,
    "relevance": 1,
    "types_stated": 1,
    "typed_unit_lexical": 1,
}


def fit_logistic(
    rows: np.ndarray,
    labels: np.ndarray,
    features: tuple[str, ...],
    l2: float = 1.0,
    weights: np.ndarray | None = None,
    signs: dict[str, int] | None = None,
) -> LinearModel:
    """Logistic regression by Newton's method on standardised features, with an L2 penalty (no intercept penalty).

    With ``signs``, a feature whose fitted weight has the wrong sign is left out (weight 0) and the rest refitted,
    until every weight agrees with its sign."""
    kept = list(range(len(features)))
    while True:
        model = _fit(rows[:, kept], labels, l2, weights)
        wrong = [
            (abs(w), i) for i, w in zip(kept, model[0], strict=True) if signs and signs.get(features[i], 0) * w < 0
        ]
        if not wrong:
            break
        kept.remove(max(wrong)[1])
    beta, bias, mean, scale = model
    full_weights = [0.0] * len(features)
    full_mean = rows.mean(axis=0).tolist()
    full_scale = [float(v) or 1.0 for v in rows.std(axis=0)]
    for position, i in enumerate(kept):
        full_weights[i] = float(beta[position])
        full_mean[i] = float(mean[position])
        full_scale[i] = float(scale[position])
    return LinearModel(features, full_weights, bias, full_mean, full_scale)


def _fit(
    rows: np.ndarray, labels: np.ndarray, l2: float, weights: np.ndarray | None
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    x = np.hstack([(rows - mean) / scale, np.ones((len(rows), 1))])
    y = labels.astype(np.float64)
    sample = np.ones(len(rows)) if weights is None else weights
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (sample * (p - y)) + penalty * beta
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return beta[:-1], float(beta[-1]), mean, scale


@dataclass
class AnswerModel:
    window: LinearModel
    answerable: LinearModel
    threshold: float
    """Probability of answerable below which the answer refuses (the operating point chosen by cross-validation)."""
    report: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            LinearModel.from_json(data["window"]),
            LinearModel.from_json(data["answerable"]),
            float(data["threshold"]),
            data.get("report", {}),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        data = {
            "window": self.window.to_json(),
            "answerable": self.answerable.to_json(),
            "threshold": self.threshold,
            "report": self.report,
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def default_model() -> AnswerModel:
    """Weights to start from before any fit (and what evals/fit_answer.py improves on): coverage first."""
    window = LinearModel(
        WINDOW_FEATURES, [2.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.2, -0.3, -0.3], 0.0, [0.0] * 10, [1.0] * 10
    )
    answerable = LinearModel(
        ANSWERABLE_FEATURES,
        [0.5, 2.0, 1.0, 1.0, 1.0, 0.3, -1.0, 0.0, 1.0, 0.0, 1.0, 0.5, 0.5],
        -2.5,
        [0.0] * 13,
        [1.0] * 13,
    )
    return AnswerModel(window, answerable, 0.5)
