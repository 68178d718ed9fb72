"""Where GX Data Docs and the stores they are rendered from live.

For a DuckDB warehouse at `data/warehouse.duckdb` the quality folder is `data/quality/`:

    data/quality/data_docs/index.html   the GX Data Docs site (open it in a browser)
    data/quality/gx/expectations/       the suites as GX stores them (rendered as pages)
    data/quality/gx/validations/        the newest validation results of each suite

`QUALITY_DIR` overrides the folder (for a PostgreSQL warehouse it defaults to
`data/quality` under the working directory). Each suite keeps its newest `KEEP_RUNS`
validation results; older results and their pages are removed, so the site stays small.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from expectations.readers import POSTGRES_PREFIXES

KEEP_RUNS = 10
SITE_NAME = "local_site"


def quality_dir(warehouse: str | Path) -> Path:
    """`$QUALITY_DIR`, else `quality/` beside a DuckDB file, else `data/quality`."""
    if os.environ.get("QUALITY_DIR"):
        return Path(os.environ["QUALITY_DIR"]).resolve()
    if str(warehouse).startswith(POSTGRES_PREFIXES):
        return Path("data/quality").resolve()
    return Path(warehouse).resolve().parent / "quality"


def data_docs_index(folder: Path) -> Path:
    return folder / "data_docs" / "index.html"


def project_config(folder: Path | None):
    """An in-process GX project whose suites, results and Data Docs live in `folder`.

    Without a folder everything stays in memory and no Data Docs site is configured (GX's
    default ephemeral project would create a temporary directory for one on every run).
    """
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults

    if folder is None:
        return DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))

    def filesystem(sub: str) -> dict:
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder / sub)}

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": filesystem("data_docs"),
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    config.stores["expectations_store"]["store_backend"] = filesystem("gx/expectations")
    config.stores["validation_results_store"]["store_backend"] = filesystem("gx/validations")
    return config


def validation_page(folder: Path, suite: str, run_name: str, run_time: str) -> Path:
    """The Data Docs page of one validation (the layout GX's site builder writes)."""
    schema, table = suite.split(".", 1)
    return folder / "data_docs" / "validations" / schema / table / run_name / run_time / "whole_table.html"


def prune(folder: Path, suite: str, keep: int = KEEP_RUNS) -> None:
    """Remove all but the newest `keep` validation results (and pages) of a suite."""
    schema, table = suite.split(".", 1)
    for root, suffix in ((folder / "gx" / "validations", ".json"), (folder / "data_docs" / "validations", ".html")):
        base = root / schema / table
        runs = sorted(base.glob(f"*/*/whole_table{suffix}"), key=lambda p: p.parent.name, reverse=True)
        for stale in runs[keep:]:
            shutil.rmtree(stale.parent, ignore_errors=True)
            if stale.parent.parent.is_dir() and not any(stale.parent.parent.iterdir()):
                stale.parent.parent.rmdir()
