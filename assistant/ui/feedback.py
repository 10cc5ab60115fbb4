"""Feedback on answers: one JSON line per verdict in ``<index_dir>/feedback.jsonl``, enough to make an eval case."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..types import Answer

FEEDBACK_FILE = "feedback.jsonl"
FEEDBACK_VERDICTS = {"like": "up", "dislike": "down", "wrong citation": "wrong_citation"}
FEEDBACK_OPTIONS = ("Like", "Dislike", "Wrong citation")
FEEDBACK_LABELS = {"up": "helpful (thumbs up)", "down": "not helpful (thumbs down)", "wrong_citation": "wrong citation"}


def feedback_verdict(liked: object) -> str:
    """gr.LikeData.liked -> 'up', 'down', 'wrong_citation' (or the option's name in snake case)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    text = str(liked or "").strip().lower()
    return FEEDBACK_VERDICTS.get(text, re.sub(r"\W+", "_", text).strip("_") or "none")


def feedback_record(answer: Answer, verdict: str, now: datetime | None = None) -> dict[str, Any]:
    """One line of the feedback file: enough to turn into an eval case."""
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "verdict": verdict,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "filters": answer.filters,
        "citations": [
            {
                "number": c.number,
                "doc_id": c.doc_id,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "chunk_id": c.chunk_id,
            }
            for c in answer.citations
        ],
    }


class FeedbackLog:
    """Appends feedback records as JSON lines, one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
