"""Chroma, embedded (PersistentClient under index_dir) or a server (HttpClient), through chromadb's own client.

``collection`` is the store over one collection (why not llama-index's ChromaVectorStore: its docstring);
``clients`` holds the two ways to reach it.
"""

from .clients import WRITER_LOCK, ChromaServer, EmbeddedChroma, auth_headers
from .collection import CHANGE_LOG_KEPT, CHANGE_LOG_SUFFIX, REVISION_KEY, ChromaStore

__all__ = [
    "CHANGE_LOG_KEPT",
    "CHANGE_LOG_SUFFIX",
    "REVISION_KEY",
    "WRITER_LOCK",
    "ChromaServer",
    "ChromaStore",
    "EmbeddedChroma",
    "auth_headers",
]
