"""The chat UI in a real browser: Debian's chromium (/usr/bin/chromium) driven by Playwright for Python.

No browser is downloaded: Playwright launches the system executable. Screenshots go to reports/screenshots/,
which CI keeps. Skipped, with the reason, when chromium or Playwright is missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.embedding import Embedder

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTICLE = CORPUS / "shanghai-ai-policy-clustering.txt"
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VOUCHER_QUESTION = "What subsidies cover model usage?"
ARTICLE_EXAMPLE = "How Shanghai is pairing policy and clustering to scale artificial intelligence?"
"""The example question drawn from the article's title (a headline that is a question is asked as it stands)."""
FOLLOW_UP = "and what share of the costs?"
VOUCHER_SENTENCE = "The city plans to issue 1 billion yuan worth of vouchers"
UPLOADED = (
    "# Harbour drone permits\n\n"
    "The Lingang harbour office issues drone inspection permits within 12 working days of a complete application.\n"
)
UPLOADED_QUESTION = "How many working days does the Lingang harbour office take to issue drone inspection permits?"
HOSTILE = (
    '# Quokka permits <img src=x onerror="window.__xss=1;alert(1)">\n\n'
    "The Rottnest quokka office approves <script>window.__xss=2;alert(2)</script> photography permits within "
    '9 days <img src=x onerror="window.__xss=3;alert(3)"> for registered guides '
    "[see the guide](javascript:window.__xss=4;alert(4)).\n"
)
HOSTILE_QUESTION = "How many days does the Rottnest quokka office take to approve photography permits?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    assistant: Any
    index_dir: Path
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def serve(assistant: Any) -> Iterator[Served]:
    from assistant.ui.app import launch

    port = free_port()
    demo = launch(
        assistant.settings, host="127.0.0.1", port=port, assistant=assistant, prevent_thread_lock=True, quiet=True
    )
    try:
        yield Served(f"http://127.0.0.1:{port}/", assistant, assistant.settings.index_dir)
    finally:
        demo.close()


@pytest.fixture
def app(make_assistant) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    assistant = make_assistant()
    report = assistant.ingest([ARTICLE])
    assert report.indexed >= 1, report.summary()
    yield from serve(assistant)


def open_page(browser: Any, served: Served, width: int = 1400, height: int = 1000) -> Any:
    page = browser.new_page(
        viewport={"width": width, "height": height}, permissions=["clipboard-read", "clipboard-write"]
    )

    def on_dialog(dialog: Any) -> None:
        served.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(served.url)
    page.wait_for_selector("#question textarea")
    return page


def ask(page: Any, question: str, turn: int) -> str:
    """Type a question, wait for the streamed answer to finish (its sources appear), return the answer text."""
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#sources details#turn-{turn}", timeout=60_000)
    return str(page.locator('#chat [data-testid="bot"]').last.inner_text())


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def upload(page: Any, files: list[Path], timeout: float = 60.0) -> str:
    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#upload input[type=file]", [str(f) for f in files])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = str(page.locator("#upload-report").inner_text())
        if "Upload finished" in text:
            page.wait_for_timeout(800)  # let the outputs finish updating (they fade while pending)
            return text
        time.sleep(0.2)
    raise AssertionError(f"the upload did not finish in {timeout} s")


def feedback_lines(served: Served) -> list[str]:
    path = served.index_dir / "feedback.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_answer_cites_and_highlights_the_voucher_sentence(browser: Any, app: Served) -> None:
    page = open_page(browser, app)
    # The Ask tab says what is indexed, and its example question is drawn from it.
    page.locator("#ask-documents").get_by_role("button", name=re.compile("Indexed documents")).click()
    listed = page.locator("#ask-document-list")
    listed.wait_for()
    assert "How Shanghai is pairing policy and clustering" in listed.inner_text()
    assert "What subsidies" not in str(page.locator("#chat").inner_text())  # no hard-coded examples
    # The example question, clicked: the answer streams in, then its sources appear.
    page.get_by_text(ARTICLE_EXAMPLE).first.click()
    page.wait_for_selector("#sources details#turn-1", timeout=60_000)
    assert "No answer found" not in page.locator('#chat [data-testid="bot"]').last.inner_text()
    page.get_by_role("button", name="Clear chat").click()
    page.wait_for_selector("#sources .sources.empty")

    ask(page, VOUCHER_QUESTION, 1)
    answer = page.locator('#chat [data-testid="bot"]').last
    assert "1 billion yuan" in answer.inner_text()

    # The marker of the source quoting the voucher sentence (the answer quotes what "these areas" are, first).
    anchor = page.locator("#sources details.source", has_text=VOUCHER_SENTENCE).first.get_attribute("id")
    marker = answer.locator(f'a[href="#{anchor}"]')
    assert re.fullmatch(r"\[\d\]", marker.inner_text())
    marker.click()
    entry = page.locator(f"#sources #{anchor}")
    page.wait_for_selector(f"#sources #{anchor}.active")
    assert entry.get_attribute("open") is not None
    assert entry.is_visible()
    highlighted = str(entry.locator("mark.cited").inner_text())
    assert VOUCHER_SENTENCE in " ".join(highlighted.split())
    passage = " ".join(str(entry.locator(".passage").inner_text()).split())
    assert len(passage) > len(" ".join(highlighted.split()))  # the whole passage, the cited span marked within
    meta = str(entry.locator(".meta").inner_text())
    assert "news" in meta
    shot(page, "answer-with-sources.png")

    # The whole document, scrolled to the same span.
    entry.locator("button.show-doc").click()
    page.wait_for_selector(f"#sources #{anchor} .doc-view mark.cited")
    view = entry.locator(".doc-view")
    assert VOUCHER_SENTENCE in " ".join(str(view.locator("mark.cited").inner_text()).split())
    assert len(str(view.inner_text())) > 2000
    assert page.evaluate(f"document.querySelector('#{anchor} .doc-view').scrollTop") > 0
    shot(page, "whole-document.png")

    # The answer with its sources as Markdown: the copy button puts it on the clipboard.
    page.locator("#copy-answer").get_by_role("button", name=re.compile("Copy with sources")).click()
    box = page.locator("#answer-markdown textarea")
    markdown = box.input_value()
    assert markdown.startswith(f"**Question:** {VOUCHER_QUESTION}\n\n") and "1 billion yuan" in markdown
    assert re.search(r"^\[\d\] How Shanghai is pairing policy and clustering.*\(shanghai-ai-policy-clustering\.txt\)$",
                     markdown, re.M)  # fmt: skip
    assert f"> {VOUCHER_SENTENCE}" in markdown
    page.locator('#answer-markdown button[aria-label="Copy"], #answer-markdown button[title="Copy"]').first.click()
    assert page.evaluate("navigator.clipboard.readText()") == markdown
    box.scroll_into_view_if_needed()
    shot(page, "copy-with-sources.png")

    # One thumbs-down click: one line in the feedback file.
    before = feedback_lines(app)
    page.locator('#chat button[aria-label="Dislike"]').last.click()
    page.wait_for_selector("#feedback-note :text('recorded')")
    page.wait_for_timeout(1000)  # a second record, were one sent, would land meanwhile
    lines = feedback_lines(app)
    assert len(lines) == len(before) + 1
    record = json.loads(lines[-1])
    assert record["verdict"] == "down"
    assert record["question"] == VOUCHER_QUESTION
    assert "1 billion yuan" in record["answer"]
    assert record["citations"][0]["doc_id"] == "shanghai-ai-policy-clustering.txt"

    # A follow-up is searched with the question before it, and says so.
    follow_up = ask(page, FOLLOW_UP, 2)
    assert f"Searched for: {FOLLOW_UP} {VOUCHER_QUESTION}" in follow_up
    assert "No answer found" not in follow_up
    page.locator('#chat [data-testid="bot"]').last.scroll_into_view_if_needed()
    shot(page, "follow-up.png")

    # The question box counts characters and stops at the limit.
    page.locator("#question textarea").focus()
    page.keyboard.insert_text("x" * 2100)
    assert len(page.locator("#question textarea").input_value()) == 2000
    page.wait_for_selector("#question-count .char-count.at-limit")
    assert page.locator("#question-count .char-count").inner_text() == "2,000 / 2,000 characters: the limit"
    shot(page, "question-limit.png")
    page.fill("#question textarea", "")

    # A question the documents do not answer: a refusal, boxed, saying what they cover. The reader had scrolled
    # the chat back to the first answer: the new one still comes into view.
    scroller = "[...document.querySelectorAll('#chat *')].find(e => e.scrollHeight > e.clientHeight + 20)"
    page.evaluate(f"{scroller}.scrollTop = 0")
    page.wait_for_timeout(300)
    refusal = ask(page, "What is the capital of France?", 3)
    page.wait_for_timeout(500)
    shown = page.evaluate(
        f"(() => {{ const view = {scroller}.getBoundingClientRect();"
        " const rows = document.querySelectorAll('#chat .user-row');"
        " const row = rows[rows.length - 1].getBoundingClientRect();"
        " return row.top >= view.top - 1 && row.top < view.bottom; })()"
    )
    assert shown, "the new question and its answer are off-screen in the chat"
    assert "No answer found" in refusal
    assert "The indexed documents cover 1 document" in refusal
    assert page.locator("#chat .refusal").count() == 1
    shot(page, "refusal.png")

    page.get_by_role("button", name="Clear chat").click()
    page.wait_for_selector("#sources .sources.empty")
    assert app.dialogs == []


def test_upload_is_answerable_and_bad_files_are_named(browser: Any, app: Served, tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "harbour-permits.txt").write_text(UPLOADED, encoding="utf-8")
    (files / "tool.exe").write_bytes(b"MZ\x00\x01")
    (files / "empty.md").write_text("", encoding="utf-8")
    page = open_page(browser, app)

    report = upload(page, [files / "harbour-permits.txt", files / "tool.exe", files / "empty.md"])
    assert "1 indexed, 2 not indexed" in report
    assert "harbour-permits.txt: indexed" in report
    assert "tool.exe: unsupported file type" in report
    assert "empty.md: the file is empty" in report
    table = str(page.locator("#documents-table").inner_text())
    assert "Harbour drone permits" in table
    assert (app.index_dir / "uploads" / "harbour-permits.txt").is_file()
    shot(page, "upload.png")

    page.get_by_role("tab", name="Ask").click()
    # The examples now include one drawn from the new document.
    page.get_by_text("What are the main points of “Harbour drone permits”?").wait_for()
    answer = ask(page, UPLOADED_QUESTION, 1)
    assert "12 working days" in answer
    assert "Harbour drone permits" in str(page.locator("#sources #source-1-1").inner_text())
    shot(page, "upload-answer.png")

    # Remove it again: gone from the list, the upload folder and the answers.
    page.get_by_role("tab", name="Documents").click()
    page.click("#remove-choice input")
    page.get_by_role("option", name=re.compile("Harbour drone permits")).click()
    page.click("#remove")
    # Asked first, naming the document and its uploaded file; nothing is removed until confirmed.
    question = page.locator("#remove-question")
    question.wait_for()
    assert "Remove “Harbour drone permits” (harbour-permits.txt)?" in question.inner_text()
    assert "Its uploaded file is deleted too." in question.inner_text()
    assert "harbour-permits.txt" in app.assistant.documents()
    shot(page, "remove-confirm.png")
    page.click("#remove-yes")
    page.wait_for_selector("#remove-report :text('Removed')")
    page.wait_for_timeout(500)
    assert "Harbour drone permits" not in str(page.locator("#documents-table").inner_text())
    assert not (app.index_dir / "uploads" / "harbour-permits.txt").exists()
    page.get_by_role("tab", name="Ask").click()
    assert "No answer found" in ask(page, UPLOADED_QUESTION, 2)
    assert app.dialogs == []


def test_phone_sized_screen(browser: Any, app: Served) -> None:
    """390×844: the chat, the answer and its sources fit the width; nothing scrolls sideways."""
    page = open_page(browser, app, width=390, height=844)
    answer = ask(page, VOUCHER_QUESTION, 1)
    assert "1 billion yuan" in answer
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-answer.png")
    page.locator("#sources").scroll_into_view_if_needed()
    assert page.locator("#sources #source-1-1").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "phone-sources.png"))  # the screen as seen, scrolled to the sources
    assert app.dialogs == []


def test_document_text_never_runs(browser: Any, app: Served, tmp_path: Path) -> None:
    hostile = tmp_path / "quokka-permits.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    page = open_page(browser, app)
    report = upload(page, [hostile])
    assert "1 indexed" in report
    table = str(page.locator("#documents-table").inner_text())
    assert "<img src=x onerror=" in table  # the title, shown as text

    page.get_by_role("tab", name="Ask").click()
    answer = ask(page, HOSTILE_QUESTION, 1)
    assert "9 days" in answer
    assert "<script>window.__xss=2;alert(2)</script>" in answer
    assert '<img src=x onerror="window.__xss=3;alert(3)">' in answer
    assert "(javascript:window.__xss=4;alert(4))" in answer
    entry = page.locator("#sources #source-1-1")
    assert "<script>window.__xss=2;alert(2)</script>" in str(entry.locator(".passage").inner_text())
    entry.locator("button.show-doc").click()
    page.wait_for_selector("#sources #source-1-1 .doc-view mark.cited")
    assert "[see the guide](javascript:" in str(entry.locator(".doc-view").inner_text())
    page.locator('#chat a[href="#source-1-1"]').click()
    time.sleep(0.5)
    shot(page, "hostile-document.png")

    assert app.dialogs == []
    assert page.evaluate("window.__xss") is None
    for where in ("#chat", "#sources", "#documents-table", "#upload-report"):
        assert page.locator(f"{where} script").count() == 0, where
        assert page.locator(f"{where} img").count() == 0, where
    assert page.locator('a[href^="javascript:"]').count() == 0


class QuickEmbedder(Embedder):
    """Hashed bag-of-words vectors with a pause per call: embedding speed is not what the big-upload test is about,
    the progress shown while it runs is."""

    name = "quick-test-embedder"
    dimension = 64
    max_tokens = 256

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        time.sleep(0.05)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))

    def coverage(self, text: str) -> float:
        return 1.0


def test_five_megabyte_upload_shows_progress(browser: Any, tmp_path: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index_dir=tmp_path / "index"), embedder=QuickEmbedder())
    big = tmp_path / "big-digest.txt"
    words = (CORPUS / "shanghai-ai-policy-clustering.txt").read_text(encoding="utf-8").split()
    rng = np.random.default_rng(6)
    parts = ["# A large policy digest\n"]
    size, section = 0, 0
    while size < 5 * 2**20:
        section += 1
        line = f"Section {section}. " + " ".join(rng.choice(words, 80)) + ".\n"
        parts.append(line)
        size += len(line.encode())
    big.write_text("\n".join(parts), encoding="utf-8")

    for served in serve(assistant):
        page = open_page(browser, served)
        page.get_by_role("tab", name="Documents").click()
        page.set_input_files("#upload input[type=file]", [str(big)])
        seen: set[str] = set()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            text = str(page.locator("#upload-report").inner_text())
            if "Upload finished" in text:
                break
            progress = " ".join(page.locator(".progress-text, .progress-level-inner, .meta-text").all_inner_texts())
            if "Embedding" in progress and "embedding" not in seen:
                seen.add("embedding")
                shot(page, "upload-5mb-progress.png")
            if "Reading" in progress:
                seen.add("reading")
            time.sleep(0.1)
        assert "embedding" in seen, "no embedding progress was shown"
        page.wait_for_timeout(800)
        shot(page, "upload-5mb-done.png")
        if "greater than max batch size" in text:
            pytest.xfail("store.add() hands Chroma more passages than its max batch size: " + text.splitlines()[-1])
        assert "1 indexed, 0 not indexed" in text, text
        assert "A large policy digest" in str(page.locator("#documents-table").inner_text())


def test_counterpart_article_is_one_click_away(browser: Any, make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    folder = tmp_path / "pipl"
    folder.mkdir()
    for name in ("pipl_2021-08-20.txt", "个人信息保护法_2021-08-20.md"):
        for path in CORPUS.glob(name + "*"):
            shutil.copy(path, folder / path.name)
    assistant = make_assistant()
    assistant.ingest([folder])
    for served in serve(assistant):
        page = open_page(browser, served)
        answer = ask(page, "What does Article 55 of the PIPL require?", 1)
        assert "Article 55" in answer
        entry = page.locator("#sources #source-1-1")
        counterpart = entry.locator("details.counterpart")
        assert str(counterpart.locator("summary").inner_text()) == "中文原文 · 第五十五条"
        assert counterpart.get_attribute("open") is None  # one click away, not in the way
        counterpart.locator("summary").click()
        passage = str(counterpart.locator(".passage").inner_text())
        assert passage.startswith("第五十五条 有下列情形之一的") and "（一）处理敏感个人信息；" in passage
        counterpart.scroll_into_view_if_needed()
        shot(page, "counterpart-article.png")
        assert served.dialogs == []


def test_no_unchecked_llm_text_is_shown_while_the_answer_streams(browser: Any, make_assistant) -> None:  # type: ignore[no-untyped-def]
    # A recorded model writes a sentence its source supports, then one it does not, at a model's pace. The chat is
    # sampled while the answer streams: the first sentence shows once checked, the second never does.
    from contextlib import contextmanager

    from assistant.settings import LLMSettings
    from tests.replay_llm import ReplayLLM

    replay = ReplayLLM(delay=0.12)
    try:
        assistant = make_assistant(
            answer={"generator": "openai"}, llm=LLMSettings(base_url=replay.base_url, model="mixed")
        )
        assistant.ingest([ARTICLE])
        with contextmanager(serve)(assistant) as served:
            page = open_page(browser, served)
            page.fill("#question textarea", "What subsidies cover model usage?")
            page.keyboard.press("Enter")
            bot = page.locator('#chat [data-testid="bot"]')
            samples: list[str] = []
            deadline = time.monotonic() + 90
            while not page.locator("#sources details#turn-1").count() and time.monotonic() < deadline:
                samples.append(str(bot.last.inner_text()) if bot.count() else "")
                if "checking the next sentence" in samples[-1] and not any("checking" in s for s in samples[:-1]):
                    shot(page, "llm-streaming.png")
                page.wait_for_timeout(40)
            samples.append(str(bot.last.inner_text()))
    finally:
        replay.stop()
    partial = [s for s in samples if "checking the next sentence" in s]
    assert partial, samples[-3:]  # seen mid-stream: the checked first sentence, more to come
    assert all("1 billion yuan" in s for s in partial)
    assert not any("model training" in s for s in samples)  # the unsupported sentence never reached the page
    assert "1 billion yuan" in samples[-1]
