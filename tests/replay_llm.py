"""A local OpenAI-compatible endpoint that replays recorded model outputs (tests/fixtures/llm_recorded.json).

The recording says which document sentence each answer sentence relied on; the server cites the number of
the source in the request that holds that sentence, as the model did when it was recorded, or [1] when none
does (a model citing blindly). The model name picks the recording: "faithful" or "hallucinated".
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from assistant.prompts import REFUSAL_SENTINEL

RECORDINGS = Path(__file__).parent / "fixtures" / "llm_recorded.json"


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def render(entry: dict[str, Any], prompt: str) -> str:
    if entry.get("refuse"):
        return REFUSAL_SENTINEL
    if "raw" in entry:  # what a live model wrote, verbatim (bench/llm_live.sh's model, recorded 2026-12-03)
        return str(entry["raw"])
    sources = {int(n): _plain(body) for n, body in re.findall(r"^\[(\d+)\] (.*?)(?=^\[\d+\] |\Z)", prompt, re.S | re.M)}
    sentences = []
    for sentence in entry["sentences"]:
        number = next((n for n, body in sources.items() if _plain(sentence["quote"]) in body), 1)
        sentences.append(f"{sentence['text'][:-1]} [{number}].")
    return " ".join(sentences)


class _Handler(BaseHTTPRequestHandler):
    recordings: ClassVar[dict[str, dict[str, Any]]] = {}
    requests: ClassVar[list[dict[str, Any]]] = []
    delay: ClassVar[float] = 0.0

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(body)
        prompt = body["messages"][-1]["content"]
        if "<Follow Up Message>" in prompt:  # llama-index's condense-question prompt: a recorded rewrite
            follow_up = prompt.split("<Follow Up Message>", 1)[1].split("<Standalone question>", 1)[0].strip()
            rewrite = self.recordings.get("condense", {}).get(follow_up)
            if rewrite:
                self._stream(body, rewrite)
            else:
                self._missing()
            return
        question = prompt.rsplit("Question: ", 1)[-1].strip()
        entry = self.recordings.get(body["model"], {}).get(question)
        if entry is None:
            self._missing()
            return
        self._stream(body, render(entry, prompt))

    def _missing(self) -> None:
        self.send_response(404)
        self.end_headers()
        self.wfile.write(b'{"error": "no recording for this question"}')

    def _stream(self, body: dict[str, Any], text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for token in re.findall(r"\S+\s*", text):
            chunk = {
                "id": "replay",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": token}, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            time.sleep(self.delay)  # a model's pace, for tests that watch the answer while it streams
        self.wfile.write(b"data: [DONE]\n\n")


class ReplayLLM:
    """Serves on a free loopback port until stop()."""

    def __init__(self, delay: float = 0.0) -> None:
        _Handler.recordings = json.loads(RECORDINGS.read_text(encoding="utf-8"))
        _Handler.requests = []
        _Handler.delay = delay
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list[dict[str, Any]]:
        return _Handler.requests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
