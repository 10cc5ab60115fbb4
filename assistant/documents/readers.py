"""One reader per file format, each giving the file's text: plain text and Markdown (decoded UTF-8 or GB18030),
HTML (BeautifulSoup over lxml), PDF (pypdf) and .docx (python-docx, bounded before it is unpacked)."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..language import CJK
from .errors import DocumentError

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# .docx bounds: Word writes about 1 MB of XML per 100 pages and compresses it 5 to 20 times; a long report has a
# few thousand paragraphs. Past these a file is a zip bomb or a dump, and is refused before it is unpacked.
DOCX_MAX_PARTS = 5_000
DOCX_MAX_XML_BYTES = 32 * 2**20
DOCX_MAX_RATIO = 100
DOCX_MAX_PARAGRAPHS = 100_000
_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HTML_DROPPED = ["script", "style", "noscript", "template", "svg", "nav", "footer", "header", "aside", "form"]
_HTML_DROPPED += ["iframe", "button", "select"]
# Elements that begin and end a block of text; any other element's text runs on in its block (<b>, <a>, <span>).
_HTML_BLOCKS = frozenset(
    re.findall(
        r"\w+",
        "address article blockquote body caption center dd details dialog div dl dt fieldset figcaption figure h1 h2 "
        "h3 h4 h5 h6 hgroup hr html li main ol p pre section summary table tbody tfoot thead title tr ul",
    )
)


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), then GB18030 (a superset of GBK), then a detector's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _plausible_chinese(text):
            break
        return text
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    # The detector breaks ties alphabetically (cp1250 before cp1252); on a tie prefer the Western code page.
    western = [m for m in matches if m.encoding in ("cp1252", "latin_1")]
    if best is not None and western and (western[0].chaos, western[0].coherence) == (best.chaos, best.coherence):
        best = western[0]
    if best is None or _looks_binary(str(best)):
        raise DocumentError(f"{path}: not text in any known encoding (tried UTF-8, GB18030); convert it to UTF-8")
    return str(best)


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes most Latin-1 too ('für' -> 'f黵'); real Chinese text is mostly GB2312's common characters."""
    cjk = CJK.findall(text)
    common = 0
    for ch in cjk:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return bool(cjk) and common * 2 >= len(cjk)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text[:4096] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / min(len(text), 4096) > 0.05


def _read_text(path: Path) -> str:
    text = decode(path.read_bytes(), path)
    if _looks_binary(text):
        raise DocumentError(f"{path}: binary content in a text file; remove it or give it the right extension")
    return text


def _read_markdown(path: Path) -> str:
    return _HTML_COMMENT.sub("", _read_text(path))


def _read_html(path: Path) -> str:
    from bs4 import BeautifulSoup, Tag
    from bs4.element import PreformattedString

    # lxml's parser closes an unclosed <p>, <li> or <td> where the next one starts, as browsers do; Python's
    # html.parser nests them instead, and a reader of leaf blocks then kept only the innermost (the last).
    soup = BeautifulSoup(decode(path.read_bytes(), path), "lxml")
    for tag in soup(_HTML_DROPPED):
        tag.decompose()
    blocks: list[str] = []
    parts: list[str] = []  # the text of the block being read
    filled = False  # whether that text is more than white space
    pre = 0

    def flush(heading: bool = False) -> None:
        nonlocal filled
        lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
        block = "\n".join(line for line in lines if line)
        parts.clear()
        filled = False
        if block:
            blocks.append(("# " if heading else "") + block)

    # One walk over the tree with an explicit stack, each text read once: reading every block's own text (and
    # recursing) made 5,000 nested <blockquote> quadratic in time and in the text produced.
    stack: list[tuple[Tag | None, Iterator[Any]]] = [(None, iter(soup.contents))]
    while stack:
        parent, children = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if parent is not None and parent.name in _HTML_BLOCKS:
                flush(heading=parent.name in ("title", "h1"))
            if parent is not None and parent.name == "pre":
                pre -= 1
        elif isinstance(node, Tag):
            if node.name in _HTML_BLOCKS:
                flush()
            elif node.name == "br":
                parts.append("\n")
            elif node.name in ("td", "th") and filled:
                parts.append(" | ")  # a table row is one line, its cells side by side
            if node.name == "pre":
                pre += 1
            stack.append((node, iter(node.contents)))
        elif not isinstance(node, PreformattedString):  # comments, doctypes, CDATA: not text a reader sees
            parts.append(str(node) if pre else str(node).replace("\n", " "))
            filled = filled or not node.isspace()
    flush()
    return "\n\n".join(blocks)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    # pypdf logs its repairs ("EOF marker not found") as warnings; the one line we raise says it all.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{path}: the PDF is password-protected; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except DependencyError as exc:  # AES-encrypted PDFs need the cryptography package, even with no password
        raise DocumentError(f"{path}: the PDF is AES-encrypted; pip install cryptography to read it") from exc
    except (PdfReadError, ValueError, OSError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DocumentError(f"{path}: unreadable PDF, truncated or damaged ({reason}); re-export it") from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{path}: the PDF has no text layer (scanned?); run OCR on it first")
    return text


def _read_docx(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(_bounded_docx(path))
    except DocumentError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, XMLSyntaxError) as exc:
        raise DocumentError(f"{path}: not a valid .docx ({exc}); re-save it from Word") from exc
    return "\n\n".join(p.text for p in document.paragraphs)


def _bounded_docx(path: Path) -> io.BytesIO:
    """The .docx as python-docx may read it: checked for zip bombs before anything is unpacked, media left empty.

    python-docx unpacks every part whole, media included, then builds a tree of all its XML: a 74 KB file of empty
    paragraphs took 2.2 GB and 52 s, and a zero-filled 3 GB image part was read into memory.
    """
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        if len(parts) > DOCX_MAX_PARTS:
            raise DocumentError(f"{path}: {len(parts):,} parts, over {DOCX_MAX_PARTS:,}; re-save it from Word")
        xml = [p for p in parts if p.filename.endswith((".xml", ".rels"))]
        unpacked = sum(p.file_size for p in xml)
        if unpacked > DOCX_MAX_XML_BYTES:
            raise DocumentError(
                f"{path}: its XML unpacks to {unpacked / 2**20:,.0f} MB, over {DOCX_MAX_XML_BYTES // 2**20} MB; "
                "split the document or save it as text"
            )
        for part in xml:
            if part.file_size > 2**20 and part.file_size > DOCX_MAX_RATIO * max(part.compress_size, 1):
                raise DocumentError(
                    f"{path}: {part.filename} unpacks {part.file_size // max(part.compress_size, 1):,} times "
                    f"larger (over {DOCX_MAX_RATIO}), a zip bomb or padding; re-save it from Word"
                )
        copy = io.BytesIO()
        paragraphs = 0
        with zipfile.ZipFile(copy, "w") as bounded:
            for part in parts:
                if part not in xml:  # images, fonts, embedded objects: no text, and never unpacked
                    bounded.writestr(part.filename, b"")
                    continue
                # zipfile reads no more than a part's declared size (more fails its CRC check).
                data = archive.read(part)
                paragraphs += _paragraphs(data)
                if paragraphs > DOCX_MAX_PARAGRAPHS:
                    raise DocumentError(
                        f"{path}: more than {DOCX_MAX_PARAGRAPHS:,} paragraphs; split the document or save it as text"
                    )
                bounded.writestr(part.filename, data)
    copy.seek(0)
    return copy


def _paragraphs(xml: bytes) -> int:
    """How many Word paragraphs an XML part holds, counted as a stream (up to one past the limit)."""
    from lxml import etree

    count = 0
    for _, element in etree.iterparse(io.BytesIO(xml), tag=f"{{{_WORD_NS}}}p", resolve_entities=False):
        count += 1
        element.clear()
        if count > DOCX_MAX_PARAGRAPHS:
            break
    return count


READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}
