"""The capability framework: versioned CSV files that L&D edits (see `framework/`).

Each file becomes a table in `raw_framework`, replaced on every load so the warehouse
always holds the framework as committed. `FRAMEWORK_DIR` points at the folder. A column
added to, renamed in or dropped from a file is reported in `raw_framework.schema_changes`. Each file is a unit in
`raw_framework.load_reconciliation` (unit: the file name): received = loaded + quarantined.

The business goal files (goals, KPIs, targets, capability needs) are checked together
against each other and the capability library (`ingestion/framework/goals.py`); a row
that breaks a rule is quarantined with the reason, the others load. A goal file that is
absent loads nothing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import dlt

from ingestion.errors import SourceConfigError
from ingestion.framework import catalogue
from ingestion.framework.goals import GOAL_FILES, check_goal_files
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
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
        # The table's hints travel with its rows (create_table_variant), so the quarantine,
        # reconciliation and schema change rows the resource also yields keep their own.
        hints = dlt.mark.make_hints(
            table_name=name, write_disposition="replace", columns={column: {"data_type": "text"} for column in required}
        )

        @dlt.resource(name=name, write_disposition="replace")
        def resource():
            path = Path(folder or os.environ.get("FRAMEWORK_DIR") or DEFAULT_DIR) / filename
            if not path.exists():
                raise SourceConfigError(f"{SOURCE}: {path} not found; set FRAMEWORK_DIR")
            watch = FieldWatch(SOURCE, name, required, OPTIONAL[name])
            count, rows = UnitCount(SOURCE, name, filename), []
            with path.open(newline="", encoding="utf-8") as handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    count.received += 1
                    if line == 2:
                        yield from watch.changes({k: v for k, v in row.items() if k is not None})
                    missing = [c for c in required if not (row.get(c) or "").strip()]
                    if missing:
                        count.quarantined += 1
                        yield quarantined(SOURCE, name, row, f"missing {', '.join(missing)}", key=f"{filename}:{line}")
                    else:
                        count.loaded += 1
                        rows.append(row)
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

        return resource

    def read_checked(name: str, filename: str, required: list[str], optional: list[str], check):
        hints = dlt.mark.make_hints(
            table_name=name,
            write_disposition="replace",
            columns={column: {"data_type": "text"} for column in [*required, *optional]},
        )

        @dlt.resource(name=name, write_disposition="replace")
        def resource():
            root = Path(folder or os.environ.get("FRAMEWORK_DIR") or DEFAULT_DIR)
            if not root.is_dir():
                raise SourceConfigError(f"{SOURCE}: {root} is not a folder; set FRAMEWORK_DIR")
            checked = check(root)
            count = UnitCount(SOURCE, name, filename)
            if not checked.present:
                count.reason = f"file absent: no {name.replace('_', ' ')} maintained"
                yield count.item()
                return
            yield from FieldWatch(SOURCE, name, required, optional).changes(dict.fromkeys(checked.headers, ""))
            for line, row, reason in checked.bad:
                count.received += 1
                count.quarantined += 1
                yield quarantined(SOURCE, name, row, reason, key=f"{filename}:{line}")
            rows = [{column: row.get(column) or None for column in [*required, *optional]} for _, row in checked.good]
            count.received += len(rows)
            count.loaded += len(rows)
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

        return resource

    return [
        *(read(name, filename, required) for name, (filename, required) in FILES.items()),
        *(
            read_checked(name, filename, required, optional, lambda root, name=name: check_goal_files(root)[name])
            for name, (filename, required, optional) in GOAL_FILES.items()
        ),
        read_checked(
            "course_catalogue",
            catalogue.FILENAME,
            catalogue.REQUIRED,
            catalogue.OPTIONAL,
            catalogue.check_course_catalogue,
        ),
    ]
