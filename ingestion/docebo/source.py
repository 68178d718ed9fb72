"""Docebo LMS: users, courses, enrolments, learning plans and external training.

API: `https://<tenant>.docebosaas.com`, OAuth2 client credentials at `POST /oauth2/token`
(an API app created under Admin > API and SSO), then bearer-token lists paged with
`page` (1-based) and `page_size`, answered `{"data": {"items": [...], "has_more_data":
bool}}`. Configure with `DOCEBO_BASE_URL`, `DOCEBO_CLIENT_ID`, `DOCEBO_CLIENT_SECRET`
(optional `DOCEBO_PAGE_SIZE`, default 200). Tables are named `docebo_*` in `raw_lms`,
beside the xAPI statements, and merged on their keys, so a re-run never duplicates.

Enrolments, the one table that grows with every learner, load incrementally: Docebo's
`updated_from` filter asks only for enrolments changed since the previous successful load.
The list carries no update time to use as a cursor, so the connector keeps a watermark in
dlt resource state (the time the previous load started, less `DOCEBO_LOOKBACK_HOURS`,
default 24, for clock skew between us and Docebo) and commits it only with a successful
load. Users, courses, learning plans and external training are small: full snapshots.

An enrolment is quarantined, never dropped, when it names a user or course the LMS
does not list, has a score that is not a number in 0-100, or dates that cannot be true
(completed in the future or before the enrolment). Every page is accounted in
`load_reconciliation` (`page 3`, or `page 3 (updated_from=...)` for enrolments): received =
loaded + quarantined.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import dlt
from dlt.sources.helpers.rest_client import RESTClient

from ingestion.errors import require_env
from ingestion.http import HasMoreDataPaginator, oauth2_client_credentials, retrying_session, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "docebo"
PAGE_SIZE = 200
LOOKBACK_HOURS = 24
DOCEBO_TIME = "%Y-%m-%d %H:%M:%S"
ENDPOINTS = {
    "docebo_users": "manage/v1/user",
    "docebo_courses": "learn/v1/courses",
    "docebo_enrollments": "learn/v1/enrollments",
    "docebo_learning_plans": "learningplan/v1/learningplans",
    "docebo_external_training": "learn/v1/external_training",
}
KEYS = {
    "docebo_users": "user_id",
    "docebo_courses": "id_course",
    "docebo_enrollments": ["user_id", "course_id"],
    "docebo_learning_plans": "learning_plan_id",
    "docebo_external_training": "id",
}
# The fields each resource is expected to carry; anything else is reported as a change.
FIELDS = {
    "docebo_users": [
        "user_id",
        "username",
        "first_name",
        "last_name",
        "email",
        "uuid",
        "level",
        "valid",
        "creation_date",
    ],
    "docebo_courses": ["id_course", "code", "name", "type", "duration", "credits", "date_creation"],
    "docebo_enrollments": [
        "user_id",
        "course_id",
        "enrollment_date",
        "enrollment_status",
        "enrollment_completion_date",
        "enrollment_validity_end_date",
        "enrollment_score",
        "total_time",
    ],
    "docebo_learning_plans": ["learning_plan_id", "uuid", "code", "title", "courses"],
    "docebo_external_training": [
        "id",
        "user_id",
        "course_name",
        "training_type",
        "from_date",
        "to_date",
        "hours",
        "credits",
        "status",
    ],
}
OPTIONAL = {
    "docebo_users": ["field_1", "field_2", "last_access_date"],
    "docebo_courses": ["url", "price", "description"],
    "docebo_enrollments": ["course_code"],
    "docebo_learning_plans": ["created_on"],
    "docebo_external_training": ["provider", "cost", "currency"],
}


def table_hints(table: str):
    """Hints that travel with the table's rows (create_table_variant), so the quarantine,
    reconciliation and schema change rows the same resource yields keep their own key."""
    return dlt.mark.make_hints(table_name=table, write_disposition="merge", primary_key=KEYS[table])


def _when(text) -> datetime | None:
    """A Docebo date or datetime (`YYYY-MM-DD[ HH:MM:SS]`) as an aware datetime, else None."""
    try:
        value = datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def enrollment_problem(row: dict, users: set[str], courses: set[str]) -> str | None:
    """Why an enrolment cannot be loaded, or None when it can."""
    if row.get("user_id") in (None, "") or row.get("course_id") in (None, ""):
        return "missing user_id or course_id"
    if str(row["user_id"]) not in users:
        return "unknown user"
    if str(row["course_id"]) not in courses:
        return "unknown course"
    score = row.get("enrollment_score")
    if score is not None and not _is_number(score):
        return "score not a number"
    if score is not None and not 0 <= score <= 100:
        return "score off the 0-100 scale"
    enrolled = _when(row.get("enrollment_date"))
    if enrolled is None:
        return "enrollment_date missing or malformed"
    if enrolled > datetime.now(UTC):
        return "enrollment date in the future"
    completed = row.get("enrollment_completion_date")
    if completed:
        done = _when(completed)
        if done is None:
            return "completion date malformed"
        if done > datetime.now(UTC):
            return "completion date in the future"
        if done < enrolled:
            return "completed before enrolled"
    if row.get("total_time") is not None and not _is_number(row["total_time"]):
        return "total_time not a number"
    return None


@dlt.source(name=SOURCE)
def docebo_source(
    base_url: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    page_size: int | None = None,
):
    """Docebo LMS data. Credentials are read when the load runs."""
    size = page_size or int(os.environ.get("DOCEBO_PAGE_SIZE", PAGE_SIZE))
    clients: list[RESTClient] = []

    def client() -> RESTClient:
        if not clients:  # one client (and one access token) per load
            url = require_env(SOURCE, "DOCEBO_BASE_URL", base_url or os.environ.get("DOCEBO_BASE_URL")).rstrip("/")
            cid = require_env(SOURCE, "DOCEBO_CLIENT_ID", client_id or os.environ.get("DOCEBO_CLIENT_ID"))
            secret = require_env(
                SOURCE, "DOCEBO_CLIENT_SECRET", client_secret or os.environ.get("DOCEBO_CLIENT_SECRET")
            )
            session = retrying_session()
            clients.append(
                RESTClient(
                    base_url=url + "/",
                    auth=oauth2_client_credentials(SOURCE, f"{url}/oauth2/token", cid, secret, session),
                    paginator=HasMoreDataPaginator(),
                    data_selector="data.items",
                    session=session,
                )
            )
        return clients[0]

    def pages(name: str, **filters):
        params = {"page_size": size, **filters}
        yield from client().paginate(ENDPOINTS[name], params=params, hooks=source_hooks(SOURCE))

    def keys_of(name: str) -> set[str]:
        key = KEYS[name]
        return {
            str(item[key])
            for page in pages(name)
            for item in page
            if isinstance(item, dict) and item.get(key) not in (None, "")
        }

    def accounted(name: str, problem, label: str = "", **filters):
        """Every page of one list: each record preceded by the schema changes it shows, then
        to the table or to quarantine (`problem(item)` gives the reason and the key), then
        the page's reconciliation row."""
        watch = FieldWatch(SOURCE, name, FIELDS[name], OPTIONAL[name])
        hints = table_hints(name)
        for number, page in enumerate(pages(name, **filters), start=1):
            count, rows = UnitCount(SOURCE, name, f"page {number}{label}"), []
            for item in page:
                count.received += 1
                yield from watch.changes(item)
                reason, key = problem(item)
                if reason:
                    count.quarantined += 1
                    yield quarantined(SOURCE, name, item, reason, key=key)
                    continue
                count.loaded += 1
                rows.append(item)
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

    def simple(name: str):
        key = KEYS[name]

        @dlt.resource(name=name)
        def resource():
            seen: set[str] = set()

            def problem(item: dict) -> tuple[str | None, str]:
                value = item.get(key)
                if value in (None, ""):
                    return f"missing {key}", ""
                if str(value) in seen:
                    return "duplicate id", str(value)
                seen.add(str(value))
                return None, str(value)

            yield from accounted(name, problem)

        return resource

    @dlt.resource(name="docebo_enrollments")
    def enrollments():
        state = dlt.current.resource_state()
        started = datetime.now(UTC)
        lookback = timedelta(hours=float(os.environ.get("DOCEBO_LOOKBACK_HOURS", LOOKBACK_HOURS)))
        since = state.get("updated_from")  # None on the first load: everything
        users, courses = keys_of("docebo_users"), keys_of("docebo_courses")
        seen: set[str] = set()

        def problem(item: dict) -> tuple[str | None, str]:
            key = f"{item.get('user_id')}:{item.get('course_id')}"
            reason = enrollment_problem(item, users, courses)
            if reason is None and key in seen:
                reason = "duplicate enrolment"
            if reason is None:
                seen.add(key)
            return reason, key

        filters = {"updated_from": since} if since else {}
        label = f" (updated_from={since})" if since else ""
        yield from accounted("docebo_enrollments", problem, label, **filters)
        # Reached only when every page was read; dlt commits the state with the load.
        state["updated_from"] = (started - lookback).strftime(DOCEBO_TIME)

    return (
        simple("docebo_users"),
        simple("docebo_courses"),
        enrollments,
        simple("docebo_learning_plans"),
        simple("docebo_external_training"),
    )
