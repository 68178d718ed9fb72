"""Culture Amp: employees, performance cycles and manager reviews.

API: `https://api.cultureamp.com/v1`, OAuth2 client credentials at `POST /v1/oauth2/token`
(credentials from Settings > Integrations > API), then bearer-token lists paged with
`limit` and an opaque `cursor`, answered `{"data": [...], "pagination": {"nextCursor"}}`.
Configure with `CULTURE_AMP_BASE_URL` (`.../v1`), `CULTURE_AMP_CLIENT_ID`,
`CULTURE_AMP_CLIENT_SECRET`. Tables land in `raw_performance` as `culture_amp_*`, merged on
`id`. Employees and cycles are small snapshots. Manager reviews load incrementally: dlt
keeps the newest `submittedAt` seen and the next load asks `after_date=` that time less
`CULTURE_AMP_LOOKBACK_DAYS` (default 7, for reviews submitted while the previous load ran).

Manager ratings are buckets on Culture Amp's own scale (`rating.bucket`, `rating.value`
1..`rating.scaleSize`), loaded as they are; mapping them onto the warehouse's 1-5 scale is
a model decision. A review whose bucket value is off its scale, whose employee or cycle
Culture Amp does not list, or whose submission time is missing or in the future is
quarantined. Every page is accounted in `load_reconciliation` (`page 3`, or `page 3
(after_date=...)` for manager reviews): received = loaded + quarantined.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from ingestion.errors import require_env
from ingestion.http import oauth2_client_credentials, retrying_session, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "culture_amp"
PAGE_SIZE = 100
LOOKBACK_DAYS = 7
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COLLECTIONS = {
    "culture_amp_employees": "employees",
    "culture_amp_performance_cycles": "performance-cycles",
    "culture_amp_manager_reviews": "manager-reviews",
}
# The fields each resource is expected to carry; anything else is reported as a change.
FIELDS = {
    "culture_amp_employees": ["id", "employeeId", "email", "name", "status"],
    "culture_amp_performance_cycles": ["id", "name", "periodStart", "periodEnd", "status"],
    "culture_amp_manager_reviews": ["id", "performanceCycleId", "employeeId", "managerId", "rating", "submittedAt"],
}
OPTIONAL = {
    "culture_amp_employees": ["preferredName", "managerId", "startDate", "endDate"],
    "culture_amp_performance_cycles": ["createdAt", "updatedAt"],
    "culture_amp_manager_reviews": ["comment", "createdAt", "updatedAt"],
}


def table_hints(table: str):
    """Hints that travel with the table's rows (create_table_variant), so the quarantine,
    reconciliation and schema change rows the same resource yields keep their own key."""
    return dlt.mark.make_hints(table_name=table, write_disposition="merge", primary_key="id")


def submitted_at(review: dict) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(review.get("submittedAt")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def review_problem(review: dict, employees: set[str], cycles: set[str]) -> str | None:
    if not review.get("id"):
        return "missing id"
    if review.get("employeeId") not in employees:
        return "unknown employee"
    if review.get("performanceCycleId") not in cycles:
        return "unknown performance cycle"
    rating = review.get("rating") or {}
    value, size = rating.get("value"), rating.get("scaleSize")
    if not isinstance(value, int) or not isinstance(size, int) or not 1 <= value <= size:
        return "rating bucket not on the scale"
    when = submitted_at(review)
    if when is None:
        return "submittedAt missing or not ISO 8601"
    if when > datetime.now(UTC) + timedelta(days=1):  # a day of clock skew; later would stall the cursor
        return "submittedAt in the future"
    return None


@dlt.source(name=SOURCE)
def culture_amp_source(
    base_url: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    page_size: int = PAGE_SIZE,
):
    """Culture Amp performance data. Credentials are read when the load runs."""
    clients: list[RESTClient] = []

    def pages(collection: str, **filters):
        if not clients:  # one client (and one token) per load
            url = require_env(SOURCE, "CULTURE_AMP_BASE_URL", base_url or os.environ.get("CULTURE_AMP_BASE_URL"))
            url = url.rstrip("/")
            cid = require_env(SOURCE, "CULTURE_AMP_CLIENT_ID", client_id or os.environ.get("CULTURE_AMP_CLIENT_ID"))
            secret = require_env(
                SOURCE, "CULTURE_AMP_CLIENT_SECRET", client_secret or os.environ.get("CULTURE_AMP_CLIENT_SECRET")
            )
            session = retrying_session()
            clients.append(
                RESTClient(
                    base_url=url + "/",
                    auth=oauth2_client_credentials(SOURCE, f"{url}/oauth2/token", cid, secret, session),
                    paginator=JSONResponseCursorPaginator(cursor_path="pagination.nextCursor", cursor_param="cursor"),
                    data_selector="data",
                    session=session,
                )
            )
        params = {"limit": page_size, **filters}
        yield from clients[0].paginate(collection, params=params, hooks=source_hooks(SOURCE))

    def accounted(name: str, problem, complete=lambda item: item, key=lambda item: None, label: str = "", **filters):
        """Every page of one collection: each record preceded by the schema changes it shows,
        then to the table (as `complete(item)`) or to quarantine with `problem(item)` (keyed
        by `key(item)`, by default its id), then the page's reconciliation row."""
        watch = FieldWatch(SOURCE, name, FIELDS[name], OPTIONAL[name])
        hints = table_hints(name)
        for number, page in enumerate(pages(COLLECTIONS[name], **filters), start=1):
            count, rows = UnitCount(SOURCE, name, f"page {number}{label}"), []
            for item in page:
                count.received += 1
                yield from watch.changes(item)
                reason = problem(item)
                if reason:
                    count.quarantined += 1
                    yield quarantined(SOURCE, name, item, reason, key=key(item))
                    continue
                count.loaded += 1
                rows.append(complete(item))
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

    def listing(name: str):
        @dlt.resource(name=name)
        def resource():
            yield from accounted(name, lambda item: None if item.get("id") else "missing id", key=lambda item: "")

        return resource

    lookback_days = float(os.environ.get("CULTURE_AMP_LOOKBACK_DAYS", LOOKBACK_DAYS))

    @dlt.resource(name="culture_amp_manager_reviews")
    def manager_reviews(
        submitted=dlt.sources.incremental(
            "submittedAt",
            initial_value=EPOCH,
            lag=lookback_days * 86400,
            on_cursor_value_missing="include",
            primary_key="id",  # the rows carry the table's key; deduplicate on it as before
        ),
    ):
        employees = {item["id"] for page in pages("employees") for item in page if item.get("id")}
        cycles = {item["id"] for page in pages("performance-cycles") for item in page if item.get("id")}
        start = submitted.start_value
        filters = {"after_date": start.isoformat()} if start and start > EPOCH else {}
        label = f" (after_date={filters['after_date']})" if filters else ""
        yield from accounted(
            "culture_amp_manager_reviews",
            lambda review: review_problem(review, employees, cycles),
            # Compared as a time (the lookback is a duration); stored as a timestamp either way.
            lambda review: {**review, "submittedAt": submitted_at(review)},
            label=label,
            **filters,
        )

    return (
        listing("culture_amp_employees"),
        listing("culture_amp_performance_cycles"),
        manager_reviews,
    )
