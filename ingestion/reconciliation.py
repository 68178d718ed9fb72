"""Accounting for every unit a connector reads: a file, a page, a cursor window.

For each unit a source writes one row to the `load_reconciliation` table of its raw
schema: how many records it received, loaded and quarantined, or that the whole unit was
rejected and why. For every unit that is not rejected, received = loaded + quarantined;
the counts are made where the records are read, so the equation is a check on the
connector, not a restatement of it. A unit skipped because it was already loaded gets a
row too (received 0, with the reason), so nothing is passed over silently. Rows are
appended: the table is the history of every load.
"""

from __future__ import annotations

from dataclasses import dataclass

import dlt

RECONCILIATION_TABLE = "load_reconciliation"
RECONCILIATION_HINTS = dlt.mark.make_hints(
    table_name=RECONCILIATION_TABLE,
    write_disposition="append",
    columns={
        "load_id": {"data_type": "text"},
        "source": {"data_type": "text"},
        "resource": {"data_type": "text"},
        "unit": {"data_type": "text"},
        "received": {"data_type": "bigint"},
        "loaded": {"data_type": "bigint"},
        "quarantined": {"data_type": "bigint"},
        "rejected": {"data_type": "bool"},
        "reason": {"data_type": "text"},
    },
)


def current_load_id() -> str | None:
    """The id of the load package being extracted (dlt's `_dlt_load_id`), when known."""
    try:
        return dlt.current.load_package_state()["load_id"]
    except Exception:  # outside an extract (e.g. a dry run): there is no load yet
        return None


@dataclass
class UnitCount:
    """Counts for one unit, kept while its records are read."""

    source: str
    resource: str
    unit: str
    received: int = 0
    loaded: int = 0
    quarantined: int = 0
    rejected: bool = False
    reason: str | None = None

    def reject(self, reason: str) -> UnitCount:
        self.rejected, self.reason = True, reason
        self.loaded = self.quarantined = 0
        return self

    def row(self) -> dict:
        return {
            "load_id": current_load_id(),
            "source": self.source,
            "resource": self.resource,
            "unit": self.unit,
            "received": self.received,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "rejected": self.rejected,
            "reason": self.reason,
        }

    def item(self):
        """The row, routed by dlt to `load_reconciliation`."""
        return dlt.mark.with_hints(self.row(), RECONCILIATION_HINTS, create_table_variant=True)

    def balanced(self) -> bool:
        return self.rejected or self.received == self.loaded + self.quarantined
