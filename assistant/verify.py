"""Every answer sentence against the span it cites: citation present, figures present, content supported."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from .embedding import Embedder
from .language import CITATION_MARKER, CJK_RANGES, LAW_NAMES, PRC_PREFIX, ZH_NUMERAL, chinese_to_int, fold, law_key
from .lexical import tokenize
from .settings import VerifySettings
from .types import Answer, AnswerSentence

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "万": 1e4, "亿": 1e8}
_WORDS = {
    word: value
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    )
}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_ARABIC = re.compile(r"(\d+(?:[.,]\d+)*)\s*(%|percent|thousand|million|billion|trillion|万|亿)?", re.I)
# Chinese numerals count as figures only with a unit or a marker, so 之一/一般/统一 are not read as "1".
_CHINESE = re.compile(
    rf"(?<!\d)(第)?((?=[零〇一二两三四五六七八九十])[{ZH_NUMERAL}亿]+)"
    r"(条|款|项|章|节|元|万元|亿元|年|个月|月|日|天|个|家|倍|周岁|工作日|小时|人|%)"
)
_CHINESE_PERCENT = re.compile(rf"百分之([{ZH_NUMERAL}]+)")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.I)
# Capitalised words inside a sentence, acronyms, and a sentence's first word when possessive ("Xuhui's ...").
_NAME = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b|(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b|^[A-Z][a-z]+(?=['’]s\b)")
_ZH_BODY = re.compile(rf"国务院|[{CJK_RANGES}]{{2,6}}(?:部门|机关|委员会|政府|法院|检察院)")


def figures(text: str) -> set[str]:
    """Numbers, percentages, amounts, dates and article numbers, normalised so that one language's ways of
    writing the same figure compare equal ("1,000" = "1000", "第二十一条" = "第21条", "五十万元" = "50万元")."""
    text = unicodedata.normalize("NFKC", text)
    found: set[str] = set()
    for match in _CHINESE_PERCENT.finditer(text):
        try:
            found.add(_figure(chinese_to_int(match.group(1)), "%", ""))
        except ValueError:
            continue
    text = _CHINESE_PERCENT.sub(" ", text)
    for match in _CHINESE.finditer(text):
        prefix, numeral, unit = match.groups()
        try:
            value: float = chinese_to_int(numeral.replace("亿", "万万"))
        except ValueError:
            continue
        found.add(_figure(value, unit, prefix))
    cleaned = _CHINESE.sub(" ", text)
    for match in _ARABIC.finditer(cleaned):
        number, scale = match.groups()
        if number.count(".") > 1:  # 127.0.0.1, 2021.09.01, 3.1.4: an address, date or version, as written
            found.add(number)
            continue
        value = float(number.replace(",", ""))
        unit = (scale or "").lower()
        if unit in _SCALE:
            value *= _SCALE[unit]
            unit = ""
        following = cleaned[match.end() : match.end() + 2]
        if following.startswith("条"):
            unit = "条"
        found.add(_figure(value, unit, ""))
    for match in _NUMBER_WORD.finditer(cleaned):
        found.add(_figure(_WORDS[match.group(1).lower()], "", ""))
    found.update(m.group(1).lower() for m in _MONTH.finditer(cleaned))
    return found


def _figure(value: float, unit: str, prefix: str) -> str:
    if unit in ("万元", "亿元"):
        value *= _SCALE[unit[0]]
        unit = "元"
    if unit == "percent":
        unit = "%"
    number = int(value) if float(value).is_integer() else value
    kind = unit if unit in ("%", "条", "款", "项", "章", "节") else ""
    return f"{number}{kind}"


@dataclass(frozen=True)
class Verdict:
    supported: bool
    score: float
    reasons: tuple[str, ...]


class Verifier:
    """Calibrated on evals/verifier_labelled.jsonl: see docs/verifier.md."""

    def __init__(self, embedder: Embedder, idf: Callable[[str], float], settings: VerifySettings | None = None) -> None:
        settings = settings or VerifySettings()
        self.embedder = embedder
        self.idf = idf
        self.threshold = settings.threshold
        self.embedding_share = settings.embedding_share
        self.nli_model = settings.nli_model
        self.min_coverage = settings.min_coverage
        self.name_penalty = settings.name_penalty

    def check(self, sentence: str, spans: list[str], context: str = "") -> Verdict:
        """Is ``sentence`` supported by the cited ``spans``? ``context`` (the cited documents' titles) may supply the
        names a sentence uses ("Shanghai" for a span saying "the city"), but its words and figures count as support
        only for a sentence that names one of those documents: a title says what a document is, not what it says."""
        sentence = CITATION_MARKER.sub("", sentence).strip()
        if not spans:
            return Verdict(False, 0.0, ("no citation",))
        if any(" ".join(sentence.split()) == " ".join(span.split()) for span in spans):
            return Verdict(True, 1.0, ())  # the sentence is its cited text, verbatim
        names_context = context
        if not names_a_title(sentence, context):
            context = ""
        evidence = " ".join(spans)
        reasons = []
        allowed = figures(evidence) | figures(context)
        missing = sorted(figures(sentence) - allowed)
        if missing:
            reasons.append(f"figures not in the cited text: {', '.join(missing)}")
        # A name the span lacks may still be its referent ("the company"), so it costs support rather than
        # rejecting outright; a swapped or invented entity usually costs enough to fall below the threshold.
        named = set(_NAME.findall(sentence)) | set(_ZH_BODY.findall(sentence))
        absent = sorted(n for n in named if n.lower() not in (evidence + " " + names_context).lower())
        coverage = self.coverage(sentence, evidence, context)
        if coverage < self.min_coverage:
            reasons.append(f"only {coverage:.0%} of its terms are in the cited text")
        score = self.support(sentence, spans, context) - self.name_penalty * len(absent)
        if score < self.threshold:
            reasons.append(f"support {score:.2f} below {self.threshold:.2f}")
            if absent:
                reasons.append(f"names not in the cited text: {', '.join(absent)}")
        if not reasons and self.nli_model and not self._entails(evidence, sentence):
            reasons.append("the NLI model does not find the sentence entailed")
        return Verdict(not reasons, round(score, 4), tuple(reasons))

    def coverage(self, sentence: str, evidence: str, context: str = "") -> float:
        """IDF-weighted share of the sentence's terms found in the evidence or the document titles."""
        terms = set(tokenize(sentence))
        if not terms:
            return 0.0
        available = set(tokenize(evidence + " " + context))
        weights = {t: self.idf(t) for t in terms}
        return sum(w for t, w in weights.items() if t in available) / (sum(weights.values()) or 1.0)

    def support(self, sentence: str, spans: list[str], context: str = "") -> float:
        """Term coverage over all cited spans, blended with the embedding similarity to the closest span, as far
        as the model can read the sentence."""
        lexical = self.coverage(sentence, " ".join(spans), context)
        vectors = self.embedder.embed([sentence, *spans])
        similarity = float((vectors[1:] @ vectors[0]).max())
        share = self.embedding_share * self.embedder.coverage(sentence) ** 2
        return (1 - share) * lexical + share * similarity

    @cached_property
    def _nli(self) -> Any:
        from sentence_transformers import CrossEncoder

        from .embedding import EmbeddingError, resolve_model

        try:
            return CrossEncoder(resolve_model(self.nli_model))
        except Exception as exc:  # the library raises many kinds for a missing or corrupt model
            raise EmbeddingError(f"cannot load NLI model '{self.nli_model}': {exc}; unset verify.nli_model") from exc

    def _entails(self, premise: str, hypothesis: str) -> bool:
        scores = self._nli.predict([(premise, hypothesis)], apply_softmax=True)[0]
        labels = [label.lower() for label in self._nli.config.id2label.values()]
        return bool(labels[int(scores.argmax())].startswith("entail"))


def names_a_title(sentence: str, titles: str) -> bool:
    """Does the sentence name a cited document: a title, or the law a title belongs to (by any of its names)?"""
    folded = fold(sentence)
    for title in filter(None, (t.strip() for t in titles.split("\n"))):
        names = {fold(title), fold(title.removeprefix(PRC_PREFIX))}
        if key := law_key(title):
            names |= {key, *LAW_NAMES[key]}
        if any(name and name in folded for name in names):
            return True
    return False


def check_answer(answer: Answer, verifier: Verifier, show_unsupported: bool = False) -> Answer:
    """Drop (or flag) every sentence its citations do not support; renumber the survivors' markers by first use."""
    if answer.refused:
        return answer
    by_number = {c.number: c for c in answer.citations}
    kept: list[AnswerSentence] = []
    dropped: list[AnswerSentence] = []
    for sentence in answer.sentences:
        cited = [by_number[n] for n in sentence.citations if n in by_number]
        context = "\n".join(dict.fromkeys(c.title for c in cited))
        verdict = verifier.check(sentence.text, [c.quote for c in cited], context)
        if verdict.supported:
            kept.append(sentence)
        elif show_unsupported:
            kept.append(replace(sentence, supported=False, reason="; ".join(verdict.reasons)))
        else:
            dropped.append(replace(sentence, supported=False, reason="; ".join(verdict.reasons)))
    renumbered: dict[int, int] = {}
    for sentence in kept:
        for number in sentence.citations:
            renumbered.setdefault(number, len(renumbered) + 1)
    citations = [replace(by_number[old], number=new) for old, new in renumbered.items()]
    sentences = [replace(s, citations=tuple(renumbered[n] for n in s.citations)) for s in kept]
    return replace(answer, sentences=sentences, citations=citations, dropped=answer.dropped + dropped)
