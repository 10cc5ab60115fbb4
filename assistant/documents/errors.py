"""What every reader and the loader share: the error a file cannot become a document with, and the formats."""

from __future__ import annotations

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


class DocumentError(ValueError):
    """A file that cannot become a document; the message names the file and what to do."""
