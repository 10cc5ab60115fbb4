"""Text made safe for the page: document text never becomes live HTML, Markdown links or scripts."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$<>@])")
# The starts of GitHub-flavoured Markdown's bare links: http://, https://, ftp:// and www. (e-mail addresses lose
# their '@' to _MARKDOWN_SPECIAL). A backslash before the ':' or '.' keeps the text and drops the link.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)(:(?=//)|\.)")


def escape_markdown(text: str) -> str:
    """Document text as inert chat Markdown: HTML escaped, Markdown syntax backslash-escaped, one line, and no
    bare URL or e-mail address that the chat's Markdown (GitHub's flavour) would turn into a live link."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return _AUTOLINK.sub(r"\1\\\2", escaped)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def inline(text: object) -> str:
    """Text inside the chat's HTML blocks: escaped, and on one line. A blank line would end the block, and what
    followed it (a title's "![x](https://…)") would be read as Markdown and fetched by the browser."""
    return esc(" ".join(str(text).split()))


def describe_filters(filters: Mapping[str, Any]) -> str:
    """Active filters in words (plain text), '' when none."""
    parts = []
    if filters.get("doc_ids"):
        parts.append("documents: " + ", ".join(filters["doc_ids"]))
    if filters.get("types"):
        parts.append("type: " + ", ".join(filters["types"]))
    if filters.get("langs"):
        parts.append("language: " + ", ".join(LANGUAGE_NAMES.get(v, v) for v in filters["langs"]))
    if filters.get("since"):
        parts.append(f"from {filters['since']}")
    if filters.get("until"):
        parts.append(f"until {filters['until']}")
    return "; ".join(parts)


def count(n: int, noun: str) -> str:
    """'1 document', '1,024 passages'."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def human_size(size: float) -> str:
    """1536 -> '1.5 KB'; 20 * 2**20 -> '20 MB'."""
    if size < 1024:
        return f"{size:.0f} bytes"
    for unit in ("KB", "MB"):
        size /= 1024
        if size < 1024 or unit == "MB":
            break
    return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
