"""What a citation carries beyond its quote: the same article in the other language, and which version it is.

A compliance reader wants the controlling text: an answer quoting Article 55 of the PIPL's English translation
also carries 第五十五条 of 个人信息保护法, with its own offsets, and a Chinese answer offers the official English of
the cited article. The pair is found by article number (structure.article_number); a translation with no article
of that number says so rather than guess. A citation of a law with several indexed versions says which one it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .chunking import heading_article
from .language import int_to_chinese
from .relations import Relations
from .types import Answer, Citation, Counterpart, RetrievedChunk

_ORIGINAL_LABEL = {"zh": "中文原文", "en": "Original text"}
_TRANSLATION_LABEL = {"en": "Official English", "zh": "官方译文"}


def annotate(
    answer: Answer,
    relations: Relations,
    article_chunks: Callable[[str, int], list[str]],
    lookup: Callable[[list[str]], list[RetrievedChunk]],
) -> Answer:
    """The answer with each citation's counterpart and version filled in, and a note naming the version quoted."""
    if answer.refused or not answer.citations:
        return answer
    citations = [
        replace(c, counterpart=_counterpart(c, relations, article_chunks, lookup), version=_version(c, relations))
        for c in answer.citations
    ]
    versions = list(dict.fromkeys(f"《{c.title}》 {c.version}" for c in citations if c.version))
    note = " ".join(filter(None, [answer.note, *(f"Quoted: {v}." for v in versions)]))
    return replace(answer, citations=citations, note=note)


def _counterpart(
    citation: Citation,
    relations: Relations,
    article_chunks: Callable[[str, int], list[str]],
    lookup: Callable[[list[str]], list[RetrievedChunk]],
) -> Counterpart | None:
    other = relations.counterpart_of(citation.doc_id)
    number = heading_article(citation.heading_path)
    if not other or not number:
        return None
    is_original = citation.doc_id in relations.originals  # the cited text is a translation of `other`
    chunks = sorted(lookup(article_chunks(other, number)), key=lambda c: int(c.metadata.get("chunk_index", 0)))
    if not chunks:
        lang = "zh" if is_original else "en"
        return Counterpart(
            doc_id=other,
            title="",
            lang=lang,
            label=_label(is_original, lang, number),
            missing=f"{other} has no article {number}: no counterpart is shown rather than a guess",
        )
    first = chunks[0]
    lang = str(first.metadata.get("lang", ""))
    return Counterpart(
        doc_id=other,
        title=str(first.metadata.get("title", "")),
        lang=lang,
        label=_label(is_original, lang, number),
        heading_path=first.heading_path,
        start=first.start,
        end=chunks[-1].end,
        quote="\n".join(c.text for c in chunks),
    )


def _label(is_original: bool, lang: str, number: int) -> str:
    article = f"第{int_to_chinese(number)}条" if lang == "zh" else f"Article {number}"
    name = (_ORIGINAL_LABEL if is_original else _TRANSLATION_LABEL).get(lang, "Counterpart")
    return f"{name} · {article}"


def _version(citation: Citation, relations: Relations) -> str:
    if citation.doc_id in relations.superseded_by:
        newer = relations.superseded_by[citation.doc_id]
        return f"superseded by the version of {newer.date or newer.doc_id}"
    if citation.doc_id in relations.supersedes:
        return f"as amended {citation.date}" if citation.date else "the version in force"
    return ""


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown to paste elsewhere: the question, the text with its [n] markers, and each source's
    title, date, heading path, document id and exact quote (what the chat's "Copy with sources" gives)."""
    lines = [f"**Question:** {answer.question}", ""]
    if answer.refused:
        lines.append(f"No answer found. {answer.refusal_reason}".strip())
        return "\n".join(lines) + "\n"
    lines.append(answer.text)
    if answer.searched_for:
        lines += ["", f"*Searched for: {answer.searched_for}*"]
    if answer.note:
        lines += ["", f"*Note: {answer.note}*"]
    if answer.citations:
        lines += ["", "**Sources**"]
    for c in answer.citations:
        where = " · ".join(p for p in (c.title or c.doc_id, c.date, c.heading_path) if p)
        lines += ["", f"[{c.number}] {where} ({c.doc_id})", *(f"> {line}" for line in c.quote.splitlines() or [""])]
    return "\n".join(lines) + "\n"
