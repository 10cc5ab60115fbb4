"""Ingest throughput against the raw encoder, re-ingest cost, and the plain llama-index pipeline, in one run.

    python bench/ingest.py [--chunks 2000] [--rounds 2] [--questions 50]

1. Ours: Assistant.ingest of a synthetic corpus (bench/synth.py) into a fresh embedded index, end to end
   (read, chunk, embed, Chroma, BM25), against SentenceTransformer.encode alone on exactly the chunk texts the
   ingest embedded, same model object and batch size. Rounds alternate the order (ingest first, then encode
   first) so drift in a shared machine's load hits both; the ratio is encode time / ingest time per round.
2. Re-ingest of the unchanged corpus, as a fraction of the full ingest.
3. The plain llama-index pipeline on the same documents (the texts our loader produced, so character offsets
   are comparable): VectorStoreIndex over ChromaVectorStore with HuggingFaceEmbedding of the same bundled
   model, llama-index's default SentenceSplitter (1024 tokens, 200 overlap) and, as a second row, a 256-token
   splitter; top-k dense retrieval. Ingest throughput, query latency on the same questions next to ours, and
   hit@1/hit@5/MRR on evals/seed_en.jsonl (and evals/zh_regulations.jsonl when ../shared/corpus/zh is there)
   next to our eval harness's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, ZH_CORPUS, DelegatingEmbedder, RecordingEmbedder, machine, pct, summary_ms
from synth import questions, write_corpus

from assistant.documents import discover, load_document
from assistant.embedding import make_embedder, resolve_model
from assistant.evaluation import Span, load_dataset, run_eval
from assistant.pipeline import Assistant
from assistant.settings import BUNDLED_MODEL, EmbeddingSettings, Settings


def ours_round(corpus: Path, inner: Any, index_dir: Path, encode_first: bool) -> dict[str, Any]:
    model = inner.model
    texts: list[str] = []
    encode_s = 0.0

    def encode() -> float:
        t = time.perf_counter()
        model.encode(texts, batch_size=inner.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return time.perf_counter() - t

    if encode_first:  # the texts are known before the ingest: chunk the corpus the same way
        texts = [c.index_text for p, d in discover([corpus]) for c in _chunks(inner, p, d)]
        encode_s = encode()
    embedder = RecordingEmbedder(inner)
    assistant = Assistant(Settings(index_dir=index_dir), embedder=embedder)
    t = time.perf_counter()
    report = assistant.ingest([corpus])
    ingest_s = time.perf_counter() - t
    embedder.recording = False
    if encode_first:
        assert sorted(texts) == sorted(embedder.recorded_texts), "the probe chunked differently from the ingest"
    else:
        texts = embedder.recorded_texts
        encode_s = encode()
    t = time.perf_counter()
    again = assistant.ingest([corpus])
    reingest_s = time.perf_counter() - t
    assert not again.added and not again.updated
    return {
        "chunks": report.chunks_embedded,
        "ingest_s": ingest_s,
        "embed_inside_ingest_s": embedder.seconds,
        "encode_s": encode_s,
        "ratio": encode_s / ingest_s,
        "reingest_s": reingest_s,
        "reingest_fraction": reingest_s / ingest_s,
        "encode_first": encode_first,
        "assistant": assistant,
    }


def _chunks(embedder: Any, path: Path, doc_id: str) -> list[Any]:
    from assistant.chunking import chunk_document

    settings = Settings().chunking
    doc = load_document(path, doc_id)
    return chunk_document(doc, settings.max_tokens, embedder.count_tokens, settings.context_prefix)


def llama_index(folder: Path, chunk_size: int | None, batch: int) -> tuple[Any, Any]:
    """A VectorStoreIndex over a fresh ChromaVectorStore: (index builder, embed model)."""
    import chromadb
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    embed = HuggingFaceEmbedding(model_name=resolve_model(BUNDLED_MODEL), device="cpu", embed_batch_size=batch)
    client = chromadb.PersistentClient(str(folder), settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("baseline"))
    splitter = SentenceSplitter() if chunk_size is None else SentenceSplitter(chunk_size=chunk_size, chunk_overlap=32)

    def build(documents: list[Any]) -> Any:
        context = StorageContext.from_defaults(vector_store=store)
        return VectorStoreIndex.from_documents(
            documents, storage_context=context, embed_model=embed, transformations=[splitter]
        )

    return build, embed


def _count(index: Any) -> int:
    return int(index.vector_store._collection.count())


def llama_documents(corpus: Path) -> list[Any]:
    from llama_index.core import Document

    docs = []
    for path, doc_id in discover([corpus]):
        doc = load_document(path, doc_id)
        docs.append(Document(text=doc.text, id_=doc_id, metadata={"title": doc.title}))
    return docs


def baseline_ranking(index: Any, dataset: Path, corpus: Path) -> dict[str, float]:
    """hit@1, hit@5 and MRR of plain top-10 dense retrieval, scored like the eval harness (span overlap)."""
    cases = [c for c in load_dataset(dataset, corpus) if c.answerable]
    retriever = index.as_retriever(similarity_top_k=10)
    ranks = []
    for case in cases:
        nodes = retriever.retrieve(case.question)
        spans = [Span(n.node.ref_doc_id, n.node.start_char_idx, n.node.end_char_idx) for n in nodes]
        ranks.append(next((i + 1 for i, s in enumerate(spans) if any(s.matches(g) for g in case.gold)), None))
    return {
        "hit@1": sum(1 for k in ranks if k == 1) / len(ranks),
        "hit@5": sum(1 for k in ranks if k and k <= 5) / len(ranks),
        "mrr": sum(1 / k for k in ranks if k) / len(ranks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true", help="only our ingest, encode and re-ingest")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pa-ingest-"))
    print(f"# ingest bench on {machine()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    docs = write_corpus(work / "corpus", args.chunks)
    inner = make_embedder(EmbeddingSettings())
    inner.embed(["warm-up"])
    batch = int(inner.batch_size)  # type: ignore[attr-defined]

    rounds = []
    for r in range(args.rounds):
        result = ours_round(work / "corpus", inner, work / f"index-{r}", encode_first=r % 2 == 1)
        rounds.append(result)
        print(
            f"round {r + 1} ({'encode first' if result['encode_first'] else 'ingest first'}): "
            f"ingest {result['chunks']} chunks {result['ingest_s']:.1f} s = "
            f"{result['chunks'] / result['ingest_s']:.1f} chunks/s (embedding inside "
            f"{result['embed_inside_ingest_s']:.1f} s); encode alone {result['encode_s']:.1f} s = "
            f"{result['chunks'] / result['encode_s']:.1f} texts/s; ratio {result['ratio']:.3f}; re-ingest "
            f"{result['reingest_s']:.2f} s = {result['reingest_fraction']:.4f}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ratio = statistics.median(r["ratio"] for r in rounds)
    reingest = statistics.median(r["reingest_fraction"] for r in rounds)
    print(f"ingest/encode throughput ratio (median of {len(rounds)}): {ratio:.3f}   goal >= 0.85")
    print(f"re-ingest fraction (median): {reingest:.4f}   goal <= 0.05")

    if args.no_baseline:
        shutil.rmtree(work, ignore_errors=True)
        return
    ours = rounds[-1]["assistant"]
    qs = questions(docs, args.questions + 3)
    for q in qs[:3]:
        ours.retrieve(q)
    our_latency = []
    for q in qs[3:]:
        t = time.perf_counter()
        ours.retrieve(q)
        our_latency.append((time.perf_counter() - t) * 1000)

    gold_sets = {"seed_en": (ROOT / "evals" / "seed_en.jsonl", ROOT / "corpus")}
    if ZH_CORPUS.is_dir():
        gold_sets["zh_regulations"] = (ROOT / "evals" / "zh_regulations.jsonl", ZH_CORPUS)
    corpus_docs = llama_documents(work / "corpus")
    chars = sum(len(d.text) for d in corpus_docs)
    ours_chars_per_s = chars / statistics.median(r["ingest_s"] for r in rounds)
    baselines = {}
    for label, size in (("llama-index defaults (1024-token chunks)", None), ("llama-index, 256-token chunks", 256)):
        build, _ = llama_index(work / f"llama-{size}", size, batch)
        t = time.perf_counter()
        index = build(corpus_docs)
        ingest_s = time.perf_counter() - t
        nodes = _count(index)
        retriever = index.as_retriever(similarity_top_k=10)
        for q in qs[:3]:
            retriever.retrieve(q)
        latency = []
        for q in qs[3:]:
            t = time.perf_counter()
            retriever.retrieve(q)
            latency.append((time.perf_counter() - t) * 1000)
        ranking = {}
        for name, (dataset, corpus) in gold_sets.items():
            gold_build, _ = llama_index(work / f"llama-{name}-{size}", size, batch)
            gold_index = gold_build(llama_documents(corpus))
            ranking[name] = {**baseline_ranking(gold_index, dataset, corpus), "chunks": _count(gold_index)}
        hit5 = ranking["seed_en"]["hit@5"]
        baselines[label] = {
            "chunks": nodes,
            "ingest_s": ingest_s,
            "chunks_per_s": nodes / ingest_s,
            "chars_per_s": chars / ingest_s,
            "retrieve_ms": latency,
            "gold_sets": ranking,
        }
        print(
            f"{label}: {nodes} chunks in {ingest_s:.1f} s = {nodes / ingest_s:.1f} chunks/s, "
            f"{chars / ingest_s:,.0f} chars/s (ours {ours_chars_per_s:,.0f}); retrieve top-10 {summary_ms(latency)}; "
            f"seed_en hit@5 {hit5:.3f}; {ranking}",
            flush=True,
        )
        shutil.rmtree(work / f"llama-{size}", ignore_errors=True)

    our_ranking = {}
    for name, (dataset, corpus) in gold_sets.items():
        gold = Assistant(Settings(index_dir=work / f"ours-{name}"), embedder=DelegatingEmbedder(inner))
        gold.ingest([corpus])
        m = run_eval(gold, load_dataset(dataset, corpus), name).metrics
        our_ranking[name] = {"hit@1": m["hit@1"], "hit@5": m["hit@5"], "mrr": m["mrr"], "chunks": gold.store.count()}
    metrics = our_ranking["seed_en"]
    print(
        f"ours: retrieve (hybrid, top-10) {summary_ms(our_latency)}; seed_en hit@5 {metrics['hit@5']:.3f}; "
        f"{our_ranking}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        rows = [{k: v for k, v in r.items() if k != "assistant"} for r in rounds]
        out = {
            "machine": machine(),
            "rounds": rows,
            "ratio_median": ratio,
            "reingest_fraction_median": reingest,
            "ours_chars_per_s": ours_chars_per_s,
            "ours_retrieve_p50_ms": pct(our_latency, 50),
            "ours_retrieve_p95_ms": pct(our_latency, 95),
            "ours_gold_sets": our_ranking,
            "baselines": {
                k: {
                    **{x: y for x, y in v.items() if x != "retrieve_ms"},
                    "retrieve_p50_ms": pct(v["retrieve_ms"], 50),
                    "retrieve_p95_ms": pct(v["retrieve_ms"], 95),
                }
                for k, v in baselines.items()
            },
        }
        args.json.write_text(json.dumps(out, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
