"""Training spend from the finance system: CSV exports dropped in a folder.

Four kinds of file, recognised by name (the finance export's default names):
`course_prices*.csv` (list price per seat and validity), `vendor_invoices*.csv`
(content and licence invoices per course and period), `instructor_costs*.csv` and
`venue_costs*.csv` (classroom sessions). Columns are declared below with their types:
amounts load as decimals, dates as dates, names stay as exported (staging renames).
Each file loads once (see `ingestion/files.py`), every table is merged on its key, and
rows that cannot be true (a missing key, an amount that is not a number, an invoice
dated in the future, a key twice) go to `quarantine`. Configure with `FINANCE_EXPORT_DIR`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dlt

from ingestion.errors import SourceConfigError, require_env
from ingestion.files import Column, FileKind, file_resource

SOURCE = "finance"
AMOUNT = {"kind": "decimal"}
KINDS = [
    FileKind(
        "course_prices",
        "course_prices*.csv",
        [
            Column("course_id"),
            Column("list_price", **AMOUNT),
            Column("currency"),
            Column("valid_from", "date"),
            Column("valid_to", "date", required=False),
        ],
        key=["course_id", "valid_from"],
    ),
    FileKind(
        "vendor_invoices",
        "vendor_invoices*.csv",
        [
            Column("invoice_id"),
            Column("vendor"),
            Column("course_id", required=False),
            Column("invoice_date", "date", not_future=True),
            Column("period_start", "date"),
            Column("period_end", "date"),
            Column("seats", "int", required=False),
            Column("amount", **AMOUNT),
            Column("currency"),
        ],
        key=["invoice_id"],
    ),
    FileKind(
        "instructor_costs",
        "instructor_costs*.csv",
        [
            Column("cost_id"),
            Column("session_id"),
            Column("course_id"),
            Column("instructor"),
            Column("session_date", "date", not_future=True),
            Column("days", "int"),
            Column("day_rate", **AMOUNT),
            Column("amount", **AMOUNT),
            Column("currency"),
        ],
        key=["cost_id"],
    ),
    FileKind(
        "venue_costs",
        "venue_costs*.csv",
        [
            Column("cost_id"),
            Column("session_id"),
            Column("course_id"),
            Column("venue"),
            Column("session_date", "date", not_future=True),
            Column("amount", **AMOUNT),
            Column("currency"),
        ],
        key=["cost_id"],
    ),
]


@dlt.source(name=SOURCE)
def finance_source(folder: str | None = None):
    """One resource per kind of export file; the folder is read when the load runs."""

    def folder_of() -> Path:
        path = Path(require_env(SOURCE, "FINANCE_EXPORT_DIR", folder or os.environ.get("FINANCE_EXPORT_DIR")))
        if not path.is_dir():
            raise SourceConfigError(f"{SOURCE}: FINANCE_EXPORT_DIR {path} is not a folder")
        return path

    return [file_resource(SOURCE, kind, folder_of) for kind in KINDS]
