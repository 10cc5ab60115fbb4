"""What a question asks for, read from its structure: the expected answer type, its focus, its salient terms.

The answer type comes from a small general taxonomy (amount, number, percentage, time, agent, place, list,
yes/no, definition), read from the question's interrogative phrase: "how much", "when", "which department",
"是否", "哪个部门", "多久". The focus is the head of what is asked about ("the minimum registered capital",
"罚款"): a near-miss question asks for an attribute the evidence does not state, and its focus is what shows it.
Nothing here names a topic of any document.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..language import LAW_NAMES, fold, has_cjk
from ..lexical import EN_STOP, ZH_STOP, coverage_tokens, coverage_words, tokenize
from ..structure import without_laws
from .answer_types import (
    AGENT,
    AGENT_NOUNS,
    AMOUNT,
    BOUNDS_OF_A_TERM,
    CONSEQUENCE,
    CONTENTS_ASKED,
    COUNT_NOUNS,
    DEFINITION,
    EXCEPTION_ASKED,
    EXTREME,
    HOW_FAST_MUST,
    LAW,
    LIST,
    MONEY_HEAD,
    NUMBER,
    PERCENT,
    PLACE,
    PLACE_NOUNS,
    QUANTITY_NOUNS,
    SCOPE_ASKED,
    SUPERVISION_ASKED,
    TIME,
    TIME_NOUNS,
    WHICH_PROVISION,
    YESNO,
    answer_types,
    asks,
    headed_phrase,
    main_clause,
    spelled_out,
    time_kind,
)

_ZH_QUESTION_WORD = re.compile(r"多少|多久|多长|几|哪|什么|谁|何|是否|怎样|如何")
# The interrogative phrases that are followed by what is asked about: "how much X", "what X", "which X",
# "what is the X" (but not "what does X do", whose X is the subject).
_EN_HEAD = re.compile(
    r"\b(?P<wh>how (?:much|many)|what|which)(?P<copula>\s+(?:is|are|was|were))?"
    r"(?P<det>\s+(?:the|a|an|its|their|this|that|these|those))?\s+(?!(?:does|do|did|has|have|had|can|could|may|might|"
    r"must|shall|should|will|would|is|are|was|were)\b)",
    re.I,
)
# Words that end a noun phrase in a question: prepositions, conjunctions, auxiliaries and other function words.
_EN_PHRASE_END = re.compile(
    r"^(?:for|of|in|on|at|to|by|from|with|within|under|into|about|over|after|before|since|during|per|than|that|which|"
    r"between|among|against|through|via|without|including|except|across|beyond|upon|toward|towards|"
    r"who|whom|whose|when|where|why|how|if|whether|and|or|but|is|are|was|were|be|been|being|do|does|did|has|have|"
    r"had|can|could|may|might|must|shall|should|will|would|the|a|an|this|these|those|its|their)$"
)
_EN_SEMI_MODAL = frozenset(
    ["supposed", "required", "expected", "allowed", "permitted", "obliged", "meant", "able", "going"]
)
"""Participles that work as modals: in "what is the assessment supposed to cover" the noun is the verb's subject,
and "what" its object, as in "what does the assessment cover"."""
_WH_WORDS = re.compile(r"^(?:what|which|who|whom|whose|where|when|why|how|much|many|long)$")


_MONEY_WORDS = set(tokenize("money cash"))
"""Money as such ("钱" below): "How much money (or cash) goes into it?" asks for a sum, whatever the text calls it."""
_TYPE_WORDS = (
    set(
        tokenize(" ".join((AGENT_NOUNS, PLACE_NOUNS, TIME_NOUNS, QUANTITY_NOUNS)).replace("|", " ").replace("?", ""))
        + tokenize("law laws regulation regulations act acts")
    )
    | _MONEY_WORDS
    | {
        "法律",
        "法规",
        "条例",
        "部门",
        "部委",
        "机构",
        "机关",
        "单位",
        "组织",
        "主体",
        "钱",
        "时间",
        "期限",
        "时限",
        "日期",
        "地方",
        "比例",
    }
)


_COUNT_WORDS = set(tokenize(COUNT_NOUNS.replace("|", " ").replace("?", ""))) | {"数量", "数目", "人数", "规模", "门槛"}
"""Nouns naming the count itself ("the threshold", "人数"): the figure answers them, whatever it counts."""
_DUTY_WORDS = set(tokenize("obligation obligations duty duties requirement requirements")) | {"义务", "要求", "职责"}
"""Nouns naming a duty ("what obligations …", "有什么要求", "履行什么义务"): a provision states one with "shall" or
"应当", seldom with the noun, which names the kind of answer rather than an attribute the evidence must mention."""


_PROVISION_WORDS = set(
    tokenize("article articles provision provisions section sections clause clauses paragraph paragraphs")
) | {"条", "款", "条款", "一条", "几条", "哪条"}
"""Nouns naming a provision, in a question asking which one says something ("Under which article?", "哪一条？"):
they name the kind of answer, which every article's opening holds ("Article 14 …")."""


_ZH_VERB_OF_DUTY = re.compile(r"要求(?!(?:是|有|呢)|[？?。，,；;！!]|\s*$)")
"""要求 as a verb ("要求对方删除", "可否要求渡轮公司退票"): what is asked of someone, named in the text as the
request."""


def duty_tokens(question: str) -> set[str]:
    """The coverage tokens of the nouns naming the kind of answer rather than what it is about: duty nouns ("有哪些
    要求" -> 要求, #要, #求) and, in a question asking which provision says something, the provision's ("Under which
    article?"); but not a character another of its words holds too."""
    words = tokenize(question)
    duties = {w for w in words if w in _DUTY_WORDS}
    if WHICH_PROVISION.search(main_clause(question)):
        duties |= {w for w in words if w in _PROVISION_WORDS}
    if has_cjk(question) and _ZH_VERB_OF_DUTY.search(re.sub(r"(?:什么|哪些|啥|何种|的|有|些|项)要求", "", question)):
        duties.discard("要求")
    others = {f"#{c}" for w in words if w not in duties and has_cjk(w) for c in w}
    return duties | ({f"#{c}" for w in duties if has_cjk(w) for c in w} - others)


INTERROGATIVE_TOKENS = frozenset(
    [
        *tokenize("much many long often soon mean meant"),
        *("多少", "多久", "哪个", "哪些", "是否", "可以", "能否", "什么", "怎样", "如何", "哪", "几", "谁", "何时"),
        # jieba splits "什么时候" in two; "时候" ("…的时候") names no content either way
        "时候",
    ]
)
"""Tokens that ask rather than say: no evidence is expected to contain them."""
_ZH_ASKING = re.compile(r"谁|什么|哪|多少|怎|几(?!乎)")
"""Chinese interrogatives that jieba may fuse with the words around them ("由谁来", "干什么", "几年")."""


_ZH_LIGHT_VERBS = frozenset("去来干搞弄拿做让给办")
"""Colloquial verbs that, standing alone, carry the sentence rather than name anything ("拿渡船去干走私的事", "几天内
去办？"): as characters they match unrelated statute words (去重, 干预, 给予, 办理)."""


BACK_TO_THE_FIRST = re.compile(
    r"(?:回到|再回到|说回|再说回)(?:我的?)?(?:第一个|最初的?|最早的?|一开始的?|最开始的?)问题[，,：:。]?"
    r"|\b(?:(?:[a-z]+ing|to [a-z]+)\s+)?back to (?:my|the|our) (?:first|original|initial|opening) "
    r"question\b[,:;.]?",
    re.I,
)
"""A chat turned back to the question it began with ("回到第一个问题，…", "Going back to my first question, …"):
the follow-up leans on that question, not on the one just before; the phrase itself asks about nothing."""
_CONDITION_ASKED = re.compile(
    r"\b((?:any|what|which|some|in what|in which|under what|are there|is there(?: an?| any)?)\s+)"
    r"(?:situations?|cases?|circumstances?|scenarios?|instances?)\b",
    re.I,
)
"""A noun that asks for a condition ("in what situations …", "is there any case where …"): it names the kind of
answer, a condition, which a provision states with "where", not with the noun."""
_ZH_HOW_LONG = re.compile(r"多长(?:的)?时间|多少时间|多长")
""""How long" in words jieba cuts into content ("多长时间": 时间, 长时间), asked as 多久 is."""
_LAW_YEAR = re.compile(
    r"\b(?:19|20)\d{2}(?=(?:\s+[A-Za-z-]+){0,4}?\s+(?:laws?|regulations?|regs|rules|measures|provisions|versions?)\b)",
    re.I,
)
"""A year that says which law ("in the 2021 harbour regulations", "the 2019 ferry rules"): part of the law's name, which
the text writes in its title block and nowhere near what the question asks."""
_ZH_A_NOT_A = re.compile(r"能不能|可不可以|会不会|要不要|需不需要|应不应该|是不是|有没有|用不用")
"""The colloquial yes-or-no question, a modal or copula said and denied (能不能, 可不可以, 是不是, 有没有): it
asks as 能否 and 是否 do."""


def asked_words(question: str) -> list[str]:
    """The question's words (coverage_tokens) that say what it is about: not its interrogatives, nor the
    characters of a word fused with one ("一般由谁来当": 来 is no word of the answer)."""
    question = _ZH_A_NOT_A.sub("，", question)
    question = BACK_TO_THE_FIRST.sub(" ", question)
    question = _CONDITION_ASKED.sub(r"\1", question)
    question = _ZH_HOW_LONG.sub("多久", question)
    question = _LAW_YEAR.sub(" ", question)
    words = tokenize(question)
    asking = {w for w in words if w in INTERROGATIVE_TOKENS or _ZH_ASKING.search(w)}
    dropped = asking | {f"#{c}" for w in asking if has_cjk(w) for c in w}
    dropped |= {f"#{w}" for w in words if w in _ZH_LIGHT_VERBS}
    return [t for t in coverage_tokens(question) if t not in dropped]


@dataclass(frozen=True)
class QuestionFrame:
    text: str
    lang: str
    types: frozenset[str]
    """The answer types asked for (usually one; empty when the question does not say)."""
    focus: tuple[str, ...]
    """Tokens (lexical.tokenize) of the head of what is asked about; empty when it is only the answer type."""
    extreme: bool
    """Asks for a maximum or minimum ("the most a firm can be fined", "最高罚款"): every tier must be seen."""
    time: str = ""
    """For a time question, which kind of time: DATE, YEAR, WHEN, DEADLINE, DURATION or FREQUENCY."""
    consequence: bool = False
    """Asks what breaking a rule costs (a fine, a penalty, 怎么罚): see answer/references.py."""
    noun: str = ""
    """In English, the head noun of what is asked for, as written ("What valuation did it reach?", "What is the
    official title …?"): empty when the interrogative asks for a predicate ("What is unusual about …?") or the
    answer's type only."""
    names: tuple[str, ...] = ()
    """In English, the names of things the question (with the chat it follows) is about, as name_spans reads
    them: "Pudong's Model Power Community" -> Pudong, Model Power Community. Laws are not counted."""
    timed_act: frozenset[str] = frozenset()
    """For a question asking within what time something must be done, the words (coverage_tokens) of that act
    ("经营者要在几个工作日内答复", "the deadline for operators to register"): a limit the evidence sets for another act
    does not answer it. Empty when the question names no act."""
    shared_by: tuple[str, ...] = ()
    """In English, the words of what a figure is asked per ("the most a single company can get", "how much per
    request"): a total ("1 billion yuan worth of vouchers") does not answer it."""

    which_provision: bool = False
    """Asks which article or paragraph says something (answer_types.WHICH_PROVISION): the quote shows its number."""
    exception: bool = False
    """Asks whether a duty holds in every case, or when it does not (answer_types.EXCEPTION_ASKED)."""
    scope: bool = False
    """Asks whether a law applies to a case (answer_types.SCOPE_ASKED, in a yes/no question)."""
    contents: bool = False
    """Asks what a list or catalogue holds (answer_types.CONTENTS_ASKED)."""
    supervisor: bool = False
    """Asks only who oversees or enforces (answer_types.SUPERVISION_ASKED), naming no more than the law or what the
    question before was about: "Who enforces that?", "这块谁监管？"."""
    recipient: bool = False
    """Asks to or with whom something is done, its preposition left at the end ("Whom is the logbook given to?",
    "Which desk do skippers register with?", "日志要交给谁？", "向哪个部门申请？"): the body the text names after
    "to", "with" or "向" answers, not one named as the doer or as the author of a rule."""
    acted_on: tuple[str, ...] = ()
    """In English, for a question asking who did something to a thing ("Who built the east pier?", "Which office
    inspects the vessels?"), the coverage tokens of that thing's head noun: where a passage speaks of the thing, the
    doer is named beside it, not in a neighbouring sentence about something else. Empty for a name or a law."""

    @property
    def wants_quantity(self) -> bool:
        return bool(self.types & {AMOUNT, NUMBER, PERCENT}) or (self.extreme and not self.types - {LIST})


_STRANDED_RECIPIENT = re.compile(
    r"\b(?:to|with)\s*[?？.]?\s*$"
    # "Who gets the logbook?", "Which office receives the report?": the one it goes to, named after "to"
    r"|^\s*(?:and\s+)?(?:who|which\s+[a-z-]+)\s+(?:gets|receives|is\s+sent|are\s+sent)\s+(?:the|that|this|these|those|its|their)\b",
    re.I,
)
_ZH_RECIPIENT_ASKED = re.compile(r"向(?:谁|哪)|(?:给|交|报|告诉|通知|通报)谁")
_AUXILIARY = r"(?:is|are|was|were|be|been|has|have|had|must|shall|should|can|could|will|would|may|might|do|does|did)"
_EN_WHO_DID = re.compile(
    rf"^\s*(?:who|which(?:\s+(?!{_AUXILIARY}\b)[a-z-]+){{1,3}}?)\s+"
    r"(?:(?:has|have|had|must|shall|should|can|could|will|would|may|might)\s+(?:to\s+)?)?"
    rf"(?!{_AUXILIARY}\b)(?-i:[a-z]+)\s+"
    r"(?P<object>(?:the|that|this|these|those|its|their|an?)\s+[^?？.,;]*|(?-i:(?:[A-Z][\w+-]*\s+)*[A-Z][\w+-]*)['’]s?\s+[^?？.,;]*)",
    re.I,
)
""""Who built the east pier?", "which office must inspect the vessels": the interrogative as the subject, a verb of
action (not "is"), and the thing it acts on, opened by a determiner or an owner's name ("who insured Bluewake's
ferries"). Not "who do they report to", nor "who is in charge of …"."""


def _acted_on(clause: str) -> tuple[str, ...]:
    match = _EN_WHO_DID.search(clause)
    if match is None:
        return ()
    # "Bluewake Ferries' newest boat": the owner named is frame.names; the thing owned is what was acted on
    owned = re.split(r"['’]s\b|(?<=s)['’](?=\s)", match.group("object"))[-1]
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", owned) if w.lower() not in _DETERMINERS]
    phrase = _noun_phrase(words, 6)
    head = phrase[-1] if phrase else ""
    # a name or a law ("the PIPL", "the Harbour Institute") is what the question is about as a whole, not one thing
    # spoken of in one sentence; a name may modify the thing ("its Class C ferry")
    if not head.isalpha() or not head.islower() or set(tokenize(head)) <= _TYPE_WORDS:
        return ()
    return tuple(coverage_words(head))


_DETERMINERS = frozenset(["the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"])


@lru_cache(maxsize=1)
def _posseg() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


_ZH_LINKING = frozenset(
    [
        "是",
        "为",
        "有",
        "要",
        "需要",
        "需",
        "应当",
        "应",
        "可以",
        "可",
        "能",
        "会",
        "最高",
        "最多",
        "最低",
        "最少",
        "最长",
        "上限",
        "下限",
        "要求",
        "规定",
        # verbs of reaching a quantity: "用户数达到多少" measures the users
        "到",
        "达到",
        "达",
        "超过",
        "满",
    ]
)
"""Words that may stand between what is asked about and the question word: "注册资本（要求）是多少"."""
_ZH_MODALS = frozenset(["要", "需要", "得", "必须", "应当", "应该", "能", "可以", "会"])


def drops_its_subject(question: str) -> bool:
    """Does a Chinese question open with its modal verb ("要找哪个港务部门盖章？", "得多久办完？"), as a word of its own
    (not 会 of 会计, 要 of 要是)? It has dropped its subject, which is what the chat was about."""
    text = re.sub(r"^\s*(?:那么?|还)", "", question)
    first = next((w for w, _ in _posseg().cut(text) if w.strip()), "")
    return first in _ZH_MODALS


_ZH_GENERIC = frozenset(["意思", "内容", "规定", "要求", "情况", "东西", "内", "时候", "方面"])
"""Nouns that only frame a question ("是什么意思", "有什么规定"): not an attribute the evidence must state."""


def _zh_focus(clause: str) -> list[str]:
    """The noun right after the question word (多少费用), else the nouns just before it with only linking words
    between (注册资本要求是多少); none when the question word follows anything else (企业必须在多少个工作日内)."""
    words = [(w, flag) for w, flag in _posseg().cut(clause) if w.strip()]
    at = next((i for i, (w, _) in enumerate(words) if _ZH_QUESTION_WORD.match(w)), None)
    if at is None:
        return []
    after = [(w, flag) for w, flag in words[at + 1 : at + 4] if w not in ("是", "为", "个", "种", "项", "类")][:1]
    nouns_after = [w for w, flag in after if flag.startswith("n") and w not in ZH_STOP and w not in _ZH_GENERIC]
    if nouns_after:
        return nouns_after
    before: list[str] = []
    for w, flag in reversed(words[:at]):
        if flag.startswith("n") or flag in ("vn", "j"):
            if w not in _ZH_GENERIC:
                before.insert(0, w)
            if len(before) == 2:
                break
        elif not before and w in _ZH_LINKING:
            continue
        else:
            break
    return before


_EN_DEFINED = re.compile(
    r"\bdefine[sd]?\s+(?:the\s+|an?\s+)?(.+)$|\bwhat (?:does|do)\s+(?:the\s+|an?\s+)?(.+?)\s+mean\b"
    r"|\bmeaning of\s+(?:the\s+|an?\s+)?(.+)$|\bwhat is meant by\s+(?:the\s+|an?\s+)?(.+)$"
    rf"|{BOUNDS_OF_A_TERM}\s+(?:the\s+|an?\s+)?(.+)$",
    re.I,
)
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,40})[”\"」』]")
_ZH_DEFINED = re.compile(
    r"什么是(.+)$|什么(?:样的[^，,。？?]{0,12})?(?:才)?算(?![力法术数])(?:是)?(.+)$|(.+?)(?:是什么意思|指什么|是指什么|的含义|的定义|(?:如何|怎么|怎样)(?:界定|认定)|的?(?:界定|认定)(?:标准|条件))"
)


def _defined_term(clause: str) -> list[str] | None:
    """The term a definition question asks about: "define important data", "什么是敏感个人信息"; a quoted term
    when the question quotes one (数据安全法里说的“数据”). None when no term is found; none of its own ([]) when
    the question asks for a term named before ("How does it define that term?")."""
    if quoted := _QUOTED.search(clause):
        return [quoted.group(1)]
    match = _MEANT_BY.search(clause) or (_ZH_DEFINED if has_cjk(clause) else _EN_DEFINED).search(clause)
    if match is None:
        return None
    term = next(g for g in match.groups() if g)
    term = re.sub(r"\b(?:under|in|of|according to)\b.*$", "", term, flags=re.I)  # "… under the PIPL"
    term = _ZH_WHERE_SAID.sub("", term)  # "(个人信息保护法)里的去标识化": the law named is gone, its locative stays
    term = term.strip(" “”\"'《》")
    if _TERM_NAMED_BEFORE.match(term):
        return []
    return [_A_TERM_CALLED.sub("", term) or term]


_MEANT_BY = re.compile(r"\bmean[st]?\s+by\s+(?:the\s+|an?\s+)?(.+)$", re.I)
"""'What does the PIPL mean by X?': the term follows 'by'; what comes before 'mean' is whose usage it is."""
_TERM_NAMED_BEFORE = re.compile(
    r"^(?:(?:that|this|these|those|such|the)\s+)?(?:terms?|words?|concepts?|phrases?|expressions?|notions?)$"
    r"|^(?:这个|那个|该|这一|此|这)(?:词|词语|概念|术语|说法|名词)$",
    re.I,
)
"""A definition question's term that is a word for a term, with a demonstrative ("How does it define that term?",
"这个概念怎么界定？"): the term is the one named before, no word of its own."""
_A_TERM_CALLED = re.compile(r"^(?:the\s+)?(?:terms?|words?|concepts?|phrases?|expressions?|notions?)\s+", re.I)
"""'the term personal information': the term is what follows the word for one."""
_ZH_WHERE_SAID = re.compile(r"^(?:(?:[里中内]面?|上)(?:所称|所说|说|讲|规定)?|所称|所说|说|讲|规定)的")
"""What is left before a term once the law that uses it is taken out: '(…法)里的', '中所称的', '说的'."""


_EN_WHO_HEAD = re.compile(
    r"\bwho(?:'s|’s|\s+(?:is|are|was|were))\s+(?:the|a|an|(?:[\w-]+\s+){0,3}[\w-]+['’]s)\s+", re.I
)


def _en_focus(clause: str) -> list[str]:
    """The head of what is asked about: the noun phrase after "what is the …" or "how many …", up to the first
    function word ("what is the minimum registered capital for …" -> minimum registered capital); the one noun
    after "which/what" when a verb follows ("which law governs …" -> law); the role after "who is the …" ("who
    is the chief executive of …" -> chief executive); none after other who/when/where questions or "what does …".
    A measure that only names the answer's type gives way to what it measures: "how many years of management
    experience" -> management experience."""
    if who := _EN_WHO_HEAD.search(clause):
        # "who is the chief executive of X": the role is what the answer must name; "who is responsible for …",
        # "who is behind …" name none.
        return _noun_phrase([w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", clause[who.end() :])], 3)
    match = _EN_HEAD.search(clause)
    if match is None:
        return []
    if match.group("wh").lower().startswith("how") and match.group("copula") and not match.group("det"):
        return []  # "how much is available": a predicate, not a head ("how much is the fine")
    # "which law governs …", "what fines does …": the word after which/what is the head, the next one a verb.
    limit = 1 if match.group("wh").lower() in ("what", "which") and not match.group("copula") else 3
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", clause[match.end() :])]
    phrase = _noun_phrase(words, limit)
    rest = words[len(phrase) :]
    if (rest[:1] and rest[0] in _EN_SEMI_MODAL) or (phrase[:1] and phrase[0] in _WHAT_DOES):
        return []
    if phrase and rest[:1] == ["of"] and set(tokenize(" ".join(phrase))) <= _TYPE_WORDS | _CLASSIFIERS:
        measured = rest[1:]
        while measured[:1] and measured[0] in ("the", "a", "an", "its", "their", "our", "your"):
            measured = measured[1:]
        return _noun_phrase(measured, 3) or phrase
    return phrase


def _asked_noun(clause: str, phrase: list[str]) -> str:
    """The last word of the noun phrase the focus begins, when the interrogative stands before a noun ("what
    valuation", "how many square meters", "what is the title"), not before a predicate ("what is unusual"); a
    hyphened word modifies the noun rather than heading it ("which well-known companies")."""
    if _EN_WHO_HEAD.search(clause) and phrase:
        # "who is the harbour master of …": the role, which a passage must name for anyone to be named in it
        return phrase[-1] if phrase[-1].isalpha() else ""
    match = _EN_HEAD.search(clause)
    if match is None or (match.group("copula") and not match.group("det")) or not phrase:
        return ""
    # "what extra obligations does …": the focus stops at the first word, the noun it modifies follows
    words = _noun_phrase([w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", clause[match.end() :])], 3)
    head = words[-1] if words else ""
    return head if head.isalpha() else ""


_WHAT_DOES = frozenset(["makes", "happens", "applies", "follows", "remains", "matters"])
"""Verbs whose subject "what" is ("what makes a platform large?"): no head noun follows the interrogative."""

_CLASSIFIERS = frozenset(tokenize("kind kinds type types sort sorts categories"))
"""Nouns that only sort what follows them: "what kinds of data" asks about data."""


def _noun_phrase(words: list[str], limit: int) -> list[str]:
    phrase: list[str] = []
    for word in words:
        if _EN_PHRASE_END.match(word) or _WH_WORDS.match(word) or word in _EN_SEMI_MODAL:
            break
        if phrase and _PLURAL.match(phrase[-1]) and not word.endswith("s") and word != "not":
            # "how many skippers qualify …": a plural noun modifies no noun after it ("skipper licences"); the word
            # after it is the verb it is the subject of
            break
        phrase.append(word)
        if len(phrase) == limit:
            break
    if len(phrase) > 1 and len(words) == len(phrase) + 1 and words[-1] in _OBJECT_PRONOUNS:
        # "how many skippers' licences covers that?": the word before a pronoun ending the question is the verb
        # taking it as its object
        phrase = phrase[:-1]
    cut_short = len(phrase) == limit and len(words) > limit
    if phrase and not cut_short and _PAST_TENSE.match(phrase[-1]):
        # "how many skippers enrolled at …": a participle modifies a noun after it ("registered users"); last before a
        # function word, it is the verb the question asks of the noun before it, or of none ("how many applied")
        phrase = phrase[:-1]
    return phrase


_OBJECT_PRONOUNS = frozenset(["it", "them", "that", "this", "these", "those"])
_PAST_TENSE = re.compile(r"^[a-z]{2,}(?<!e)ed$")
_PLURAL = re.compile(r"^[a-z]{2,}(?<![sui])s$")
"""A plural noun's ending: not the "-ss", "-us" and "-is" of singulars ("access", "status", "basis")."""


_EN_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z]+(?:[-'’][A-Za-z]+)*\b(?!\.\s*\d)")
_NOT_NAMES = frozenset(
    [
        *("OK", "Mr", "Ms", "Mrs", "Dr", "No", "Art", "Para"),
        # the parts of a law, capitalised before their numbers ("And Article 7 of the ferry law?"): where to look
        *("Article", "Articles", "Paragraph", "Paragraphs", "Chapter", "Section", "Item", "Items"),
        # the everyday abbreviations of business English: words of the language, not names of anything a document
        # must mention ("our overseas HQ", "the HR team")
        *("HQ", "HR", "CEO", "CFO", "CTO", "COO", "IT", "IPO", "PR", "KPI", "SME", "SMEs", "VC", "FAQ", "API", "APIs"),
    ]
)
"""Capitalised by convention, not names."""


EN_PRONOUNS = (
    r"\b(?:it|its|they|them|their|theirs|he|she|his|her)\b"
    r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?!\s+(?:is|are|was|were|be|must|may|shall)\b)"
)
ZH_PRONOUNS = r"它|其(?!他|它|余|中|实|次)"
PRONOUN = re.compile(f"{EN_PRONOUNS}|{ZH_PRONOUNS}", re.I)
"""A pronoun: in a follow-up, it stands for the subject of the previous question. A determiner ("that one",
"those platforms") may set its noun apart from what was named before."""


_POSSESSIVE = re.compile(r"['’]s$")


_ASKER = re.compile(r"^\s*(?:(?:we|our|us|i|my)\b|我们|我司|本公司|我)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!;])\s+|(?<=[。！；])")


def without_the_askers_situation(text: str) -> str:
    """The text without the sentences before its last that tell of the asker ("We're a German retailer with no
    office in China. Does the PIPL …"): they set the scene of the question, and a name in them (the asker's
    country, town or parent company) is not what the question asks the documents about."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    return " ".join([s for s in sentences[:-1] if not _ASKER.match(s)] + sentences[-1:])


def proper_names(question: str) -> list[str]:
    """Names the question uses: capitalised words inside an English sentence; place and organisation names in
    Chinese (jieba's ns and nt: its person and 'other proper noun' tags catch too many common words)."""
    # Whether a Chinese question spaces the Latin words it holds ("渡轮 App 要登记吗") is a typing habit: read as
    # written without the spaces, as the Chinese around them is.
    text = _SPACE_BY_CJK.sub("", question.strip()) if has_cjk(question) else question.strip()
    # "Nvidia's": the name is Nvidia; its possessive's "s" is a token every index holds
    names = [
        _POSSESSIVE.sub("", m.group(0))
        for m in _EN_NAME.finditer(text)
        if not _glosses(m.group(0), text[: m.start()], text[m.end() :])
    ]
    names = [name for name in names if name not in _NOT_NAMES]
    if has_cjk(question):
        names += [
            w
            for w, flag in _posseg().cut(question)
            if flag in ("ns", "nt")
            and len(w) >= 2
            and has_cjk(w)
            and w not in _ZH_GENERIC  # 东西 is tagged ns
            and not _ZH_WORD_AND_LOCATIVE.fullmatch(w)
        ]
    return names


def _glosses(name: str, before: str, after: str) -> bool:
    """Whether a name in brackets only glosses the words before it: "首席数据官（CDO）", "the protection officer
    (DPO)". Those words are what the question asks about; the gloss need not be in the text."""
    opened = re.search(r"(\S+)\s*[（(]\s*$", before)
    if opened is None or not re.match(r"\s*[)）]", after):
        return False
    return has_cjk(opened.group(1)[-1]) or abbreviates(name, before[: opened.end()])


_CJK_CHARACTER = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"  # characters, their punctuation, full-width forms
_SPACE_BY_CJK = re.compile(rf"(?<={_CJK_CHARACTER})\s+|\s+(?={_CJK_CHARACTER})")
_ZH_WORD_AND_LOCATIVE = re.compile(r"[\u4e00-\u9fff][里中内]")
"""One character and the locative after it, which the segmenter may glue into a place name: "同一部法里" ("in the
same law") is tagged as the place 法里."""
_ABBREVIATION = re.compile(r"[A-Z]{2,6}(?=s?$)")
_SKIPPED_IN_ACRONYMS = frozenset({"of", "and", "the", "for", "on", "in", "to"})


def name_parts(name: str) -> list[str]:
    """The words a name is made of: a Chinese name's shortest words of two characters or more, as search mode
    segments it ("深圳经济特区": 深圳, 经济, 特区); an English name is one part."""
    if not has_cjk(name):
        return [name]
    import jieba

    words = {w for w in jieba.cut_for_search(name) if len(w) >= 2}
    return [w for w in words if not any(other != w and other in w for other in words)] or [name]


def abbreviates(name: str, text: str) -> bool:
    """Whether ``name``, when an abbreviation (MLPS, ID, GPUs), stands for words of ``text``: as an acronym, their
    initials ("multi-level protection scheme"); as a truncation, a word's beginning ("ID": "identity")."""
    match = _ABBREVIATION.match(name)
    if match is None:
        return False
    letters = match.group(0).lower()
    if re.search(rf"\b{letters}[a-z]{{2,}}", text, re.I):
        return True
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _SKIPPED_IN_ACRONYMS]
    return letters in "".join(w[0] for w in words)


_DEMONYM = re.compile(r"(?P<stem>[A-Z][a-z]{2,}?)(?:ese|ian|an|n|ish|i)$")


_CONTRASTED = re.compile(r"\b(?:the other|another)\b", re.I)
"""A question about something other than what was named before it."""
_LAW_WORDS = frozenset(t for names in LAW_NAMES.values() for name in names for t in tokenize(name))
_NAME_SPAN = re.compile(r"\b[A-Z][A-Za-z]*(?:-[A-Za-z]+)*(?:\s+[A-Z][A-Za-z]*(?:-[A-Za-z]+)*)*")
_CAPITALISED_BY_CONVENTION = frozenset(
    [
        *_NOT_NAMES,
        *("AI", "RMB", "CNY", "USD", "Yuan"),
        *("January", "February", "March", "April", "May", "June", "July", "August", "September", "October"),
        *("November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    ]
)
_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an)\s+$")
_SENTENCE_START = re.compile(r"(?:^[(（]?|\n\s*[(（]?|[.?!:;]\s+|[(（]?\d+[)）]\s*|\bArticle \d+\s+)$")


_LAW_ABBREVIATIONS = "|".join(a for names in LAW_NAMES.values() for a in names if " " not in a and "-" not in a)
_LAW_OWNER = re.compile(
    rf"['’]s\s+(?:(?:[\w-]+\s+){{0,6}}?(?:laws?|regulations?|rules|measures|provisions|code)|{_LAW_ABBREVIATIONS})\b",
    re.I,
)


def name_spans(text: str) -> list[str]:
    """The names a text uses, each a run of capitalised words ("Foundation Model Innovation Center", "Infinigence
    AI"); a possessive ends one ("Pudong's Model Power Community": two). A sentence's first word counts only as
    part of a longer run; words capitalised by convention (months, "Article", "AI", "RMB") and laws never."""
    spans: list[str] = []
    for match in _NAME_SPAN.finditer(text):
        if _LAW_OWNER.match(text, match.end()):
            continue  # "China's PIPL": whose law it is, not what is asked about
        if _INDEFINITE_BEFORE.search(text[: match.start()]):
            continue  # "a Class C ferry": a kind of ferry, not a thing of its own; a name takes no "a"
        # "AI-related": a conventional capital before a hyphen is no name either
        words = [w for w in match.group(0).split() if w.split("-")[0] not in _CAPITALISED_BY_CONVENTION]
        starts_sentence = bool(_SENTENCE_START.search(text[: match.start()]))
        if starts_sentence and (len(words) == 1 or (words and words[0].lower() in EN_STOP)):
            words = words[1:]
        if words and not set(tokenize(" ".join(words))) <= _LAW_WORDS:  # "These Regulations", "the PIPL"
            spans.append(" ".join(words))
    return spans


def same_name(asked: str, named: str) -> bool:
    """Whether two names stand for one thing: one's words run inside the other's ("Infinigence" in "Infinigence
    AI", "Xuhui" in "Xuhui-based …"), one abbreviates the other ("MPC"), or one is the other's adjective
    ("Chinese", "China")."""
    return (
        name_within(asked, named)
        or name_within(named, asked)
        or abbreviates(asked, named)
        or demonym_of(asked, named)
        or demonym_of(named, asked)
    )


def name_within(short: str, long: str) -> bool:
    """Whether the words of one name run inside another's, hyphened words read as two."""
    inner, outer = short.lower().replace("-", " ").split(), long.lower().replace("-", " ").split()
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))


def demonym_of(name: str, text: str) -> bool:
    """Whether ``name`` is the adjective of a place ``text`` names: "Chinese" of China, "Japanese" of Japan,
    "Indian" of India, "European" of Europe."""
    match = _DEMONYM.match(name)
    return match is not None and bool(re.search(rf"\b{match.group('stem')}[a-z]{{0,2}}\b", text))


_COMPARED = (
    re.compile(r"\bdifferen(?:ce|ces|t)\s+between\s+(.+?)\s+and\s+(.+?)\s*$", re.I),
    re.compile(r"\bhow\s+(?:does|do|is|are)\s+(.+?)\s+differ(?:ent)?\s+from\s+(.+?)\s*$", re.I),
    re.compile(r"\bcompare\s+(.+?)\s+(?:with|to|and)\s+(.+?)\s*$", re.I),
    re.compile(
        r"([^，,。？?]+?)(?:和|与|跟)([^，,。？?]+?)(?:之间)?(?:有|的)?(?:什么|何|哪些)?(?:区别|不同|差别|差异)"
    ),
)


_LEADING_LINK = re.compile(r"^(?:(?:the|a|an)\s+|[里中内的在对]|关于|对于)", re.I)
"""What may stand before a compared term once the law naming its scope is out: "个人信息保护法里去标识化"."""


def compared(clause: str) -> list[str]:
    """The two things a comparison asks about ("the difference between de-identification and anonymization",
    "去标识化和匿名化有什么区别"): the answer must say what each is, so both are its focus."""
    for pattern in _COMPARED:
        if match := pattern.search(clause):
            return [_LEADING_LINK.sub("", term.strip(" “”\"'")) for term in match.groups()]
    return []


_SUPERVISING_WORDS = 2
"""The most words a question asking who oversees has besides its verb and the body asked for ("Who polices that
rule?", "省一级谁来管？"): one with more ("Who enforces the berth fees at night?") asks about something the law
says."""


def _asks_only_who_supervises(clause: str) -> bool:
    """Whether the clause (the law it names left out) asks who oversees, and nothing more (see QuestionFrame)."""
    if not SUPERVISION_ASKED.search(clause):
        return False
    rest = SUPERVISION_ASKED.sub(" ", clause)
    named = [w for w in asked_words(rest) if not w.startswith("#") and w not in _TYPE_WORDS and w not in ZH_STOP]
    return len(named) <= _SUPERVISING_WORDS


@lru_cache(maxsize=256)  # read several times per question (judging, candidates, refusal reasons); frozen
def frame(question: str) -> QuestionFrame:
    clause = main_clause(question)
    zh = has_cjk(clause)
    types = answer_types(question)
    if not types and EXTREME.search(fold(clause)) and MONEY_HEAD.search(clause):
        types = frozenset({AMOUNT})  # "the biggest fine", "最高罚款": a sum of money, not any figure
    # A law the question names is where to look, not what is asked about: "网络数据安全管理条例什么时候施行".
    scope = without_laws(clause, list(LAW_NAMES))
    defined = _defined_term(scope) if DEFINITION in types else None
    if defined is None and DEFINITION in types and not asks(clause):
        # "那船舶法里呢？" after a definition question asks the same term's definition in another law
        defined = _defined_term(without_laws(spelled_out(question), list(LAW_NAMES)))
    words = defined if defined is not None else compared(scope) or (_zh_focus(scope) if zh else _en_focus(scope))
    if not words and not types - answer_types(clause) and (headed := headed_phrase(scope)):
        words = headed[1]  # "Filing deadline?": what the time is of, as in "What is the filing deadline?"
    only_type = set(tokenize(" ".join(words))) <= _TYPE_WORDS
    if words and not zh and types & {AGENT, PLACE, TIME, PERCENT, LAW} and only_type:
        words = []  # "which department enforces …": the head is the type; what follows is the verb phrase
    # A noun that only names the answer's type ("which department", "哪个部门", "多少钱") is not an attribute
    # the evidence must mention.
    type_words = _TYPE_WORDS if types & {AGENT, PLACE, TIME, PERCENT, LAW} or zh else set()
    if AMOUNT in types:
        type_words = type_words | _MONEY_WORDS  # "how much money", "多少钱": the sum asked for
    extreme_words = set(tokenize(" ".join(m.group(0) for m in EXTREME.finditer(clause))))
    if NUMBER in types:
        extreme_words |= _COUNT_WORDS  # "at what volume": the figure asked for, not an attribute named in the text
    provision_words = _PROVISION_WORDS if WHICH_PROVISION.search(clause) else set()
    focus = [
        t
        # as windows are covered: "a firm's bills" asks about fees, and no window holds the possessive's "s"
        for t in coverage_words(" ".join(words))
        if t not in type_words | extreme_words | _DUTY_WORDS | provision_words and t not in EN_STOP and t not in ZH_STOP
    ]
    return QuestionFrame(
        text=question,
        lang="zh" if zh else "en",
        types=types,
        # As coverage_tokens has them: a one-character Chinese word ("多少人") is matched as its character.
        focus=tuple(dict.fromkeys(f"#{t}" if len(t) == 1 and has_cjk(t) else t for t in focus)),
        noun=_asked_noun(scope, words) if focus and not zh else "",
        # "And the cluster on the other side of the river?": not the one the chat named before
        names=() if zh else tuple(name_spans(clause if _CONTRASTED.search(clause) else question)),
        extreme=bool(EXTREME.search(fold(clause))),
        shared_by=() if zh else _shared_by(clause),
        which_provision=bool(WHICH_PROVISION.search(clause)),
        exception=bool(EXCEPTION_ASKED.search(clause)),
        scope=YESNO in types and bool(SCOPE_ASKED.search(clause)),
        contents=bool(CONTENTS_ASKED.search(clause)),
        supervisor=AGENT in types and _asks_only_who_supervises(scope),
        # the type may come from the question before ("要向谁报告？"), and what it asks of the body with it
        recipient=AGENT in types
        and bool(_ZH_RECIPIENT_ASKED.search(question) if zh else _STRANDED_RECIPIENT.search(clause)),
        acted_on=_acted_on(clause) if AGENT in types and not zh else (),
        time=time_kind(question) if TIME in types else "",
        timed_act=_timed_act(question) if TIME in types else frozenset(),
        consequence=bool(
            CONSEQUENCE.search(clause)
            or _FACING.search(clause)
            or (CONSEQUENCE.search(question) and _continues(clause))
            or (_BREACH.search(clause) and _HYPOTHETICAL.search(clause) and _continues(clause))
        ),
    )


_ZH_ASKED_LIMIT = re.compile(
    r"(?:至少|最少|最多|最长|最短|不少于|不超过)?\s*(?:要|得|需要|需)?\s*有?\s*"
    r"(?:(?:多少|几)\s*(?:个)?(?:工作日|天|日|小时|个月|月|年|周|星期)|多久|多长时间)(?:以内|之内|内)?"
)
ZH_CLAUSE = re.compile(r"[^，,；;。？?！!]+")
"""A clause of Chinese text: what lies between two of its clause or sentence marks."""
_ZH_SENTENCE_END = re.compile(r"[。？?！!]")
_EN_ASKED_LIMIT = re.compile(
    rf"\b(?:within )?how (?:long|soon|many (?:working )?(?:days|hours|weeks|months|years))\b|{HOW_FAST_MUST}"
    r"|\bwithin what (?:time|period)\b|\bby when\b",
    re.I,
)
_EN_LIMIT_NOUN = re.compile(r"\b(?:deadlines?|time limits?)\b", re.I)
_EN_CLAUSE = re.compile(r"[^,;:.?!]+")
_EN_COMPLEMENT = re.compile(r"^\s*(?:to|for)\b", re.I)
_EN_DETERMINER = re.compile(r".*\b(?:the|a|an|any|its|their|our|your|this|that|there|is|what|what's|s)\b", re.I)


def _timed_act(question: str) -> frozenset[str]:
    """The act a question asks a time limit for (QuestionFrame.timed_act). In Chinese, the clause around the asked
    limit, with the sentences after it: a follow-up's act may be elliptic ("多久内得办完？"), its object named in the
    question before. In English, the rest of the clause after "how long", "within how many days"; or what
    modifies "deadline" and the "to …" or "for …" after it ("the application deadline", "the deadline for firms to
    apply"); "Is there an exact deadline?" names none."""
    if has_cjk(question):
        for clause in ZH_CLAUSE.finditer(question):
            if _ZH_ASKED_LIMIT.search(clause.group(0)):
                end = _ZH_SENTENCE_END.search(question, clause.end())
                later = question[end.end() :] if end else ""
                return frozenset(coverage_tokens(f"{_ZH_ASKED_LIMIT.sub(' ', clause.group(0))} {later}"))
        return frozenset()
    for clause in _EN_CLAUSE.findall(question):
        if asked := _EN_ASKED_LIMIT.search(clause):
            return _act(clause[asked.end() :])
        if noun := _EN_LIMIT_NOUN.search(clause):
            modifiers = _EN_DETERMINER.sub(" ", clause[: noun.start()])
            after = clause[noun.end() :]
            return _act(f"{modifiers} {after if _EN_COMPLEMENT.match(after) else ''}")
    return frozenset()


_AGENT_TOKENS = frozenset(tokenize(AGENT_NOUNS.replace("|", " ")))
_EN_SUBJECT = re.compile(
    r"\b(?:do|does|did|must|should|can|could|may|might|will|would|shall|is|are|was|were|has|have|had)\s+"
    r"((?:[\w'’-]+\s*){1,3})",
    re.I,
)
"""The words after a question's auxiliary, where its subject stands ("must the ferry operator keep")."""


def _act(words: str) -> frozenset[str]:
    """The coverage tokens of an English act, less the noun of who does it, the subject after the auxiliary: "must
    the ferry operator" shares "operator" with every duty of operators, and "must each person" shares "person" with
    any provision on personal data. Not an object: "tell the harbour authorities" says to whom."""
    tokens = coverage_tokens(words)
    if subject := _EN_SUBJECT.search(words):
        actors = set(coverage_tokens(subject.group(1))) & _AGENT_TOKENS
        tokens = [t for t in tokens if t not in actors]
    return frozenset(tokens)


_DISTRIBUTIVE = re.compile(
    r"\b(?:a single|any single|any one|each|every|per)\s+(?!(?:the|a|an|of|its|their|one)\b)((?:[a-z][\w-]*\s*){1,3})",
    re.I,
)
"""A figure asked per one of many: "a single company", "each firm", "per request" (the closed class of English
distributive determiners); not "per the article", which says where."""
_INVERTED = re.compile(r"\b(?:do|does|did|can|could|may|might|must|shall|should|will|would)\s*$", re.I)


def _shared_by(clause: str) -> tuple[str, ...]:
    """The noun phrase a distributive determiner opens, up to the first function word: "a single company can get"
    -> company; "per data portability request under …" -> data portability request. As the subject after an
    auxiliary ("How much does each firm get?", "can a single start-up receive …"), its verb follows it and is no
    part of it."""
    for match in _DISTRIBUTIVE.finditer(clause):
        words = list(itertools.takewhile(lambda w: w.lower() not in EN_STOP, match.group(1).split()))
        if len(words) > 1 and _INVERTED.search(clause[: match.start()]):
            words = words[:-1]
        if words:
            return tuple(words)
    return ()


_BREACH = re.compile(
    r"违反|不遵守|不履行|未履行|不配合|拒不|"
    # a duty left undone, said as its verb negated at the head of the clause: "不备案会怎样？", "要是没报告呢？"
    r"^\s*(?:那|那么)?\s*(?:如果|要是|假如)?\s*(?:企业|公司|平台|他们|它)?\s*(?:不|没有?|未)(?![得能可需必同少多])|"
    r"\b(?:violat\w*|breach\w*|ignor\w*|break\w*|disobey\w*|(?:does|do|did) not|don't|doesn't|didn't|"
    r"fails? to|without)\b",
    re.I,
)
_FACING = re.compile(
    r"\bwhat (?:can|could|will|would|might|may) happen to\b"
    r"|\bwhat (?:do|does|can|could|will|would) [\w\s'’-]{1,40}? face\b",
    re.I,
)
"""What a party may face: "What can happen to a platform that …?", "What does a company face if …?"."""
_HYPOTHETICAL = re.compile(
    r"如果|要是|的话|了呢|会怎样|会怎么样|怎么办|\bwhat if\b|\bwhat happens\b|^\s*(?:and\s+)?if\b", re.I
)
"""A breach supposed ("违反了呢？", "What if a platform ignores it?"): asking what it costs, naming no sanction."""


def _continues(clause: str) -> bool:
    """Does the clause that asks carry on the aspect of what follows it (a follow-up's previous question)? It asks
    for no kind of answer of its own ("What if it causes a large leak?"), or only for a quantity ("how high can
    it go?"): after a question on a penalty, it still asks about the penalty."""
    return not answer_types(clause) - {NUMBER, AMOUNT}
