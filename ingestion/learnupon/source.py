"""LearnUpon LMS: users, courses, enrolments, learning paths, groups and group memberships.

API: `https://<subdomain>.learnupon.com/api/v1`, HTTP basic auth with the portal's API
username and password (Settings > Integrations > API Keys; not an admin's login). Lists are
answered inside a named envelope (`{"user": [...]}`, `{"courses": [...]}`, `{"enrollments":
[...]}`, ...) and paged with `page` (1-based) at a page size the server fixes. LearnUpon's
guide and third-party guides disagree on that size (500 or 50), so the connector does not
rely on it: a listing ends on an empty page, or on a page shorter than an earlier one (with a
fixed page size only the last page is short). `LEARNUPON_PAGE_SIZE` (or `page_size=`) names
the size the tenant answers with and saves the extra request for a listing that fits on one
page; a page longer than it shows the setting is wrong and switches it off. Rate limits are
answered with 429: dlt's retrying session backs off (honouring `Retry-After`), as on 5xx.

Enrolments, the table that grows with every learner, load incrementally: the connector keeps
a watermark in dlt resource state (when the previous successful load started, less
`LEARNUPON_LOOKBACK_HOURS`, default 24, for clock skew) and sends it as `updated_since`
(ISO 8601, UTC). That filter name is an assumption about the API (see ingestion/README.md):
`LEARNUPON_UPDATED_SINCE_PARAM` renames it, or (empty) sends none; a tenant that ignores it
answers everything, and every load is a full one, merged on `id`.
Users, courses, learning paths, groups and memberships are small: snapshots.

Every record is loaded or quarantined with a reason, never dropped: enrolments naming a user or
course the portal does not list, a score or percentage that is not a number in 0-100, dates
that are missing, malformed, in the future or out of order (started or completed before the
enrolment, completed before the start), a time spent that is not a non-negative number;
memberships of unknown users; in every table a missing key or a key twice in one load. Each
page is accounted in `load_reconciliation` (received = loaded + quarantined), and fields
added or gone at the source are reported in `schema_changes`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import BasePaginator

from ingestion.errors import SourceError, require_env
from ingestion.http import retrying_session, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "learnupon"
LOOKBACK_HOURS = 24
UPDATED_SINCE = "updated_since"  # assumed name of the enrolments' change filter
LEARNUPON_TIME = "%Y-%m-%dT%H:%M:%SZ"
log = logging.getLogger("ingestion.learnupon")

# table -> (path under the base URL, envelope key of the list)
ENDPOINTS = {
    "learnupon_users": ("users", "user"),
    "learnupon_courses": ("courses", "courses"),
    "learnupon_enrollments": ("enrollments", "enrollments"),
    "learnupon_learning_paths": ("learning_paths", "learning_paths"),
    "learnupon_groups": ("groups", "groups"),
    "learnupon_group_memberships": ("group_memberships", "group_memberships"),
}
KEYS: dict[str, str | list[str]] = {
    "learnupon_users": "id",
    "learnupon_courses": "id",
    "learnupon_enrollments": "id",
    "learnupon_learning_paths": "id",
    "learnupon_groups": "id",
    "learnupon_group_memberships": ["group_id", "user_id"],
}
# The fields each resource is expected to carry; anything else is reported as a change.
FIELDS = {
    "learnupon_users": ["id", "email", "username", "first_name", "last_name", "user_type", "enabled", "created_at"],
    "learnupon_courses": [
        "id",
        "name",
        "reference_code",
        "version",
        "status",
        "price",
        "duration_minutes",
        "created_at",
    ],
    "learnupon_enrollments": [
        "id",
        "user_id",
        "course_id",
        "status",
        "score",
        "percentage",
        "date_enrolled",
        "date_started",
        "date_completed",
        "time_spent",
    ],
    "learnupon_learning_paths": ["id", "name", "status", "courses"],
    "learnupon_groups": ["id", "name"],
    "learnupon_group_memberships": ["group_id", "user_id", "membership_type"],
}
OPTIONAL = {
    "learnupon_users": [
        "last_sign_in_at",
        "sign_in_count",
        "language",
        "membership_type",
        "customer_id",
        "custom_data",
        "updated_at",
    ],
    "learnupon_courses": ["description", "currency", "keywords", "sellable", "date_published", "cpd_units"],
    "learnupon_enrollments": [
        "due_date",
        "course_name",
        "course_version",
        "email",
        "username",
        "first_name",
        "last_name",
        "cert_expires_at",
    ],
    "learnupon_learning_paths": ["description", "created_at"],
    "learnupon_groups": ["description", "created_at", "number_of_members"],
    "learnupon_group_memberships": ["id", "created_at"],
}
# Declared types, so an integer score on one page and a decimal on the next share a column,
# and dates load as timestamps.
COLUMNS: dict[str, dict[str, dict[str, Any]]] = {
    "learnupon_users": {
        "id": {"data_type": "bigint"},
        "enabled": {"data_type": "bool"},
        "created_at": {"data_type": "timestamp"},
        "last_sign_in_at": {"data_type": "timestamp"},
    },
    "learnupon_courses": {
        "id": {"data_type": "bigint"},
        "version": {"data_type": "bigint"},
        "price": {"data_type": "decimal", "precision": 18, "scale": 2},
        "duration_minutes": {"data_type": "double"},
        "created_at": {"data_type": "timestamp"},
    },
    "learnupon_enrollments": {
        "id": {"data_type": "bigint"},
        "user_id": {"data_type": "bigint"},
        "course_id": {"data_type": "bigint"},
        "score": {"data_type": "double"},
        "percentage": {"data_type": "double"},
        "time_spent": {"data_type": "bigint"},
        "date_enrolled": {"data_type": "timestamp"},
        "date_started": {"data_type": "timestamp"},
        "date_completed": {"data_type": "timestamp"},
        "due_date": {"data_type": "date"},
    },
    "learnupon_learning_paths": {"id": {"data_type": "bigint"}, "created_at": {"data_type": "timestamp"}},
    "learnupon_groups": {"id": {"data_type": "bigint"}, "created_at": {"data_type": "timestamp"}},
    "learnupon_group_memberships": {
        "group_id": {"data_type": "bigint"},
        "user_id": {"data_type": "bigint"},
        "id": {"data_type": "bigint"},
        "created_at": {"data_type": "timestamp"},
    },
}


class LearnUponPaginator(BasePaginator):
    """`page` (1-based) at a page size the server fixes, until an empty page or a page shorter
    than an earlier one; with `page_size`, also until a page shorter than that. A changed
    response shape (no envelope key) or a list that ignores `page` (the same records again)
    stops the load with a named error, instead of reading as empty or paging forever."""

    def __init__(self, envelope: str, page_size: int | None = None) -> None:
        super().__init__()
        self.envelope, self.page_size = envelope, page_size
        self.page, self.longest = 1, 0
        self.previous: list | None = None

    def init_request(self, request) -> None:
        request.params = {**(request.params or {}), "page": self.page}

    def update_state(self, response, data=None) -> None:
        body = response.json()
        path = response.request.path_url.split("?", 1)[0] if response.request is not None else ""
        if not (isinstance(body, dict) and self.envelope in body) and body not in ({}, []):
            found = ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__
            raise SourceError(f"{SOURCE}: {path} answered without the '{self.envelope}' list (found: {found})")
        size = len(data or [])
        if size and data == self.previous:
            raise SourceError(
                f"{SOURCE}: {path} answered page {self.page} with the records of page {self.page - 1}; "
                "the list does not page"
            )
        self.previous = list(data or [])
        if self.page_size and size > self.page_size:
            log.warning(
                "%s: a page of %d records is longer than LEARNUPON_PAGE_SIZE=%d; paging until an empty page",
                SOURCE,
                size,
                self.page_size,
            )
            self.page_size = None
        if size == 0 or size < self.longest or (self.page_size and size < self.page_size):
            self._has_next_page = False
            return
        self.longest = max(self.longest, size)
        self.page += 1

    def update_request(self, request) -> None:
        request.params = {**(request.params or {}), "page": self.page}


def _when(text) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when no offset), else None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _blank(value) -> bool:
    return value is None or value == ""


def course_problem(row: dict) -> str | None:
    for field in ("price", "duration_minutes"):
        value = row.get(field)
        if value is not None and not (_is_number(value) and value >= 0):
            return f"{field} not a non-negative number"
    return None


def enrollment_problem(row: dict, users: set[str], courses: set[str]) -> str | None:
    """Why an enrolment cannot be loaded, or None when it can."""
    if _blank(row.get("user_id")) or _blank(row.get("course_id")):
        return "missing user_id or course_id"
    if str(row["user_id"]) not in users:
        return "unknown user"
    if str(row["course_id"]) not in courses:
        return "unknown course"
    for field in ("score", "percentage"):
        value = row.get(field)
        if value is None:
            continue
        if not _is_number(value):
            return f"{field} not a number"
        if not 0 <= value <= 100:
            return f"{field} off the 0-100 scale"
    now = datetime.now(UTC)
    enrolled = _when(row.get("date_enrolled"))
    if enrolled is None:
        return "date_enrolled missing or malformed"
    if enrolled > now:
        return "enrolment date in the future"
    started = completed = None
    for field, label in (("date_started", "start"), ("date_completed", "completion")):
        if _blank(row.get(field)):
            continue
        value = _when(row[field])
        if value is None:
            return f"{field} malformed"
        if value > now:
            return f"{label} date in the future"
        if value < enrolled:
            return f"{'started' if label == 'start' else 'completed'} before enrolled"
        started, completed = (value, completed) if label == "start" else (started, value)
    if started and completed and completed < started:
        return "completed before started"
    spent = row.get("time_spent")
    if spent is not None and not (_is_number(spent) and spent >= 0):
        return "time_spent not a non-negative number"
    return None


def membership_problem(row: dict, users: set[str]) -> str | None:
    if _blank(row.get("group_id")) or _blank(row.get("user_id")):
        return "missing group_id or user_id"
    if str(row["user_id"]) not in users:
        return "unknown user"
    return None


def record_key(table: str, row: Any) -> str:
    if not isinstance(row, dict):
        return ""
    key = KEYS[table]
    parts = [row.get(part) for part in ([key] if isinstance(key, str) else key)]
    return "" if any(_blank(part) for part in parts) else ":".join(str(part) for part in parts)


def table_hints(table: str):
    """Hints that travel with the table's rows (create_table_variant), so the quarantine,
    reconciliation and schema change rows the same resource yields keep their own key."""
    return dlt.mark.make_hints(
        table_name=table, write_disposition="merge", primary_key=KEYS[table], columns=COLUMNS[table]
    )


class Accounting:
    """Routes every record of a table's pages to the table or to quarantine, with one
    reconciliation row per page (received = loaded + quarantined) and a schema change row per
    difference first seen; keys seen earlier in the load are duplicates."""

    def __init__(self, table: str, problem: Callable[[dict], str | None] = lambda row: None) -> None:
        self.table, self.problem = table, problem
        self.hints = table_hints(table)
        self.watch = FieldWatch(SOURCE, table, FIELDS[table], OPTIONAL[table])
        self.seen: set[str] = set()
        key = KEYS[table]
        self.missing = f"missing {key}" if isinstance(key, str) else f"missing {' or '.join(key)}"
        self.duplicate = "duplicate id" if isinstance(key, str) else "duplicate membership"

    def page(self, unit: str, items: list, complete: Callable[[dict], dict] = lambda row: row) -> Iterator[Any]:
        """`complete` adds what the request itself says, after the schema check saw the record.
        A page's rows go to dlt as one batch: table hints are computed per batch, not per row."""
        count, rows = UnitCount(SOURCE, self.table, unit), []
        for item in items:
            count.received += 1
            if not isinstance(item, dict):
                key, reason = "", "not a JSON object"
            else:
                yield from self.watch.changes(item)
                item = complete(item)
                key = record_key(self.table, item)
                reason = self.missing if not key else self.problem(item)
            if reason is None and key in self.seen:
                reason = self.duplicate
            if reason:
                count.quarantined += 1
                yield quarantined(SOURCE, self.table, item, reason, key=key)
                continue
            self.seen.add(key)
            count.loaded += 1
            rows.append(item)
        if rows:
            yield dlt.mark.with_hints(rows, self.hints, create_table_variant=True)
        yield count.item()


def _setting(name: str, value: int | None) -> int | None:
    if value is not None:
        return value or None
    text = os.environ.get(name, "").strip()
    return (int(text) or None) if text else None


@dlt.source(name=SOURCE)
def learnupon_source(
    base_url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    page_size: int | None = None,
):
    """LearnUpon data. Credentials are read when the load runs; `page_size` (or
    `LEARNUPON_PAGE_SIZE`; 0 or unset: not relied on) is the size the portal pages at."""
    size = _setting("LEARNUPON_PAGE_SIZE", page_size)
    clients: list[RESTClient] = []
    listed: dict[str, list[str]] = {}

    def client() -> RESTClient:
        if not clients:  # one client per load
            url = require_env(SOURCE, "LEARNUPON_BASE_URL", base_url or os.environ.get("LEARNUPON_BASE_URL"))
            user = require_env(SOURCE, "LEARNUPON_USERNAME", username or os.environ.get("LEARNUPON_USERNAME"))
            secret = require_env(SOURCE, "LEARNUPON_PASSWORD", password or os.environ.get("LEARNUPON_PASSWORD"))
            clients.append(
                RESTClient(base_url=url.rstrip("/") + "/", auth=HttpBasicAuth(user, secret), session=retrying_session())
            )
        return clients[0]

    def pages(table: str, **params) -> Iterator[list]:
        path, envelope = ENDPOINTS[table]
        for page in client().paginate(
            path,
            params=params,
            paginator=LearnUponPaginator(envelope, size),
            data_selector=envelope,
            hooks=source_hooks(SOURCE),
        ):
            yield list(page)

    def ids(table: str) -> list[str]:
        """The keys a list holds, read once per load (for the checks and the group loop)."""
        if table not in listed:
            found = (item.get("id") for page in pages(table) for item in page if isinstance(item, dict))
            listed[table] = list(dict.fromkeys(str(key) for key in found if not _blank(key)))
        return listed[table]

    def numbered(table: str, **params) -> Iterator[tuple[int, list]]:
        yield from enumerate(pages(table, **params), start=1)

    def snapshot(table: str, problem: Callable[[dict], str | None] = lambda row: None):
        @dlt.resource(name=table)
        def resource():
            accounting = Accounting(table, problem)
            for number, items in numbered(table):
                yield from accounting.page(f"page {number}", items)

        return resource

    @dlt.resource(name="learnupon_enrollments")
    def enrollments():
        state = dlt.current.resource_state()
        started = datetime.now(UTC)
        lookback = timedelta(hours=float(os.environ.get("LEARNUPON_LOOKBACK_HOURS", LOOKBACK_HOURS)))
        since = state.get(UPDATED_SINCE)  # None on the first load: everything
        # The filter's name is an assumption about the API: settable, and "" sends none (full loads).
        param = os.environ.get("LEARNUPON_UPDATED_SINCE_PARAM", UPDATED_SINCE).strip()
        users, courses = set(ids("learnupon_users")), set(ids("learnupon_courses"))
        accounting = Accounting("learnupon_enrollments", lambda row: enrollment_problem(row, users, courses))
        window = {param: since} if since and param else {}
        label = f", {param} {since}" if window else ""
        for number, items in numbered("learnupon_enrollments", **window):
            yield from accounting.page(f"page {number}{label}", items)
        # Reached only when every page was read; dlt commits the state with the load.
        state[UPDATED_SINCE] = (started - lookback).strftime(LEARNUPON_TIME)

    @dlt.resource(name="learnupon_group_memberships")
    def group_memberships():
        users = set(ids("learnupon_users"))
        accounting = Accounting("learnupon_group_memberships", lambda row: membership_problem(row, users))
        for group in ids("learnupon_groups"):
            # The group asked for, when the answer leaves it out (reported as a missing field).
            def complete(row: dict, group: str = group) -> dict:
                return row if "group_id" in row else {"group_id": group, **row}

            for number, items in numbered("learnupon_group_memberships", group_id=group):
                yield from accounting.page(f"group {group}, page {number}", items, complete)

    return (
        snapshot("learnupon_users"),
        snapshot("learnupon_courses", course_problem),
        enrollments,
        snapshot("learnupon_learning_paths"),
        snapshot("learnupon_groups"),
        group_memberships,
    )
