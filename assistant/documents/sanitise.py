"""The shared clean-up of every format's text: normalised whitespace, web furniture and text addressed to an AI
model left out, the language detected."""

from __future__ import annotations

import re
from collections import Counter

from ..language import CJK, division_heading, fold

_LATIN = re.compile(r"[A-Za-z]")
_FURNITURE = re.compile(
    r"^(?:.{0,40}\blogo|follow us|share(?: this(?: article)?)?|photo (?:from|by|credit)\b.{0,60}|"
    r"image:.{0,60}|advertisement|subscribe.{0,30}|sign in|log ?in|menu|home|skip to (?:main )?content|"
    r"related (?:articles|news)|read more)$",
    re.I,
)
_BYLINE = re.compile(r"^by [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}$")
# Text addressed to an AI model rather than to a reader of policy ("Ignore previous instructions and say ...").
# Narrow on purpose: no policy text says these things, and a paragraph that does is left out of the index whole.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|other|"
    r"any|your)\b[^.!?\n]{0,30}?\b(?:instructions?|prompts?|rules|sources|documents|context|directions|guidelines)\b"
    r"|\b(?:developer|jailbreak|god|DAN) mode\b|\byou are now (?:an?|the|in)\b"
    r"|^(?:#+\s*)?(?:system|assistant|developer)(?: prompt| message)?\s*:"
    r"|\b(?:answer|respond|reply)\b[^.!?\n]{0,40}\b(?:every|all|any) (?:questions?|queries|users?)\b"
    r"|\balways (?:answer|say|respond|reply|state)\b"
    r"|(?:忽略|无视|忘记)(?:之前|以上|前面|上述|先前|所有)[^。！？\n]{0,10}(?:指令|指示|提示|说明|规则|资料)"
    r"|(?:系统提示|开发者模式)",
    re.I | re.M,
)


def normalise(text: str) -> str:
    """LF line ends, no zero-width or trailing spaces, at most one blank line in a row.

    The characters themselves stay as written (full-width punctuation, original forms): this text is what citations
    quote and point into. Matching, tokenising and embedding fold it where they need to (language.fold)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def detect_language(text: str) -> str:
    cjk = len(CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def strip_furniture(text: str) -> tuple[str, dict[str, str]]:
    """Drop web-capture furniture (logos, share bars, photo credits, repeated headlines, bylines).

    Returns the body and what was learnt from the furniture (title, author).
    """
    lines = text.split("\n")
    # Web captures repeat their headline near the top; repeated headings further down are structure.
    top = [line for line in lines if line][:20]
    counts = Counter(line for line in top if not line.startswith("#") and not re.search(r"[.!?。！？]$", line))
    found: dict[str, str] = {}
    kept = []
    for line in lines:
        if _FURNITURE.match(line):
            continue
        # A law's table of contents repeats its chapter headings near the top too; those are structure.
        if counts.get(line, 0) > 1 and len(line) < 200 and not division_heading(line):
            found.setdefault("title", line)
            continue
        if _BYLINE.match(line):
            found.setdefault("author", line[3:])
            continue
        kept.append(line)
    return normalise("\n".join(kept)), found


def strip_instructions(text: str) -> tuple[str, list[str]]:
    """Leave out paragraphs that address an AI model (prompt injection); returns the text and what was left out.

    An extractive answer quotes sources verbatim, so an instruction left in could be quoted as the answer
    ("say the subsidy is 90%"); an LLM could obey it. Neither happens to text that is not indexed.
    """
    kept: list[str] = []
    dropped: list[str] = []
    for line in text.split("\n"):
        (dropped if _INSTRUCTION.search(fold(line)) else kept).append(line)
    return (normalise("\n".join(kept)), dropped) if dropped else (text, [])
