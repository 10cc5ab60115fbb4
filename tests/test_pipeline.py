"""End to end over the real model, a real Chroma in tmp_path, and real documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evaluation import locate
from tests.conftest import ARTICLE, CORPUS

VOUCHER_SENTENCE = (
    "The city plans to issue 1 billion yuan worth of vouchers covering these areas, "
    "with subsidies offsetting 30% to 100% of costs."
)


def test_voucher_question_is_answered_with_the_voucher_paragraph(make_assistant) -> None:
    assistant = make_assistant()
    assistant.ingest([ARTICLE])
    answer = assistant.ask("What subsidies cover model usage?")
    assert not answer.refused
    assert "1 billion yuan" in answer.text
    assert "30% to 100%" in answer.text
    doc = next(iter(assistant.documents().values()))
    text = Path(doc.source).read_text(encoding="utf-8")
    assert VOUCHER_SENTENCE in text
    cited = next(c for c in answer.citations if VOUCHER_SENTENCE in c.quote)
    assert cited.doc_id == "shanghai-ai-policy-clustering.txt"
    assert cited.heading_path == "Rising costs drive AI clustering"
    assert all(len(s.citations) == 1 for s in answer.sentences)  # each quote cites its own span


def test_citation_offsets_point_at_the_quote(make_assistant) -> None:
    from assistant.documents import load_document

    assistant = make_assistant()
    assistant.ingest([ARTICLE])
    answer = assistant.ask("When did the Model Power Community open?")
    doc = load_document(CORPUS / "shanghai-ai-policy-clustering.txt", "shanghai-ai-policy-clustering.txt")
    for citation in answer.citations:
        assert doc.text[citation.start : citation.end] == citation.quote
    assert locate("The Model Power Community, which opened in August 2024", doc.text) is not None
    assert "August 2024" in answer.text


def test_pipl_impact_assessment_cites_article_55(make_assistant, zh_corpus: Path) -> None:
    assistant = make_assistant()
    assistant.ingest([zh_corpus])
    answer = assistant.ask("个人信息处理者在哪些情形下应当事前进行个人信息保护影响评估？")
    assert not answer.refused
    first = answer.citations[0]
    assert first.doc_id == "个人信息保护法_2021-08-20.md"
    assert first.heading_path.endswith("第五十五条")
    assert "处理敏感个人信息" in answer.text


def test_named_article_comes_first(make_assistant, zh_corpus: Path) -> None:
    assistant = make_assistant()
    assistant.ingest([zh_corpus])
    for question in ("《数据安全法》第二十一条规定了什么？", "What does Article 21 of the Data Security Law say?"):
        retrieval = assistant.retrieve(question)
        top = retrieval.chunks[0]
        assert top.doc_id == "数据安全法_2021-06-10.md", question
        assert top.heading_path.endswith("第二十一条"), question


def test_questions_the_corpus_cannot_answer_are_refused(make_assistant) -> None:
    assistant = make_assistant()
    assistant.ingest([ARTICLE])
    for question in ("What compute vouchers does Beijing offer?", "How many GPUs does the Model Power Community have?"):
        answer = assistant.ask(question)
        assert answer.refused, question
        assert answer.citations == []


def test_ingest_is_incremental_and_prunes(make_fake_assistant, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "shanghai-ai-policy-clustering.txt", corpus)
    (corpus / "notice.md").write_text(
        "# Notice\n\nThe pilot zone opens on 1 March 2026 with 40 firms.\n", encoding="utf-8"
    )
    assistant = make_fake_assistant()
    first = assistant.ingest([corpus])
    assert sorted(first.added) == ["notice.md", "shanghai-ai-policy-clustering.txt"]
    chunks_before = assistant.store.count()

    again = assistant.ingest([corpus])
    assert again.chunks_embedded == 0
    assert sorted(again.unchanged) == ["notice.md", "shanghai-ai-policy-clustering.txt"]

    (corpus / "notice.md").write_text(
        "# Notice\n\nThe pilot zone opens on 2 April 2026 with 55 firms.\n", encoding="utf-8"
    )
    edited = assistant.ingest([corpus])
    assert edited.updated == ["notice.md"]
    assert edited.chunks_embedded == 1
    assert assistant.store.count() == chunks_before
    assert "55 firms" in assistant.ask("How many firms will the pilot zone open with?").text

    (corpus / "notice.md").unlink()
    pruned = assistant.ingest([corpus], prune=True)
    assert pruned.removed == ["notice.md"]
    assert set(assistant.documents()) == {"shanghai-ai-policy-clustering.txt"}
    assert assistant.lexical.ids
    assert not any(cid.startswith("notice.md") for cid in assistant.lexical.ids)


@pytest.mark.usefixtures("real_components")
def test_cli_ingest_and_ask_json(tmp_path: Path) -> None:
    runner = CliRunner()
    index = str(tmp_path / "cli-index")
    result = runner.invoke(app, ["ingest", str(ARTICLE), "--index-dir", index])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    result = runner.invoke(app, ["ask", "What subsidies cover model usage?", "--json", "--index-dir", index])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["refused"] is False
    assert payload["citations"][0]["doc_id"] == "shanghai-ai-policy-clustering.txt"
    assert {"start", "end", "quote", "score"} <= set(payload["citations"][0])
    assert [r["rank"] for r in payload["retrieved"]] == list(range(1, len(payload["retrieved"]) + 1))


@pytest.mark.usefixtures("real_components")
def test_cli_ask_on_an_empty_index_points_to_ingest(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "What subsidies cover model usage?", "--index-dir", str(tmp_path / "i")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: nothing is indexed yet: run 'policy-assistant ingest PATH' (a file or folder of documents) first"
    ]


def test_cli_rejects_bad_filter_with_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "anything", "--type", "memo", "--index-dir", str(tmp_path / "i")])
    assert result.exit_code == 2
    assert "unknown type 'memo'; valid types: regulation, news, other" in result.output


@pytest.mark.usefixtures("real_components")
def test_cli_check_reports_index(tmp_path: Path) -> None:
    index = str(tmp_path / "check-index")
    result = CliRunner().invoke(app, ["check", "--index-dir", index])
    assert result.exit_code == 1
    assert "the index is empty" in result.output
    CliRunner().invoke(app, ["ingest", str(ARTICLE), "--index-dir", index])
    result = CliRunner().invoke(app, ["check", "--index-dir", index])
    assert result.exit_code == 0, result.output
    assert "documents: 1" in result.output
    assert "all-MiniLM-L6-v2" in result.output


def test_reingest_reads_changed_files_and_rewrites_redescribed(  # type: ignore[no-untyped-def]
    make_fake_assistant, tmp_path: Path, monkeypatch
) -> None:
    import assistant.ingest as ingest
    from assistant.retrieve import Filters

    from .hostile import news_corpus

    corpus = tmp_path / "corpus"
    files = news_corpus(corpus, 3)
    assistant = make_fake_assistant()
    assistant.ingest([corpus])
    loaded: list[str] = []
    real_load = ingest.load_document

    def load(path: Path, *args: Any, **kwargs: Any) -> Any:
        loaded.append(path.name)
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(ingest, "load_document", load)
    assert len(assistant.ingest([corpus]).unchanged) == 3 and loaded == []

    text = files["notice-001.md"].read_text(encoding="utf-8")
    files["notice-001.md"].write_text(text.replace("round 1,", "round one,"), encoding="utf-8")
    sidecar = {"title": "Notice two", "date": "2020-05-01", "type": "regulation"}
    (corpus / "notice-002.md.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")  # same text, new facts
    report = assistant.ingest([corpus])
    assert sorted(loaded) == ["notice-001.md", "notice-002.md"]
    assert sorted(report.updated) == ["notice-001.md", "notice-002.md"] and report.unchanged == ["notice-000.md"]
    stored = assistant.documents()["notice-002.md"]
    assert (stored.title, stored.date, stored.doc_type) == ("Notice two", "2020-05-01", "regulation")
    assert stored.complete
    found = assistant.retrieve("vouchers in round 1", Filters(until="2020-12-31")).chunks
    assert {c.doc_id for c in found} == {"notice-002.md"}
    assert sorted(c.chunk_id for c in assistant.store.iter_chunks()) == sorted(assistant.lexical.ids)
    loaded.clear()
    assert len(assistant.ingest([corpus]).unchanged) == 3 and loaded == []


def test_ingest_reports_embedding_progress_per_document(make_fake_assistant, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """on_embed names the document being embedded, counting its own passages, and the vectors stay in order."""
    import assistant.ingest as ingest

    monkeypatch.setattr(ingest, "EMBED_PROGRESS_BATCH", 8)
    notice = tmp_path / "notice.md"
    notice.write_text("# Notice\n\nThe pilot zone opens on 1 March 2026 with 40 firms.\n", encoding="utf-8")
    calls: list[tuple[int, int, str]] = []
    assistant = make_fake_assistant()
    report = assistant.ingest([ARTICLE, notice], on_embed=lambda *call: calls.append(call))
    stored = assistant.documents()
    article = stored["shanghai-ai-policy-clustering.txt"].chunks
    assert article > 8  # so the article is embedded in several sub-batches
    assert calls == [
        *((done, article, str(ARTICLE)) for done in range(0, article, 8)),
        (article, article, str(ARTICLE)),
        (0, 1, str(notice)),
        (1, 1, str(notice)),
    ]
    assert report.chunks_embedded == article + 1
    assert "40 firms" in assistant.ask("How many firms will the pilot zone open with?").text
    assert "1 billion yuan" in assistant.ask("What subsidies cover model usage?").text


@pytest.mark.usefixtures("real_components")
def test_cli_check_loads_no_model(tmp_path: Path) -> None:
    """`check` reads the model's files and the store; torch and the model are never loaded (issue 15)."""
    import subprocess
    import sys

    index = str(tmp_path / "check-index")
    assert CliRunner().invoke(app, ["ingest", str(ARTICLE), "--index-dir", index]).exit_code == 0
    probe = (
        "import sys; from typer.testing import CliRunner; from assistant.cli import app; "
        f"result = CliRunner().invoke(app, ['check', '--index-dir', {index!r}]); "
        "print(result.exit_code, result.output.splitlines()[-1]); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.splitlines() == ["0 ok", "[]"], done.stdout + done.stderr


def test_model_files_are_judged_without_loading_the_model(tmp_path: Path) -> None:
    from assistant.embedding import model_files_problem
    from assistant.settings import BUNDLED_MODEL

    assert model_files_problem(BUNDLED_MODEL) is None
    model = tmp_path / "model"
    model.mkdir()
    assert "config.json is missing or unreadable" in str(model_files_problem(str(model)))
    (model / "config.json").write_text("{not json", encoding="utf-8")
    assert "config.json is missing or unreadable" in str(model_files_problem(str(model)))
    (model / "config.json").write_text("{}", encoding="utf-8")
    assert "no weights (model.safetensors or pytorch_model.bin)" in str(model_files_problem(str(model)))
    (model / "model.safetensors").write_bytes(b"x")
    assert "no tokenizer" in str(model_files_problem(str(model)))
    (model / "vocab.txt").write_text("[UNK]\n", encoding="utf-8")
    assert model_files_problem(str(model)) is None
    assert "neither a folder nor in the offline" in str(model_files_problem(str(tmp_path / "nowhere")))


LOGBOOK_RULES = (
    "Ferry Logbook Rules\n\n"
    "Article 5 The operator of a passenger ferry shall keep a logbook of every crossing, recording the time of "
    "departure and the number of passengers on board.\n\n"
    "Article 6 The harbour board shall inspect the logbooks of each operator twice a year.\n\n"
    "Article 9 Where an operator fails to keep the logbook required by Article 5, the harbour board shall order it to "
    "make corrections and impose a fine of 2,000 yuan.\n"
)


def test_a_message_asking_two_things_gets_both_answered(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The second question asks for a sum the answer to the first states none of: it is answered as a follow-up of
    the first, and its quote joins the answer; a second question the documents do not answer is named in the note."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "ferry-logbook-rules.txt").write_text(LOGBOOK_RULES, encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    answer = assistant.ask(
        "How often does the harbour board inspect the ferry logbooks? And how much is the fine for not keeping one?"
    )
    assert not answer.refused, answer.text
    assert "twice a year" in answer.text and "a fine of 2,000 yuan" in answer.text, answer.text
    assert [c.number for c in answer.citations] == [1, 2]
    assert " | " in answer.searched_for
    partly = assistant.ask(
        "How often does the harbour board inspect the ferry logbooks? And how much does a new logbook cost?"
    )
    assert "twice a year" in partly.text and "2,000" not in partly.text, partly.text
    assert "how much does a new logbook cost" in partly.note, partly.note


def test_a_message_refused_whole_is_answered_part_by_part(library) -> None:  # type: ignore[no-untyped-def]
    # read whole it asks for a date, which the passage on the sectors does not give
    answer = library.ask("Which sectors does Pudong's cluster cover, and when did its doors open?")
    assert not answer.refused, answer.text
    assert "chips, hardware platforms" in answer.text
    assert "August 2024" in answer.text
    assert " | " in answer.searched_for


def test_a_message_with_a_part_the_documents_do_not_answer_stays_refused(library) -> None:  # type: ignore[no-untyped-def]
    # the article says who co-founded the start-up, but not when it moved
    assert library.ask("Who heads Infinigence AI, and when exactly was its move to Xuhui?").refused


_PIERS = (
    "Harbour piers\n\n"
    "The city runs two piers on the river. "
    "The East Pier, opened in May 2018, was the first pier built for fast ferries. "
    "It is served by more than 12 ferry lines, including Bluewake and Tidewright.\n\n"
    "The West Pier, which opened in 2021, handles cargo barges and repair boats.\n"
)


def test_a_later_part_asking_for_things_is_answered_too(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "piers.txt").write_text(_PIERS, encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    answer = assistant.ask("When did the East Pier open, and what notable brands sail from it?")
    assert "May 2018" in answer.text and "Bluewake" in answer.text, answer.text
    # the second part's quote holds the first's: one quote, said once
    assert answer.text.count("May 2018") == 1 and len(answer.citations) == 1, answer.text


def test_a_follow_up_asking_only_which_provision_is_answered_by_the_one_that_answered(library) -> None:  # type: ignore[no-untyped-def]
    """ "Provision" names the kind of answer: counted as a word of the question, it drew the article on consent in
    general, whose opening every article shares, not the one on minors that answered the question before."""
    history = ["Must a guardian consent before a minor's data is processed, per the PIPL?"]
    assert library.ask(history[0]).text.startswith("Article 31"), library.ask(history[0]).text
    answer = library.ask("Which provision is that?", history=history)
    assert answer.text.startswith("Article 31"), answer.text


_FERRY_FILING = {
    "渡船备案办法.txt": "渡船备案办法\n\n第一条 为了规范渡船备案，制定本办法。\n\n"
    "第五条 渡船运营者应当在开航之日起十个工作日内通过渡船登记平台提交船名、航线和载客定额，完成备案。\n\n"
    "第七条 渡船运营者应当在船舱显著位置标明备案编号。\n",
    "港务局办事规程.txt": "港务局办事规程\n\n第一条 为了规范港务局办事流程，制定本规程。\n\n"
    "第六条 港务局收到申请人的材料，齐全的，应当在三十个工作日内审结，并告知申请人。\n",
}


def _over(make_assistant, tmp_path: Path, documents: dict[str, str]):  # type: ignore[no-untyped-def]
    """An assistant whose index holds ``documents`` (file name: text), written to a folder and ingested."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([folder])
    return assistant


def test_each_part_asking_a_time_is_answered_with_its_own(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Read whole, the message matched one document's time limit best, which states a time too: the other part's
    # own deadline, in the other document, was left out.
    assistant = _over(make_assistant, tmp_path, _FERRY_FILING)
    answer = assistant.ask("渡船须在几日内备案？港务局收到渡船备案材料后几日办结备案？")
    assert "开航之日起十个工作日内" in answer.text and "三十个工作日内" in answer.text, answer.text


_PIER_INSPECTION = {
    "渡船安全检查规定.txt": "渡船安全检查规定\n\n第一条 为了加强渡船安全管理，制定本规定。\n\n"
    "第八条 港务部门依法登船进行安全检查，船东应当予以协助，如实提供有关情况。\n\n"
    "第九条 船东应当每年组织一次应急演练。\n",
    "港务行政处罚办法.txt": "港务行政处罚办法\n\n第一条 为了规范港务行政处罚，制定本办法。\n\n"
    "第六条 船东违反《渡船安全检查规定》第八条的，由港务部门责令改正，给予警告，并处一万元以上五万元以下罚款。\n",
}


def test_a_part_asking_what_follows_a_breach_is_answered_where_the_duty_quoted_states_no_sanction(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path
) -> None:
    # The duty answered the whole message and holds the second part's word (协助): the part was taken as answered,
    # and the penalty, in another document, is no second quote of the duty's.
    assistant = _over(make_assistant, tmp_path, _PIER_INSPECTION)
    answer = assistant.ask("港务部门登船检查，船东可以拒绝吗？不协助会怎样？")
    assert "应当予以协助" in answer.text and "一万元以上五万元以下罚款" in answer.text, answer.text


_TWO_PIERS = {
    "harbour-news.txt": "How the harbour is growing\n\n"
    "The harbour has grown on both sides of the estuary. "
    "The North Pier, opened in 2019, has 40 berths for passenger ferries. "
    "The South Pier serves cargo barges and fishing boats, and a new crane arrived there last spring.\n",
}


def test_a_follow_up_naming_something_else_is_not_answered_with_the_figure_of_what_was_named_before(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path
) -> None:
    # The follow-up was searched with the question before it, and a figure about either pier counted as stated:
    # the North Pier's berths answered for the South Pier's.
    assistant = _over(make_assistant, tmp_path, _TWO_PIERS)
    before = assistant.ask("How many berths does the North Pier have?")
    assert "40 berths" in before.text, before.text
    answer = assistant.ask("And the South Pier?", history=["How many berths does the North Pier have?"])
    assert answer.refused and "40 berths" not in answer.text, answer.text


_FERRY_REGISTRATION = {
    "渡船登记规定.txt": "渡船登记规定\n\n第一条 为了规范渡船登记，制定本规定。\n\n"
    "第五条 渡船经营者应当在开航之日起十五个工作日内向港务部门登记，提交船名、航线、载客定额等材料。\n\n"
    "渡船经营者的登记事项发生变更的，应当在变更之日起五日内办理变更手续。\n",
}


_TWO_LAWS_ONE_NUMBER = {
    "ferry-safety-law.txt": "Ferry Safety Law\n\n"
    "Article 1 This Law is formulated to keep ferry passengers safe.\n\n"
    "Article 12 A ferry operator shall keep a passenger log for each crossing and retain it for two years.\n",
    "harbour-dues-regulations.txt": "Harbour Dues Regulations\n\n"
    "Article 1 These Regulations govern the dues paid at the harbour.\n\n"
    "Article 12 The harbour office shall require each cargo barge to pay harbour dues of 300 yuan for each berth.\n",
}


_FERRY_TRANSFER = {
    "渡船管理规定.txt": "渡船管理规定\n\n第一条 为了加强渡船管理，制定本规定。\n\n"
    "第八条 渡船转让给外地船东的，应当经港务局批准。\n\n"
    "第九条 港务部门因安全检查需要登船的，应当按照规定履行批准手续。\n",
}


_TWO_PORT_RULES = {
    "渡船安全条例.txt": "渡船安全条例\n\n第一条 为了保障渡船安全，制定本条例。\n\n"
    "第六条 渡船经营者应当每年组织一次船员安全培训。\n",
    "港口管理条例.txt": "港口管理条例\n\n第一条 为了加强港口管理，制定本条例。\n\n"
    "第九条 港口经营者应当每半年组织一次装卸人员安全培训。\n\n"
    "第十条 港口经营者应当每季度检查一次系泊设施。\n",
}


@pytest.mark.parametrize(
    ("documents", "before", "question", "quoted", "left_out"),
    [
        # 办 stands for the registration asked about before, and as a character it matched 办理 of the paragraph on
        # changes to a registration, which was quoted instead.
        pytest.param(
            _FERRY_REGISTRATION,
            "渡船经营者都要登记吗？",
            "几天之内要办？",
            "十五个工作日内",
            "变更手续",
            id="light-verb",
        ),
        # "Article" read as a name the follow-up gave itself: it was searched alone, and the other law's Article 12
        # answered.
        pytest.param(
            _TWO_LAWS_ONE_NUMBER,
            "Which articles of the Harbour Dues Regulations should a barge owner read?",
            "What duty does Article 12 set?",
            "harbour dues of 300 yuan",
            "passenger log",
            id="article-of-the-law-before",
        ),
        # Searched alone, the question before naming no law: the approval to board a ferry was quoted beside that of
        # its sale.
        pytest.param(
            _FERRY_TRANSFER, "渡船能转让给外地船东吗？", "要经过谁的批准？", "港务局批准", "登船", id="dropped-subject"
        ),
        # "一次" was read as a subject of the question's own: it was searched alone, and the mooring inspections of the
        # other law answered for its training.
        pytest.param(
            _TWO_PORT_RULES,
            "渡船安全条例对船员培训有什么要求？",
            "港口管理条例里多久搞一次？",
            "每半年组织一次装卸人员安全培训",
            "系泊设施",
            id="another-law-how-often",
        ),
    ],
)
def test_a_follow_up_is_answered_with_what_it_asks_of_the_topic_before(  # type: ignore[no-untyped-def]
    make_assistant, tmp_path: Path, documents: dict[str, str], before: str, question: str, quoted: str, left_out: str
) -> None:
    assistant = _over(make_assistant, tmp_path, documents)
    answer = assistant.ask(question, history=[before])
    assert quoted in answer.text and left_out not in answer.text, answer.text
