"""The metrics a project's quality gate can compare, and the range each can take.

The model-build pipeline's evaluate step (`pipelines/scripts/evaluate.py`) computes these on the test
split and reports the project's chosen one as `quality.value`; the pipeline's Condition step registers
the model only if that value is >= the project's minimum (`pipelines/model_build.py`). A test holds
this table to the script's metric names and to the pipeline parameter's allowed values.
"""

from __future__ import annotations

import difflib

# Every metric is a ratio (AUC: the chance a positive outranks a negative).
METRIC_RANGES = dict.fromkeys(("auc", "accuracy", "precision", "recall", "f1"), (0.0, 1.0))


def threshold_problem(name: str, minimum: float) -> str | None:
    """Why a gate on `name` >= `minimum` is not one the pipeline can apply meaningfully, or None."""
    if name not in METRIC_RANGES:
        close = difflib.get_close_matches(name.lower(), METRIC_RANGES, n=1)
        hint = f"'{close[0]}'" if close else f"one of {list(METRIC_RANGES)}"
        return (
            f"name '{name}' is not a metric the model-build pipeline computes; fix: use {hint} "
            f"(the pipeline computes {list(METRIC_RANGES)})"
        )
    low, high = METRIC_RANGES[name]
    if not low <= minimum <= high:  # also refuses nan
        outcome = "no model can ever pass" if not minimum < high else "every model passes"
        return (
            f"minimum {minimum:g} is outside {name}'s range {low:g}..{high:g}, so {outcome}; "
            f"fix: use a minimum between {low:g} and {high:g}, e.g. 0.75"
        )
    return None
