"""Citation-accuracy evals: gold quotes become character spans; answers are scored by span overlap.

``dataset`` reads and checks gold sets, ``metrics`` scores answers against them, ``report`` runs a set and writes
its reports and checks the floors, ``verifier`` scores the verifier on labelled triples.
"""

from .dataset import (
    Case,
    DatasetError,
    Span,
    contains_fact,
    load_dataset,
    locate,
    normalise_for_match,
    translation_pairs,
)
from .metrics import (
    LOWER_IS_BETTER,
    METRICS,
    CaseResult,
    aggregate,
    auc,
    char_precision,
    counterparts,
    lost_metrics,
    score_case,
)
from .report import Report, check_thresholds, default_index_dir, eval_settings, parse_threshold, run_eval
from .verifier import VERIFIER_METRICS, verifier_report

__all__ = [
    "LOWER_IS_BETTER",
    "METRICS",
    "VERIFIER_METRICS",
    "Case",
    "CaseResult",
    "DatasetError",
    "Report",
    "Span",
    "aggregate",
    "auc",
    "char_precision",
    "check_thresholds",
    "contains_fact",
    "counterparts",
    "default_index_dir",
    "eval_settings",
    "load_dataset",
    "locate",
    "lost_metrics",
    "normalise_for_match",
    "parse_threshold",
    "run_eval",
    "score_case",
    "translation_pairs",
    "verifier_report",
]
