"""The capability framework: versioned CSV files that L&D edits (see `framework/`).

Each file becomes a table in `raw_framework`, replaced on every load so the warehouse
always holds the framework as committed. `FRAMEWORK_DIR` points at the folder. A column
added to, renamed in or dropped from a file is reported in `raw_framework.schema_changes`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import dlt

from ingestion.errors import SourceConfigError
from ingestion.quarantine import quarantined
from ingestion.schema_drift import FieldWatch

SOURCE = "framework"
FILES = {
    "capabilities": ("capabilities.csv", ["capability_id", "capability_name", "category"]),
    "job_profiles": ("job_profiles.csv", ["job_profile_id", "job_title", "job_family", "job_level"]),
    "required_levels": ("required_levels.csv", ["job_profile_id", "capability_id", "required_level", "effective_from"]),
    "course_capabilities": ("course_capabilities.csv", ["course_id", "capability_id", "target_level"]),
}
# Columns a file may carry besides the required ones.
OPTIONAL = {
    "capabilities": ["description"],
    "job_profiles": [],
    "required_levels": ["effective_to"],
    "course_capabilities": [],
}
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "framework"


@dlt.source(name=SOURCE)
def framework_source(folder: str | None = None):
    """One resource per framework file; rows missing a required field are quarantined."""

    def read(name: str, filename: str, required: list[str]):
        @dlt.resource(
            name=name, write_disposition="replace", columns={column: {"data_type": "text"} for column in required}
        )
        def resource():
            path = Path(folder or os.environ.get("FRAMEWORK_DIR") or DEFAULT_DIR) / filename
            if not path.exists():
                raise SourceConfigError(f"{SOURCE}: {path} not found; set FRAMEWORK_DIR")
            watch = FieldWatch(SOURCE, name, required, OPTIONAL[name])
            with path.open(newline="", encoding="utf-8") as handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    if line == 2:
                        yield from watch.changes({k: v for k, v in row.items() if k is not None})
                    missing = [c for c in required if not (row.get(c) or "").strip()]
                    if missing:
                        yield quarantined(SOURCE, name, row, f"missing {', '.join(missing)}", key=f"{filename}:{line}")
                    else:
                        yield row

        return resource

    return [read(name, filename, required) for name, (filename, required) in FILES.items()]
