"""Retrieval over a real Chroma and the real model: filters, article lookups, recency, diversity, reranker."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant import retrieve
from assistant.cli import app
from assistant.retrieve import FilterError, Filters
from assistant.types import RetrievedChunk
from tests.conftest import ARTICLE


@pytest.fixture(scope="module")
def both(embedder, tmp_path_factory, zh_corpus: Path):  # type: ignore[no-untyped-def]
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(index_dir=tmp_path_factory.mktemp("both")), embedder=embedder)
    assistant.ingest([ARTICLE])
    assistant.ingest([zh_corpus])
    return assistant


def test_filters_reach_both_retrievers(both) -> None:  # type: ignore[no-untyped-def]
    question = "数据安全 vouchers 1 billion yuan"
    assert {c.metadata["lang"] for c in both.retrieve(question, Filters(langs=("en",))).chunks} == {"en"}
    assert {c.metadata["lang"] for c in both.retrieve(question, Filters(langs=("zh",))).chunks} == {"zh"}
    assert {c.metadata["type"] for c in both.retrieve(question, Filters(types=("news",))).chunks} == {"news"}
    only = both.retrieve(question, Filters(doc_ids=("数据安全法_2021-06-10.md",))).chunks
    assert only and {c.doc_id for c in only} == {"数据安全法_2021-06-10.md"}
    recent = both.retrieve("数据 安全 管理", Filters(since="2021-12-01")).chunks
    assert recent and all(c.metadata["date"] >= "2021-12-01" for c in recent)
    old = both.retrieve("数据 安全 管理", Filters(until="2021-08-31")).chunks
    assert old and all("" < c.metadata["date"] <= "2021-08-31" for c in old)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(types=("regulation",)),
        Filters(langs=("en",)),
        Filters(doc_ids=("数据安全法_2021-06-10.md",)),
        Filters(since="2021-11-01", langs=("zh",)),
        Filters(until="2021-08-31"),
    ],
    ids=["type", "lang", "doc", "since+lang", "until"],
)
def test_every_dense_route_finds_what_chromas_id_filter_finds(both, filters: Filters, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The retriever picks a dense route by how many chunks a filter allows; each must find the chunks, order and
    scores that Chroma's search restricted to the allowed ids finds, and so give the same retrieval."""
    question = "数据安全 vouchers 1 billion yuan"
    retriever, store = both.retriever, both.store
    vector = both.embedder.embed([question])[0]
    catalogue = both.index.catalogue
    mask = retriever.mask(filters, catalogue)
    allowed = [catalogue.ids[i] for i in np.flatnonzero(mask)]
    k = both.settings.retrieval.candidates
    assert 0 < len(allowed) < len(mask)

    def same(chunks: list[RetrievedChunk], expected: list[RetrievedChunk]) -> None:
        assert [c.chunk_id for c in chunks] == [c.chunk_id for c in expected]
        assert [c.score for c in chunks] == pytest.approx([c.score for c in expected], abs=1e-4)

    reference = store.query(vector, k, ids=allowed)
    assert len(reference) == min(k, len(allowed))
    same(store.query(vector, k, ids=allowed, exact=True), reference)
    same(store.query(vector, k, ids=[*allowed, "gone.md#0123456789ab:0"], exact=True), reference)
    same(store.query(vector, k, mask=(catalogue.rows, mask)), reference)

    routes = {"ids": (0, 2.0), "exact": (len(mask), 2.0), "mask": (0, 0.0)}  # (EXACT_MAX, KEEP_MIN_SHARE)
    retrieved = {}
    for route, (exact_max, keep_min_share) in routes.items():
        monkeypatch.setattr(retrieve, "EXACT_MAX", exact_max)
        monkeypatch.setattr(retrieve, "KEEP_MIN_SHARE", keep_min_share)
        retrieved[route] = both.retrieve(question, filters).chunks
    same(retrieved["exact"], retrieved["ids"])
    same(retrieved["mask"], retrieved["ids"])


def test_bad_filters_name_the_value_and_the_choices(both) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FilterError, match="unknown language 'fr'; valid languages: zh, en"):
        Filters(langs=("fr",))
    with pytest.raises(FilterError, match=re.escape("'2021-13-01' is not a date; use YYYY-MM-DD")):
        Filters(since="2021-13-01")
    with pytest.raises(FilterError, match=re.escape("unknown document 'nope.md'; indexed documents:")):
        both.retrieve("x", Filters(doc_ids=("nope.md",)))


@pytest.mark.parametrize(
    "question",
    ["《数据安全法》第二十一条规定了什么？", "数据安全法第21条", "What does Article 21 of the Data Security Law say?"],
)
def test_named_article_is_first_in_every_spelling(both, question: str) -> None:  # type: ignore[no-untyped-def]
    top = both.retrieve(question).chunks[0]
    assert (top.doc_id, top.heading_path.rsplit(" › ", 1)[-1]) == ("数据安全法_2021-06-10.md", "第二十一条")


def test_a_named_article_that_does_not_exist_is_refused(both) -> None:  # type: ignore[no-untyped-def]
    answer = both.ask("《数据安全法》第九十九条规定了什么？")
    assert answer.refused and "第99条" in answer.refusal_reason


@pytest.mark.usefixtures("real_components")
def test_cli_filters(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(ARTICLE), "--index-dir", index]).exit_code == 0
    result = runner.invoke(
        app, ["ask", "What subsidies cover model usage?", "--lang", "zh", "--json", "--index-dir", index]
    )
    assert result.exit_code == 0, result.output
    assert '"refused": true' in result.output
    result = runner.invoke(app, ["ask", "x", "--since", "yesterday", "--index-dir", index])
    assert result.exit_code == 2 and "--since 'yesterday' is not a date; use YYYY-MM-DD" in result.output


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_current_state_questions_prefer_the_newer_document(make_assistant, tmp_path: Path) -> None:
    corpus = tmp_path / "versions"
    body = "# Compute voucher rules\n\nCompute vouchers offset {share} of compute costs for registered AI firms.\n"
    _write(corpus, "voucher-rules_2023-03-01.md", body.format(share="20%"))
    _write(corpus, "voucher-rules_2025-07-01.md", body.format(share="40%"))
    assistant = make_assistant()
    assistant.ingest([corpus])
    current = assistant.retrieve("What share of compute costs do vouchers currently offset?").chunks
    assert current[0].doc_id == "voucher-rules_2025-07-01.md"
    assert "40%" in assistant.ask("What share of compute costs do vouchers currently offset?").text


def test_filters_know_a_document_ingested_after_the_last_question(make_fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "later"
    _write(corpus, "first.md", "# First\n\nCompute vouchers offset compute costs for registered AI firms.\n")
    assistant = make_fake_assistant()
    assistant.ingest([corpus])
    assert assistant.retrieve("compute vouchers", Filters(doc_ids=("first.md",))).chunks
    with pytest.raises(FilterError, match=re.escape("unknown document 'second.md'")):
        assistant.retrieve("compute vouchers", Filters(doc_ids=("second.md",)))
    _write(corpus, "second.md", "# Second\n\nData vouchers cover storage costs for registered AI firms.\n")
    assistant.ingest([corpus])
    found = assistant.retrieve("data vouchers", Filters(doc_ids=("second.md",))).chunks
    assert found and {c.doc_id for c in found} == {"second.md"}


def test_one_long_document_cannot_fill_the_top_five(make_assistant, tmp_path: Path) -> None:
    corpus = tmp_path / "diverse"
    long = "\n\n".join(
        f"Data export rule {i}: exporters of data must file report {i} with the regulator." for i in range(12)
    )
    _write(corpus, "long.md", f"# Long rules\n\n{long}\n")
    _write(corpus, "short-a.md", "# Short A\n\nData exporters must file a report with the regulator each year.\n")
    _write(corpus, "short-b.md", "# Short B\n\nA report on data export is filed with the regulator.\n")
    assistant = make_assistant()
    assistant.ingest([corpus])
    top5 = [
        c.doc_id for c in assistant.retrieve("Which report must data exporters file with the regulator?").chunks[:5]
    ]
    assert top5.count("long.md") <= 3
    assert {"short-a.md", "short-b.md"} <= set(top5)


def test_an_unloadable_reranker_is_skipped_with_a_warning(make_assistant, caplog) -> None:  # type: ignore[no-untyped-def]
    assistant = make_assistant(retrieval={"reranker": "/nonexistent/cross-encoder"})
    assistant.ingest([ARTICLE])
    with caplog.at_level(logging.WARNING, logger="assistant.retrieve"):
        answer = assistant.ask("What subsidies cover model usage?")
    assert "1 billion yuan" in answer.text
    assert "reranker '/nonexistent/cross-encoder' could not be loaded" in caplog.text


def test_a_colloquial_chinese_question_finds_the_provision_it_shares_only_characters_with(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path
) -> None:
    # 扣走 and 扣押 share a character but no word: by words alone, every article matches only 公司, and the shortest
    # ranks first.
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "示例网络管理办法.txt").write_text(
        "示例网络管理办法\n\n"
        "第一条 公司应当遵守本办法。\n\n"
        "第二条 公司应当每年报送安全报告。\n\n"
        "第三条 公司有证据证明用于违法活动的设备、物品，经批准可以查封或者扣押，并应当在三日内通知当事人。\n\n"
        "第四条 公司的服务器应当设置在本市境内。\n",
        encoding="utf-8",
    )
    assistant = make_assistant()
    assistant.ingest([folder])
    top = assistant.retrieve("公司的东西能被直接扣走吗？").chunks[0]
    assert "扣押" in top.text, top.text


def test_an_article_is_found_by_the_title_of_its_chapter(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Article 3 names no right and no individual: its chapter's title does. A question in the chapter's words finds
    # it, as a reader of the law would, through the table of contents.
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "sample-rules.txt").write_text(
        "Sample Rules\n\n"
        "Chapter I General Provisions\n\n"
        "Article 1 These Rules apply to operators of online platforms.\n\n"
        "Chapter II Rights of Individuals in Data Processing\n\n"
        "Article 2 A copy of the records shall be provided within 15 days of a request.\n\n"
        "Article 3 Records that are inaccurate shall be corrected without delay once this is asked for.\n\n"
        "Chapter III Obligations of Operators\n\n"
        "Article 4 Operators shall keep logs of processing for at least three years.\n\n"
        "Article 5 Operators shall appoint a person in charge of data security.\n",
        encoding="utf-8",
    )
    assistant = make_assistant()
    assistant.ingest([folder])
    top = [c.text for c in assistant.retrieve("What rights do individuals have over data about them?").chunks[:2]]
    assert any(t.startswith("Article 2") for t in top) and any(t.startswith("Article 3") for t in top), top


def test_a_small_collection_is_searched_for_its_exact_nearest(library) -> None:  # type: ignore[no-untyped-def]
    # Chroma rebuilds a graph this small from its log, with threads, in each process that opens it: at the usual
    # depth, some processes missed a top-ranked chunk of some questions, and so answered them differently.
    from assistant.evaluation import load_dataset
    from tests.conftest import CORPUS, EVALS

    stored = library.store._collection.get(include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    catalogue = library.index.lexical.catalogue
    sets = [load_dataset(EVALS / f"{name}.jsonl", CORPUS) for name in ("en_blind.dev", "dialogues.dev")]
    questions = [case.question for cases in sets for case in cases]
    missed = []
    for question, vector in zip(questions, library.embedder.embed(questions), strict=True):
        found = [c.chunk_id for c in library.retriever._dense(vector, None, catalogue)]
        similarity = vectors @ vector
        nearest = np.sort(similarity)[::-1][: len(found)]
        # Two chunks as near as float32 can tell apart may come in either order: what counts is that none is missed.
        row = {chunk_id: i for i, chunk_id in enumerate(stored["ids"])}
        if not np.allclose(similarity[[row[c] for c in found]], nearest, atol=1e-6):
            missed.append(question)
    assert len(questions) > 100 and missed == []


def test_a_question_the_model_cannot_read_is_ranked_by_bm25_alone(library) -> None:  # type: ignore[no-untyped-def]
    # MiniLM reads a third of a Chinese question's tokens: its ranking only broke BM25's ties, at random
    retrieval = library.retriever.retrieve("外卖平台用算法给骑手派单，算法推荐规定对平台有什么要求？")
    assert retrieval.dense_trust == 0.0 and retrieval.question_vector is None
    assert library.retriever.retrieve("Who regulates ride-hailing dispatch algorithms?").dense_trust == 1.0


def _ferry_and_harbour(folder: Path) -> None:
    folder.mkdir()
    (folder / "ferry-safety-law.txt").write_text(
        "Ferry Safety Law\n\n"
        "Article 1 This Law applies to the operators of passenger ferries.\n\n"
        "Article 5 A ferry operator based outside the harbour district shall appoint an agent in the district to "
        "handle passenger safety matters.\n\n"
        "Article 6 Ferry operators shall keep passenger lists for at least one year.\n",
        encoding="utf-8",
    )
    (folder / "harbour-data-rules.txt").write_text(
        "Harbour Data Rules\n\n"
        "Article 1 These Rules apply to the processing of harbour data.\n\n"
        "Article 5 Harbour offices shall keep confidential the records they receive in performing their duties.\n\n"
        "Article 9 Where a ferry operator appoints an agent in line with Article 5 of the Ferry Safety Law, it shall "
        "give the agent's name and phone number to the district harbour office.\n",
        encoding="utf-8",
    )
    for name, title in (("ferry-safety-law", "Ferry Safety Law"), ("harbour-data-rules", "Harbour Data Rules")):
        sidecar = {"title": title, "type": "regulation", "lang": "en"}
        (folder / f"{name}.txt.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")


def test_an_article_is_looked_up_in_the_law_it_is_named_with(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ferry_and_harbour(tmp_path / "laws")
    assistant = make_assistant()
    assistant.ingest([tmp_path / "laws"])
    retrieval = assistant.retrieve("Compare Article 5 of the Ferry Safety Law with Article 9 of the Harbour Data Rules")
    named = {
        c.text.split(" ", 2)[1] + " " + c.doc_id for c in retrieval.chunks if c.chunk_id in retrieval.named_articles
    }
    assert named == {"5 ferry-safety-law.txt", "9 harbour-data-rules.txt"}


def test_a_law_named_beside_another_laws_article_is_the_one_asked(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The harbour rules' Article 5 is no article of the ferry law, and the ferry law's is what the asker did: the
    # question is put to the harbour rules.
    _ferry_and_harbour(tmp_path / "laws")
    assistant = make_assistant()
    assistant.ingest([tmp_path / "laws"])
    answer = assistant.ask(
        "Our agent was named under Article 5 of the Ferry Safety Law. Which office do the Harbour Data Rules say "
        "gets the agent's phone number?"
    )
    assert not answer.refused and answer.citations[0].quote.startswith("Article 9"), answer.text


def test_a_law_named_by_a_short_name_its_text_never_uses_is_searched_within(library) -> None:  # type: ignore[no-untyped-def]
    # "PIPL" is no word of the law's text and "begin" matched other documents: none of the named law's passages
    # came back, and the answer step refused, as if the law were not indexed in English.
    retrieval = library.retrieve("When did PIPL begin?")
    assert not retrieval.unmatched_titles
    titles = [c.metadata.get("title") for c in retrieval.chunks if c.metadata.get("lang") == "en"]
    assert any(str(t).startswith("Personal Information Protection Law") for t in titles), titles
