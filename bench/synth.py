"""Deterministic synthetic policy documents, English and Chinese, with chapters and articles, sized by chunk count.

Each document is drawn from its own seeded generator, so the documents of a 10k-chunk corpus are the first
documents of the 100k-chunk one, and two machines generating the same size write byte-identical files.
Every article (and every news paragraph) is one line short enough to be one chunk under the default
chunking (200 model tokens), so a corpus has as many chunks as the generator counts, give or take none.

    python bench/synth.py OUT_DIR --chunks 10000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EN_CITIES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Suzhou", "Chengdu", "Wuhan", "Hefei", "Nanjing", "Xi'an"]
EN_TOPICS = [
    "Artificial Intelligence Industry Development",
    "Computing Power Infrastructure",
    "Public Data Authorisation and Use",
    "Generative AI Service Management",
    "Algorithm Recommendation Governance",
    "Cross-Border Data Flows",
    "Intelligent Connected Vehicles",
    "Embodied Intelligence and Robotics",
    "AI+ Manufacturing Pilots",
    "Data Element Markets",
    "Open-Source Model Communities",
    "AI Talent Attraction",
    "Large Model Safety Evaluation",
    "Smart City Operations",
]
EN_KINDS = ["Measures", "Regulations", "Implementation Rules", "Provisions", "Action Plan", "Guidelines"]
EN_CHAPTERS = [
    "General Provisions",
    "Infrastructure",
    "Data Resources",
    "Innovation Support",
    "Industrial Application",
    "Security and Governance",
    "Talent and Funding",
    "Supervision and Administration",
    "Legal Liability",
    "Supplementary Provisions",
]
EN_ACTORS = [
    "The municipal commission of economy and informatization",
    "The municipal development and reform commission",
    "District people's governments",
    "The cyberspace administration",
    "The municipal data bureau",
    "The science and technology commission",
    "Enterprises providing generative AI services",
    "Platform operators",
    "Data exchanges",
    "Universities and research institutes",
    "Computing power centres",
    "Industrial park management committees",
    "Financial institutions",
    "Model developers",
    "Public data authorities",
    "Industry associations",
]
EN_VERBS = [
    "shall support",
    "shall establish",
    "may apply for",
    "shall file",
    "shall publish",
    "shall review",
    "is encouraged to build",
    "shall coordinate",
    "shall allocate funds for",
    "shall assess",
    "shall register",
    "may provide",
    "shall strengthen supervision of",
    "shall organise",
]
EN_OBJECTS = [
    "computing power vouchers",
    "data labelling bases",
    "model filing procedures",
    "security assessments of cross-border data transfers",
    "open-source model communities",
    "talent housing subsidies",
    "AI+ manufacturing pilot projects",
    "public data authorisation agreements",
    "the algorithm registry",
    "foundation model evaluation platforms",
    "corpus sharing mechanisms",
    "intelligent computing clusters",
    "green data centre retrofits",
    "venture capital guidance funds",
    "application scenario lists",
    "first-purchase insurance for AI products",
    "standardisation working groups",
    "personal information protection audits",
    "emergency response plans for model incidents",
    "interest subsidies on equipment loans",
    "cross-regional computing power scheduling",
    "trusted data spaces",
    "synthetic data test beds",
    "chip design service platforms",
]
EN_CONDITIONS = [
    "within {n} working days of receiving a complete application",
    "of up to {m} million yuan per project",
    "covering no more than {p} percent of eligible costs",
    "before {d}",
    "in accordance with national standards",
    "after an assessment by a qualified third party",
    "for a period of {y} years",
    "for enterprises whose annual revenue exceeds {m} million yuan",
    "on the basis of {p} percent of actual usage",
    "with priority given to small and medium-sized enterprises",
    "through the municipal one-stop service portal",
    "once every {y} years",
]
EN_NEWS_OPENERS = [
    "Officials said on {d} that",
    "According to a statement released on {d},",
    "At a press conference on {d},",
    "Industry observers noted that",
    "A spokesperson for the commission said that",
]

ZH_CITIES = ["上海市", "北京市", "深圳市", "杭州市", "苏州市", "成都市", "武汉市", "合肥市", "南京市", "西安市"]
ZH_TOPICS = [
    "人工智能产业发展",
    "算力基础设施建设",
    "公共数据授权运营",
    "生成式人工智能服务管理",
    "算法推荐治理",
    "数据跨境流动",
    "智能网联汽车",
    "具身智能与机器人",
    "人工智能赋能制造业",
    "数据要素市场",
    "开源模型社区",
    "人工智能人才引进",
    "大模型安全评估",
    "智慧城市运行",
]
ZH_KINDS = ["条例", "办法", "实施细则", "若干规定", "管理办法"]
ZH_CHAPTERS = [
    "总则",
    "基础设施",
    "数据资源",
    "创新支持",
    "产业应用",
    "安全与治理",
    "人才与资金",
    "监督管理",
    "法律责任",
    "附则",
]
ZH_ACTORS = [
    "市经济信息化部门",
    "市发展改革部门",
    "各区人民政府",
    "网信部门",
    "市数据局",
    "市科技部门",
    "提供生成式人工智能服务的企业",
    "平台经营者",
    "数据交易所",
    "高等院校和科研机构",
    "算力中心",
    "产业园区管理机构",
    "金融机构",
    "模型开发者",
]
ZH_VERBS = [
    "应当支持",
    "应当建立",
    "可以申请",
    "应当备案",
    "应当公布",
    "应当审查",
    "鼓励建设",
    "应当统筹",
    "应当安排资金用于",
    "应当评估",
    "可以提供",
    "应当加强监管",
]
ZH_OBJECTS = [
    "算力券",
    "数据标注基地",
    "模型备案程序",
    "数据出境安全评估",
    "开源模型社区",
    "人才住房补贴",
    "人工智能赋能制造业试点项目",
    "公共数据授权协议",
    "算法备案系统",
    "大模型评测平台",
    "语料共享机制",
    "智能算力集群",
    "绿色数据中心改造",
    "政府引导基金",
    "应用场景清单",
    "人工智能产品首购保险",
    "标准化工作组",
    "个人信息保护审计",
    "模型安全事件应急预案",
    "设备贷款贴息",
    "跨区域算力调度",
    "可信数据空间",
]
ZH_CONDITIONS = [
    "自受理申请之日起{n}个工作日内",
    "每个项目最高{m}百万元",
    "不超过核定费用的百分之{p}",
    "于{d}前",
    "按照国家标准",
    "经第三方机构评估后",
    "期限为{y}年",
    "对年营业收入超过{m}百万元的企业",
    "优先支持中小企业",
    "通过市一网通办平台",
]
ZH_NUMERALS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1..99 as Chinese numerals (一, 十, 十二, 二十, 二十一)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return ZH_NUMERALS[ones]
    return (ZH_NUMERALS[tens] if tens > 1 else "") + "十" + (ZH_NUMERALS[ones] if ones else "")


def roman(n: int) -> str:
    values = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


@dataclass(frozen=True)
class SynthDoc:
    name: str
    title: str
    lang: str
    doc_type: str
    date: str
    text: str
    chunks: int
    """Chunk-sized units in the text (articles, news paragraphs, the adoption line)."""
    articles: int


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        n=rng.choice([5, 7, 10, 15, 20, 30]),
        m=rng.choice([1, 2, 3, 5, 10, 20, 50, 100]),
        p=rng.choice([10, 20, 30, 40, 50, 60]),
        y=rng.choice([2, 3, 5]),
        d=f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    )


def _en_sentence(rng: random.Random, programme: str) -> str:
    actor, verb, obj = rng.choice(EN_ACTORS), rng.choice(EN_VERBS), rng.choice(EN_OBJECTS)
    condition = _fill(rng, rng.choice(EN_CONDITIONS))
    if rng.random() < 0.25:
        obj = f"{obj} under the {programme}"
    return f"{actor} {verb} {obj} {condition}."


def _zh_sentence(rng: random.Random, programme: str) -> str:
    actor, verb, obj = rng.choice(ZH_ACTORS), rng.choice(ZH_VERBS), rng.choice(ZH_OBJECTS)
    condition = _fill(rng, rng.choice(ZH_CONDITIONS))
    if rng.random() < 0.25:
        obj = f"{programme}中的{obj}"
    return f"{actor}{condition}{verb}{obj}。"


def make_document(index: int, seed: int = 0) -> SynthDoc:
    """Document number ``index`` of the corpus: its own generator, so it never depends on the others."""
    rng = random.Random(f"policy-synth:{seed}:{index}")
    roll = rng.random()
    year, month, day = rng.randint(2017, 2026), rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year}-{month:02d}-{day:02d}"
    chapters = rng.randint(4, 7)
    if roll < 0.30:  # a Chinese regulation, laid out like ../shared/corpus/zh
        city, topic, kind = rng.choice(ZH_CITIES), rng.choice(ZH_TOPICS), rng.choice(ZH_KINDS)
        title = f"{city}{topic}{kind}（第{index}号）"
        programme = f"{rng.choice(['星火', '浦江', '启明', '揽月', '长风', '天枢'])}{rng.randint(1, 99)}号专项"
        lines = [f"# {title}", "", f"{year}年{month}月{day}日 {city}人民代表大会常务委员会通过", ""]
        article = 0
        for chapter in range(1, chapters + 1):
            lines += [f"## 第{zh_number(chapter)}章  {ZH_CHAPTERS[(chapter - 1) % len(ZH_CHAPTERS)]}", ""]
            for _ in range(rng.randint(5, 10)):
                article += 1
                body = "".join(_zh_sentence(rng, programme) for _ in range(rng.randint(2, 4)))
                lines += [f"第{zh_number(article) if article < 100 else article}条 {body}", ""]
        return SynthDoc(f"zh-{index:06d}.md", title, "zh", "regulation", date, "\n".join(lines), article + 1, article)
    city, topic = rng.choice(EN_CITIES), rng.choice(EN_TOPICS)
    name = rng.choice(["Spark", "Pujiang", "Lighthouse", "Moonshot", "Bridge", "Compass"])
    programme = f"{name} {rng.randint(1, 99)} Programme"
    if roll < 0.85:  # an English regulation: chapters and numbered articles, one article a line
        title = f"{city} {rng.choice(EN_KINDS)} on {topic} (No. {index})"
        lines = [
            f"# {title}",
            "",
            f"Adopted on {date} by the {city} municipal people's congress standing committee.",
            "",
        ]
        article = 0
        for chapter in range(1, chapters + 1):
            lines += [f"## Chapter {roman(chapter)} {EN_CHAPTERS[(chapter - 1) % len(EN_CHAPTERS)]}", ""]
            for _ in range(rng.randint(5, 10)):
                article += 1
                body = " ".join(_en_sentence(rng, programme) for _ in range(rng.randint(2, 4)))
                lines += [f"Article {article} {body}", ""]
        return SynthDoc(f"en-{index:06d}.md", title, "en", "regulation", date, "\n".join(lines), article + 1, article)
    title = f"{city} moves on {topic.lower()} ({index})"
    lines = [f"# {title}", ""]
    paragraphs = rng.randint(8, 20)
    for _ in range(paragraphs):
        opener = _fill(rng, rng.choice(EN_NEWS_OPENERS))
        body = " ".join(_en_sentence(rng, programme) for _ in range(rng.randint(2, 3)))
        lines += [f"{opener} {body[0].lower()}{body[1:]}", ""]
    return SynthDoc(f"news-{index:06d}.md", title, "en", "news", date, "\n".join(lines), paragraphs, 0)


def documents(chunks: int, seed: int = 0) -> Iterator[SynthDoc]:
    """Documents until their chunk-sized units reach ``chunks``."""
    total, index = 0, 0
    while total < chunks:
        doc = make_document(index, seed)
        yield doc
        total += doc.chunks
        index += 1


def write_corpus(folder: Path, chunks: int, seed: int = 0) -> list[SynthDoc]:
    """Write the corpus (each document and its .meta.json sidecar) into a fresh ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    docs = list(documents(chunks, seed))
    for doc in docs:
        (folder / doc.name).write_text(doc.text + "\n", encoding="utf-8")
        meta = {"title": doc.title, "date": doc.date, "type": doc.doc_type, "lang": doc.lang}
        (folder / (doc.name + ".meta.json")).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return docs


def questions(docs: list[SynthDoc], n: int, seed: int = 1) -> list[str]:
    """A deterministic mix of questions over the corpus: named articles, topics, obligations; ~30% Chinese."""
    rng = random.Random(f"policy-synth-questions:{seed}")
    regulations = [d for d in docs if d.articles]
    out = []
    for i in range(n):
        doc = rng.choice(regulations)
        article = rng.randint(1, doc.articles)
        kind = i % 4
        if doc.lang == "zh":
            obj = rng.choice(ZH_OBJECTS)
            out.append(
                [
                    f"《{doc.title}》第{zh_number(article) if article < 100 else article}条规定了什么？",
                    f"{obj}如何申请？",
                    f"哪些部门负责{rng.choice(ZH_OBJECTS)}的监管？",
                    f"{rng.choice(ZH_ACTORS)}对{obj}有哪些义务？",
                ][kind]
            )
        else:
            obj = rng.choice(EN_OBJECTS)
            out.append(
                [
                    f"What does Article {article} of the {doc.title} say?",
                    f"Who may apply for {obj}?",
                    f"How long does the review of {obj} take?",
                    f"What funding is available for {obj} in {rng.choice(EN_CITIES)}?",
                ][kind]
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    docs = write_corpus(args.out, args.chunks, args.seed)
    by_lang: dict[str, int] = {}
    for doc in docs:
        by_lang[doc.lang] = by_lang.get(doc.lang, 0) + doc.chunks
    print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunk-sized units {by_lang} in {args.out}")


if __name__ == "__main__":
    main()
