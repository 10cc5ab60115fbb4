"""The chat UI: pure rendering on a hand-made Answer, and one real app served over loopback."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from assistant.app import EXAMPLES, NO_ANSWER, parse_auth, render_answer, render_sources, render_status
from assistant.types import Answer, AnswerSentence, Citation

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def citation(number: int, quote: str, **extra: object) -> Citation:
    fields: dict[str, object] = {
        "number": number,
        "doc_id": f"doc-{number}.txt",
        "title": f"Title {number}",
        "date": "2024-07-01",
        "doc_type": "regulation",
        "heading_path": "Chapter 1 › Article 3",
        "start": 10,
        "end": 10 + len(quote),
        "quote": quote,
        "chunk_id": f"doc-{number}.txt#abc:0",
        "score": 0.5,
    }
    fields.update(extra)
    return Citation(**fields)  # type: ignore[arg-type]


@pytest.fixture
def answer() -> Answer:
    hostile = f"Vouchers {SCRIPT} cover {IMG} costs."
    return Answer(
        question=f"What about {IMG}?",
        sentences=[
            AnswerSentence(hostile, (1,)),
            AnswerSentence("Subsidies offset 30% to 100% of costs [9](javascript:alert(1)).", (1, 2)),
        ],
        citations=[
            citation(1, hostile, title=f"Rules {SCRIPT}"),
            citation(2, "Subsidies offset 30% to 100% of costs.", heading_path=f"Part {IMG}"),
        ],
        retrieved=[],
        refused=False,
    )


def test_sources_escape_document_text(answer: Answer) -> None:
    html = render_sources(answer)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_sources_have_anchored_entries_with_details(answer: Answer) -> None:
    html = render_sources(answer)
    assert html.count('class="source"') == 2
    assert html.index('id="source-1"') < html.index('id="source-2"')
    for expected in ("[1]", "[2]", "2024-07-01", "regulation", "Chapter 1 › Article 3", "Subsidies offset 30% to 100%"):
        assert expected in html


def test_answer_markers_link_to_source_anchors(answer: Answer) -> None:
    text = render_answer(answer)
    assert "[[1]](#source-1)" in text
    assert "[[1]](#source-1)[[2]](#source-2)" in text
    assert text.count("](#source-") == 3


def test_answer_escapes_document_text(answer: Answer) -> None:
    text = render_answer(answer)
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    # a link written inside a document stays text, never a live link
    assert "](javascript:" not in text
    assert r"\[9\]\(javascript:alert\(1\)\)" in text


def test_refusal_is_marked_and_lists_indexed_documents() -> None:
    refused = Answer(
        question="What is the capital of France?",
        sentences=[],
        citations=[],
        retrieved=[],
        refused=True,
        refusal_reason="The indexed documents do not answer this question.",
    )
    text = render_answer(refused, ["Shanghai AI policy", f"Evil {SCRIPT}"])
    assert text.startswith(f"**{NO_ANSWER}**")
    assert "The indexed documents do not answer this question." in text
    assert "Indexed documents (2)" in text
    assert "Shanghai AI policy" in text
    assert "<script" not in text
    assert "#source-" not in text
    assert "empty" in render_answer(refused, [])
    sources = render_sources(refused)
    assert NO_ANSWER in sources
    assert 'id="source-' not in sources


def test_status_line_and_auth() -> None:
    line = render_status(
        {"embedding_model": "all-MiniLM-L6-v2", "index": "embedded index/chroma", "documents": 3, "chunks": 42}
    )
    assert "all-MiniLM-L6-v2" in line
    assert "3 documents" in line
    assert "42 chunks" in line
    assert "empty" in render_status({"embedding_model": "m", "index": "i", "documents": 0, "chunks": 0})
    assert parse_auth("") is None
    assert parse_auth("alice:s3:cret") == ("alice", "s3:cret")
    with pytest.raises(ValueError, match="user:password"):
        parse_auth("alice")


def test_example_click_asks_the_example() -> None:
    from types import SimpleNamespace

    from gradio import SelectData

    from assistant.app import build_app

    asked: list[str] = []

    def ask(question: str, filters: object) -> Answer:
        asked.append(question)
        return Answer(question, [], [], [], refused=True, refusal_reason="Not covered.")

    fake = SimpleNamespace(
        ask=ask,
        documents=dict,
        status=lambda: {"embedding_model": "m", "index": "i", "documents": 0, "chunks": 0},
    )
    demo = build_app(fake)  # type: ignore[arg-type]
    handler = next(block.fn for block in demo.fns.values() if block.name == "run_example")
    _, history, sources = handler([], SelectData(None, {"index": 1, "value": {"text": EXAMPLES[1]}}))
    assert asked == [EXAMPLES[1]]
    assert history[-1]["content"].startswith(f"**{NO_ANSWER}**")
    assert NO_ANSWER in sources


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_served_app_answers_with_citation(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    from assistant.app import launch

    assistant = make_assistant()
    report = assistant.ingest([CORPUS])
    assert report.indexed >= 1, report.summary()
    port = free_port()
    demo = launch(
        assistant.settings, host="127.0.0.1", port=port, assistant=assistant, prevent_thread_lock=True, quiet=True
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        client = Client(url, verbose=False)
        textbox, history, sources = client.predict(EXAMPLES[0], [], api_name="/ask")
        assert textbox == ""
        reply = history[-1]
        assert reply["role"] == "assistant"
        content = reply["content"]
        text = content if isinstance(content, str) else " ".join(str(part.get("text", "")) for part in content)
        assert "1 billion yuan" in text
        assert "(#source-1)" in text
        assert 'id="source-1"' in sources
        assert "1 billion yuan" in sources
    finally:
        demo.close()
