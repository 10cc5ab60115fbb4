"""The kind of answer a question asks for, read from its interrogative phrase: a small general taxonomy (amount,
number, percentage, time, agent, place, list, yes/no, definition, law, reason) and the words of each language that
ask for each ("how much", "when", "which department", "是否", "哪个部门", "多久"). Nothing here names a topic of any
document.
"""

from __future__ import annotations

import re

from ..language import LAW_NAMES, has_cjk

LAW = "law"
"""A law or regulation by name ("which law governs …", "依据哪部法律"): the evidence must come from, or cite, one."""
DATE, YEAR, WHEN, DURATION, FREQUENCY, DEADLINE = "date", "year", "when", "duration", "frequency", "deadline"
"""What kind of time a question asks for: a calendar date ("what date", "几月"), when something happens (a date, or
a time limit counted from an event: "within ten working days of the change"), how long it lasts, or how often."""
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
BOUND = "bound"
"""A limit on something ("Does the ferry grant carry a maximum per boat?", "渡轮补贴有上限吗？"): asked whether one
exists, the evidence states a bound ("not more than", "at least", "up to", "以下", "不超过"), not just the thing it
would bound."""
REASON = "reason"
"""Why something is so, or what it is for ("why …", "what is the aim of …", "为什么", "目的是什么"): the evidence states
a purpose or a cause ("in order to", "so as to avoid", "the aim is", "为了", "以免", "由于")."""
ANSWER_TYPES = (AMOUNT, NUMBER, PERCENT, TIME, AGENT, PLACE, LIST, YESNO, DEFINITION, LAW, REASON)
REASON_NOUNS = "purpose|aim|goal|reason|rationale|objective|intent|intention|point"
"""Nouns naming why something is done: "what is the purpose of …" asks for a reason as "why" does."""
_AUXILIARIES = r"(?:do|does|did|is|are|was|were|must|shall|should|can|could|may|might|have|has|had|will|would)"

# Nouns whose class says what kind of answer "which/what X" wants. General vocabulary of the taxonomy's classes.
PERSON_NOUNS = (
    "person|persons|people|individual|individuals|official|officials|parent|parents|guardian|guardians|"
    "representative|representatives|employee|employees|staff|manager|managers|director|directors|founder|founders|"
    "investor|investors|user|users|consumer|consumers|owner|owners|member|members"
)
"""People by role: who can answer a "who/whose" question, in a question ("which investor") or in the evidence."""
AGENT_NOUNS = (
    "department|departments|authority|authorities|body|bodies|agency|agencies|ministry|ministries|organ|organs|"
    "office|government|governments|organisation|organisations|organization|organizations|institution|institutions|"
    "regulator|regulators|commission|bureau|court|courts|entity|entities|party|parties|"
    "company|companies|firm|firms|operator|operators|provider|providers|investor|investors|insurer|insurers|bank|banks|"
    f"start-up|start-ups|startup|startups|vendor|vendors|{PERSON_NOUNS}"
)
PLACE_NOUNS = (
    "city|cities|district|districts|province|provinces|region|regions|area|areas|country|countries|place|"
    "places|location|locations|zone|zones|park|parks|site|sites|bank|address"
)
TIME_NOUNS = (
    "year|years|date|dates|month|months|day|days|time|deadline|deadlines|period|periods|duration|"
    "time limit|time frame|timeframe|hours?|weeks?"
)
QUANTITY_NOUNS = "percentage|percent|share|proportion|portion|rate|ratio"
_DEFINITE = r"(?:the|its|their|this|that|these|those)"
"""A determiner pointing at one thing already known: "its fine" asks for that fine as "the fine" does, and for no
definition."""
BOUNDS_OF_A_TERM = (
    r"(?:\bwhat (?:counts as|qualifies as|is (?:considered|regarded|treated)(?: as)?"
    r"|makes (?:[\w'’-]+ ){1,5}?(?:count|qualify|be (?:considered|regarded|treated)) as)"
    r"|\bcriteri(?:a|on) (?:for|of)(?: being| qualifying as| counting as)?)"
)
"""How English asks for a term's definition without naming it ("what counts as", "what is considered", "what makes
a platform count as large", "the criteria for")."""
COUNT_NOUNS = "numbers|figures?|thresholds?|volumes?|sizes?|scales?"
"""Nouns naming a count or a magnitude: "what user numbers", "at what volume" ask for a figure."""
# The closed class of English superlatives of size, height and length, with the nouns and phrases of a bound.
EXTREME = re.compile(
    r"\b(?:maximum|minimum|max|min|highest|lowest|biggest|largest|greatest|smallest|longest|shortest|upper limit|"
    r"lower limit|cap|ceiling|at most|at least|up to)\b"
    # "the most a firm can be fined", "the most the directly liable person in charge can be fined", but not "the
    # most difficult constraint": a clause (its subject, then a modal) follows
    r"|\bthe (?:most|least) (?:that )?(?:[\w'-]+ ){1,6}(?:can|could|may|might|will|would|must)\b"
    # superlatives grading a penalty or a sum ("the worst case", "the harshest penalty"), not a difficulty ("the
    # toughest problem" asks which), and how far a thing can go ("How high can the harbour fee go?"): the bound of a
    # range
    r"|\b(?:worst|harshest|heaviest|severest|stiffest|steepest)\b"
    r"|\bhow (?:big|high|large|heavy|steep|severe) (?:a |an )?(?:[\w'-]+ ){0,4}(?:can|could|might|may)\b"
    r"|最高|最低|最多|最少|上限|下限|最长|最短|至多|至少|最重|最严|顶格",
    re.I,
)
CONSEQUENCE = re.compile(
    r"\b(?:penalt(?:y|ies)|fine[sd]?(?!-)|punish\w*|sanction\w*|liable|liability|consequences?)\b"
    r"|罚|处分|法律责任|追责|追究",
    re.I,
)
"""A question about what breaking a rule costs: answered by the provisions that punish it, which cite the rule."""
MEASURED_SANCTION = re.compile(
    r"罚款|警告|没收|吊销|责令|通报批评|拘留"
    r"|\bfine[sd]?\b(?!-)|\bwarnings?\b|\bconfiscat\w*|\brevok\w*|\brevocation\b|\bsuspen\w*|\bmake corrections\b",
    re.I,
)
"""A sanction a provision imposes itself, from the closed list of administrative penalties (warning, fine,
confiscation, suspension, revocation, an order to correct): unlike a referral ("依法追究刑事责任", "criminal
liability shall be pursued in accordance with the law"), which leaves what breaking the rule costs to other law."""
EXCEPTION_ASKED = re.compile(
    r"\b(?:always|ever|in (?:all|every|any) cases?|under (?:all|any) circumstances|without exception|no matter what)\b"
    r"|\b(?:any|an?|some) (?:situations?|cases?|circumstances?)\b(?!\s+law)|\bexempt(?:ed|ions?)?\b|\bexceptions?\b"
    r"|\b(?:not|never|n't) (?:\w+ )?(?:need|have|required|obliged|necessary) to\b|\bneed not\b|\bno need to\b"
    r"|例外|豁免|一定要|一定得|一定需要|都要|都得|都需要|都必须|无需|无须|不需要|不用|不必|可以不|免于|免予",
    re.I,
)
"""A question on whether a duty holds in every case, or when it does not ("Must the operator always warn them?", "Can
the fee ever be waived?", "是否一定要登记"): it is answered by the exception, where the text states one, more than by
the duty itself."""
SCOPE_ASKED = re.compile(
    r"\b(?:apply|applies|applicable) to\b|\bsubject to\b|\bcovered by\b"
    r"|适用|管(?:吗|不管|得着|不着)|受[^，,。？?]{0,16}管|归[^，,。？?]{0,16}管(?:吗|不管)"
)
"""A yes/no question on whether a law applies to a case ("Does the harbour law apply to rowing boats?",
"受这个办法管吗"): it is answered where the law says what it applies to, or does not."""
SUPERVISION_ASKED = re.compile(
    r"\b(?:enforc\w*|polic(?:e|es|ed|ing)|overse(?:e|es|eing|en)|oversight|supervis\w*|regulat(?:es?|ed|ing|ors?))\b"
    r"|监管|监督管理|主管|执法|(?<![保处代掌])管(?:理)?(?:工作)?(?=[？?呢吗]|$)",
    re.I,
)
"""Who oversees or enforces ("Who polices the ferry law?", "渡口归哪个部门管？", "这块谁监管？"): with an agent asked
and nothing else, the body a law charges with its supervision."""
CONTENTS_ASKED = re.compile(
    r"(?:目录|清单|(?<!提)名单)(?:里|中|上|内)?[^，,。？?]{0,6}?(?:哪些|什么(?!时候)|有啥)"
    r"|\b(?:which|what)\s+(?:[\w'’-]+\s+){0,10}?(?:are|is|were|was)\s+(?:\w+\s+)?"
    r"(?:on|in|listed (?:on|in)|included in)\s+(?:[\w'’-]+\s+){0,8}?(?:lists?|catalogs?|catalogues?)\b"
    r"|\bwhat(?:'s| is)\s+(?:on|in)\s+(?:[\w'’-]+\s+){0,8}?(?:lists?|catalogs?|catalogues?)\b",
    re.I,
)
"""A question on what a list or catalogue holds ("Which firms are on the export blacklist?", "名单上有哪些渡船？"):
answered by a provision that says what goes on it, not by one that only creates it ("…制定…目录")."""
MONEY_HEAD = re.compile(r"\b(?:fine[sd]?(?!-)|fees?|charge[sd]?)\b|罚款|罚金|费用|收费", re.I)
"""Sums of money a rule imposes: the extreme of one ("the maximum fine") is an amount."""
PAYING = re.compile(
    r"\b(?:fees?|charge[sd]?|charging|pay|pays|paid|paying|costs?)\b"
    # the fee's schedule and rate are the fee ("收费标准", "费率"): what the window says of them is of paying
    r"|[交付缴收花掏给]钱|(?:[交缴付收]费|(?<!消)费用?(?!者))(?:标准)?|费率|免费|无偿",
    re.I,
)
"""Paying, and what is paid: a yes/no question on it ("登记要交钱吗？", "Do members pay to join?") asks whether a
sum is due, and is answered by a passage that speaks of one (a fee, a charge, "free of charge"), or by none."""
_EN_AUX = (
    "is|are|was|were|do|does|did|can|could|may|might|must|shall|should|will|would|has|have|had|need|needs|"
    "isn't|aren't|doesn't|don't|can't|won't"
)
_EN_LEADING_PHRASE = r"(?:(?![^,?]*\b(?:what|which|who|whom|whose|why|how)\b)[^,?]{1,80},\s*)?"
"""What a question may open with before its verb: "Under the PIPL, can a company …?", "If a user withdraws consent,
does …?". Not a question of its own ("what counts as large, is there a user number?" asks what counts, and its
second clause only guesses at the answer); "when" and "where" also open conditions ("When a user asks, must …")."""
_LODGING = r"(?:files?|filed|submit(?:s|ted)?|report(?:s|ed)?|appl(?:y|ies)|registers?|lodges?|complains?|appeals?)\b"
"""Verbs of handing something to an authority: where one does it is a body, not a place."""
_CLAUSE_START = r"(?:^|[,;:]|\band|\bor|\bbut|\bso|\bthen|\balso)\s*"
"""Where an interrogative that may also join clauses ("who", "when") asks: at the start of a clause."""
_LEADING_LAW = re.compile(
    r"^\s*(?:the\s+)?(?:"
    + "|".join(sorted((re.escape(n) for names in LAW_NAMES.values() for n in names), key=len, reverse=True))
    + r")\b[\s:,-]*",
    re.I,
)
"""A law's name a search-box query opens with, as its topic ("dsl who enforces …", "ndsr when …"): the question
asks after it."""
WHICH_PROVISION = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(?:articles?|provisions?|sections?|clauses?|paragraphs?)\b(?!\s+\d)"
    r"|第几[条款项章]|哪(?:一|几|个)?[条款](?!件)|哪(?:一|个)?(?:项|个)?条款",
    re.I,
)
"""Asks which provision says something ("Which PIPL article covers …?", "第几条？", "哪一条规定了…"): the
answer names it, by its number."""
HOW_FAST_MUST = r"\bhow (?:quickly|fast|promptly)\b(?=\s+(?:must|should|shall|do|does|need|needs|has to|have to)\b)"
""""How quickly must the ferry be inspected?" asks for a time limit, as "how soon" does; "how fast are sales
rising?" for a rate."""

_EN_SUBJECT_START = "the|a|an|its|their|his|her|this|that|these|those|it|they|he|she|we|you|there|any|some|such"
"""How a clause's subject begins: a "when" before one opens a condition ("When a skipper leaves the harbour, for how
long are copies of the log kept?"), it does not ask."""

_EN_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_EN_LEADING_PHRASE}(?:{_EN_AUX})\b", re.I), YESNO),
    # "why" asks at the start of a clause ("and why?"); "the reason why" relates. A purpose is asked by its noun in
    # the singular ("what is the aim of …"): "what purposes may data be used for?" asks for a list of them.
    (
        re.compile(
            rf"{_CLAUSE_START}why\b|\bwhat (?:is|was) (?:the|its|their|his|her) (?:[\w-]+ ){{0,2}}(?:{REASON_NOUNS})\b"
            rf"|\bwhat (?:{REASON_NOUNS}) (?:does|do|did|is|was)\b|\bfor what (?:purpose|reason)\b|\bwhat for\b"
            r"|\bwhat (?:is|are|was|were) (?:[\w'’-]+ ){1,6}?(?:meant|intended|designed|supposed)"
            r" (?:to (?:achieve|accomplish|serve)\b|(?:\w+ ){0,3}for\s*$)",
            re.I,
        ),
        REASON,
    ),
    (
        re.compile(
            r"\bwhich\s+(?:\w+\s+)?(?:laws?|regulations?|acts?)\b|\bwhat\s+(?:laws?|regulations?|acts?)\b", re.I
        ),
        LAW,
    ),
    # "When did it open?" asks for a time; "when is an assessment needed?", "when must a firm …" for conditions.
    # Like "who", "when" asks at the start of a clause, before its verb ("when did …", "when and where …"); after a
    # verb ("what fine does a manager face when …") or before a subject ("and when the circumstances are serious,
    # …") it opens a condition.
    (
        re.compile(
            rf"\bhow (?:long|soon|often|frequently)\b|{HOW_FAST_MUST}|\b(?:by|since|until|till) when\b"
            r"|\bwithin (?:how|what)\b"
            # "When is the renewal deadline?": the "when is" of a condition has no deadline for its subject
            rf"|{_CLAUSE_START}when (?:is|was|are) (?:the |its |their )?(?:[\w'’-]+ ){{0,3}}?"
            r"(?:deadlines?|due dates?|time limits?)\b"
            rf"|{_CLAUSE_START}when\b(?!\s+(?:is|are|must|should|shall|do|does|can|may|need|needs|{_EN_SUBJECT_START})\b)"
            # "when lots of people are affected, who can sue?": a clause that another interrogative follows
            r"(?![^,?]*,\s*(?:who|whom|what|which|how|where)\b)",
            re.I,
        ),
        TIME,
    ),
    # "When does/do …" before the law's words for commencement asks for a date: when a rule takes effect. Other
    # verbs of beginning ("when does the duty begin?") ask for the condition that starts it.
    (
        re.compile(
            r"\bwhen (?:do|does|did|will|would|shall|is|are|was|were)\b.{0,80}?\b(?:take[sn]? effect|took effect"
            r"|(?:come|comes|came) into (?:force|effect)|(?:enter|enters|entered) into force|effective)\b",
            re.I,
        ),
        TIME,
    ),
    (re.compile(rf"\bhow many (?:\w+ )?(?:{TIME_NOUNS})\b", re.I), TIME),
    # "What is the deadline for …", "what's the retention period": the head after "the" is the time, as for an amount
    (
        re.compile(
            rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{TIME_NOUNS})\b(?!-)"
            rf"|\bwhat (?:is|are|was|were) {_DEFINITE} (?:[\w-]+ ){{0,3}}(?:{TIME_NOUNS})\b(?!-)",
            re.I,
        ),
        TIME,
    ),
    (re.compile(rf"\b(?:what|which)\s+(?:{QUANTITY_NOUNS})\b|\bwhat share\b", re.I), PERCENT),
    # A fine, a fee, a price are sums of money: "what fine", "what is the filing fee" ask for an amount.
    (
        re.compile(
            r"\bhow much\b|\b(?:what|which)\s+(?:\w+\s+)?(?:amount|sum|total|fines?(?!-)|fees?|prices?)\b"
            rf"|\bwhat (?:is|are|was|were) {_DEFINITE} (?:[\w-]+ ){{0,3}}(?:amount|sum|fines?(?!-)|fees?|prices?)\b"
            # "What does the certification cost?", "What do they pay in tuition?": the price is the answer
            r"|\bwhat (?:do|does|did|will|would|could|can|might)\b.{1,80}?(?<!\bin )\b(?:cost|charge|pay)\b"
            r"(?! attention| of\b)(?!(?: \w+){0,2} with\b)",
            re.I,
        ),
        AMOUNT,
    ),
    # An age is a number of years, stated as one ("under the age of 14"), not as a date or a period.
    # "What user numbers make a platform large?": the head is the count, whatever noun modifies it ("user").
    (
        re.compile(
            r"\bhow (?:many|large|big|high|far|old)\b|\b(?:what|which)\s+(?:\w+\s+)?ages?\b"
            rf"|\b(?:what|which)\s+(?:[\w-]+\s+){{0,2}}(?:{COUNT_NOUNS})\b"
            # "the number of berths" counts; "the licence number" names one, and asks no figure
            rf"|\bwhat (?:is|are|was|were) {_DEFINITE} (?:[\w-]+ ){{0,3}}"
            rf"(?:{COUNT_NOUNS}|number of(?! (?:the|a|an|this|that|its|their)\b))\b",
            re.I,
        ),
        NUMBER,
    ),
    # "who" asks at the start of a clause; after a noun it is a relative pronoun ("an owner who never registers").
    (re.compile(rf"{_CLAUSE_START}(?:who|whom|whose)\b|\b(?:by|from|to|with|of) whom\b", re.I), AGENT),
    (re.compile(rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{AGENT_NOUNS})\b", re.I), AGENT),
    # Where one files, reports or complains is an office: "Where do I file the details?" is answered by a body.
    # Like "who" and "when", "where" asks at the start of a clause; after a noun it relates ("any case where …").
    (re.compile(rf"{_CLAUSE_START}where\b(?:\s+[\w'’-]+){{0,10}}?\s+{_LODGING}", re.I), AGENT),
    (re.compile(rf"{_CLAUSE_START}where\b|\b(?:what|which)\s+(?:\w+\s+)?(?:{PLACE_NOUNS})\b", re.I), PLACE),
    # "What counts as a large platform?" asks where a term's bounds lie: its definition, not a list of counts.
    (re.compile(rf"{BOUNDS_OF_A_TERM}\b", re.I), DEFINITION),
    (
        re.compile(
            r"\b(?:what|which) (?:are|were)\b|\blist\b"
            # a plural: not "process", "status", nor a verb whose subject "what" is ("what happens", "what applies")
            r"|\b(?:what|which) (?!is\b|was\b|does\b|has\b|this\b|(?:happen|appl(?:ie)?|follow|remain|matter|make)s\b)"
            r"\w*[^\Wsui]s\b"
            # "what extra obligations does …": a plural head after the interrogative, before the verb
            rf"|\b(?:what|which) (?:(?!{_AUXILIARIES}\b)\w+[ -]){{0,2}}\w*[^\Wsui]s (?:{_AUXILIARIES})\b"
            r"|\bname the\b"
            # what something holds is a list of its contents: "what must the notice include", "what goes into it"
            r"|\bwhat\b.{0,60}?\b(?:includes?|contains?|consists? of|comprises?|covers?|go(?:es)? into|be included)\b"
            # "what kinds of …" asks for several; "what kind of permit" for one, described
            r"|\bwhat (?:kinds|types|categories|forms|sorts) of\b",
            re.I,
        ),
        LIST,
    ),
    (
        re.compile(
            r"\bwhat (?:does|do|did) .{1,60}\bmean\b|\bwhat is meant by\b|\bdefin(?:e|ed|ition)\b|\bmeaning of\b|"
            rf"^\s*what is (?:an? )?(?!{_DEFINITE}\b)[\w'’ -]{{1,40}}$",
            re.I,
        ),
        DEFINITION,
    ),
)
_ZH_HOW_LONG = r"多长(?=[？?，,。！]|$)"
_ZH_A_NOT_A = r"([\u4e00-\u9fff])[不没]\1"
"""A verb said and denied (能不能, 算不算, 管不管, 包不包括, 有没有) asks yes or no, as 是否 does."""

_ZH_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"是否|能否|可否|{_ZH_A_NOT_A}|吗[？?]?$"), YESNO),
    (
        re.compile(
            r"为什么|为何|何故|(?:目的|原因|宗旨|用意|初衷)(?:是什么|何在|为何|是啥)|(?:什么|何种)(?:目的|原因)|出于什么"
        ),
        REASON,
    ),
    (re.compile(r"(?:哪|什么|何)(?:部|个|项|种)?(?:法律|法规|法|条例|规定|办法)"), LAW),
    (
        re.compile(
            r"多久|多长时间|什么时候|何时|哪一?[年天]|几(?:个)?(?:月|日|天|年|小时|周|星期|工作日)|哪个月|期限|时限|日期|几次"
            # "站长任期多长？": asked at the end of its clause, as a length of time is in law
            rf"|多少(?:个)?(?:工作日|天|日|小时|年|个月|周|星期)|{_ZH_HOW_LONG}"
        ),
        TIME,
    ),
    (re.compile(r"百分之几|比例|比率|占比|几成"), PERCENT),
    # "交多少？", "赔多少？": how much is paid is a sum of money, when nothing is counted instead ("交多少份？")
    (
        re.compile(
            r"多少钱|[罚交缴付收赔花]多少(?=[？?，。！；]|$)|罚款.{0,4}多少|多少[^，。？]{0,4}(?:元|费|钱|罚款)"
            r"|金额|(?<!消)费(?:用)?(?:是|为|要|需要|大概)?多少|费率"
        ),
        AMOUNT,
    ),
    # "第几条" is an ordinal: which article, not how many
    # "哪几个部门", "哪几条路径" ask which ones, as 哪些 does: no count
    (re.compile(r"多少|(?<![第哪])几[个家项名人次倍条岁]|多大|多高"), NUMBER),
    (
        re.compile(
            # 方 as a party ("哪一方"), not the first character of a word of its own (方面, 方式, 方法, 方案)
            r"谁|哪(?:[个些一家]|几个?)?(?:部门|部委|机构|机关|单位|组织|主体|方(?![面式法案向针])|级)"
            r"|什么(?:部门|部委|机构|机关|单位|组织|主体)"
        ),
        AGENT,
    ),
    (re.compile(r"(?:哪里|哪儿)(?:去|来)?(?:报|备案|申请|投诉|举报|提交|登记|申诉)"), AGENT),
    (re.compile(r"哪里|在哪(?![些个一])|什么地方|哪[个些一]?(?:地方|城市|地区|区域|省|市|区)"), PLACE),
    (
        re.compile(
            r"什么是|是指什么|指什么|是什么意思|含义|定义(?!务)|何谓|(?:如何|怎么|怎样)(?:界定|认定)|(?:界定|认定)(?:标准|条件)"
            # "什么算渡运企业？", "什么样的船才算渡船？" ask what counts as one, as "what counts as" does (not 算力)
            r"|什么(?:样的[^，,。？?]{0,12})?(?:才)?算(?![力法术数])"
        ),
        DEFINITION,
    ),
    (re.compile(r"哪些|包括什么|有什么|几类|几种|几档|(?:怎么|如何|怎样)(?:来)?分类(?!分级)"), LIST),
)
_EN_NAMED_FREQUENCY = (
    r"\b(?:once|twice|\w+ times) (?:a|per|every) (?:year|month|quarter|week|day)\b"
    r"|\bevery (?:\w+ )?(?:years?|months?|quarters?|weeks?|days?)\b"
)
_ZH_NAMED_FREQUENCY = (
    r"每(?:[一二三两\d]+)?(?:个)?(?:年|季度|月|半年|周)|[几一二三两半\d]+(?:个)?(?:年|季度|月|周)[^，。？?]{0,4}一次"
)
_NAMED_FREQUENCY = re.compile(f"{_EN_NAMED_FREQUENCY}|{_ZH_NAMED_FREQUENCY}", re.I)
"""A frequency a question names ("once a year", "every two years", "每两年"): whether the law sets it is answered
by the frequency the law states, and a law stating none ("regularly") does not answer it."""
_EN_DEADLINE_ASKED = re.compile(r"\b(?:deadlines?|due dates?|time limits?|cut-?off dates?|by when)\b", re.I)
"""A question for the limit a duty must be met by ("When's the renewal deadline?", "By when must a log be filed?"): a
time limit answers it ("within 24 hours", "by 2027"), not the date something else happened on ("In September 2025,
Shanghai added …")."""
_EN_TIME_KINDS = (
    # "How long after the first opened did the second open?": the two dates answer
    # "In what year was it founded?": a day of the month ("every year on May 30") does not say which year
    (re.compile(r"\b(?:what|which) year\b", re.I), YEAR),
    (re.compile(r"\b(?:what|which) (?:date|day|month)\b|\bhow long (?:after|before)\b", re.I), DATE),
    (_EN_DEADLINE_ASKED, DEADLINE),
    (re.compile(rf"\bwhen\b(?!\s+(?:{_EN_SUBJECT_START})\b)", re.I), WHEN),
    (
        re.compile(rf"\bhow (?:often|frequently)\b|\bhow many times\b|\bfrequency\b|{_EN_NAMED_FREQUENCY}", re.I),
        FREQUENCY,
    ),
    (
        re.compile(rf"\bhow (?:long|soon)\b|{HOW_FAST_MUST}|\bhow many\b|\bwithin\b|\bperiod\b|\bduration\b", re.I),
        DURATION,
    ),
)
_ZH_TIME_KINDS = (
    (re.compile(r"哪一?年(?!度)|哪个年份"), YEAR),
    (re.compile(r"几月|哪一?天|几号|日期|哪个月"), DATE),
    (re.compile(r"何时|什么时候"), WHEN),
    (
        re.compile(
            rf"多久.{{0,3}}一次|每隔|几次|每年.{{0,4}}(?:几|多少)|频率|多长时间.{{0,3}}一次|{_ZH_NAMED_FREQUENCY}"
        ),
        FREQUENCY,
    ),
    (
        re.compile(
            r"多久|多长时间|多少(?:个)?(?:工作日|天|日|小时|年|个月|周|星期)|几(?:个)?(?:工作日|天|年|月|小时|周|星期)|期限|时限"
            rf"|{_ZH_HOW_LONG}"
        ),
        DURATION,
    ),
)


def time_kind(question: str) -> str:
    """For a time question: 'frequency' (how often), 'duration' (how long, within how many days) or 'date'. Read
    from the clause that asks for the time, as answer_types reads it: the first, else the whole question (a
    follow-up searched with the question before it: "要是终止服务呢？ …多久内办理备案？")."""
    first = main_clause(question)
    for clause in (first,) if asks(first) else (first, spelled_out(question)):
        # An English interrogative that comes first asks: "how long … keep records when you hand them over?" asks
        # how long the keeping lasts, and its "when" opens a condition. Of two starting together, the more
        # specific. Chinese asks in place ("每年几月"), where the order of the rules decides.
        zh = has_cjk(clause)
        found = [
            (0 if zh else match.start(), order, kind)
            for order, (pattern, kind) in enumerate(_ZH_TIME_KINDS if zh else _EN_TIME_KINDS)
            if (match := pattern.search(clause))
        ]
        if found:
            # "When's the deadline …?" asks for the deadline, whatever interrogative it opens with
            return DEADLINE if any(kind == DEADLINE for *_, kind in found) else min(found)[2]
    return DATE


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
    REASON: "reason or purpose",
    BOUND: "limit",
}


def type_names(kinds: list[str]) -> str:
    """'amount', 'amount or date or time limit': how a refusal names what the evidence lacks."""
    return " or ".join(_TYPE_NAMES.get(kind, kind) for kind in kinds)


_CONTRACTED_IS = re.compile(r"\b(what|who|where|when|how|why|which|that|it|there|here)['’]s\b", re.I)
_CONTRACTED_NOT = re.compile(r"\b(\w+n)['’]t\b", re.I)
_IRREGULAR_NOT = {"can": "can", "won": "will", "shan": "shall"}
_CONTRACTED_VERB = re.compile(r"\b(\w+)['’](re|ve|ll)\b", re.I)
_VERBS = {"re": "are", "ve": "have", "ll": "will"}


_ZH_COLLOQUIAL = {"啥": "什么", "咋": "怎么"}
"""The colloquial interrogatives of written Chinese chat and their standard forms ("是啥意思", "咋申请"): they ask
as 什么 and 怎么 do, in every compound ("啥时候", "咋办")."""
_ZH_COLLOQUIAL_PATTERN = re.compile("|".join(_ZH_COLLOQUIAL))


def spelled_out(question: str) -> str:
    """The question with its English contractions written out ("What's the fine" -> "What is the fine", "doesn't"
    -> "does not") and its colloquial Chinese interrogatives in their standard form ("啥" -> "什么"), as the
    patterns that read its type and focus expect. A possessive "'s" stays."""
    text = _ZH_COLLOQUIAL_PATTERN.sub(lambda m: _ZH_COLLOQUIAL[m[0]], question.strip())
    text = _CONTRACTED_IS.sub(r"\1 is", text)
    text = _CONTRACTED_NOT.sub(lambda m: f"{_IRREGULAR_NOT.get(m[1].lower(), m[1][:-1])} not", text)
    return _CONTRACTED_VERB.sub(lambda m: f"{m[1]} {_VERBS[m[2].lower()]}", text)


def main_clause(question: str) -> str:
    """The clause that carries the interrogative: the question up to its first clause break after it."""
    text = spelled_out(question)
    for mark in ("？", "?"):
        text = text.split(mark, 1)[0]
    # "We run two ferries. Must we keep a logbook?": the asker's situation comes first, as sentences of
    # its own; the question is the last sentence
    text = _SENTENCE_BREAK.split(text)[-1]
    # "What counts as large, is it about users?": the second clause guesses at the answer of the first
    if second := _GUESSED_ANSWER.match(text) or _ZH_GUESSED_ANSWER.match(text):
        text = second.group(1)
    return text


_SENTENCE_BREAK = re.compile(r"(?<=[.!;])\s+(?=[A-Z])|(?<=[。！；])\s*(?=\S)")
_GUESSED_ANSWER = re.compile(rf"^((?=[^,]*\b(?:what|which|who|whom|whose|why|how)\b)[^,]*),\s*(?:{_EN_AUX})\b", re.I)
_ZH_GUESSED_ANSWER = re.compile(
    r"^((?=[^，,]*(?:多少|几|什么|哪|谁|多久|多长))[^，,]*)[，,]\s*(?:就|还|难道)?是[^，,]*吗\s*$"
)
"""The Chinese of it: "比例是多少，是一半吗？" asks for the ratio; the clause after guesses at it."""


_ANSWER_WORDS = {DEFINITION: {"zh": "所称 是指", "en": "means refers to"}}
"""How a text words an answer of some types, whatever the question calls it: a definition reads "本法所称数据，是指…",
"'important data' refers to …"."""


def answer_words(question: str) -> str:
    """Words to search for beside the question's own: those its type of answer is written with (see
    _ANSWER_WORDS); none for most questions."""
    lang = "zh" if has_cjk(main_clause(question)) else "en"
    return " ".join(_ANSWER_WORDS[kind][lang] for kind in sorted(answer_types(question)) if kind in _ANSWER_WORDS)


_EN_INTERROGATIVE = re.compile(
    rf"\b(?:what|which|who|whom|whose|when|where|why|how)\b|^\s*{_EN_LEADING_PHRASE}(?:{_EN_AUX})\b", re.I
)
_ZH_INTERROGATIVE = re.compile(rf"什么|哪|谁|多少|几|如何|怎|何|是否|能否|可否|吗|{_ZH_A_NOT_A}")


def asks(clause: str) -> bool:
    """Does the clause hold an interrogative of its own? An elliptic follow-up ("第四十六条呢？", "And Article
    56?") holds none: it asks what the question before it asked."""
    return bool((_ZH_INTERROGATIVE if has_cjk(clause) else _EN_INTERROGATIVE).search(clause))


def answer_types(question: str) -> frozenset[str]:
    """The types the first clause asks for. A first clause with no interrogative ("第四十六条呢？ …最多罚多少？")
    asks what the rest asks, unless it is a noun phrase whose head names a type ("Filing deadline?", "备案费用？");
    one that asks, but for no type ("What do they have to publish every year? How do the Rules define …"), asks for
    none, whatever the question it is searched with asked."""
    clause = _LEADING_LAW.sub("", main_clause(question))
    found = _clause_types(clause)
    if found or asks(clause):
        return found
    if headed := headed_phrase(clause):
        return frozenset({headed[0]})
    return _clause_types(spelled_out(question))


_EN_TYPE_HEADS = (
    (AMOUNT, r"fees?|costs?|prices?|amounts?|sums?|fines?(?!-)|charges?"),
    (TIME, f"{TIME_NOUNS}|frequency"),
    (NUMBER, f"{COUNT_NOUNS}|number|count"),
    (PERCENT, QUANTITY_NOUNS),
)
_ZH_TYPE_HEADS = (
    (AMOUNT, r"(?:费用?|手续费|金额|罚款|罚金|价格)(?:标准)?"),
    (TIME, r"期限|时限|日期|时间|频率|周期"),
    (NUMBER, r"门槛|人数|数量|数目|规模"),
    (PERCENT, r"比例|比率|占比"),
)
_EN_LEAD_IN = re.compile(r"^\s*(?:(?:and|but|also|so|then|ok|okay)\b[\s,]*)+", re.I)
_ZH_LEAD_IN = re.compile(r"^\s*(?:那么|那|还有|另外)|呢\s*$")


def headed_phrase(clause: str) -> tuple[str, list[str]] | None:
    """An elliptic question made of one noun phrase whose head names the type of answer, as "What is the …?" would
    ask it: "Filing deadline?" (a time), "Number of resident companies?" (a figure), "备案费用？" (an amount),
    "社会责任报告的频率？" (a time). Returns the type and the words that say what it is of ("filing", "resident
    companies", "备案"); None for any other clause ("And for a repeat offence?", "境外的呢？")."""
    if has_cjk(clause):
        phrase = _ZH_LEAD_IN.sub("", clause.strip(" ，,。.")).strip()
        for kind, heads in _ZH_TYPE_HEADS:
            if match := re.fullmatch(rf"([\u4e00-\u9fff《》]{{0,12}}?)的?(?:{heads})", phrase):
                return kind, [match.group(1)] if match.group(1) else []
        return None
    phrase = _EN_LEAD_IN.sub("", clause.strip(" ,.")).strip()
    for kind, heads in _EN_TYPE_HEADS:
        match = re.fullmatch(
            rf"(?:(?:the|a|an|its|their|any)\s+)?((?:[\w'’-]+\s+){{0,4}}?)(?:{heads})"
            r"(?:\s+(?:of|for|on|under|in)\s+((?:[\w'’-]+\s*){1,8}))?",
            phrase,
            re.I,
        )
        if match and not re.match(r"(?:of|for|to|in|on|under|with|by|per)\b", phrase, re.I):
            return kind, (match.group(1) + " " + (match.group(2) or "")).split()
    return None


_EXISTENCE = re.compile(r"\b(?:is|are) there\b|有没有|有(?=.{0,8}吗)", re.I)
_EXISTING_TIME = re.compile(rf"\s*(?:(?:an?|any|some)\s+)?(?:[\w-]+\s+)?(?:{TIME_NOUNS})\b", re.I)


def _clause_types(clause: str) -> frozenset[str]:
    rules = _ZH_TYPE_RULES if has_cjk(clause) else _EN_TYPE_RULES
    found = [kind for pattern, kind in rules if pattern.search(clause)]
    if not found:
        return frozenset()
    if found[0] == YESNO:
        # "Does it apply …?" asks yes or no, whatever else it names; "Is there a deadline?", "有期限吗？" ask whether
        # the thing exists, and it is answered by stating it.
        measured: list[str] = []
        if existence := _EXISTENCE.search(clause):
            named = clause[existence.end() :]
            measured = [k for k in found[1:] if k in (TIME, AMOUNT, NUMBER, PERCENT)]
            measured += [TIME] if _EXISTING_TIME.match(named) else []
            measured += [AMOUNT] if MONEY_HEAD.search(named) else []
        elif PAYING.search(clause) and not CONSEQUENCE.search(clause):
            measured = [AMOUNT]
        elif _NAMED_FREQUENCY.search(clause):
            # "Must the audit be done once a year?" is answered by the frequency the law sets, if it sets one.
            measured = [TIME]
        return frozenset({YESNO, measured[0]}) if measured else frozenset({YESNO})
    # The first rule that matches names the interrogative; a list question may ask for a list of a type too.
    kinds = {found[0]}
    if LIST in found and found[0] in (AGENT, PLACE):
        kinds.add(LIST)
    return frozenset(kinds)
