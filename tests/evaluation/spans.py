"""A three-paragraph document and the spans, citations and retrieved chunks the evaluation tests build from it."""

from __future__ import annotations

from assistant.evaluation import Span
from assistant.types import Citation, RetrievedChunk

DOC = "policy.txt"

# Three paragraphs; offsets below are computed from the text, never typed in.
TEXT = (
    "The city plans to issue 1 billion yuan worth of vouchers.\n\n"
    "Subsidies offset 30% to 100% of costs.\n\n"
    "The project aims to attract 1,000 additional companies."
)


def span_of(phrase: str, doc: str = DOC) -> Span:
    start = TEXT.index(phrase)
    return Span(doc, start, start + len(phrase))


P1 = span_of("The city plans to issue 1 billion yuan worth of vouchers.")
P2 = span_of("Subsidies offset 30% to 100% of costs.")
P3 = span_of("The project aims to attract 1,000 additional companies.")


def citation(number: int, span: Span) -> Citation:
    return Citation(
        number=number,
        doc_id=span.doc_id,
        title="Policy",
        date="",
        doc_type="news",
        heading_path="",
        start=span.start,
        end=span.end,
        quote=TEXT[span.start : span.end],
        chunk_id=f"{span.doc_id}#{span.start}",
        score=0.9,
    )


def retrieved(spans: list[Span]) -> list[RetrievedChunk]:
    return [
        RetrievedChunk(
            chunk_id=f"{s.doc_id}#{s.start}",
            doc_id=s.doc_id,
            text=TEXT[s.start : s.end] if s.doc_id == DOC else "elsewhere",
            start=s.start,
            end=s.end,
            heading_path="",
            metadata={"title": "Policy"},
            score=1.0 / rank,
            rank=rank,
        )
        for rank, s in enumerate(spans, 1)
    ]
