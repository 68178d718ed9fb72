"""xAPI statements from a learning record store (tested against ralph).

`GET {LRS_URL}/xAPI/statements?limit=&since=` with HTTP basic auth and the
`X-Experience-API-Version` header, following `more` links until the LRS sends none
(the spec sends "", ralph omits the key). Ralph filters `since` on the statement
`timestamp`, not on `stored`, so a statement that arrives late with an old timestamp
would be missed by a plain cursor: each run asks again from the last timestamp minus a
lookback window (`LRS_LOOKBACK_HOURS`, default 72) and merging on the statement id
removes the overlap. Configure with `LRS_URL`, `LRS_USERNAME`, `LRS_PASSWORD`.

A statement's top-level properties are fixed by the xAPI spec; one outside them (or a
required one gone) is reported in `schema_changes`, and the statement keeps it in its JSON.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from ingestion.errors import require_env
from ingestion.http import XAPIMorePaginator, source_hooks
from ingestion.quarantine import quarantined
from ingestion.schema_drift import FieldWatch

SOURCE = "lrs"
XAPI_VERSION = "1.0.3"
EPOCH = "1970-01-01T00:00:00+00:00"
# xAPI 1.0.3 statement properties: required by the connector, and the other ones the spec allows.
STATEMENT_FIELDS = ["id", "actor", "verb", "object", "timestamp"]
STATEMENT_OPTIONAL = ["result", "context", "stored", "authority", "version", "attachments"]


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def statement_problem(statement: dict) -> str | None:
    """The xAPI rules a statement must meet to be loaded."""
    for key in ("id", "actor", "verb", "object", "timestamp"):
        if not statement.get(key):
            return f"statement breaks xAPI: missing {key}"
    if not (statement["verb"] or {}).get("id"):
        return "statement breaks xAPI: verb without id"
    try:
        datetime.fromisoformat(str(statement["timestamp"]).replace("Z", "+00:00"))
    except ValueError:
        return "statement breaks xAPI: timestamp is not ISO 8601"
    return None


def flatten(statement: dict) -> dict:
    actor = statement.get("actor") or {}
    account = actor.get("account") or {}
    mbox = (actor.get("mbox") or "").removeprefix("mailto:")
    return {
        "id": statement["id"],
        "timestamp": statement["timestamp"],
        "stored": statement.get("stored"),
        "verb_id": statement["verb"]["id"],
        "actor_account_name": account.get("name") or mbox or None,
        "object_id": (statement.get("object") or {}).get("id"),
        "statement": statement,
    }


@dlt.source(name=SOURCE)
def lrs_source(
    base_url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    page_size: int = 1000,
    lookback_hours: int | None = None,
):
    """xAPI statements. Credentials are read when the load runs."""
    lookback = timedelta(
        hours=lookback_hours if lookback_hours is not None else int(os.environ.get("LRS_LOOKBACK_HOURS", "72"))
    )

    @dlt.resource(
        name="statements", write_disposition="merge", primary_key="id", columns={"statement": {"data_type": "json"}}
    )
    def statements():
        url = require_env(SOURCE, "LRS_URL", base_url or os.environ.get("LRS_URL"))
        user = require_env(SOURCE, "LRS_USERNAME", username or os.environ.get("LRS_USERNAME"))
        secret = require_env(SOURCE, "LRS_PASSWORD", password or os.environ.get("LRS_PASSWORD"))
        client = RESTClient(
            base_url=url.rstrip("/") + "/",
            auth=HttpBasicAuth(user, secret),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            paginator=XAPIMorePaginator(),
            data_selector="statements",
        )
        # Our own cursor, not dlt.sources.incremental: its filter would drop the late
        # statements the lookback exists to catch. The merge on id removes the overlap.
        state = dlt.current.resource_state()
        last = _parse(state.get("max_timestamp", EPOCH))
        since = max(_parse(EPOCH), last - lookback)
        newest = last
        watch = FieldWatch(SOURCE, "statements", STATEMENT_FIELDS, STATEMENT_OPTIONAL)
        for page in client.paginate(
            "xAPI/statements", params={"limit": page_size, "since": since.isoformat()}, hooks=source_hooks(SOURCE)
        ):
            for statement in page:
                yield from watch.changes(statement)
                problem = statement_problem(statement)
                if problem:
                    yield quarantined(SOURCE, "statements", statement, problem)
                    continue
                newest = max(newest, _parse(statement["timestamp"]))
                yield flatten(statement)
        state["max_timestamp"] = newest.isoformat()

    return statements
