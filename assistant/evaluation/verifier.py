"""The verifier's own eval: labelled (sentence, cited span, supported?) triples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..documents import discover, load_document
from .dataset import DatasetError, locate

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
