"""What LLM generators share: numbered sources in, cited sentences out, each held to the answer step's judgement.

The model writes; nothing it writes is shown before it is checked. Sentences are taken one at a time as they are
completed (a generator hands each to ``on_sentence``, where the pipeline verifies it against what it cites), and
each must be:
- cited: its markers name sources it was given, located down to the sentence they rest on (evidence.locate);
- on the question: it rests on evidence the answer step scores within ``answer.llm_relevance_margin`` of its best
  window for this question (a true sentence about something else is dropped);
- new: a sentence repeating one already written is dropped.
The whole answer is held to the answerability decision too: when the answer step would refuse, so does the LLM.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import replace

from ..chunking import split_sentences
from ..embedding import Embedder
from ..language import CITATION_MARKER, fold
from ..lexical import tokenize
from ..prompts import REFUSAL_SENTINEL, answer_messages
from ..retrieve import Retrieval
from ..settings import AnswerSettings, LLMSettings
from ..types import Answer, AnswerSentence, RetrievedChunk
from .base import REFUSAL, EvidenceUnit, Generator, SentenceSink, compose, refusal
from .evidence import locate
from .extractive import Judgement

_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")
# Templates that have no system role: their system message is dropped or refused, so its rules go in the user turn.
_NO_SYSTEM_ROLE = re.compile(r"gemma", re.I)


class GeneratorError(RuntimeError):
    """The language model cannot be reached or loaded; the message names it and what to do."""


def cited_sentences(text: str, sources: int) -> list[tuple[str, list[int]]]:
    """Sentences with the source numbers they cite; numbers outside 1..sources are invented and dropped.

    A marker written after the full stop ("… costs. [1]") belongs to the sentence before it.
    """
    result: list[tuple[str, list[int]]] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        leading = _LEADING_MARKERS.match(sentence)
        if leading and result:
            result[-1][1].extend(int(n) for n in CITATION_MARKER.findall(leading.group(0)))
            sentence = sentence[leading.end() :]
        numbers = [int(n) for n in CITATION_MARKER.findall(sentence)]
        plain = CITATION_MARKER.sub("", sentence).strip()
        if plain:
            result.append((plain, numbers))
    return [(s, [n for n in dict.fromkeys(ns) if 1 <= n <= sources]) for s, ns in result]


def fold_system(settings: LLMSettings) -> bool:
    """Whether the rules go into the user turn: asked for, or "auto" and a model whose template drops them."""
    if settings.system_role == "auto":
        return bool(_NO_SYSTEM_ROLE.search(settings.model) or _NO_SYSTEM_ROLE.search(settings.gguf_path))
    return settings.system_role == "user"


class LLMGenerator(Generator):
    def __init__(
        self,
        settings: LLMSettings,
        answer_settings: AnswerSettings,
        embedder: Embedder,
        idf: Callable[[str], float],
        judge: Callable[[str, Retrieval], Judgement],
    ) -> None:
        self.settings = settings
        self.answer_settings = answer_settings
        self.embedder = embedder
        self.idf = idf
        self.judge = judge

    @abstractmethod
    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The model's answer, token by token; stopped early by closing the iterator."""

    def generate(self, question: str, retrieval: Retrieval, on_sentence: SentenceSink | None = None) -> Answer:
        judged = self.judge(question, retrieval)
        if judged.refusal is not None:
            return judged.refusal  # the evidence does not answer: no model is asked to pretend otherwise
        sources = retrieval.chunks[: self.settings.sources]
        parts: list[tuple[str, list[EvidenceUnit]]] = []
        dropped: list[AnswerSentence] = []
        seen: set[str] = set()
        for sentence, numbers in self._sentences(question, sources):
            units = [self._locate(sentence, sources[n - 1], retrieval) for n in numbers]
            cited = [u for u in units if u is not None]
            for unit in cited:
                unit.score = judged.score_of(unit.start, unit.end, unit.chunk.doc_id)
            reason = self._rejected(sentence, cited, judged, seen)
            seen.add(_key(sentence))
            if reason:
                dropped.append(AnswerSentence(sentence, (), supported=False, reason=reason))
                continue
            parts.append((sentence, cited))
            if on_sentence is not None:
                on_sentence(sentence, cited)
        if not parts:  # the evidence answers but nothing the model wrote holds: the pipeline quotes it instead
            return replace(refusal(question, retrieval, REFUSAL, judged.probability), dropped=dropped)
        answer = compose(question, retrieval, parts)
        answer.dropped = dropped
        answer.confidence = judged.probability
        return answer

    def _sentences(self, question: str, sources: list[RetrievedChunk]) -> Iterator[tuple[str, list[int]]]:
        """Complete cited sentences as the model writes them; the last one once the stream ends. The stream is
        closed after ``llm.max_sentences`` of them, or at the refusal sentinel: a model that never stops costs no
        more than the answer asked of it."""
        messages = answer_messages(question, sources, fold_system(self.settings), self.settings.max_sentences)
        text = ""
        given = 0
        stream = self.stream(messages)
        try:
            for token in stream:
                text += token
                if REFUSAL_SENTINEL in text:
                    return
                complete = cited_sentences(text, len(sources))[:-1]  # the last one may still be growing
                while given < len(complete):
                    yield complete[given]
                    given += 1
                    if given >= self.settings.max_sentences:
                        return
            if REFUSAL_SENTINEL not in text:
                yield from cited_sentences(text, len(sources))[given : self.settings.max_sentences]
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def condense(self, question: str, history: list[str]) -> str:
        """The follow-up rewritten by the model as a standalone question, with llama-index's condense-question
        prompt; '' when the model gives nothing usable (then the rule-based rewrite stands: conversation.py). A
        rewrite must keep to the conversation's words: one that brings in none of them is the model wandering."""
        from llama_index.core.chat_engine.condense_question import DEFAULT_TEMPLATE

        transcript = "\n".join(f"Human: {h}" for h in history)
        prompt = DEFAULT_TEMPLATE.format(chat_history=transcript, question=question)
        try:
            text = "".join(self.stream([{"role": "user", "content": prompt}]))
        except GeneratorError:
            return ""
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        rewrite = lines[0] if lines else ""
        asked = set(tokenize(" ".join([*history, question])))
        if not rewrite or len(rewrite) > 3 * len(" ".join([*history, question])) or not asked & set(tokenize(rewrite)):
            return ""
        return rewrite

    def _rejected(self, sentence: str, cited: list[EvidenceUnit], judged: Judgement, seen: set[str]) -> str:
        if not cited:
            return "cites no source it was given"
        if _key(sentence) in seen:
            return "repeats an earlier sentence"
        relevance = max(u.score for u in cited)
        if relevance < judged.best_score - self.answer_settings.llm_relevance_margin:
            return (
                f"rests on evidence about something else (score {relevance:.2f}, the best evidence "
                f"{judged.best_score:.2f})"
            )
        return ""

    def _locate(self, sentence: str, chunk: RetrievedChunk, retrieval: Retrieval) -> EvidenceUnit | None:
        unit = locate(sentence, chunk, self.embedder, self.idf, retrieval.dense_trust)
        return None if unit is None else EvidenceUnit(unit.chunk, unit.start, unit.end, unit.text)


def _key(sentence: str) -> str:
    return re.sub(r"\W+", " ", fold(sentence)).strip()
