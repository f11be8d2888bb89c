"""Moved: the Dask integration is `cleaner.batch.dask` (issue 18). This module only re-exports its names.

Importing it needs the `dask` extra (pip install 'cleaner[dask]'), as before.
"""

from __future__ import annotations

from cleaner.batch.dask import (
    LOCAL,
    MAX_PARTITION_FILES,
    FilesRun,
    SchedulerError,
    check_workers,
    clean_files,
    clean_parquet,
    connect,
    count_sites_distributed,
    count_sites_files,
    learn_sites_distributed,
    portable_config,
    run_tasks,
)
from cleaner.batch.frames import clean_dataframe, clean_frame, clean_rows
from cleaner.batch.sites import SitesCounted

__all__ = [
    "LOCAL",
    "MAX_PARTITION_FILES",
    "FilesRun",
    "SchedulerError",
    "SitesCounted",
    "check_workers",
    "clean_dataframe",
    "clean_files",
    "clean_frame",
    "clean_parquet",
    "clean_rows",
    "connect",
    "count_sites_distributed",
    "count_sites_files",
    "learn_sites_distributed",
    "portable_config",
    "run_tasks",
]
