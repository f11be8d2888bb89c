"""Evaluation instrument: score cleaner on web-extraction benchmarks, next to peer tools.

Modules: `datasets` (WCXB and ScrapingHub layouts -> `Page`), `metrics` (WCXB word P/R/F1,
snippet rates, ScrapingHub shingle P/R/F1), `peers` (cached text extractors), `c4` (datatrove's
C4 line filter on one text), `rulesview` (lines removed per rule, and how many were article
text), `runner` (`run_eval`), `report` (tables, JSON, markdown), `cli` (`python -m
cleaner.evaluation`, and `register` for the main CLI). Optional peers (readability-lxml,
datatrove, html-text) are imported only when used: ``pip install -e ".[eval]"``.

WCXB (the Web Content Extraction Benchmark) is by Murrough Foley, CC-BY-4.0.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaner.evaluation.runner import EvalResult, run_eval

__all__ = ["EvalResult", "run_eval"]


def __getattr__(name: str) -> Any:
    """`EvalResult` and `run_eval` from `runner`, imported when first asked for: the main CLI
    registers `cleaner eval` through `evaluation.cli`, and a `cleaner clean` run should not pay
    for the runner's imports."""
    if name in __all__:
        from cleaner.evaluation import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
