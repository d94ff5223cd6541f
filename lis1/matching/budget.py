"""The exact step's size limits and conflict budgets (:mod:`lis1.matching.exact`).

Apart from the exact step so that :func:`lis1.matching.solve` can name its default budget
without importing the step, which only a market with blocking pairs runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExactBudget:
    """Size limits (checked before anything is built) and conflict budgets per phase."""

    max_applicants: int = 5_000
    max_counter_cells: int = 2_000_000  # see exact_encode.counter_cells
    # Measured at 1,300 applicants: ~200-1,000 conflicts per CPU second, a decision takes a
    # few hundred; the budgets keep the worst case near a minute on one core.
    decide_conflicts: int = 20_000
    favour_conflicts: int = 5_000
    maxsat_conflicts: int = 3_000


DEFAULT_BUDGET = ExactBudget()
