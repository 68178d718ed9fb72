"""15Five: users and weekly check-ins (`report`), the continuous-feedback signal.

API: `https://my.15five.com/api/public`, `Authorization: Bearer <API key>`; lists are
Django REST framework pages `{"count", "next", "previous", "results"}` followed through
the absolute `next` URL. Configure with `FIFTEEN_FIVE_BASE_URL` and `FIFTEEN_FIVE_API_KEY`.

Users are a snapshot merged on `id`. Check-ins load incrementally: dlt keeps the newest
submission time (`submit_ts`) seen, and the next load asks `/report/?created_on_start=` that
time less `FIFTEEN_FIVE_LOOKBACK_DAYS` (default 14), because a manager reviews a check-in
after it was submitted and the re-read picks the change up; the merge on `id` absorbs the
overlap. A check-in with a pulse off the 1-5 scale, an unknown user, an id seen twice or a
submission time that is not ISO 8601 or lies in the future is quarantined. Every page is
accounted in `load_reconciliation` (`page 3`, or `page 3 (created_on_start=...)` for
check-ins): received = loaded + quarantined.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from ingestion.errors import require_env
from ingestion.http import retrying_session, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "fifteen_five"
PAGE_SIZE = 100
LOOKBACK_DAYS = 14
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The fields each resource is expected to carry; anything else is reported as a change.
FIELDS = {
    "fifteen_five_users": ["id", "email", "first_name", "last_name", "is_active"],
    "checkins": ["id", "user_id", "week_start", "week_end", "submit_ts", "pulse", "reviewed"],
}
OPTIONAL = {
    "fifteen_five_users": ["reviewer_id", "title", "location", "start_date"],
    "checkins": ["reviewed_ts", "reviewer_id", "answers"],
}


def table_hints(table: str):
    """Hints that travel with the table's rows (create_table_variant), so the quarantine,
    reconciliation and schema change rows the same resource yields keep their own key."""
    return dlt.mark.make_hints(table_name=table, write_disposition="merge", primary_key="id")


def submitted_at(row: dict) -> datetime | None:
    """`submit_ts` as an aware datetime, else None."""
    try:
        when = datetime.fromisoformat(str(row.get("submit_ts")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def checkin_problem(row: dict, users: set[int]) -> str | None:
    if row.get("id") is None:
        return "missing id"
    if row.get("user_id") not in users:
        return "unknown user"
    pulse = row.get("pulse")
    if pulse is not None and (not isinstance(pulse, int) or not 1 <= pulse <= 5):
        return "pulse off the 1-5 scale"
    when = submitted_at(row)
    if when is None:
        return "submit_ts missing or not ISO 8601"
    if when > datetime.now(UTC) + timedelta(days=1):  # a day of clock skew; later would stall the cursor
        return "submit_ts in the future"
    return None


@dlt.source(name=SOURCE)
def fifteen_five_source(base_url: str | None = None, api_key: str | None = None, page_size: int = PAGE_SIZE):
    """15Five users and check-ins. Credentials are read when the load runs."""

    def pages(collection: str, **filters):
        url = require_env(SOURCE, "FIFTEEN_FIVE_BASE_URL", base_url or os.environ.get("FIFTEEN_FIVE_BASE_URL"))
        key = require_env(SOURCE, "FIFTEEN_FIVE_API_KEY", api_key or os.environ.get("FIFTEEN_FIVE_API_KEY"))
        client = RESTClient(
            base_url=url.rstrip("/") + "/",
            auth=BearerTokenAuth(key),
            paginator=JSONLinkPaginator(next_url_path="next"),
            data_selector="results",
            session=retrying_session(),
        )
        params = {"page_size": page_size, **filters}
        yield from client.paginate(f"{collection}/", params=params, hooks=source_hooks(SOURCE))

    def accounted(name: str, collection: str, problem, complete=lambda row: row, label: str = "", **filters):
        """Every page of one list: each record preceded by the schema changes it shows, then
        to the table (as `complete(row)`) or to quarantine with `problem(row)`, then the
        page's reconciliation row."""
        watch = FieldWatch(SOURCE, name, FIELDS[name], OPTIONAL[name])
        hints = table_hints(name)
        for number, page in enumerate(pages(collection, **filters), start=1):
            count, rows = UnitCount(SOURCE, name, f"page {number}{label}"), []
            for row in page:
                count.received += 1
                yield from watch.changes(row)
                reason = problem(row)
                if reason:
                    count.quarantined += 1
                    yield quarantined(SOURCE, name, row, reason)
                    continue
                count.loaded += 1
                rows.append(complete(row))
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

    @dlt.resource(name="fifteen_five_users")
    def users():
        yield from accounted(
            "fifteen_five_users", "user", lambda row: None if row.get("id") is not None else "missing id"
        )

    lookback_days = float(os.environ.get("FIFTEEN_FIVE_LOOKBACK_DAYS", LOOKBACK_DAYS))

    @dlt.resource(name="checkins")
    def checkins(
        submitted=dlt.sources.incremental(
            "submit_ts",
            initial_value=EPOCH,
            lag=lookback_days * 86400,
            on_cursor_value_missing="include",
            primary_key="id",  # the rows carry the table's key; deduplicate on it as before
        ),
    ):
        known = {row["id"] for page in pages("user") for row in page if row.get("id") is not None}
        start = submitted.start_value
        filters = {"created_on_start": start.isoformat()} if start and start > EPOCH else {}
        label = f" (created_on_start={filters['created_on_start']})" if filters else ""
        seen: set[int] = set()

        def problem(row: dict) -> str | None:
            reason = checkin_problem(row, known)
            if reason is None and row["id"] in seen:
                reason = "duplicate id"
            if reason is None:
                seen.add(row["id"])
            return reason

        # The cursor is compared as a time (the lookback is a duration); dlt stores the ISO
        # text the API sends as a timestamp either way.
        yield from accounted(
            "checkins", "report", problem, lambda row: {**row, "submit_ts": submitted_at(row)}, label, **filters
        )

    return users, checkins
