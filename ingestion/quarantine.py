"""Routing rejected records to a `quarantine` table beside the data they came with.

A connector never drops a record silently: every record it receives is either yielded
to its own table or to `quarantine` with the source, the resource, the record's key,
the reason and the raw payload. Merging on (resource, record_key, reason) keeps re-runs
from duplicating quarantine rows.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import dlt

QUARANTINE_TABLE = "quarantine"
QUARANTINE_HINTS = dlt.mark.make_hints(
    table_name=QUARANTINE_TABLE,
    write_disposition="merge",
    primary_key=["resource", "record_key", "reason"],
    columns={
        "payload": {"data_type": "text"},
        "record_key": {"data_type": "text"},
        "resolved_at": {"data_type": "timestamp"},
        "resolution": {"data_type": "text"},
    },
)


def quarantined(
    source: str,
    resource: str,
    record: Any,
    reason: str,
    key: str | None = None,
    resolved_at: datetime | None = None,
    resolution: str | None = None,
) -> Any:
    """Wrap a rejected record so dlt writes it to the quarantine table; with `resolved_at`,
    mark an earlier quarantine row of the same record and reason as resolved."""
    if key is None and isinstance(record, dict):
        key = record.get("id")
    row = {
        "source": source,
        "resource": resource,
        "record_key": str(key) if key is not None else "",
        "reason": reason,
        "payload": json.dumps(record, sort_keys=True, default=str),
    }
    if resolved_at is not None:
        row["resolved_at"] = resolved_at
        row["resolution"] = resolution
    return dlt.mark.with_hints(row, QUARANTINE_HINTS, create_table_variant=True)
