"""Checks a gold-set JSONL file: schema, verbatim quotes, facts inside quotes.

usage: python3 check.py FILE.jsonl [--dialogue]. The writers ran it as given to them (SPEC.md).
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

DOCS = Path("/tmp/blind/docs")  # where the writers were given the documents (copies of corpus/)
KEYS = {"id", "question", "answerable", "facts", "evidence", "tags", "history"}


def norm(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def main():
    path = Path(sys.argv[1])
    dialogue = "--dialogue" in sys.argv
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in DOCS.iterdir()}
    seen, errors, n, unans = set(), [], 0, 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue

        def bad(msg, number=number):
            errors.append(f"{path.name}:{number}: {msg}")

        try:
            case = json.loads(raw)
        except json.JSONDecodeError as exc:
            bad(f"invalid JSON: {exc}")
            continue
        n += 1
        if set(case) - KEYS:
            bad(f"unknown keys {sorted(set(case) - KEYS)}")
        for key, kind in (("id", str), ("question", str), ("answerable", bool), ("facts", list), ("evidence", list)):
            if not isinstance(case.get(key), kind):
                bad(f"'{key}' missing or not {kind.__name__}")
        if case.get("id") in seen:
            bad(f"duplicate id {case.get('id')}")
        seen.add(case.get("id"))
        if dialogue and not (isinstance(case.get("history"), list) and case["history"]):
            bad("a dialogue case needs a non-empty 'history' list of earlier user questions")
        if not case.get("answerable"):
            unans += 1
            if case.get("facts") or case.get("evidence"):
                bad("an unanswerable case must have empty facts and evidence")
            continue
        if not case.get("evidence"):
            bad("an answerable case needs evidence")
        quotes = []
        for item in case.get("evidence", []):
            doc, quote = item.get("doc"), item.get("quote")
            if doc not in texts:
                bad(f"unknown doc {doc!r}; use a file name from {DOCS}")
                continue
            if not quote or norm(quote) not in texts[doc]:
                bad(f"quote not found verbatim in {doc}: {quote[:70]!r}")
            quotes.append(norm(quote or ""))
        for fact in case.get("facts", []):
            if not fact or norm(fact) not in " ".join(quotes):
                bad(f"fact {fact!r} is not a verbatim part of the evidence quotes")
        if not case.get("facts"):
            bad("an answerable case needs at least one fact")
    for e in errors:
        print(e)
    print(f"{n} cases, {unans} unanswerable ({unans / max(n, 1):.0%}), {len(errors)} problems")
    sys.exit(1 if errors else 0)


main()
