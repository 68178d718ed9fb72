"""Detecting a schema change at the source: a field added, renamed or gone.

dlt adds a column for a new field by itself, and a renamed field simply becomes a new
column while the old one fills with nulls: the load succeeds and nobody notices. Each
connector therefore declares the fields it expects per resource; `FieldWatch` compares
every record with them and reports each difference once per load, as a warning in the
log and as a row in the `schema_changes` table of the same raw schema (`source`,
`resource`, `field`, `change` = `added` / `missing`, `example`; dlt adds `_dlt_load_id`).
The records themselves still load in full: nothing is dropped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import dlt

SCHEMA_CHANGES_TABLE = "schema_changes"
SCHEMA_CHANGE_HINTS = dlt.mark.make_hints(
    table_name=SCHEMA_CHANGES_TABLE,
    write_disposition="merge",
    primary_key=["source", "resource", "field", "change"],
    columns={"example": {"data_type": "text"}},
)
log = logging.getLogger("ingestion.schema_drift")


class FieldWatch:
    """Compares records with the declared fields of one resource."""

    def __init__(self, source: str, resource: str, expected: Iterable[str], optional: Iterable[str] = ()) -> None:
        self.source, self.resource = source, resource
        self.expected, self.optional = set(expected), set(optional)
        self.reported: set[tuple[str, str]] = set()

    def changes(self, record: dict[str, Any]) -> list[dict]:
        """Rows for the differences this record shows that were not reported yet."""
        found = []
        for field in sorted(set(record) - self.expected - self.optional):
            found.append((field, "added", record[field]))
        for field in sorted(self.expected - set(record)):
            found.append((field, "missing", None))
        rows = []
        for field, change, example in found:
            if (field, change) in self.reported:
                continue
            self.reported.add((field, change))
            log.warning("%s: %s field %r %s at the source", self.source, self.resource, field, change)
            row = {
                "source": self.source,
                "resource": self.resource,
                "field": field,
                "change": change,
                "example": json.dumps(example, default=str)[:500],
            }
            rows.append(dlt.mark.with_hints(row, SCHEMA_CHANGE_HINTS, create_table_variant=True))
        return rows
