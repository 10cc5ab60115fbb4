"""Reading files in worker processes (assistant/reading.py): the ingest's results are those of reading in-process.

The slow tests use real files and the real model's tokenizer; vectors are hashed (tests/fakes), since what the
workers change is what is read, chunked and tokenised, not what is embedded.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import assistant.ingest as ingest
from assistant.chunking import structural_units
from assistant.documents import load_document
from assistant.embedding import Embedder, TokenizerCounts
from assistant.pipeline import Assistant
from assistant.reading import MAX_AUTO_WORKERS, worker_count
from assistant.settings import ChunkingSettings, LimitsSettings, Settings
from tests.conftest import ARTICLE, CORPUS
from tests.fakes import HashingEmbedder, MemoryStore
from tests.hostile import INJECTION

ZH_LAW = CORPUS / "数据安全法_2021-06-10.md"
ZH_MEASURES = CORPUS / "生成式人工智能服务管理暂行办法_2023-07-10.txt"
EN_LAW = CORPUS / "pipl_2021-08-20.txt"
ZH_TRANSLATED = CORPUS / "个人信息保护法_2021-08-20.md"
"""What EN_LAW's sidecar names as the original it translates."""
DOCUMENTS = (ARTICLE, ZH_LAW, EN_LAW, ZH_TRANSLATED, ZH_MEASURES)


class RealCounts(HashingEmbedder):
    """Hashed vectors, the real model's token counts and tokenizer."""

    def __init__(self, real: Embedder) -> None:
        super().__init__()
        self.real = real

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        return self.real.count_tokens_many(texts)

    def tokenizer_json(self) -> str | None:
        return self.real.tokenizer_json()


def _copy_with_sidecar(source: Path, folder: Path, name: str | None = None) -> Path:
    target = folder / (name or source.name)
    shutil.copy(source, target)
    sidecar = source.with_name(source.name + ".meta.json")
    if sidecar.is_file():
        shutil.copy(sidecar, target.with_name(target.name + ".meta.json"))
    return target


def _mixed_folder(folder: Path) -> Path:
    """Real documents, English and Chinese; a copy of one; one with paragraphs addressed to a model (a note); an
    empty file and a PDF that is not one (two failures)."""
    folder.mkdir()
    for source in DOCUMENTS:
        _copy_with_sidecar(source, folder)
    shutil.copy(ARTICLE, folder / "z-copy.txt")
    (folder / "voucher-notice.md").write_text(INJECTION, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    return folder


def _assistant(index_dir: Path, embedder: Embedder, workers: int) -> Assistant:
    # Short passages: most articles are cut into sentences and packed again, where every count matters.
    chunking = ChunkingSettings(max_tokens=48)
    settings = Settings(index_dir=index_dir, chunking=chunking, limits=LimitsSettings(ingest_workers=workers))
    return Assistant(settings, embedder=embedder, store=MemoryStore(index_dir))


def _indexed(assistant: Assistant) -> dict[str, Any]:
    """Everything an ingest leaves behind: the stored chunks in order and the BM25 rows (tokens by vocabulary id,
    vocabulary in order of first use, filter fields), with what a few searches find."""
    rows = assistant.lexical.rows()
    stored = assistant.store.iter_chunks()
    return {
        "chunks": [(c.chunk_id, c.text, c.start, c.end, c.heading_path, c.metadata) for c in stored],
        "ids": rows.ids,
        "vocab": rows.vocab,
        "tokens": rows.flat().tolist(),
        "lengths": rows.lengths().tolist(),
        "fields": rows.fields,
        "found": [assistant.lexical.search(q, 5) for q in ("data security review", "数据安全", "生成式人工智能 服务")],
    }


def test_workers_read_chunk_and_tokenise_as_the_ingest_process_does(  # type: ignore[no-untyped-def]
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _mixed_folder(tmp_path / "corpus")
    monkeypatch.setattr(ingest, "POOL_MIN_FILES", 2)  # a handful of files stand for many
    started: list[int] = []

    class Started(ingest.WorkerReading):
        def __init__(self, files: list[tuple[Path, str]], workers: int, preparer: tuple[str, int, bool, int]) -> None:
            started.append(len(files))
            super().__init__(files, workers, preparer)

    monkeypatch.setattr(ingest, "WorkerReading", Started)
    counted = RealCounts(embedder)
    alone, pooled = _assistant(tmp_path / "alone", counted, 1), _assistant(tmp_path / "pooled", counted, 2)

    first = alone.ingest([corpus])
    assert started == []
    assert pooled.ingest([corpus]) == first  # added, duplicates, notes and failures, each in the same order
    assert started == [9]
    assert sorted(first.added) == sorted([p.name for p in DOCUMENTS] + ["voucher-notice.md"])
    assert first.duplicates == {"z-copy.txt": ARTICLE.name}
    assert [line.split(":")[0] for line in first.failed] == [str(corpus / "broken.pdf"), str(corpus / "empty.txt")]
    assert len(first.notes) == 1 and "voucher-notice.md" in first.notes[0]
    assert _indexed(pooled) == _indexed(alone)
    assert any(_indexed(alone)["found"][1])

    # Again, with files changed: new text, new facts about the same text (its chunks written again), a new file.
    with (corpus / EN_LAW.name).open("a", encoding="utf-8") as text:
        text.write("\nArticle 75 This Law shall also apply to personal information kept in archives.\n")
    sidecar = corpus / (ZH_MEASURES.name + ".meta.json")
    sidecar.write_text(json.dumps(json.loads(sidecar.read_text(encoding="utf-8")) | {"date": "2023-08-15"}), "utf-8")
    _copy_with_sidecar(CORPUS / "互联网信息服务算法推荐管理规定_2021-11-16.md", corpus)
    second = alone.ingest([corpus])
    assert pooled.ingest([corpus]) == second
    assert started == [9, 6]  # the two changed, the new one, and the three not indexed on their own: read again
    assert sorted(second.updated) == [EN_LAW.name, ZH_MEASURES.name] and len(second.added) == 1
    assert _indexed(pooled) == _indexed(alone)


def test_worker_token_counts_are_the_models(embedder) -> None:  # type: ignore[no-untyped-def]
    counts = TokenizerCounts(embedder.tokenizer_json())
    texts = ["ＡＩ　２０２４年第１季度：数据出境（试行）", "Art. 5(1)(a) — “lawfulness, fairness”…"]
    for path in (ARTICLE, ZH_LAW, EN_LAW):
        doc = load_document(path, path.name)
        texts += [doc.text[u.start : u.end] for u in structural_units(doc)]
        texts.append(doc.text)  # longer than any window the model's tokenizer could be set to cut at
    expected = [embedder.count_tokens(text) for text in texts]
    assert [counts.count_tokens(text) for text in texts] == expected
    assert counts.count_tokens_many(texts) == expected


def test_worker_count_leaves_a_core_to_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for cores, auto in ((1, 1), (2, 1), (4, 3), (64, MAX_AUTO_WORKERS)):
        monkeypatch.setattr("os.sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False)
        assert worker_count(0) == auto
        assert worker_count(3) == 3


def test_a_small_ingest_starts_no_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Countable(HashingEmbedder):
        def tokenizer_json(self) -> str | None:
            return "{}"  # a tokenizer workers could load: only the number of files keeps them from starting

    def refuse(*_args: object) -> None:
        raise AssertionError("worker processes started")

    monkeypatch.setattr(ingest, "WorkerReading", refuse)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(3):
        (folder / f"notice-{n}.md").write_text(f"# Notice {n}\n\nRound {n} of the vouchers opens in May.\n", "utf-8")
    assistant = _assistant(tmp_path / "index", Countable(), 4)
    assert len(assistant.ingest([folder]).added) == 3
    monkeypatch.setattr(ingest, "POOL_MIN_FILES", 3)
    (folder / "notice-0.md").write_text("# Notice 0\n\nRound 0 closes in June.\n", "utf-8")
    (folder / "notice-9.md").write_text("# Notice 9\n\nRound 9 opens in July.\n", "utf-8")
    (folder / "notice-1.md").write_text("# Notice 1\n\nRound 1 closes in June.\n", "utf-8")
    with pytest.raises(AssertionError, match="worker processes started"):
        assistant.ingest([folder])
