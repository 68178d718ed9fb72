"""Workday: a custom report (RaaS) of workers, loaded as dated full snapshots.

API: `https://<host>/ccx/service/customreport2/<tenant>/<report owner>/<report name>?format=json`
with HTTP basic auth as an integration system user; the rows are under `Report_Entry`.
Configure with `WORKDAY_REPORT_URL` (the report URL without the query),
`WORKDAY_USERNAME` (`ISU_user@tenant`) and `WORKDAY_PASSWORD`. Optional
`WORKDAY_AS_OF_DATE` (`YYYY-MM-DD`) fills the report's `As_Of_Date` prompt.

Every load is a full snapshot stamped `snapshot_on` (the as-of date, else today in UTC)
and merged on (`Employee_ID`, `snapshot_on`): re-running a day replaces that day's
snapshot, and the models rebuild history from the sequence of snapshots. A row without an
`Employee_ID`, or the same one twice in a snapshot, is quarantined. The report's columns are
declared (`FIELDS`): a column added, renamed or dropped in the report definition is reported
in `schema_changes`. The response is accounted in `load_reconciliation` (unit
`report (snapshot_on=...)`): received = loaded + quarantined.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator

from ingestion.errors import SourceConfigError, require_env
from ingestion.http import retrying_session, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "workday"
# The report's column aliases; anything else is reported as a change.
FIELDS = [
    "Employee_ID",
    "Worker",
    "Email_-_Primary_Work",
    "Hire_Date",
    "Business_Title",
    "Supervisory_Organization",
    "Active_Status",
]
KEY = ["Employee_ID", "snapshot_on"]
# The table's hints travel with its rows (create_table_variant), so the quarantine,
# reconciliation and schema change rows the resource also yields keep their own key.
TABLE_HINTS = dlt.mark.make_hints(table_name="workday_workers", write_disposition="merge", primary_key=KEY)
OPTIONAL = ["Legacy_Employee_Number", "Original_Hire_Date", "Manager_Employee_ID", "Location", "Termination_Date"]


@dlt.source(name=SOURCE)
def workday_source(
    report_url: str | None = None, username: str | None = None, password: str | None = None, as_of: str | None = None
):
    """Worker snapshots from a Workday RaaS report. Credentials are read when the load runs."""

    @dlt.resource(name="workday_workers")
    def workers():
        url = require_env(SOURCE, "WORKDAY_REPORT_URL", report_url or os.environ.get("WORKDAY_REPORT_URL"))
        user = require_env(SOURCE, "WORKDAY_USERNAME", username or os.environ.get("WORKDAY_USERNAME"))
        secret = require_env(SOURCE, "WORKDAY_PASSWORD", password or os.environ.get("WORKDAY_PASSWORD"))
        day = as_of or os.environ.get("WORKDAY_AS_OF_DATE")
        try:
            snapshot_on = date.fromisoformat(day) if day else datetime.now(UTC).date()
        except ValueError as error:
            raise SourceConfigError(f"{SOURCE}: WORKDAY_AS_OF_DATE must be YYYY-MM-DD") from error
        parts = urlsplit(url)
        client = RESTClient(
            base_url=f"{parts.scheme}://{parts.netloc}/",
            auth=HttpBasicAuth(user, secret),
            paginator=SinglePagePaginator(),
            data_selector="Report_Entry",
            session=retrying_session(),
        )
        params = {"format": "json", **({"As_Of_Date": snapshot_on.isoformat()} if day else {})}
        seen: set[str] = set()
        watch = FieldWatch(SOURCE, "workday_workers", FIELDS, OPTIONAL)
        for page in client.paginate(parts.path.lstrip("/"), params=params, hooks=source_hooks(SOURCE)):
            count, rows = UnitCount(SOURCE, "workday_workers", f"report (snapshot_on={snapshot_on})"), []
            for row in page:
                count.received += 1
                yield from watch.changes(row)
                worker = row.get("Employee_ID")
                problem = "missing Employee_ID" if not worker else "duplicate Employee_ID" if worker in seen else None
                if problem:
                    key = f"{snapshot_on}:{worker or ''}"
                    count.quarantined += 1
                    yield quarantined(SOURCE, "workday_workers", row, problem, key=key)
                    continue
                seen.add(worker)
                count.loaded += 1
                rows.append({**row, "snapshot_on": snapshot_on})
            if rows:
                yield dlt.mark.with_hints(rows, TABLE_HINTS, create_table_variant=True)
            yield count.item()

    return workers
