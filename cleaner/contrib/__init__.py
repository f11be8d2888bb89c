"""Integrations with crawling and data-processing frameworks, each behind its own extra.

- `cleaner.contrib.scrapy.CleanerPipeline`: a Scrapy item pipeline (``pip install cleaner[scrapy]``).
- `cleaner.contrib.datatrove.CleanerStep`: a datatrove pipeline step (``pip install cleaner[datatrove]``).

Nothing in the core package imports these modules, so the frameworks are only needed by those who
use them; importing one without its framework raises an ImportError that names the extra.
"""

from __future__ import annotations


def missing_extra(module: str, framework: str, extra: str, exc: ImportError) -> ImportError:
    """The ImportError raised when a contrib module's framework is not installed."""
    return ImportError(
        f"{module} needs {framework}, which is not installed ({exc}); install it with: pip install cleaner[{extra}]",
        name=exc.name,
    )
