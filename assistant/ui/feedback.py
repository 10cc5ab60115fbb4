"""Feedback on answers: one JSON line per verdict in ``<index_dir>/feedback.jsonl``, enough to make an eval case."""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..types import Answer

FEEDBACK_FILE = "feedback.jsonl"
FEEDBACK_VERDICTS = {"like": "up", "dislike": "down", "wrong citation": "wrong_citation"}
FEEDBACK_OPTIONS = ("Like", "Dislike", "Wrong citation")
FEEDBACK_LABELS = {"up": "helpful (thumbs up)", "down": "not helpful (thumbs down)", "wrong_citation": "wrong citation"}
WITHDRAWN = "withdrawn"
"""The verdict recorded when a reader clicks their selected option again, which unselects it."""
REMEMBERED_ANSWERS = 10_000
"""Answers whose last verdict the log remembers, to tell a new verdict from the same one sent again."""


def feedback_verdict(liked: object) -> str:
    """gr.LikeData.liked -> 'up', 'down', 'wrong_citation' (or the option's name in snake case); 'withdrawn'
    when the reader unselected their verdict (Gradio then sends an empty value)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    text = str(liked or "").strip().lower()
    return FEEDBACK_VERDICTS.get(text, re.sub(r"\W+", "_", text).strip("_") or WITHDRAWN)


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
    """Appends feedback records as JSON lines, one writer at a time, and one line per verdict an answer is given.

    Gradio 6's chatbot sends an extra feedback option ("Wrong citation") twice for one click, so a verdict the
    same as the last one recorded for that answer is not written again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._last: OrderedDict[str, str] = OrderedDict()

    def record(self, answer_key: str, record: Mapping[str, Any]) -> bool:
        """Append ``record`` unless its verdict is the one last recorded for ``answer_key``; whether it was."""
        verdict = str(record["verdict"])
        with self._lock:
            if self._last.get(answer_key) == verdict:
                return False
            self._write(record)
            self._last[answer_key] = verdict
            self._last.move_to_end(answer_key)
            if len(self._last) > REMEMBERED_ANSWERS:
                self._last.popitem(last=False)
        return True

    def append(self, record: Mapping[str, Any]) -> None:
        with self._lock:
            self._write(record)

    def _write(self, record: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
