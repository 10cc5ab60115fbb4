from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import Embedder
from assistant.lexical import tokenize
from assistant.related_words import RelatedWords, _unseen_words


class _WordVectors(Embedder):
    """Vectors set by hand for a few words (pure logic: which words are searched for, and the cache)."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.name = "word-vectors"
        self.dimension = 3
        self.max_tokens = 16
        self.vectors = {w: np.asarray(v, np.float32) / np.linalg.norm(v) for w, v in vectors.items()}
        self.embedded: list[str] = []

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded += texts
        return np.stack([self.vectors.get(t, np.asarray([0.0, 0.0, 1.0], np.float32)) for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def coverage(self, text: str) -> float:
        return 1.0

    def words(self) -> list[str]:
        return [w for w in self.vectors if w not in ("sue", "abroad")]


class _Held:
    def __init__(self, words: str) -> None:
        self.tokens = set(tokenize(words))

    def holds(self, token: str) -> bool:
        return token in self.tokens


VECTORS = {
    "sue": [1.0, 0.05, 0.0],
    "lawsuit": [1.0, 0.1, 0.0],
    "lawsuits": [1.0, 0.12, 0.0],
    "litigation": [1.0, 0.2, 0.0],
    "court": [1.0, 0.9, 0.0],
    "abroad": [0.0, 1.0, 0.05],
    "overseas": [0.0, 1.0, 0.1],
}


def test_an_unheld_word_is_searched_for_as_the_nearest_held_words_above_the_similarity(tmp_path: Path) -> None:
    embedder = _WordVectors(VECTORS)
    related = RelatedWords(embedder, tmp_path, similarity=0.95, limit=3)
    index = _Held("lawsuit litigation court overseas")
    # "court" is related, not alike (cosine 0.74); "lawsuits" is "lawsuit" again for BM25; "overseas" is not held
    # against "sue"
    assert related.expand("Can they sue us?", index) == ["lawsuit", "litigation"]
    assert RelatedWords(embedder, tmp_path, similarity=0.95, limit=1).expand("Can they sue us?", index) == ["lawsuit"]
    assert related.expand("Can they sue us abroad?", index) == ["lawsuit", "litigation", "overseas"]
    # a word the index holds is searched for as it is
    assert related.expand("Can they sue us?", _Held("sue lawsuit")) == []
    assert RelatedWords(embedder, tmp_path, similarity=0.95, limit=0).expand("Can they sue us?", index) == []


def test_the_candidates_are_embedded_once_and_kept_beside_the_index(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    embedder = _WordVectors(VECTORS)
    index = _Held("lawsuit litigation court overseas")
    assert RelatedWords(embedder, tmp_path, 0.95, 3).expand("Can they sue us?", index) == ["lawsuit", "litigation"]
    assert sorted(set(embedder.embedded) - {"sue"}) == ["court", "lawsuit", "lawsuits", "litigation", "overseas"]
    embedder.embedded.clear()
    # another process: only the question's word is embedded
    assert RelatedWords(embedder, tmp_path, 0.95, 3).expand("Can they sue us?", index) == ["lawsuit", "litigation"]
    assert embedder.embedded == ["sue"]
    # a damaged cache is made again, with a warning
    (cache,) = tmp_path.glob("*.npz")
    cache.write_bytes(b"not an npz file")
    embedder.embedded.clear()
    with caplog.at_level(logging.WARNING):
        assert RelatedWords(embedder, tmp_path, 0.95, 3).expand("Can they sue?", index) == ["lawsuit", "litigation"]
    assert "unreadable cache" in caplog.text and "lawsuit" in embedder.embedded
    assert np.load(cache)["words"].size == 5
    assert [p.name for p in tmp_path.iterdir()] == [cache.name]  # no temporary file left beside it


def test_a_cache_that_cannot_be_written_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    with caplog.at_level(logging.WARNING):
        related = RelatedWords(_WordVectors(VECTORS), blocked / "related-words", 0.95, 3)
        assert related.expand("Can they sue us?", _Held("lawsuit litigation")) == ["lawsuit", "litigation"]
    assert "cannot write cache" in caplog.text


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Can we sue them?", ["sue"]),
        ("Sue them in Beijing or Shenzhen?", ["sue"]),  # a sentence's first word, but names are left alone
        ("Is GDPR or the PIPL stricter? Stricter how?", ["stricter"]),
        ("Who runs MiniMax and what is a PhD worth?", ["runs", "worth"]),
        ("外卖平台可以收钱吗？", []),
    ],
)
def test_names_acronyms_and_stop_words_are_never_searched_for_by_meaning(question: str, words: list[str]) -> None:
    assert _unseen_words(question) == words


def test_a_colloquial_word_the_laws_never_use_finds_their_word(library) -> None:  # type: ignore[no-untyped-def]
    # the PIPL says "file a lawsuit" and "overseas", never "sue" or "abroad": BM25 alone ranks neither article
    # near the top (Article 70 outside the top 10, the NDSR's Article 35 seventh)
    question = "Which bodies may sue on behalf of lots of affected individuals under the PIPL?"
    assert "lawsuit" in library.retriever.retrieve(question).related
    answer = library.ask(question)
    assert not answer.refused and "people's procuratorate" in answer.text
    answer = library.ask("What must happen before a firm sends its staff records abroad under the network data rules?")
    assert not answer.refused and "cross-border human resource management" in answer.text
    # names are no words of the language: "Beijing" is near "Shanghai" for the model, but not what is asked about
    assert library.retriever.retrieve("What AI subsidies does Beijing offer?").related == ()
