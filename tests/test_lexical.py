"""The BM25 index kept up to date by each ingest's changes must equal one rebuilt from the store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import CORPUS
from .hostile import news_corpus

QUESTIONS = [
    "How many vouchers does Xuhui district grant?",
    "What subsidies cover model usage?",
    "round one amended vouchers notice 2",
    "Pudong firm thousand yuan",
]


def _rebuilt_from_store(assistant: Any, folder: Path) -> Any:
    from assistant.index import stored_entries
    from assistant.lexical import LexicalIndex

    index = LexicalIndex(folder)
    index.build(stored_entries(assistant.store, assistant.settings.chunking.context_prefix), assistant.lexical.revision)
    return index


def _assert_same_index(kept: Any, rebuilt: Any) -> None:
    assert sorted(kept.ids) == sorted(rebuilt.ids)
    order = {chunk_id: i for i, chunk_id in enumerate(rebuilt.ids)}
    for name, values in kept.filter_fields.items():
        by_id = dict(zip(kept.ids, values.tolist()))
        assert [by_id[c] for c in rebuilt.ids] == rebuilt.filter_fields[name].tolist(), name
    assert kept.document_frequency == rebuilt.document_frequency
    for question in QUESTIONS:
        ours = kept.search(question, 10)
        theirs = rebuilt.search(question, 10)
        assert [c for c, _ in ours] == [c for c, _ in theirs], question
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5), question
    assert len(order) == len(rebuilt.ids)


def test_ingest_updates_bm25_from_its_changes_without_reading_the_store(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    files = news_corpus(corpus, 10, paragraphs=3)
    shutil.copy(CORPUS / "shanghai-ai-policy-clustering.txt", corpus)
    assistant = make_assistant()
    assistant.ingest([corpus])

    store_type = type(assistant.store)
    reads: list[int] = []
    real_iter = store_type.iter_chunks

    def counting_iter(self: Any) -> Any:
        reads.append(1)
        return real_iter(self)

    monkeypatch.setattr(store_type, "iter_chunks", counting_iter)
    # One run that adds, updates, drops a copy's text, and prunes; then a removal from the UI.
    text = files["notice-002.md"].read_text(encoding="utf-8")
    files["notice-002.md"].write_text(text.replace("round 1,", "round one (amended),"), encoding="utf-8")
    files["notice-005.md"].unlink()
    news_corpus(corpus, 2, paragraphs=4, start=20)
    report = assistant.ingest([corpus], prune=True)
    assert report.updated == ["notice-002.md"] and report.removed == ["notice-005.md"]
    assert sorted(report.added) == ["notice-020.md", "notice-021.md"]
    assert assistant.remove("notice-007.md")
    assert reads == []  # neither the ingest nor the removal read the store back

    assert assistant.lexical.revision == f"{assistant.store.revision()}/{assistant.store.count()}"
    assert not any(c.startswith(("notice-005.md", "notice-007.md")) for c in assistant.lexical.ids)
    stale = assistant.documents()["notice-002.md"].content_hash
    assert all(c.split("#")[1][:12] == stale[:12] for c in assistant.lexical.ids if c.startswith("notice-002.md"))
    monkeypatch.undo()
    _assert_same_index(assistant.lexical, _rebuilt_from_store(assistant, tmp_path / "rebuilt"))

    # What a later process loads from disk is the same index.
    from assistant.lexical import LexicalIndex

    loaded = LexicalIndex(assistant.lexical.folder)
    assert loaded.load()
    _assert_same_index(loaded, assistant.lexical)


def test_an_index_that_was_stale_before_the_ingest_is_rebuilt_from_the_store(  # type: ignore[no-untyped-def]
    make_fake_assistant, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    news_corpus(corpus, 4)
    assistant = make_fake_assistant()
    assistant.ingest([corpus])
    other = make_fake_assistant()  # another writer on the same index, whose ingest this instance has not noticed
    extra = tmp_path / "extra"
    news_corpus(extra, 1, start=30)
    other.ingest([extra])
    assert not any(c.startswith("notice-030.md") for c in assistant.lexical.ids)

    news_corpus(corpus, 1, start=40)
    assistant.ingest([corpus])
    assert any(c.startswith("notice-030.md") for c in assistant.lexical.ids)
    assert any(c.startswith("notice-040.md") for c in assistant.lexical.ids)
    assert len(assistant.lexical.ids) == assistant.store.count()


def test_changes_that_do_not_add_up_to_the_store_fall_back_to_a_rebuild(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.chunking import chunk_document
    from assistant.documents import load_document

    corpus = tmp_path / "corpus"
    news_corpus(corpus, 4)
    assistant = make_assistant()
    assistant.ingest([corpus])
    extra = news_corpus(tmp_path / "extra", 1, start=30)["notice-030.md"]
    real_sync = assistant.index.sync

    def sync_after_another_write(**kwargs: Any) -> None:
        # Another process writes between this ingest's last write and its BM25 update.
        doc = load_document(extra, "notice-030.md")
        chunks = chunk_document(doc, 256, assistant.embedder.count_tokens, True)
        assistant.store.add([(doc, chunks, assistant.embedder.embed([c.index_text for c in chunks]))])
        real_sync(**kwargs)

    monkeypatch.setattr(assistant.index, "sync", sync_after_another_write)
    news_corpus(corpus, 1, start=40)
    assistant.ingest([corpus])
    assert any(c.startswith("notice-030.md") for c in assistant.lexical.ids)
    assert any(c.startswith("notice-040.md") for c in assistant.lexical.ids)
    assert len(assistant.lexical.ids) == assistant.store.count()


def test_rows_of_another_build_are_never_used(tmp_path: Path) -> None:
    from assistant.lexical import LexicalIndex

    meta = {"doc_id": "a.md", "type": "news", "lang": "en", "date_num": 0, "title": "A", "heading": ""}
    first = LexicalIndex(tmp_path / "lexical")
    first.build([("a.md#x:0", "vouchers for model usage", meta)], "1-a/1")
    rows = first.rows()
    assert rows is not None and rows.ids == ["a.md#x:0"]
    second = LexicalIndex(tmp_path / "lexical")  # same folder: a process on the same machine rebuilt it
    second.build([("a.md#y:0", "compute vouchers", meta), ("a.md#y:1", "data vouchers", meta)], "2-b/2")
    assert first.rows().ids == ["a.md#x:0"]  # its own rows, kept in memory, never those the folder now holds


def _synthetic_rows(doc: int, version: str, n: int) -> list[tuple[str, str, dict[str, Any]]]:
    words = ["voucher", "compute", "subsidy", "pudong", "xuhui", "model", "data", "grant", "firm", "round"]
    words += ["人工智能", "补贴"]
    meta = {"doc_id": f"d{doc}.md", "type": "news", "lang": "en", "date_num": doc, "title": f"T{doc}", "heading": ""}
    return [
        (f"d{doc}.md#{version}:{i}", " ".join(words[(doc * 7 + i * j) % len(words)] for j in range(3 + i % 5)), meta)
        for i in range(n)
    ]


def _assert_same_as_built(index: Any, entries: list[tuple[str, str, dict[str, Any]]], folder: Path) -> None:
    from assistant.lexical import LexicalIndex

    built = LexicalIndex(folder)
    built.build(entries, "built")
    _assert_same_index(index, built)
    assert len(index.ids) == len(entries)
    for token in ("voucher", "补贴", "pudong", "absent"):
        assert index.idf(token) == pytest.approx(built.idf(token), abs=1e-12)
    queries = ["voucher subsidy for Pudong firms", "model data grant round", "人工智能补贴", "xuhui compute"]
    for query in queries:  # exact scores and order (ties by chunk id in both), under a filter as well
        assert index.search(query, 7) == built.search(query, 7), query
        allowed = {c for c in built.ids if int(c[1:].split(".")[0]) % 3 == 0}
        ours = index.search(query, 5, np.asarray([c in allowed for c in index.ids]))
        assert ours == built.search(query, 5, np.asarray([c in allowed for c in built.ids])), query


def test_a_delta_and_tombstones_search_as_an_index_built_from_scratch(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each change is a delta over one base (no re-index): ids, fields, document frequencies, IDF, and search
    results with exact scores must equal those of an index built from scratch on the same chunks, in memory and
    once saved and loaded by another process; a compaction folds the delta into a new base with the same answers."""
    from assistant.lexical import LexicalIndex, TokenRows
    from assistant.lexical import index as lexical_index

    def rows_of(entries: list[tuple[str, str, dict[str, Any]]]) -> TokenRows:
        rows = TokenRows()
        for entry in entries:
            rows.add(*entry)
        return rows

    live = [e for d in range(12) for e in _synthetic_rows(d, "v1", 4 + d % 3)]
    index = LexicalIndex(tmp_path / "lexical")
    index.build(live, "1/0")
    base_tag = index.base.tag
    steps: list[tuple[set[str], set[str], list[tuple[str, str, dict[str, Any]]]]] = [
        (set(), set(), _synthetic_rows(20, "v1", 6)),  # add a document
        ({"d3.md"}, set(), []),  # remove a base document
        (set(), {"d5.md#v1"}, _synthetic_rows(5, "v2", 3)),  # update: a new version replaces the old
        ({"d20.md"}, set(), _synthetic_rows(21, "v1", 2)),  # remove what the delta added, add another
        ({f"d{d}.md" for d in range(12) if d not in (3, 5)}, set(), []),  # the base emptied to tombstones
    ]
    for i, (docs, versions, added) in enumerate(steps):
        index = index.changed(docs, versions, rows_of(added))
        live = [e for e in live if e[2]["doc_id"] not in docs and e[0].rsplit(":", 1)[0] not in versions] + added
        index.publish(f"{i + 2}/0")
        assert index.base.tag == base_tag  # no re-index
        _assert_same_as_built(index, live, tmp_path / f"built-{i}")
        loaded = LexicalIndex(index.folder)
        assert loaded.load() and loaded.revision == f"{i + 2}/0"
        _assert_same_as_built(loaded, live, tmp_path / f"built-loaded-{i}")
        reused = LexicalIndex(index.folder)
        assert reused.load(reuse=index) and reused.base is index.base  # only the delta read again

    monkeypatch.setattr(lexical_index, "COMPACT_MIN", 1)
    monkeypatch.setattr(lexical_index, "COMPACT_SHARE", 0.0)
    index = index.changed(set(), set(), rows_of(_synthetic_rows(30, "v1", 3)))
    live += _synthetic_rows(30, "v1", 3)
    index.publish("9/0")
    assert index.base.tag != base_tag and not index.dead.any() and not len(index.delta)
    _assert_same_as_built(index, live, tmp_path / "built-compacted")
    loaded = LexicalIndex(index.folder)
    assert loaded.load() and loaded.revision == "9/0"
    _assert_same_as_built(loaded, live, tmp_path / "built-compacted-loaded")


def test_a_delta_is_never_saved_beside_another_processes_base(tmp_path: Path) -> None:
    """Two processes on one machine share the folder: when one compacted (a new base) while the other held the
    old base, the other's next change is saved whole, not as a delta the folder's base cannot take."""
    from assistant.lexical import LexicalIndex, TokenRows

    first = LexicalIndex(tmp_path / "lexical")
    first.build(_synthetic_rows(1, "v1", 5), "1/0")
    second = LexicalIndex(tmp_path / "lexical")
    second.build(_synthetic_rows(2, "v1", 5), "2/0")  # the other process's compaction
    added = TokenRows()
    for entry in _synthetic_rows(3, "v1", 2):
        added.add(*entry)
    changed = first.changed(set(), set(), added)
    changed.publish("3/0")
    loaded = LexicalIndex(tmp_path / "lexical")
    assert loaded.load() and loaded.revision == "3/0"
    assert sorted(loaded.ids) == sorted(e[0] for e in _synthetic_rows(1, "v1", 5) + _synthetic_rows(3, "v1", 2))


def test_postings_built_a_page_at_a_time_are_the_rows_and_counts_of_each_token(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The inverted index is built a few rows at a time (its memory is a page's): every token must still list
    each row holding it once, in row order, with its count, across page boundaries and empty rows."""
    from collections import Counter

    from assistant.lexical import rows as token_rows

    monkeypatch.setattr(token_rows, "POSTINGS_PAGE", 3)
    rng = np.random.default_rng(5)
    width = 9
    tokens = [rng.integers(0, width, int(rng.integers(0, 7))).astype(np.int32) for _ in range(20)]
    indptr, rows, tf, df = token_rows.postings_of(tokens, width)
    for token in range(width):
        expected = [(row, Counter(t.tolist())[token]) for row, t in enumerate(tokens) if token in t.tolist()]
        span = slice(indptr[token], indptr[token + 1])
        assert list(zip(rows[span].tolist(), tf[span].tolist())) == expected
        assert df[token] == len(expected)


def test_determiners_are_not_searched_for() -> None:
    # A closed class that says nothing of the subject; rare in the documents, "each" would outweigh every other word.
    from assistant.lexical import tokenize

    question = "What must each platform publish every year, and do both or either of the other firms own the same data?"
    assert tokenize(question) == ["platform", "publish", "year", "firm", "data"]


def test_modal_verbs_are_not_searched_for() -> None:
    # "must" is rare in statutes (they say "shall"): it outweighed every other word of "What must a company tell
    # people before collecting …"; "shall" is in nearly every provision
    from assistant.lexical import tokenize

    assert tokenize("What must a company tell people?") == ["compani", "tell", "peopl"]
    assert tokenize("Processors shall keep logs") == ["processor", "keep", "log"]


def test_coverage_tokens_add_the_characters_of_chinese_words_only() -> None:
    # The answer step's coverage: a question's function words (吗, 的) bring no characters, English gets none.
    from assistant.lexical import coverage_tokens, tokenize

    words = tokenize("许可证的有效期届满吗？")
    tokens = coverage_tokens("许可证的有效期届满吗？")
    assert tokens[: len(words)] == words
    assert {"#许", "#证", "#届", "#满"} <= set(tokens)
    assert not {"#的", "#吗"} & set(tokens)
    assert coverage_tokens("Operators shall keep logs") == tokenize("Operators shall keep logs")


def test_coverage_tokens_count_a_one_character_word_once_as_its_character() -> None:
    from assistant.lexical import coverage_tokens, tokenize

    question = "用户拿它去干违法的事呢？"
    assert {"去", "事"} <= set(tokenize(question))
    tokens = coverage_tokens(question)
    assert "去" not in tokens and "事" not in tokens
    assert tokens.count("#去") == 1 and tokens.count("#事") == 1
    assert {"用户", "违法", "#用", "#户"} <= set(tokens)


def test_a_rebuild_from_the_store_indexes_the_chapter_titles_the_ingest_did(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Chunks are indexed behind their chapters' titles as written, which their heading paths ("Chapter II ›
    # Article 2") do not hold: the store keeps them, or a reader rebuilding BM25 from a server would lose them.
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "sample-rules.txt").write_text(
        "Sample Rules\n\nChapter I General Provisions\n\nArticle 1 These Rules apply to online platforms.\n\n"
        "Chapter II Rights of Individuals\n\nArticle 2 A copy of the records shall be provided on request.\n",
        encoding="utf-8",
    )
    assistant = make_assistant()
    assistant.ingest([folder])
    rebuilt = _rebuilt_from_store(assistant, tmp_path / "rebuilt")
    assert rebuilt.document_frequency == assistant.lexical.document_frequency
    assert [c for c, _ in rebuilt.search("rights of individuals", 1)] == [
        c for c, _ in assistant.lexical.search("rights of individuals", 1)
    ]


def test_a_built_index_maps_its_forward_index_from_its_file(tmp_path: Path) -> None:
    """Every chunk's tokens are read only for removals and compactions: once built and saved they are mapped from
    the file, as a loaded index maps them, not held in memory (about 340 MB at a million chunks)."""
    from assistant.lexical import LexicalIndex

    index = LexicalIndex(tmp_path / "lexical")
    index.build([e for d in range(3) for e in _synthetic_rows(d, "v1", 4)], "1/0")
    assert isinstance(index.base.flat, np.memmap)
    loaded = LexicalIndex(index.folder)
    assert loaded.load()
    assert np.array_equal(index.base.flat, loaded.base.flat) and len(index.base.flat) == int(index.base.lengths.sum())


def test_a_periods_adjective_covers_its_noun() -> None:
    from assistant.lexical import coverage_tokens

    # "every year" is what an "annual" report is published; "monthly" already stems to "month"
    assert "year" in coverage_tokens("shall publish annual reports")
    assert "day" in coverage_tokens("a daily log")


def test_a_chinese_numeral_also_counts_as_its_digits() -> None:
    # "不满14岁" shared no token with "不满十四周岁" but 不满 and 岁: the age itself did not count.
    from assistant.lexical import tokenize

    assert "14" in tokenize("不满十四周岁的未成年人")
    assert {"500000", "1000000"} <= set(tokenize("五十万元以上一百万元以下"))
    assert "30" in tokenize("三十个工作日内")
    # a lone numeral character is a word's part more often than a number: 统一, 一般, 万一
    assert tokenize("统一") == ["统一"] and not any(t.isdigit() for t in tokenize("一般情况"))


def test_paying_is_read_as_the_fee_a_rule_states_but_a_person_in_charge_is_not() -> None:
    from assistant.lexical import coverage_tokens

    assert "fee" in coverage_tokens("Will they bill us?") and "fee" in coverage_tokens("Do I have to pay?")
    assert "fee" in coverage_tokens("may charge necessary fees")
    assert "fee" not in coverage_tokens("the person in charge of personal information protection")


def test_pronouns_are_no_words_of_a_question() -> None:
    # Statutes never say 我们, 自己 or "themselves": counted, the rarest words of a colloquial question would be its
    # pronouns, and whatever passage happened to hold one would rank first.
    from assistant.lexical import coverage_tokens, search_tokens, tokenize

    question = "我们公司能不能把他们自己的数据卖给你们？"
    assert {"公司", "数据"} <= set(tokenize(question))
    assert not {"我们", "他们", "自己", "你们"} & set(tokenize(question))
    assert not {"#们", "#己", "#你"} & (set(search_tokens(question)) | set(coverage_tokens(question)))
    assert "themselv" not in tokenize("Can users delete the data themselves?")


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("anonymised organisation", "anonymized organization"),
        ("behaviour of the centre", "behavior of the center"),
        ("a business licence", "a business license"),
        ("data analysed by the programme", "data analyzed by the program"),
    ],
)
def test_british_spellings_are_tokens_of_the_american_ones(british: str, american: str) -> None:
    from assistant.lexical import tokenize

    # the official translations spell the American way, and the stems differ ("anonymis" against "anonym")
    assert tokenize(british) == tokenize(american)


def test_words_spelt_ise_or_our_in_american_english_too_are_left_as_they_are() -> None:
    from assistant.lexical.tokens import american_spelling

    for word in ("exercise", "enterprise", "advise", "raise", "otherwise", "hour", "your", "devour", "analyses"):
        assert american_spelling(word) == word


def test_which_one_article_holds_no_article_number() -> None:
    # jieba's search mode gives "哪一条" its "一条", which is also a word of every "第一条": a question asking which
    # article of the harbour rules says something matched their first article.
    from assistant.lexical import tokenize

    assert tokenize("港口规则哪一条讲船舶？") == tokenize("港口规则哪条讲船舶？")
    assert "一条" not in tokenize("哪一条") and "一条" in tokenize("第一条")
