"""What a question asks for, read from its structure: the expected answer type, its focus, its salient terms.

The answer type comes from a small general taxonomy (amount, number, percentage, time, agent, place, list,
yes/no, definition), read from the question's interrogative phrase: "how much", "when", "which department",
"是否", "哪个部门", "多久". The focus is the head of what is asked about ("the minimum registered capital",
"罚款"): a near-miss question asks for an attribute the evidence does not state, and its focus is what shows it.
Nothing here names a topic of any document.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..language import fold, has_cjk
from ..lexical import EN_STOP, ZH_STOP, tokenize

LAW = "law"
"""A law or regulation by name ("which law governs …", "依据哪部法律"): the evidence must come from, or cite, one."""
DATE, DURATION, FREQUENCY = "date", "duration", "frequency"
"""What kind of time a question asks for: when something happens, how long it lasts, or how often."""
AMOUNT, NUMBER, PERCENT, TIME, AGENT, PLACE, LIST, YESNO, DEFINITION = (
    "amount",
    "number",
    "percentage",
    "time",
    "agent",
    "place",
    "list",
    "yes/no",
    "definition",
)
ANSWER_TYPES = (AMOUNT, NUMBER, PERCENT, TIME, AGENT, PLACE, LIST, YESNO, DEFINITION, LAW)
_AUXILIARIES = r"(?:do|does|did|is|are|was|were|must|shall|should|can|could|may|might|have|has|had|will|would)"

# Nouns whose class says what kind of answer "which/what X" wants. General vocabulary of the taxonomy's classes.
PERSON_NOUNS = (
    "person|persons|people|individual|individuals|official|officials|parent|parents|guardian|guardians|"
    "representative|representatives|employee|employees|staff|manager|managers|director|directors|founder|founders|"
    "investor|investors|user|users|consumer|consumers|owner|owners|member|members"
)
"""People by role: who can answer a "who/whose" question, in a question ("which investor") or in the evidence."""
_AGENT_NOUNS = (
    "department|departments|authority|authorities|body|bodies|agency|agencies|ministry|ministries|organ|organs|"
    "office|government|governments|organisation|organisations|organization|organizations|institution|institutions|"
    "regulator|regulators|commission|bureau|court|courts|entity|entities|party|parties|"
    f"company|companies|firm|firms|operator|operators|provider|providers|{PERSON_NOUNS}"
)
_PLACE_NOUNS = (
    "city|cities|district|districts|province|provinces|region|regions|area|areas|country|countries|place|"
    "places|location|locations|zone|zones|park|parks|site|sites|bank|address"
)
_TIME_NOUNS = (
    "year|years|date|dates|month|months|day|days|time|deadline|deadlines|period|periods|duration|"
    "time limit|time frame|timeframe|age|hours?|weeks?"
)
_QUANTITY_NOUNS = "percentage|percent|share|proportion|portion|rate|ratio"
_EXTREME = re.compile(
    r"\b(?:maximum|minimum|max|min|highest|lowest|biggest|largest|greatest|smallest|upper limit|lower limit|cap|"
    r"ceiling|at most|at least|up to)\b"
    # "the most a firm can be fined", but not "the most difficult constraint"
    r"|\bthe (?:most|least) (?:that )?(?:\w+ ){1,3}(?:can|could|may|might|will|would|must)\b"
    r"|最高|最低|最多|最少|上限|下限|最长|最短|至多|至少",
    re.I,
)
_CONSEQUENCE = re.compile(
    r"\b(?:penalt(?:y|ies)|fine[sd]?|punish\w*|sanction\w*|liable|liability|consequences?)\b"
    r"|罚|处分|法律责任|追责|追究",
    re.I,
)
"""A question about what breaking a rule costs: answered by the provisions that punish it, which cite the rule."""
_MONEY_HEAD = re.compile(r"\b(?:fines?|fees?|charges?)\b|罚款|罚金|费用|收费", re.I)
"""Sums of money a rule imposes: the extreme of one ("the maximum fine") is an amount."""
_EN_AUX = (
    "is|are|was|were|do|does|did|can|could|may|might|must|shall|should|will|would|has|have|had|need|needs|"
    "isn't|aren't|doesn't|don't|can't|won't"
)
_EN_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(?:{_EN_AUX})\b", re.I), YESNO),
    (
        re.compile(
            r"\bwhich\s+(?:\w+\s+)?(?:laws?|regulations?|acts?)\b|\bwhat\s+(?:laws?|regulations?|acts?)\b", re.I
        ),
        LAW,
    ),
    # "When did it open?" asks for a time; "when is an assessment needed?", "when must a firm …" for conditions.
    (
        re.compile(
            r"\bhow (?:long|soon|often|frequently)\b|\bby when\b|\bwithin (?:how|what)\b"
            r"|\bwhen\b(?!\s+(?:is|are|must|should|shall|do|does|can|may|need|needs)\b)",
            re.I,
        ),
        TIME,
    ),
    (re.compile(rf"\bhow many (?:\w+ )?(?:{_TIME_NOUNS})\b", re.I), TIME),
    (re.compile(rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_TIME_NOUNS})\b", re.I), TIME),
    (re.compile(rf"\b(?:what|which)\s+(?:{_QUANTITY_NOUNS})\b|\bwhat share\b", re.I), PERCENT),
    (re.compile(r"\bhow much\b|\b(?:what|which)\s+(?:\w+\s+)?(?:amount|sum|total)\b", re.I), AMOUNT),
    (re.compile(r"\bhow (?:many|large|big|high|far|old)\b", re.I), NUMBER),
    # "who" asks at the start of a clause; after a noun it is a relative pronoun ("an owner who never registers").
    (re.compile(r"(?:^|[,;:]|\band|\bor|\bbut)\s*(?:who|whom|whose)\b|\b(?:by|from|to|with|of) whom\b", re.I), AGENT),
    (re.compile(rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_AGENT_NOUNS})\b", re.I), AGENT),
    (re.compile(rf"\bwhere\b|\b(?:what|which)\s+(?:\w+\s+)?(?:{_PLACE_NOUNS})\b", re.I), PLACE),
    (
        re.compile(
            r"\b(?:what|which) (?:are|were)\b|\blist\b"
            r"|\b(?:what|which) (?!is\b|was\b|does\b|has\b|this\b)\w*[^\Wsui]s\b"  # a plural: not "process", "status"
            # "what extra obligations does …": a plural head after the interrogative, before the verb
            rf"|\b(?:what|which) (?:(?!{_AUXILIARIES}\b)\w+[ -]){{0,2}}\w*[^\Wsui]s (?:{_AUXILIARIES})\b"
            r"|\bname the\b"
            r"|\bwhat (?:kinds?|types?|categories|forms|sorts) of\b",
            re.I,
        ),
        LIST,
    ),
    (
        re.compile(
            r"\bwhat (?:does|do|did) .{1,60}\bmean\b|\bwhat is meant by\b|\bdefin(?:e|ed|ition)\b|\bmeaning of\b|"
            r"^\s*what is (?:an? )?(?!the\b)[\w'’ -]{1,40}$",
            re.I,
        ),
        DEFINITION,
    ),
)
_ZH_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"是否|能否|可否|是不是|有没有|可不可以|能不能|吗[？?]?$"), YESNO),
    (re.compile(r"(?:哪|什么|何)(?:部|个|项|种)?(?:法律|法规|法|条例|规定|办法)"), LAW),
    (
        re.compile(
            r"多久|多长时间|什么时候|何时|哪一?[年天]|几[月日天年]|哪个月|期限|时限|日期|几个工作日|几次"
            r"|多少(?:个)?(?:工作日|天|日|小时|年|个月|周)"
        ),
        TIME,
    ),
    (re.compile(r"百分之几|比例|比率|占比|几成"), PERCENT),
    (re.compile(r"多少钱|罚多少|罚款.{0,4}多少|多少[^，。？]{0,4}(?:元|费|钱|罚款)|金额|费用是多少|费率"), AMOUNT),
    (re.compile(r"多少|几[个家项名人次倍条]|多大|多高"), NUMBER),
    (re.compile(r"谁|哪[个些一]?(?:部门|机构|机关|单位|组织|主体|方|级)|什么(?:部门|机构|机关|单位|组织|主体)"), AGENT),
    (re.compile(r"哪里|在哪(?![些个一])|什么地方|哪[个些一]?(?:地方|城市|地区|区域|省|市|区)"), PLACE),
    (re.compile(r"什么是|是指什么|指什么|是什么意思|含义|定义|何谓"), DEFINITION),
    (re.compile(r"哪些|包括什么|有什么|几类|几种"), LIST),
)
_EN_TIME_KINDS = (
    (re.compile(r"\bwhen\b|\bwhat (?:date|day|month|year)\b|\bwhich (?:date|day|month|year)\b", re.I), DATE),
    (re.compile(r"\bhow (?:often|frequently)\b|\bhow many times\b|\bonce a\b", re.I), FREQUENCY),
    (re.compile(r"\bhow (?:long|soon)\b|\bhow many\b|\bwithin\b|\bdeadline|\bperiod\b|\bduration\b", re.I), DURATION),
)
_ZH_TIME_KINDS = (
    (re.compile(r"几月|哪一?天|何时|什么时候|哪一?年|几号|日期|哪个月"), DATE),
    (re.compile(r"多久.{0,3}一次|几次|每年.{0,4}(?:几|多少)|频率|多长时间.{0,3}一次"), FREQUENCY),
    (
        re.compile(
            r"多久|多长时间|多少(?:个)?(?:工作日|天|日|小时|年|个月|周)|几(?:个)?(?:工作日|天|年|个月|小时)|期限|时限"
        ),
        DURATION,
    ),
)


def time_kind(question: str) -> str:
    """For a time question: 'frequency' (how often), 'duration' (how long, within how many days) or 'date'. Read
    from the clause that asks for the time, as answer_types reads it: the first, else the whole question (a
    follow-up searched with the question before it: "要是终止服务呢？ …多久内办理备案？")."""
    for clause in (main_clause(question), question.strip()):
        for pattern, kind in _ZH_TIME_KINDS if has_cjk(clause) else _EN_TIME_KINDS:
            if pattern.search(clause):
                return kind
    return DATE


_ZH_QUESTION_WORD = re.compile(r"多少|多久|多长|几|哪|什么|谁|何|是否|怎样|如何")
# The interrogative phrases that are followed by what is asked about: "how much X", "what X", "which X",
# "what is the X" (but not "what does X do", whose X is the subject).
_EN_HEAD = re.compile(
    r"\b(?P<wh>how (?:much|many)|what|which)(?P<copula>\s+(?:is|are|was|were))?"
    r"(?:\s+(?:the|a|an|its|their|this|that|these|those))?\s+(?!(?:does|do|did|has|have|had|can|could|may|might|"
    r"must|shall|should|will|would|is|are|was|were)\b)",
    re.I,
)
# Words that end a noun phrase in a question: prepositions, conjunctions, auxiliaries and other function words.
_EN_PHRASE_END = re.compile(
    r"^(?:for|of|in|on|at|to|by|from|with|within|under|into|about|over|after|before|since|during|per|than|that|which|"
    r"who|whom|whose|when|where|why|how|if|whether|and|or|but|is|are|was|were|be|been|being|do|does|did|has|have|"
    r"had|can|could|may|might|must|shall|should|will|would|the|a|an|this|these|those|its|their)$"
)
_WH_WORDS = re.compile(r"^(?:what|which|who|whom|whose|where|when|why|how|much|many|long)$")


_TYPE_WORDS = set(
    tokenize(" ".join((_AGENT_NOUNS, _PLACE_NOUNS, _TIME_NOUNS, _QUANTITY_NOUNS)).replace("|", " ").replace("?", ""))
    + tokenize("law laws regulation regulations act acts")
) | {
    "法律",
    "法规",
    "条例",
    "部门",
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


INTERROGATIVE_TOKENS = frozenset(
    [
        *tokenize("much many long often soon mean meant"),
        *("多少", "多久", "哪个", "哪些", "是否", "可以", "能否", "什么", "怎样", "如何", "哪", "几", "谁", "何时"),
    ]
)
"""Tokens that ask rather than say: no evidence is expected to contain them."""
_TYPE_NAMES = {
    LAW: "law or regulation",
    AMOUNT: "amount",
    NUMBER: "figure",
    PERCENT: "percentage",
    TIME: "date or time limit",
    AGENT: "body or person",
    PLACE: "place",
    DEFINITION: "definition",
    LIST: "list",
}


def type_names(kinds: list[str]) -> str:
    """'amount', 'amount or date or time limit': how a refusal names what the evidence lacks."""
    return " or ".join(_TYPE_NAMES.get(kind, kind) for kind in kinds)


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
    """For a time question, which kind of time: DATE, DURATION or FREQUENCY."""
    consequence: bool = False
    """Asks what breaking a rule costs (a fine, a penalty, 怎么罚): see answer/references.py."""

    @property
    def wants_quantity(self) -> bool:
        return bool(self.types & {AMOUNT, NUMBER, PERCENT}) or (self.extreme and not self.types - {LIST})


def main_clause(question: str) -> str:
    """The clause that carries the interrogative: the question up to its first clause break after it."""
    text = question.strip()
    for mark in ("？", "?"):
        text = text.split(mark, 1)[0]
    return text


_ANSWER_WORDS = {DEFINITION: {"zh": "所称 是指", "en": "means refers to"}}
"""How a text words an answer of some types, whatever the question calls it: a definition reads "本法所称数据，是指…",
"'important data' refers to …"."""


def answer_words(question: str) -> str:
    """Words to search for beside the question's own: those its type of answer is written with (see
    _ANSWER_WORDS); none for most questions."""
    lang = "zh" if has_cjk(main_clause(question)) else "en"
    return " ".join(_ANSWER_WORDS[kind][lang] for kind in sorted(answer_types(question)) if kind in _ANSWER_WORDS)


def answer_types(question: str) -> frozenset[str]:
    """The types the first clause asks for; when it asks for none ("第四十六条呢？ …最多罚多少？"), the rest's."""
    found = _clause_types(main_clause(question))
    return found or _clause_types(question.strip())


def _clause_types(clause: str) -> frozenset[str]:
    rules = _ZH_TYPE_RULES if has_cjk(clause) else _EN_TYPE_RULES
    found = [kind for pattern, kind in rules if pattern.search(clause)]
    if not found:
        return frozenset()
    if found[0] == YESNO:
        return frozenset({YESNO})  # "Is there a deadline …?" asks yes or no, whatever else it names
    # The first rule that matches names the interrogative; a list question may ask for a list of a type too.
    kinds = {found[0]}
    if LIST in found and found[0] in (AGENT, PLACE):
        kinds.add(LIST)
    return frozenset(kinds)


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
    ]
)
"""Words that may stand between what is asked about and the question word: "注册资本（要求）是多少"."""
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
    r"|\bmeaning of\s+(?:the\s+|an?\s+)?(.+)$|\bwhat is meant by\s+(?:the\s+|an?\s+)?(.+)$",
    re.I,
)
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,40})[”\"」』]")
_ZH_DEFINED = re.compile(r"什么是(.+)$|(.+?)(?:是什么意思|指什么|是指什么|的含义|的定义)")


def _defined_term(clause: str) -> list[str]:
    """The term a definition question asks about: "define important data", "什么是敏感个人信息"; a quoted term
    when the question quotes one (数据安全法里说的“数据”)."""
    if quoted := _QUOTED.search(clause):
        return [quoted.group(1)]
    match = (_ZH_DEFINED if has_cjk(clause) else _EN_DEFINED).search(clause)
    if match is None:
        return []
    term = next(g for g in match.groups() if g)
    term = re.sub(r"\b(?:under|in|of|according to)\b.*$", "", term, flags=re.I)  # "… under the PIPL"
    return [term.strip(" “”\"'《》")]


def _en_focus(clause: str) -> list[str]:
    """The head of what is asked about: the noun phrase after "what is the …" or "how many …", up to the first
    function word ("what is the minimum registered capital for …" -> minimum registered capital); the one noun
    after "which/what" when a verb follows ("which law governs …" -> law); none after who/when/where or
    "what does …"."""
    match = _EN_HEAD.search(clause)
    if match is None:
        return []
    # "which law governs …", "what fines does …": the word after which/what is the head, the next one a verb.
    limit = 1 if match.group("wh").lower() in ("what", "which") and not match.group("copula") else 3
    phrase: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'’-]*", clause[match.end() :]):
        lowered = word.lower()
        if _EN_PHRASE_END.match(lowered) or _WH_WORDS.match(lowered):
            break
        phrase.append(lowered)
        if len(phrase) == limit:
            break
    return phrase


_EN_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z]+(?:[-'’][A-Za-z]+)*\b(?!\.\s*\d)")
_NOT_NAMES = frozenset(["OK", "Mr", "Ms", "Mrs", "Dr", "No", "Art", "Para"])
"""Capitalised by convention, not names."""


def proper_names(question: str) -> list[str]:
    """Names the question uses: capitalised words inside an English sentence; place and organisation names in
    Chinese (jieba's ns and nt: its person and 'other proper noun' tags catch too many common words)."""
    names = [m.group(0) for m in _EN_NAME.finditer(question.strip()) if m.group(0) not in _NOT_NAMES]
    if has_cjk(question):
        names += [
            w
            for w, flag in _posseg().cut(question)
            if flag in ("ns", "nt") and len(w) >= 2 and has_cjk(w) and w not in _ZH_GENERIC  # 东西 is tagged ns
        ]
    return names


def frame(question: str) -> QuestionFrame:
    clause = main_clause(question)
    zh = has_cjk(clause)
    types = answer_types(question)
    if not types and _EXTREME.search(fold(clause)) and _MONEY_HEAD.search(clause):
        types = frozenset({AMOUNT})  # "the biggest fine", "最高罚款": a sum of money, not any figure
    words = _defined_term(clause) if DEFINITION in types else []
    words = words or (_zh_focus(clause) if zh else _en_focus(clause))
    if words and not zh and types & {AGENT, PLACE, TIME, PERCENT, LAW} and set(tokenize(words[0])) <= _TYPE_WORDS:
        words = []  # "which department enforces …": the head is the type; what follows is the verb phrase
    # A noun that only names the answer's type ("which department", "哪个部门", "多少钱") is not an attribute
    # the evidence must mention.
    type_words = _TYPE_WORDS if types & {AGENT, PLACE, TIME, PERCENT, LAW} or zh else set()
    extreme_words = set(tokenize(" ".join(m.group(0) for m in _EXTREME.finditer(clause))))
    focus = [
        t
        for t in tokenize(" ".join(words))
        if t not in type_words and t not in extreme_words and t not in EN_STOP and t not in ZH_STOP
    ]
    return QuestionFrame(
        text=question,
        lang="zh" if zh else "en",
        types=types,
        focus=tuple(dict.fromkeys(focus)),
        extreme=bool(_EXTREME.search(fold(clause))),
        time=time_kind(question) if TIME in types else "",
        consequence=bool(_CONSEQUENCE.search(clause)),
    )
