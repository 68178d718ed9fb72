"""Culture Amp: employees, performance cycles and manager reviews.

API: `https://api.cultureamp.com/v1`, OAuth2 client credentials at `POST /v1/oauth2/token`
(credentials from Settings > Integrations > API), then bearer-token lists paged with
`limit` and an opaque `cursor`, answered `{"data": [...], "pagination": {"nextCursor"}}`.
Configure with `CULTURE_AMP_BASE_URL` (`.../v1`), `CULTURE_AMP_CLIENT_ID`,
`CULTURE_AMP_CLIENT_SECRET`. Tables land in `raw_performance` as `culture_amp_*`, snapshots
merged on `id`.

Manager ratings are buckets on Culture Amp's own scale (`rating.bucket`, `rating.value`
1..`rating.scaleSize`), loaded as they are; mapping them onto the warehouse's 1-5 scale is
a model decision. A review whose bucket value is off its scale, or whose employee or
cycle Culture Amp does not list, is quarantined.
"""

from __future__ import annotations

import os

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from ingestion.errors import require_env
from ingestion.http import oauth2_client_credentials, retrying_session, source_hooks
from ingestion.quarantine import quarantined

SOURCE = "culture_amp"
PAGE_SIZE = 100


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

    def pages(collection: str):
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
        yield from clients[0].paginate(collection, params={"limit": page_size}, hooks=source_hooks(SOURCE))

    def listing(collection: str, name: str):
        @dlt.resource(name=name, write_disposition="merge", primary_key="id")
        def resource():
            for page in pages(collection):
                for item in page:
                    yield item if item.get("id") else quarantined(SOURCE, name, item, "missing id", key="")

        return resource

    @dlt.resource(name="culture_amp_manager_reviews", write_disposition="merge", primary_key="id")
    def manager_reviews():
        employees = {item["id"] for page in pages("employees") for item in page if item.get("id")}
        cycles = {item["id"] for page in pages("performance-cycles") for item in page if item.get("id")}
        for page in pages("manager-reviews"):
            for review in page:
                problem = review_problem(review, employees, cycles)
                yield quarantined(SOURCE, "culture_amp_manager_reviews", review, problem) if problem else review

    return (
        listing("employees", "culture_amp_employees"),
        listing("performance-cycles", "culture_amp_performance_cycles"),
        manager_reviews,
    )
