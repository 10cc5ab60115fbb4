"""Shared helpers for the bench scripts: machine description, percentiles, timing, vector files."""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ZH_CORPUS = ROOT.parent / "shared" / "corpus" / "zh"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.embedding import Embedder  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROWS_PER_FILE = 40_000  # int8 x 384 = 15.4 MB, under the device tool's 16 MiB per returned file


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    gpu = ""
    try:
        import torch

        if torch.cuda.is_available():
            gpu = f", GPU {torch.cuda.get_device_name(0)}"
        torch_version = torch.__version__
    except ImportError:
        torch_version = "absent"
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} CPUs usable, {mem:.0f} GiB RAM{gpu}; "
        f"Python {platform.python_version()}, torch {torch_version}; {datetime.date.today().isoformat()}"
    )


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return float(np.percentile(np.asarray(values), q))


def summary_ms(values: list[float]) -> str:
    mean = statistics.mean(values) if values else float("nan")
    return f"p50 {pct(values, 50):7.1f} ms  p95 {pct(values, 95):7.1f} ms  (n={len(values)}, mean {mean:.1f})"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    box: list[float] = []
    t = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t)


def peak_rss_mib() -> float:
    """This process's peak resident set: VmHWM, which (unlike ru_maxrss on Linux) does not inherit the peak of
    the parent that forked it before exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def save_vectors(folder: Path, texts: list[str], vectors: np.ndarray) -> list[Path]:
    """int8 with a per-row scale (cosine to the float32 original > 0.9999), split into files under 16 MiB."""
    folder.mkdir(parents=True, exist_ok=True)
    vectors = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    quantised = np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8)
    keys = np.frombuffer(b"".join(text_key(t) for t in texts), dtype="S16") if texts else np.zeros(0, "S16")
    written = [folder / "vectors-keys.npy", folder / "vectors-scale.npy"]
    np.save(written[0], keys)
    np.save(written[1], scale.astype(np.float32))
    for part, start in enumerate(range(0, len(texts), ROWS_PER_FILE)):
        path = folder / f"vectors-{part:02d}.npy"
        np.save(path, quantised[start : start + ROWS_PER_FILE])
        written.append(path)
    return written


def load_vectors(folder: Path) -> tuple[dict[bytes, int], np.ndarray]:
    """(text key -> row, L2-normalised float32 matrix) from save_vectors' files."""
    keys = np.load(folder / "vectors-keys.npy")
    scale = np.load(folder / "vectors-scale.npy")
    parts = sorted(folder.glob("vectors-[0-9][0-9].npy"))
    matrix = np.concatenate([np.load(p) for p in parts]).astype(np.float32) * scale
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    raw = keys.tobytes()  # not bytes(k): numpy's S16 drops a key's trailing NUL bytes
    return {raw[i * 16 : (i + 1) * 16]: i for i in range(len(keys))}, matrix


class DelegatingEmbedder(Embedder):
    """Wraps the real embedder; subclasses change what embed() does."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0
        self.texts = 0

    @property
    def dimension(self) -> int:  # type: ignore[override]
        return self.inner.dimension

    @property
    def max_tokens(self) -> int:  # type: ignore[override]
        return self.inner.max_tokens

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        t = time.perf_counter()
        out = self._embed(texts)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        return self.inner.count_tokens_many(texts)

    def coverage(self, text: str) -> float:
        return self.inner.coverage(text)

    def tokenizer_json(self) -> str | None:
        return self.inner.tokenizer_json()

    def __getattr__(self, name: str) -> object:  # model, batch_size... of the wrapped embedder
        return getattr(self.inner, name)


class RecordingEmbedder(DelegatingEmbedder):
    """Embeds for real and keeps every (text, vector), to export the vectors."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.recorded_texts: list[str] = []
        self.recorded: list[np.ndarray] = []
        self.recording = True

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = self.inner.embed(texts)
        if self.recording:
            self.recorded_texts.extend(texts)
            self.recorded.append(out)
        return out


class CachedEmbedder(DelegatingEmbedder):
    """Serves vectors computed elsewhere (the GPU run) for known texts; embeds the rest (questions) for real."""

    def __init__(self, inner: Embedder, folder: Path) -> None:
        super().__init__(inner)
        self.index, self.matrix = load_vectors(folder)
        self.hits = 0
        self.misses = 0

    def _embed(self, texts: list[str]) -> np.ndarray:
        rows = [self.index.get(text_key(t), -1) for t in texts]
        missing = [t for t, r in zip(texts, rows) if r < 0]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        fresh = iter(self.inner.embed(missing)) if missing else iter(())
        return np.stack([self.matrix[r] if r >= 0 else next(fresh) for r in rows]).astype(np.float32)


class StandInEmbedder(DelegatingEmbedder):
    """Deterministic unit vectors from each text's hash instead of the model: for building large stores on a CPU
    when no GPU run's vectors are at hand. Search costs are the same as with real vectors; what a dense search
    finds is meaningless, so only timings and sizes may be read from stores built with it."""

    def _embed(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(text_key(text)[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.inner.dimension).astype(np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.stack(rows) if rows else np.zeros((0, self.inner.dimension), dtype=np.float32)
