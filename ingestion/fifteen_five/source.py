"""15Five: users and weekly check-ins (`report`), the continuous-feedback signal.

API: `https://my.15five.com/api/public`, `Authorization: Bearer <API key>`; lists are
Django REST framework pages `{"count", "next", "previous", "results"}` followed through
the absolute `next` URL. Configure with `FIFTEEN_FIVE_BASE_URL` and `FIFTEEN_FIVE_API_KEY`.
Both tables are snapshots merged on `id`; a check-in with a pulse off the 1-5 scale, an
unknown user or an id seen twice is quarantined.
"""

from __future__ import annotations

import os

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from ingestion.errors import require_env
from ingestion.http import retrying_session, source_hooks
from ingestion.quarantine import quarantined

SOURCE = "fifteen_five"
PAGE_SIZE = 100


def checkin_problem(row: dict, users: set[int]) -> str | None:
    if row.get("id") is None:
        return "missing id"
    if row.get("user_id") not in users:
        return "unknown user"
    pulse = row.get("pulse")
    if pulse is not None and (not isinstance(pulse, int) or not 1 <= pulse <= 5):
        return "pulse off the 1-5 scale"
    return None


@dlt.source(name=SOURCE)
def fifteen_five_source(base_url: str | None = None, api_key: str | None = None, page_size: int = PAGE_SIZE):
    """15Five users and check-ins. Credentials are read when the load runs."""

    def pages(collection: str):
        url = require_env(SOURCE, "FIFTEEN_FIVE_BASE_URL", base_url or os.environ.get("FIFTEEN_FIVE_BASE_URL"))
        key = require_env(SOURCE, "FIFTEEN_FIVE_API_KEY", api_key or os.environ.get("FIFTEEN_FIVE_API_KEY"))
        client = RESTClient(
            base_url=url.rstrip("/") + "/",
            auth=BearerTokenAuth(key),
            paginator=JSONLinkPaginator(next_url_path="next"),
            data_selector="results",
            session=retrying_session(),
        )
        yield from client.paginate(f"{collection}/", params={"page_size": page_size}, hooks=source_hooks(SOURCE))

    @dlt.resource(name="fifteen_five_users", write_disposition="merge", primary_key="id")
    def users():
        for page in pages("user"):
            for row in page:
                yield row if row.get("id") is not None else quarantined(SOURCE, "fifteen_five_users", row, "missing id")

    @dlt.resource(name="checkins", write_disposition="merge", primary_key="id")
    def checkins():
        known = {row["id"] for page in pages("user") for row in page if row.get("id") is not None}
        seen: set[int] = set()
        for page in pages("report"):
            for row in page:
                problem = checkin_problem(row, known)
                if problem is None and row["id"] in seen:
                    problem = "duplicate id"
                if problem:
                    yield quarantined(SOURCE, "checkins", row, problem)
                    continue
                seen.add(row["id"])
                yield row

    return users, checkins
