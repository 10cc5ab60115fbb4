"""Citation-accuracy evals: gold quotes become character spans; answers are scored by span overlap."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .chunking import PATH_SEPARATOR
from .documents import DocumentError, discover, load_document, read_sidecar, related_id
from .language import article_number, fold, fold_with_offsets
from .retrieve import FilterError, Filters
from .settings import Settings
from .types import Answer

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
_CASE_KEYS = {"id", "question", "answerable", "facts", "evidence", "tags", "filters", "history"}


class DatasetError(ValueError):
    """A bad dataset line; the message gives the file, the line number and what is wrong."""


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int

    def matches(self, other: Span) -> bool:
        """Same document, and the overlap covers at least half of the shorter span."""
        if self.doc_id != other.doc_id:
            return False
        overlap = min(self.end, other.end) - max(self.start, other.start)
        shorter = min(self.end - self.start, other.end - other.start)
        return overlap > 0 and overlap * 2 >= shorter


@dataclass
class Case:
    id: str
    question: str
    answerable: bool
    facts: list[str]
    gold: list[Span]
    tags: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    line: int = 0
    history: list[str] = field(default_factory=list)
    """The user's earlier questions in the same conversation, oldest first (multi-turn cases)."""


def normalise_for_match(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed, thousands separators dropped ('1,000' = '1000')."""
    text = fold(text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip()


_NUMERAL_CHARS = "0-9零〇一二两三四五六七八九十百千万亿"


def contains_fact(answer: str, fact: str) -> bool:
    """Is ``fact`` in ``answer`` (both normalise_for_match-ed) as a whole figure? A fact that starts or ends with a
    numeral must not be found inside a longer number: "1000" is not in "10000", nor "200" in "1200" or "2000"."""
    if not fact:
        return False
    pattern = re.escape(fact)
    if re.match(f"[{_NUMERAL_CHARS}]", fact):
        pattern = rf"(?<![{_NUMERAL_CHARS}])(?<!\d\.)" + pattern
    if re.search(f"[{_NUMERAL_CHARS}]$", fact):
        pattern += rf"(?![{_NUMERAL_CHARS}])(?!\.\d)"
    return re.search(pattern, answer) is not None


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """The character span of ``quote`` in a document's text, matched folded (NFKC, case) with whitespace runs
    collapsed, so a quote typed with ASCII punctuation finds the full-width original and vice versa."""
    needle = re.sub(r"\s+", " ", fold(quote)).strip()
    folded, offsets = fold_with_offsets(text)
    kept: list[str] = []
    kept_offsets: list[int] = []
    for ch, offset in zip(folded, offsets):
        if ch.isspace():
            if kept and kept[-1] == " ":
                continue
            ch = " "
        kept.append(ch)
        kept_offsets.append(offset)
    at = "".join(kept).find(needle)
    if at < 0 or not needle:
        return None
    return kept_offsets[at], kept_offsets[at + len(needle) - 1] + 1


def load_dataset(path: Path, corpus: Path) -> list[Case]:
    """Parse and check a JSONL gold set against its corpus; raises DatasetError naming the line."""
    files = {doc_id: file for file, doc_id in discover([corpus])} if corpus.is_dir() else {}
    if not files:
        raise DatasetError(f"{corpus}: no documents found; pass the corpus folder the dataset was written for")
    texts: dict[str, str] = {}
    cases: list[Case] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue

        def bad(message: str, line: int = number) -> DatasetError:
            return DatasetError(f"{path}:{line}: {message}")

        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise bad(f"invalid JSON ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise bad("each line must be a JSON object")
        unknown = set(data) - _CASE_KEYS
        if unknown:
            raise bad(f"unknown keys {sorted(unknown)}; valid keys: {sorted(_CASE_KEYS)}")
        for key, kind in (("id", str), ("question", str), ("answerable", bool), ("facts", list), ("evidence", list)):
            if not isinstance(data.get(key), kind):
                raise bad(f"'{key}' is missing or not a {kind.__name__}")
        if data["id"] in seen:
            raise bad(f"duplicate id '{data['id']}'")
        seen.add(data["id"])
        if not data["answerable"] and (data["facts"] or data["evidence"]):
            raise bad("an unanswerable case must have empty 'facts' and 'evidence'")
        if data["answerable"] and not data["evidence"]:
            raise bad("an answerable case needs at least one evidence quote")
        gold = []
        for item in data["evidence"]:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("doc"), str)
                or not isinstance(item.get("quote"), str)
            ):
                raise bad("each evidence item needs 'doc' and 'quote' strings")
            doc_id = _resolve_doc(item["doc"], files)
            if doc_id is None:
                raise bad(f"document '{item['doc']}' is not in {corpus}")
            if doc_id not in texts:
                try:
                    texts[doc_id] = load_document(files[doc_id], doc_id).text
                except DocumentError as exc:
                    raise bad(str(exc)) from exc
            span = locate(item["quote"], texts[doc_id])
            if span is None:
                raise bad(f"quote does not occur in {item['doc']}: {item['quote'][:60]!r}")
            gold.append(Span(doc_id, *span))
        try:
            filters = Filters.from_dict(data.get("filters") or {})
        except FilterError as exc:
            raise bad(str(exc)) from exc
        history = data.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
            raise bad("'history' must be a list of the earlier questions (non-empty strings)")
        cases.append(
            Case(
                data["id"],
                data["question"],
                data["answerable"],
                [str(f) for f in data["facts"]],
                gold,
                [str(t) for t in data.get("tags") or []],
                filters,
                number,
                history,
            )
        )
    if not cases:
        raise DatasetError(f"{path}: no cases")
    return cases


def _resolve_doc(name: str, files: dict[str, Path]) -> str | None:
    if name in files:
        return name
    matches = [doc_id for doc_id in files if doc_id.rsplit("/", 1)[-1] == name]
    return matches[0] if len(matches) == 1 else None


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


def score_case(
    case: Case, answer: Answer, latency_ms: float, pairs: dict[str, str] | None = None
) -> CaseResult:
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
        number = article_number(citation.heading_path.rsplit(PATH_SEPARATOR, 1)[-1])
        if citation.doc_id not in pairs or not number:
            continue
        total += 1
        other = citation.counterpart
        if other is not None and not other.missing and other.doc_id == pairs[citation.doc_id]:
            right += article_number(other.heading_path.rsplit(PATH_SEPARATOR, 1)[-1]) == number
    return right, total


def translation_pairs(corpus: Path) -> dict[str, str]:
    """Doc id -> doc id of its other-language text, both ways, from the corpus's `translation_of` sidecars."""
    pairs: dict[str, str] = {}
    for path, doc_id in discover([corpus]):
        try:
            original = read_sidecar(path).get("translation_of", "")
        except DocumentError:
            continue
        if original:
            pairs[doc_id] = related_id(doc_id, original)
            pairs.setdefault(pairs[doc_id], doc_id)
    return pairs


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


@dataclass
class Report:
    dataset: str
    metrics: dict[str, float]
    tags: dict[str, dict[str, float]]
    cases: list[CaseResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "metrics": self.metrics,
            "tags": self.tags,
            "cases": [asdict(c) for c in self.cases],
        }

    def table(self) -> str:
        lines = [f"| metric | {Path(self.dataset).name} |", "|---|---|"]
        lines += [f"| {name} | {self.metrics[name]:.4g} |" for name in METRICS]
        return "\n".join(lines)

    def markdown(self, verdicts: list[str]) -> str:
        failing = [c for c in self.cases if c.lost]
        passing = [c for c in self.cases if not c.lost]
        out = [f"# Eval report: {self.dataset}", "", self.table(), ""]
        if verdicts:
            out += ["## Thresholds", "", *[f"- {v}" for v in verdicts], ""]
        out += [f"## Failing cases ({len(failing)})", ""]
        for c in failing:
            out += [
                f"### {c.id} — lost {', '.join(c.lost)}",
                "",
                f"- question: {c.question}",
                f"- answer{' (refused)' if c.refused else ''}: {c.answer}",
                f"- first matching retrieved rank: {c.first_hit_rank}",
                f"- missing facts: {c.facts_missing}",
                f"- citations: {[(x['doc'], x['start'], x['end']) for x in c.citations]}",
                f"- gold: {[(g['doc_id'], g['start'], g['end']) for g in c.gold]}",
                "",
            ]
        out += [f"## Passing cases ({len(passing)})", "", *[f"- {c.id}" for c in passing], ""]
        tag_rows = ["| tag | " + " | ".join(METRICS[:10]) + " |", "|---" * 11 + "|"]
        tag_rows += [
            f"| {t} | " + " | ".join(f"{m[k]:.3g}" for k in METRICS[:10]) + " |" for t, m in sorted(self.tags.items())
        ]
        return "\n".join([*out, "## Per tag", "", *tag_rows, ""])

    def junit(self, verdicts: list[tuple[str, bool]]) -> str:
        cases = []
        for c in self.cases:
            failure = (
                f"<failure message={quoteattr('lost ' + ', '.join(c.lost))}>{escape(c.answer)}</failure>"
                if c.lost
                else ""
            )
            seconds = f"{c.latency_ms / 1000:.3f}"
            cases.append(
                f'<testcase classname="eval.case" name={quoteattr(c.id)} time="{seconds}">{failure}</testcase>'
            )
        for text, ok in verdicts:
            failure = "" if ok else f"<failure message={quoteattr(text)}/>"
            cases.append(f'<testcase classname="eval.threshold" name={quoteattr(text)}>{failure}</testcase>')
        failures = sum("<failure" in c for c in cases)
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<testsuite name={quoteattr(self.dataset)} tests="{len(cases)}" '
            f'failures="{failures}">\n' + "\n".join(cases) + "\n</testsuite>\n"
        )


def run_eval(
    assistant: Any,
    cases: list[Case],
    dataset: str,
    on_case: Callable[[CaseResult], None] | None = None,
    pairs: dict[str, str] | None = None,
) -> Report:
    results = []
    for case in cases:
        started = time.perf_counter()
        answer = assistant.ask(case.question, case.filters, history=case.history)
        result = score_case(case, answer, (time.perf_counter() - started) * 1000, pairs)
        results.append(result)
        if on_case:
            on_case(result)
    tags = sorted({t for r in results for t in r.tags})
    return Report(
        dataset, aggregate(results), {t: aggregate([r for r in results if t in r.tags]) for t in tags}, results
    )


def parse_threshold(text: str, metrics: tuple[str, ...] = METRICS) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or name not in metrics:
        raise ValueError(f"bad threshold '{text}'; use METRIC=VALUE with METRIC one of: {', '.join(metrics)}")
    try:
        return name, float(value)
    except ValueError:
        raise ValueError(f"bad threshold '{text}': '{value}' is not a number") from None


def check_thresholds(
    metrics: dict[str, float], floors: list[str], ceilings: list[str], names: tuple[str, ...] = METRICS
) -> list[tuple[str, bool]]:
    verdicts = []
    for text in floors:
        name, value = parse_threshold(text, names)
        verdicts.append((f"{name} = {metrics[name]:.4g} (floor {value:g})", metrics[name] >= value))
    for text in ceilings:
        name, value = parse_threshold(text, names)
        verdicts.append((f"{name} = {metrics[name]:.4g} (ceiling {value:g})", metrics[name] <= value))
    return verdicts


def default_index_dir(corpus: Path) -> Path:
    """A cache folder keyed by the corpus path, so repeated evals ingest incrementally."""
    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
    return Path.home() / ".cache" / "policy-assistant" / "eval" / f"{corpus.resolve().name}-{key}"


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    """Settings for scoring a gold set over ``corpus``. In server mode the corpus gets its own collection: ingesting
    it into a shared one would mix it with the team's documents, and they would dilute the scores."""
    if settings.store.mode != "server":
        return settings  # embedded: default_index_dir already keeps it apart
    folder = re.sub(r"[^A-Za-z0-9._-]", "-", corpus.resolve().name).strip("-._") or "corpus"
    prefix = f"{settings.store.collection_prefix}-eval-{folder}"[:100]
    return settings.model_copy(update={"store": settings.store.model_copy(update={"collection_prefix": prefix})})


VERIFIER_METRICS = ("balanced_accuracy", "false_rejection_rate", "false_acceptance_rate")


def verifier_report(dataset: Path, corpora: list[Path], verifier: Any) -> dict[str, Any]:
    """Score the verifier on labelled (sentence, cited span, supported?) triples over the given corpora.

    Triples whose document is in none of the corpora are skipped and counted, so the set runs without
    ../shared too.
    """
    files = {
        doc_id.rsplit("/", 1)[-1]: path for corpus in corpora if corpus.is_dir() for path, doc_id in discover([corpus])
    }
    titles: dict[str, str] = {}
    rows = []
    skipped = 0
    for number, raw in enumerate(dataset.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        item = json.loads(raw)
        if item["doc"] not in files:
            skipped += 1
            continue
        if item["doc"] not in titles:
            doc = load_document(files[item["doc"]], item["doc"])
            titles[item["doc"]] = doc.title
            if locate(item["span"], doc.text) is None:
                raise DatasetError(f"{dataset}:{number}: span does not occur in {item['doc']}")
        verdict = verifier.check(item["sentence"], [item["span"]], titles[item["doc"]])
        rows.append(
            {
                "id": item["id"],
                "kind": item.get("kind", ""),
                "lang": item.get("lang", ""),
                "supported": item["supported"],
                "predicted": verdict.supported,
                "score": verdict.score,
                "reasons": list(verdict.reasons),
            }
        )

    def rates(subset: list[dict[str, Any]]) -> dict[str, float]:
        positives = [r for r in subset if r["supported"]]
        negatives = [r for r in subset if not r["supported"]]
        tpr = sum(r["predicted"] for r in positives) / len(positives) if positives else 1.0
        tnr = sum(not r["predicted"] for r in negatives) / len(negatives) if negatives else 1.0
        return {
            "balanced_accuracy": round((tpr + tnr) / 2, 4),
            "false_rejection_rate": round(1 - tpr, 4),
            "false_acceptance_rate": round(1 - tnr, 4),
            "triples": len(subset),
        }

    by_kind = {k: rates([r for r in rows if r["kind"] == k]) for k in sorted({r["kind"] for r in rows})}
    by_lang = {k: rates([r for r in rows if r["lang"] == k]) for k in sorted({r["lang"] for r in rows})}
    return {"metrics": rates(rows), "kinds": by_kind, "langs": by_lang, "skipped": skipped, "triples": rows}
