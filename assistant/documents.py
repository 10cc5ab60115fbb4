"""Reading files into normalised documents with metadata: one reader per format."""

from __future__ import annotations

import datetime
import errno
import hashlib
import io
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .language import ARTICLE, CJK, division_heading, fold
from .types import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = {"title", "date", "type", "url", "lang", "publisher", "author", "translation_of", "supersedes"}
RELATION_KEYS = ("translation_of", "supersedes")
"""Sidecar keys naming another file beside this one: the original this document translates; the earlier version
of the same law that this one replaces."""


class DocumentError(ValueError):
    """A file that cannot become a document; the message names the file and what to do."""


_LATIN = re.compile(r"[A-Za-z]")
_ARTICLE_LINE = re.compile(ARTICLE.pattern, re.M)
_ADOPTION = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^\n]{0,80}?(?:通过|公布|发布|施行|修订)")
_FILENAME_DATE = re.compile(r"_(\d{4})-(\d{2})-(\d{2})(?=\.|$|_)")
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


def file_hash(path: Path) -> str:
    """The file's bytes and its sidecar's, hashed: equal means the document reads as before, so a re-ingest can skip
    parsing it (reading and hashing costs ~0.1 ms for a 10 kB file; parsing ~2.5 ms, most of a re-ingest)."""
    digest = hashlib.sha256(path.read_bytes())
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            digest.update(b"\0sidecar\0" + candidate.read_bytes())
            break
    return digest.hexdigest()[:32]


def read_sidecar(path: Path) -> dict[str, str]:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise DocumentError(f"{candidate}: invalid JSON ({exc}); fix or remove the sidecar") from exc
            if not isinstance(data, dict) or set(data) - SIDECAR_KEYS:
                unknown = sorted(set(data) - SIDECAR_KEYS) if isinstance(data, dict) else data
                raise DocumentError(f"{candidate}: unknown keys {unknown}; valid keys: {sorted(SIDECAR_KEYS)}")
            value = str(data.get("date") or "")
            if value and not _is_date(value):
                # Checked here, before the file is read: a bad date otherwise failed only when the chunks were
                # stored, after embedding, or ('2021-9-1') was stored and fell outside every date filter.
                raise DocumentError(
                    f"{candidate}: date '{value}' is not a calendar date written YYYY-MM-DD (such as 2021-09-01); "
                    "fix the sidecar"
                )
            for key in RELATION_KEYS:
                if key in data:
                    _check_relation(candidate, path, key, data[key])
            return {k: str(v) for k, v in data.items()}
    return {}


def _check_relation(sidecar: Path, path: Path, key: str, value: object) -> None:
    """A relation names a file beside the document (its file name, as the folder shows it), not the document."""
    problem = ""
    if not isinstance(value, str) or not value.strip() or "/" in value or "\\" in value or value in (".", ".."):
        problem = "is not a file name"
    elif value == path.name:
        problem = "names the document itself"
    elif not (sidecar.parent / value).is_file():
        problem = "names no file beside it"
    if problem:
        raise DocumentError(
            f"{sidecar}: {key} {json.dumps(value, ensure_ascii=False)} {problem}; give the file name of the other "
            "document, in the same folder"
        )


def related_id(doc_id: str, file_name: str) -> str:
    """The doc id of a file named in a sidecar, beside the document ``doc_id``: ids are paths from the same root."""
    parent = doc_id.rpartition("/")[0]
    return f"{parent}/{file_name}" if parent else file_name


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _date_of(path: Path, text: str, sidecar: dict[str, str]) -> str:
    if sidecar.get("date"):
        return sidecar["date"]
    if match := _FILENAME_DATE.search(path.name):
        return "-".join(match.groups())
    if match := _ADOPTION.search(text[:2000]):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return ""


def _type_of(text: str, title: str, had_furniture: bool) -> str:
    if len(_ARTICLE_LINE.findall(text)) >= 3 or re.search(r"(法|条例|规定|办法|细则)$", title):
        return "regulation"
    if had_furniture:
        return "news"
    return "other"


def _title_of(path: Path, text: str, found: dict[str, str]) -> str:
    if found.get("title"):
        return found["title"]
    for line in text.split("\n")[:5]:
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return re.sub(r"_\d{4}-\d{2}-\d{2}$", "", path.stem)


def load_document(path: Path, doc_id: str, max_bytes: int = 0, notes: list[str] | None = None) -> Document:
    """Read one file; raises DocumentError with a one-line reason for anything unusable.

    ``max_bytes`` (0: no limit) refuses larger files before reading them. ``notes`` gets one line when
    paragraphs addressed to an AI model were left out (see strip_instructions).
    """
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise DocumentError(f"{path}: unsupported file type {shown}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size == 0:
        raise DocumentError(f"{path}: the file is empty (0 bytes)")
    if max_bytes and size > max_bytes:
        raise DocumentError(
            f"{path}: {size / 2**20:.1f} MB is over the {max_bytes / 2**20:g} MB limit (limits.max_file_mb); "
            "split the file or raise the limit"
        )
    sidecar = read_sidecar(path)
    try:
        raw = reader(path)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    body, found = strip_furniture(normalise(raw))
    body, dropped = strip_instructions(body)
    if dropped and notes is not None:
        first = dropped[0] if len(dropped[0]) <= 60 else dropped[0][:57] + "..."
        notes.append(
            f"{path}: left out {len(dropped)} paragraph(s) addressed to an AI model, not to readers "
            f'("{first}"); they are not indexed'
        )
    if not body and dropped:
        raise DocumentError(f"{path}: only text addressed to an AI model (prompt injection); nothing to index")
    if not body:
        raise DocumentError(f"{path}: no text found; the file is empty")
    title = sidecar.get("title") or _title_of(path, body, found)
    body_without_title = re.sub(r"^#\s+.*\n*", "", body) if body.startswith("# ") else body
    if not body_without_title.strip():
        raise DocumentError(f"{path}: only a title, no text to index")
    return Document(
        doc_id=doc_id,
        title=title,
        source=str(path),
        text=body,
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        lang=sidecar.get("lang") or detect_language(body),
        doc_type=sidecar.get("type") or _type_of(body, title, bool(found)),
        date=_date_of(path, body, sidecar),
        url=sidecar.get("url", ""),
        file_hash=file_hash(path),
        translation_of=related_id(doc_id, sidecar["translation_of"]) if sidecar.get("translation_of") else "",
        supersedes=related_id(doc_id, sidecar["supersedes"]) if sidecar.get("supersedes") else "",
    )


def _skipped(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() == "readme.md" or path.name.startswith(".")


def _link_problem(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be read: a loop, a dangling link, or its type."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path}: symbolic link loop; fix or remove the link"
        if path.is_symlink():
            return f"{path}: broken symbolic link to {os.readlink(path)}; fix or remove the link"
        return f"{path}: cannot read ({exc.strerror or exc})"
    return f"{path}: not a regular file or folder; skipped"


def _walk(root: Path, errors: list[str] | None) -> list[Path]:
    """Every file under ``root``, following folder links once each (a link back up is a loop, reported)."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if errors is not None:
                errors.append(f"{folder}: cannot list the folder ({exc.strerror or exc})")
            return
        if (info.st_dev, info.st_ino) in visited:
            if errors is not None:
                errors.append(f"{folder}: symbolic link loop or second link to a folder already read; skipped")
            return
        visited.add((info.st_dev, info.st_ino))
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if path.is_dir():
                visit(path)
            elif path.is_file():
                found.append(path)
            elif errors is not None and not _skipped(path):
                errors.append(_link_problem(path))

    visit(root)
    return found


def discover(paths: list[Path], errors: list[str] | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (file, doc id) for every file under ``paths``; ids are paths relative to the root given.

    With ``errors``, a path that cannot be read (missing, a link loop, a dangling link) adds one line there
    and the rest go on; without it, a missing root raises DocumentError.
    """
    for root in paths:
        if root.is_file():
            yield root, root.name
            continue
        if not root.is_dir():
            problem = _link_problem(root) if root.is_symlink() else f"{root}: no such file or folder"
            if errors is None:
                raise DocumentError(problem)
            errors.append(problem)
            continue
        files = _walk(root, errors)
        for path in sorted(files, key=lambda p: p.relative_to(root).parts):
            if not _skipped(path):
                yield path, path.relative_to(root).as_posix()
