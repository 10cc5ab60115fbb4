"""Scoring one answer against its case, and the metrics over a set of cases."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from ..chunking import heading_article
from ..types import Answer
from .dataset import Case, Span, contains_fact, normalise_for_match

METRICS = (
    "citation_precision",
    "citation_char_precision",
    "citation_recall",
    "fact_recall",
    "refusal_accuracy",
    "false_refusal_rate",
    "refusal_auc",
    "counterpart_accuracy",
    "hit@1",
    "hit@5",
    "hit@10",
    "mrr",
    "uncited_sentence_rate",
    "unsupported_sentence_rate",
    "answer_chars_p50",
    "latency_p50_ms",
    "latency_p95_ms",
)
LOWER_IS_BETTER = {
    "false_refusal_rate",
    "uncited_sentence_rate",
    "unsupported_sentence_rate",
    "answer_chars_p50",
    "latency_p50_ms",
    "latency_p95_ms",
}


@dataclass
class CaseResult:
    id: str
    question: str
    answerable: bool
    tags: list[str]
    answer: str
    refused: bool
    citations: list[dict[str, Any]]
    gold: list[dict[str, Any]]
    retrieved: list[dict[str, Any]]
    first_hit_rank: int | None
    citations_correct: int
    citations_total: int
    gold_matched: int
    facts_found: list[str]
    facts_missing: list[str]
    sentences: int
    uncited_sentences: int
    unsupported_sentences: int
    generated_sentences: int
    """Generated sentences the verifier found unsupported by their citations (dropped or flagged)."""
    latency_ms: float
    char_precision: float | None = None
    """Share of the cited characters that lie inside gold spans (answered answerable cases only)."""
    confidence: float = 0.0
    """The pipeline's belief that the question is answerable (for refusal_auc)."""
    answer_chars: int = 0
    counterparts_correct: int = 0
    counterparts_total: int = 0
    """Cited articles of a translated law (or of an original with a translation), and how many of them came with
    the right article of the other text."""
    lost: list[str] = field(default_factory=list)


def score_case(case: Case, answer: Answer, latency_ms: float, pairs: dict[str, str] | None = None) -> CaseResult:
    cited = [Span(c.doc_id, c.start, c.end) for c in answer.citations]
    retrieved = [Span(r.doc_id, r.start, r.end) for r in answer.retrieved]
    first_hit = next((i + 1 for i, span in enumerate(retrieved) if any(span.matches(g) for g in case.gold)), None)
    answer_text = normalise_for_match(" ".join(s.text for s in answer.sentences)) if not answer.refused else ""
    found = [f for f in case.facts if contains_fact(answer_text, normalise_for_match(f))]
    sentences = 0 if answer.refused else len(answer.sentences)
    result = CaseResult(
        id=case.id,
        question=case.question,
        answerable=case.answerable,
        tags=case.tags,
        answer=answer.text,
        refused=answer.refused,
        citations=[{"doc": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote} for c in answer.citations],
        gold=[asdict(g) for g in case.gold],
        retrieved=[{"rank": r.rank, "doc": r.doc_id, "start": r.start, "end": r.end} for r in answer.retrieved],
        first_hit_rank=first_hit,
        citations_correct=sum(any(c.matches(g) for g in case.gold) for c in cited) if case.answerable else 0,
        citations_total=len(cited) if case.answerable else 0,
        gold_matched=sum(any(c.matches(g) for c in cited) for g in case.gold),
        facts_found=found,
        facts_missing=[f for f in case.facts if f not in found],
        sentences=sentences,
        uncited_sentences=0 if answer.refused else sum(1 for s in answer.sentences if not s.citations),
        unsupported_sentences=len(answer.dropped) + sum(1 for s in answer.sentences if not s.supported),
        generated_sentences=len(answer.dropped) + len(answer.sentences),
        latency_ms=latency_ms,
        char_precision=char_precision(cited, case.gold) if case.answerable and cited and not answer.refused else None,
        confidence=answer.confidence if answer.confidence is not None else float(not answer.refused),
        answer_chars=0 if answer.refused else sum(len(s.text) for s in answer.sentences),
    )
    result.counterparts_correct, result.counterparts_total = counterparts(answer, pairs or {})
    result.lost = lost_metrics(result, len(case.gold))
    return result


def counterparts(answer: Answer, pairs: dict[str, str]) -> tuple[int, int]:
    """(right, all) counterparts among the answer's citations of an article in a document that has another
    language's text (``pairs``, read from the corpus's sidecars, not from the index): right means the other text's
    article of the same number, found and shown."""
    right = total = 0
    for citation in answer.citations:
        number = heading_article(citation.heading_path)
        if citation.doc_id not in pairs or not number:
            continue
        total += 1
        other = citation.counterpart
        if other is not None and not other.missing and other.doc_id == pairs[citation.doc_id]:
            right += heading_article(other.heading_path) == number
    return right, total


def char_precision(cited: list[Span], gold: list[Span]) -> float:
    """Cited characters inside gold spans / cited characters, each character counted once."""
    cited_chars = {(s.doc_id, i) for s in cited for i in range(s.start, s.end)}
    gold_chars = {(g.doc_id, i) for g in gold for i in range(g.start, g.end)}
    return len(cited_chars & gold_chars) / len(cited_chars) if cited_chars else 0.0


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positives or not negatives:
        return 1.0
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def lost_metrics(r: CaseResult, gold_total: int) -> list[str]:
    lost = []
    if r.answerable:
        if r.citations_correct < r.citations_total:
            lost.append("citation_precision")
        if r.gold_matched < gold_total:
            lost.append("citation_recall")
        if r.facts_missing:
            lost.append("fact_recall")
        if r.refused:
            lost.append("false_refusal_rate")
        for k in (1, 5, 10):
            if r.first_hit_rank is None or r.first_hit_rank > k:
                lost.append(f"hit@{k}")
    elif not r.refused:
        lost.append("refusal_accuracy")
    if r.counterparts_correct < r.counterparts_total:
        lost.append("counterpart_accuracy")
    if r.uncited_sentences:
        lost.append("uncited_sentence_rate")
    if r.unsupported_sentences:
        lost.append("unsupported_sentence_rate")
    return lost


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 4) if denominator else 1.0


def aggregate(results: list[CaseResult]) -> dict[str, float]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    latencies = sorted(r.latency_ms for r in results)
    ranks = [r.first_hit_rank for r in answerable]
    precisions = [r.char_precision for r in answerable if r.char_precision is not None]
    lengths = [r.answer_chars for r in results if not r.refused]
    return {
        "citation_precision": _ratio(
            sum(r.citations_correct for r in answerable), sum(r.citations_total for r in answerable)
        ),
        "citation_recall": _ratio(sum(r.gold_matched for r in answerable), sum(len(r.gold) for r in answerable)),
        "fact_recall": _ratio(
            sum(len(r.facts_found) for r in answerable),
            sum(len(r.facts_found) + len(r.facts_missing) for r in answerable),
        ),
        "citation_char_precision": round(statistics.mean(precisions), 4) if precisions else 1.0,
        "refusal_accuracy": _ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
        "refusal_auc": round(auc([r.confidence for r in answerable], [r.confidence for r in unanswerable]), 4),
        "counterpart_accuracy": _ratio(
            sum(r.counterparts_correct for r in results), sum(r.counterparts_total for r in results)
        ),
        "false_refusal_rate": round(sum(r.refused for r in answerable) / len(answerable), 4) if answerable else 0.0,
        "hit@1": _ratio(sum(1 for k in ranks if k and k <= 1), len(ranks)),
        "hit@5": _ratio(sum(1 for k in ranks if k and k <= 5), len(ranks)),
        "hit@10": _ratio(sum(1 for k in ranks if k and k <= 10), len(ranks)),
        "mrr": _ratio(sum(1 / k for k in ranks if k), len(ranks)),
        "uncited_sentence_rate": round(
            sum(r.uncited_sentences for r in results) / max(sum(r.sentences for r in results), 1), 4
        ),
        "unsupported_sentence_rate": round(
            sum(r.unsupported_sentences for r in results) / max(sum(r.generated_sentences for r in results), 1), 4
        ),
        "answer_chars_p50": float(statistics.median(lengths)) if lengths else 0.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 1)
        if latencies
        else 0.0,
    }
