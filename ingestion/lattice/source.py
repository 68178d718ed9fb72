"""Lattice: users, competencies, review cycles, reviews with competency ratings, goals
(target, current, status) and feedback.

API: `https://api.latticehq.com/v1`, bearer token; lists answer
`{"data": [...], "hasMore": bool, "endingCursor": str}` and take `limit` and
`startingAfter`. Configure with `LATTICE_BASE_URL` and `LATTICE_API_TOKEN`.
Every resource is merged on `id`, so a re-run never duplicates. Each resource declares the
fields it expects: a field added, renamed or gone is reported in `schema_changes`. Goals whose owner is not a
Lattice user or whose target/current value is not a number, and feedback between unknown
users, are quarantined. Every page is accounted in `load_reconciliation` (`page 3`):
received = loaded + quarantined.
"""

from __future__ import annotations

import os

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

from ingestion.errors import require_env
from ingestion.http import HasMoreCursorPaginator, source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "lattice"
PAGE_SIZE = 100
RATING_SCALE = (1, 5)
# The fields each resource is expected to carry; anything else is reported as a change.
FIELDS = {
    "users": ["id", "name", "email", "title", "status"],
    "competencies": ["id", "name"],
    "review_cycles": ["id", "name", "startDate", "endDate", "state"],
    "reviews": ["id", "reviewCycleId", "revieweeId", "reviewerId", "reviewType", "rating", "submittedAt"],
    "goals": ["id", "ownerId", "title", "targetValue", "currentValue", "status", "startDate", "dueDate", "updatedAt"],
    "feedbacks": ["id", "fromId", "toId", "body", "visibility", "createdAt"],
}
OPTIONAL = {
    "users": ["managerId", "externalUserId", "department", "startDate"],
    "competencies": ["description"],
    "review_cycles": ["createdAt", "updatedAt"],
    "reviews": ["calibratedRating", "competencyRatings"],
    "goals": ["description", "parentGoalId", "createdAt"],
    "feedbacks": ["updatedAt"],
}


def review_problem(review: dict) -> str | None:
    """Why a review cannot be loaded, or None when it can."""
    low, high = RATING_SCALE
    for key in ("id", "reviewCycleId", "revieweeId", "reviewType"):
        if not review.get(key):
            return f"missing {key}"
    rating = review.get("rating")
    if rating is not None and (not isinstance(rating, int) or not low <= rating <= high):
        return f"rating {rating!r} off the {low}-{high} scale"
    for item in review.get("competencyRatings") or []:
        value = item.get("rating")
        if not isinstance(value, int) or not low <= value <= high:
            return f"competency rating {value!r} off the {low}-{high} scale"
    return None


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def goal_problem(goal: dict, users: set[str]) -> str | None:
    """Why a goal cannot be loaded, or None when it can."""
    if not goal.get("id"):
        return "missing id"
    if goal.get("ownerId") not in users:
        return "unknown owner"
    for key, label in (("targetValue", "target"), ("currentValue", "current")):
        if goal.get(key) is not None and not _is_number(goal[key]):
            return f"{label} not a number"
    return None


def feedback_problem(item: dict, users: set[str]) -> str | None:
    if not item.get("id"):
        return "missing id"
    if item.get("fromId") not in users:
        return "unknown giver"
    if item.get("toId") not in users:
        return "unknown recipient"
    return None


@dlt.source(name=SOURCE)
def lattice_source(base_url: str | None = None, api_token: str | None = None, page_size: int = PAGE_SIZE):
    """Performance data from Lattice. Credentials are read when the load runs."""

    def pages(path: str):
        url = require_env(SOURCE, "LATTICE_BASE_URL", base_url or os.environ.get("LATTICE_BASE_URL"))
        token = require_env(SOURCE, "LATTICE_API_TOKEN", api_token or os.environ.get("LATTICE_API_TOKEN"))
        client = RESTClient(
            base_url=url.rstrip("/") + "/",
            auth=BearerTokenAuth(token),
            paginator=HasMoreCursorPaginator(),
            data_selector="data",
        )
        yield from client.paginate(path, params={"limit": page_size}, hooks=source_hooks(SOURCE))

    def accounted(path: str, name: str, problem, key=lambda item: None):
        """Every page of one list: each record preceded by the schema changes it shows, then
        to the table (merged on `id`) or to quarantine with `problem(item)` (keyed by `key(item)`,
        by default its id), then the page's
        reconciliation row. The table's hints travel with its rows, so the quarantine,
        reconciliation and schema change rows keep their own key."""
        watch = FieldWatch(SOURCE, name, FIELDS[name], OPTIONAL[name])
        hints = dlt.mark.make_hints(table_name=name, write_disposition="merge", primary_key="id")
        for number, page in enumerate(pages(path), start=1):
            count, rows = UnitCount(SOURCE, name, f"page {number}"), []
            for item in page:
                count.received += 1
                yield from watch.changes(item)
                reason = problem(item)
                if reason:
                    count.quarantined += 1
                    yield quarantined(SOURCE, name, item, reason, key=key(item))
                    continue
                count.loaded += 1
                rows.append(item)
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

    def listing(path: str, name: str):
        @dlt.resource(name=name)
        def resource():
            yield from accounted(path, name, lambda item: None if item.get("id") else "missing id", lambda item: "")

        return resource

    @dlt.resource(name="reviews")
    def reviews():
        yield from accounted("reviews", "reviews", review_problem)

    def user_ids() -> set[str]:
        return {item["id"] for page in pages("users") for item in page if item.get("id")}

    @dlt.resource(name="goals")
    def goals():
        users = user_ids()
        yield from accounted("goals", "goals", lambda goal: goal_problem(goal, users))

    @dlt.resource(name="feedbacks")
    def feedbacks():
        users = user_ids()
        yield from accounted("feedbacks", "feedbacks", lambda item: feedback_problem(item, users))

    return (
        listing("users", "users"),
        listing("competencies", "competencies"),
        listing("reviewCycles", "review_cycles"),
        reviews,
        goals,
        feedbacks,
    )
