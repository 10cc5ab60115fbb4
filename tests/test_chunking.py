"""Sentence splitting and structure-aware chunking over the real sample, the zh regulations and the real tokenizer."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from assistant.chunking import MAX_CHARS_PER_TOKEN, PATH_SEPARATOR, chunk_document, split_sentences
from assistant.documents import load_document, normalise
from assistant.settings import ChunkingSettings
from assistant.types import Chunk, Document

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "shanghai-ai-policy-clustering.txt"
HEADLINE = "How Shanghai is pairing policy and clustering to scale artificial intelligence"
MODEL_WINDOW = 256
SPECIAL_TOKENS = 2  # [CLS] and [SEP] share the window with the text


def sentences(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, start, end)]


def _chunks(doc: Document, embedder) -> list[Chunk]:  # type: ignore[no-untyped-def]
    settings = ChunkingSettings()
    return chunk_document(doc, settings.max_tokens, embedder.count_tokens, settings.context_prefix)


def _doc(text: str, lang: str = "en", title: str = "Test document") -> Document:
    text = normalise(text)
    return Document(
        doc_id="test.txt",
        title=title,
        source="test.txt",
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        lang=lang,
        doc_type="other",
    )


@pytest.fixture(scope="module")
def sample() -> Document:
    return load_document(SAMPLE, SAMPLE.name)


@pytest.fixture(scope="module")
def zh_docs(zh_corpus: Path) -> list[Document]:
    return [load_document(p, p.name) for p in sorted(zh_corpus.glob("*.md"))]


# --- sentences ---------------------------------------------------------------------------------------------------


def test_english_abbreviations_do_not_split_but_percent_does() -> None:
    text = (
        "Firms, e.g. chip makers, moved in. The U.S. market grew, i.e. it doubled. "
        "Output grew by over 30%. Is that fast? Yes! Mr. Shen agreed."
    )
    assert sentences(text) == [
        "Firms, e.g. chip makers, moved in.",
        "The U.S. market grew, i.e. it doubled.",
        "Output grew by over 30%.",
        "Is that fast?",
        "Yes!",
        "Mr. Shen agreed.",
    ]


def test_english_decimal_and_closing_quote() -> None:
    text = 'Output rose 2.5 times. He said "it works." Then he left.'
    assert sentences(text) == ["Output rose 2.5 times.", 'He said "it works."', "Then he left."]


def test_chinese_sentences_keep_full_width_punctuation() -> None:
    raw = (
        "第一条 为了测试，制定本法：包括以下内容；第二项。第三句！第四句？\n（一）处理敏感个人信息；\n"
        "（二）自动化决策。"
    )
    text = normalise(raw)
    assert text == raw  # quotes must read as the source does
    assert sentences(text) == [
        "第一条 为了测试，制定本法：包括以下内容；",  # not split at "，" or "："
        "第二项。",
        "第三句！",
        "第四句？",
        "（一）处理敏感个人信息；",  # the line break ends the previous one
        "（二）自动化决策。",
    ]


def test_chinese_sentences_with_ascii_punctuation() -> None:
    # Text typed or converted with ASCII marks: the splitter still honours them after CJK text.
    text = unicodedata.normalize("NFKC", "第一条 为了测试，制定本法：内容；第二项。第三句！第四句？")
    assert sentences(text) == ["第一条 为了测试,制定本法:内容;", "第二项。", "第三句!", "第四句?"]


def test_line_break_always_ends_a_sentence() -> None:
    assert sentences("A heading without a stop\nThe body, which runs on") == [
        "A heading without a stop",
        "The body, which runs on",
    ]


def test_spans_are_absolute_within_a_range() -> None:
    text = "Ignore this. Keep one. Keep two. Ignore that."
    start = text.index("Keep one")
    end = text.index(" Ignore that")
    spans = split_sentences(text, start, end)
    assert [text[s:e] for s, e in spans] == ["Keep one.", "Keep two."]
    assert spans[0][0] == start


def test_many_single_letter_periods_split_like_few() -> None:
    """'a. ' * 16000 has no sentence end (each period follows one letter): it is one sentence, found in linear time
    (each period's word was searched from the sentence's start, 15 s for these 48 KB)."""
    text = "a. " * 16000
    assert split_sentences(text) == [(0, len(text) - 1)]
    text = "e.g. " * 5000 + "The end. " + "u.s. " * 5000
    assert sentences(text) == [("e.g. " * 5000 + "The end.").strip(), ("u.s. " * 5000).strip()]
    # A word longer than any abbreviation still ends a sentence.
    assert sentences("a. " * 3 + "Abbreviations. Next") == ["a. a. a. Abbreviations.", "Next"]


# --- offsets and sizes -------------------------------------------------------------------------------------------


def _check_offsets(doc: Document, chunks: list[Chunk]) -> None:
    assert chunks, doc.doc_id
    previous_end = 0
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text, (doc.doc_id, chunk.chunk_id)
        assert chunk.text == chunk.text.strip()
        assert chunk.start >= previous_end, "chunks overlap or are out of order"
        previous_end = chunk.end
        assert chunk.doc_id == doc.doc_id


def _check_token_budget(chunks: list[Chunk], embedder) -> None:  # type: ignore[no-untyped-def]
    for chunk in chunks:
        tokens = embedder.count_tokens(chunk.index_text)
        assert tokens + SPECIAL_TOKENS <= MODEL_WINDOW, (chunk.chunk_id, tokens)


def test_sample_offsets_and_token_budget(sample: Document, embedder) -> None:  # type: ignore[no-untyped-def]
    chunks = _chunks(sample, embedder)
    _check_offsets(sample, chunks)
    _check_token_budget(chunks, embedder)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    # With the context prefix on, each indexed text leads with the document title.
    assert all(c.index_text.startswith(sample.title) for c in chunks)
    assert all(c.index_text.endswith(c.text) for c in chunks)


def test_zh_offsets_and_token_budget(zh_docs: list[Document], embedder) -> None:  # type: ignore[no-untyped-def]
    for doc in zh_docs:
        chunks = _chunks(doc, embedder)
        _check_offsets(doc, chunks)
        _check_token_budget(chunks, embedder)


def test_overlong_paragraph_is_hard_split_within_budget(embedder) -> None:  # type: ignore[no-untyped-def]
    # One paragraph, no sentence ends: only the hard split can bring it under the limit.
    words = " ".join(f"word{i} policy compute voucher" for i in range(120))
    doc = _doc(f"Intro paragraph.\n\n{words}")
    max_tokens = 48
    chunks = chunk_document(doc, max_tokens, embedder.count_tokens, context_prefix=False)
    assert len(chunks) > 2
    _check_offsets(doc, chunks)
    for chunk in chunks:
        assert embedder.count_tokens(chunk.text) <= max_tokens
        assert chunk.index_text == chunk.text
    # Nothing lost: the pieces cover every word of the long paragraph.
    assert " ".join(c.text for c in chunks[1:]).split() == words.split()


@pytest.mark.parametrize(
    "body",
    [
        "x" * 50_000,  # no spaces: one [UNK] token to the tokenizer, however long
        "https://example.org/" + "a1b2c3" * 5000,
        "数据" * 20_000,
        "policy " * 8_000,
    ],
    ids=["no-spaces", "url", "chinese", "words"],
)
def test_every_chunk_has_a_hard_size_cap(body: str, embedder) -> None:  # type: ignore[no-untyped-def]
    """Whatever the text looks like, no passage is longer than max_tokens * MAX_CHARS_PER_TOKEN characters, nor
    over max_tokens tokens, and together they hold all of it."""
    doc = _doc(f"Intro paragraph.\n\n{body}")
    max_tokens = ChunkingSettings().max_tokens
    chunks = chunk_document(doc, max_tokens, embedder.count_tokens, context_prefix=False)
    _check_offsets(doc, chunks)
    for chunk in chunks:
        assert len(chunk.text) <= max_tokens * MAX_CHARS_PER_TOKEN, len(chunk.text)
        assert embedder.count_tokens(chunk.text) <= max_tokens
    assert "".join(c.text for c in chunks[1:]).replace(" ", "") == body.replace(" ", "")


# --- structure ---------------------------------------------------------------------------------------------------


def test_pipl_article_55_is_one_chunk_with_its_items(zh_docs: list[Document], embedder) -> None:  # type: ignore[no-untyped-def]
    doc = next(d for d in zh_docs if d.doc_id.startswith("个人信息保护法"))
    chunks = [c for c in _chunks(doc, embedder) if c.heading_path.endswith("第五十五条")]
    assert len(chunks) == 1
    chunk = chunks[0]
    assert chunk.heading_path == f"第五章{PATH_SEPARATOR}第五十五条"
    assert chunk.text.startswith("第五十五条 有下列情形之一的，个人信息处理者应当事前进行个人信息保护影响评估")
    for item in ("（一）处理敏感个人信息；", "（二）利用个人信息进行自动化决策；", "（四）向境外提供个人信息；"):
        assert item in chunk.text
    assert chunk.text.endswith("（五）其他对个人权益有重大影响的个人信息处理活动。")
    assert "第五十六条" not in chunk.text


def test_every_zh_article_has_a_chunk_headed_by_it(zh_docs: list[Document], embedder) -> None:  # type: ignore[no-untyped-def]
    for doc in zh_docs:
        articles = re.findall(r"^(第[零〇一二三四五六七八九十百千]+条)", doc.text, re.M)
        assert len(articles) >= 10, doc.doc_id
        headed = {c.heading_path.rsplit(PATH_SEPARATOR, 1)[-1] for c in _chunks(doc, embedder)}
        assert set(articles) <= headed, (doc.doc_id, sorted(set(articles) - headed)[:5])


def test_english_heading_paths_come_from_section_headings(sample: Document, embedder) -> None:  # type: ignore[no-untyped-def]
    chunks = _chunks(sample, embedder)

    def heading_of(phrase: str) -> str:
        return next(c.heading_path for c in chunks if phrase in c.text)

    # The article has three section headings; the paragraphs before the first have none.
    assert heading_of("A coordinated package of regulation") == ""
    assert heading_of("SHEN Hao, deputy chief engineer") == "From incentives to coordination"
    assert heading_of("The city plans to issue 1 billion yuan") == "Rising costs drive AI clustering"
    assert heading_of("Zhangjiang AI Innovation Town, linking") == "Rising costs drive AI clustering"
    assert heading_of("talent remains the most difficult constraint") == "Talent as the binding constraint"
    assert {c.heading_path for c in chunks} == {
        "",
        "From incentives to coordination",
        "Rising costs drive AI clustering",
        "Talent as the binding constraint",
    }
    # Headings label chunks; they are not passages of their own.
    assert not any(c.text in {"Rising costs drive AI clustering", "Talent as the binding constraint"} for c in chunks)


def test_no_sample_chunk_contains_furniture(sample: Document, embedder) -> None:  # type: ignore[no-untyped-def]
    chunks = _chunks(sample, embedder)
    for chunk in chunks:
        for furniture in ("JieMian Logo", "FOLLOW US", "Photo from Jiemian News", "by FAN Yicheng"):
            assert furniture not in chunk.index_text
        assert HEADLINE not in chunk.text  # the headline only appears as the title prefix
    # All the body text is in some chunk.
    body = [line for line in sample.text.split("\n") if line and line not in {c.heading_path for c in chunks}]
    joined = "\n".join(c.text for c in chunks)
    assert all(line in joined for line in body)


def test_counting_a_documents_units_in_one_call_chunks_as_counting_each(embedder) -> None:  # type: ignore[no-untyped-def]
    """Ingest counts a document's units in one tokenizer call (Embedder.count_tokens_many): the same counts as
    count_tokens, nothing cut at the model's window even after encode set truncation, so the same chunks."""
    embedder.embed(["encode leaves truncation set on the tokenizer"])
    long = "policy compute voucher " * 400
    texts = [long, "数据安全", ""]
    assert embedder.count_tokens_many(texts) == [embedder.count_tokens(t) for t in texts]
    zh = sorted((Path(__file__).resolve().parents[1] / "corpus").rglob("*.md"))[:3]
    for path in [SAMPLE, *zh]:
        doc = load_document(path, path.name)
        for max_tokens in (ChunkingSettings().max_tokens, 40):
            one_by_one = chunk_document(doc, max_tokens, embedder.count_tokens, True)
            many = embedder.count_tokens_many
            assert chunk_document(doc, max_tokens, embedder.count_tokens, True, many) == one_by_one
