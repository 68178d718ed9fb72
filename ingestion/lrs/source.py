"""xAPI statements from any conformant learning record store (tested against ralph and a
spec-following emulator), into `raw_lms.statements`.

Reading. `GET {LRS_URL}/xAPI/statements?since=&limit=&ascending=true&format=exact` with
basic auth (`LRS_URL`, `LRS_USERNAME`, `LRS_PASSWORD`), following `more` (see `client.py`).
The spec filters `since` on `stored`, ralph on `timestamp`; either way each run asks from
the newest statement timestamp seen minus `LRS_LOOKBACK_HOURS` (72), and that cursor only
moves on timestamps that parsed with an offset, never past the LRS's
`X-Experience-API-Consistent-Through` nor the start of the run.

The `since` window is an optimisation, not the truth: a statement it cannot see (ralph
never matches a timestamp it cannot parse; a statement stored late with an old timestamp)
is found by the full pass, which pages through everything without `since`: on the first
load, on demand (`lrs_source(full=True)`, `python -m ingestion lrs --full`), whenever
`LRS_FULL_PASS_DAYS` (7) have passed since the last complete one (kept in dlt state), and
when the LRS fails the `since` query itself (ralph answers 500 once it holds a timestamp
without offset). It reports in the log and in `load_reconciliation` how many statements it found that had not
been seen before.

Per statement (see `xapi.py` for the rules): one that cannot be used is quarantined with
all its reasons and its payload, keyed by its UUID or, without one, by `sha256:` of the
payload; one that breaks only lenient rules loads with them in `conformance_issues`. A
second copy of an id with other content is quarantined as an `id conflict` (the first copy
stays); a repeat with the same content is not written again. A voiding statement loads;
the statement it voids gets `voided_by` (and `is_voided`): written again from the warehouse
or, when this load wrote it or never saw it, from the LRS (`voidedStatementId`). Nothing a
statement contains fails the load.

Per page, a `load_reconciliation` row (`page 3 (since=...)`, `full pass page 3`,
`voided statements`): received = loaded + quarantined. An answer that is not a
StatementResult rejects its page: on the first page of a pass the source cannot be read and
the run fails; later, the pages read so far load, paging stops, and neither the cursor nor
the full-pass date moves, so the next run reads the window again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt

from ingestion.errors import SourceConfigError, SourceError, SourceHTTPError, require_env
from ingestion.lrs.client import LrsClient, Page
from ingestion.lrs.ledger import Known, Ledger, Warehouse
from ingestion.lrs.xapi import Verdict, check_statement, content_sha256, is_uuid, payload_key
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "lrs"
TABLE = "statements"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# xAPI statement properties: the ones every stored statement has, and the other ones the spec allows.
STATEMENT_FIELDS = ["id", "actor", "verb", "object", "timestamp"]
STATEMENT_OPTIONAL = ["result", "context", "stored", "authority", "version", "attachments"]
STATEMENT_HINTS = dlt.mark.make_hints(
    table_name=TABLE,
    write_disposition="merge",
    primary_key="id",
    columns={
        "id": {"data_type": "text", "nullable": False},
        "timestamp": {"data_type": "timestamp"},
        "stored": {"data_type": "timestamp"},
        "verb_id": {"data_type": "text"},
        "actor_account_name": {"data_type": "text"},
        "object_id": {"data_type": "text"},
        "object_type": {"data_type": "text"},
        "statement": {"data_type": "json"},
        "conformance_issues": {"data_type": "json"},
        "content_sha256": {"data_type": "text"},
        "voided_by": {"data_type": "text"},
        # A statement voided later in the same load is written twice; the merge keeps the marked row.
        "is_voided": {"data_type": "bool", "dedup_sort": "desc"},
    },
)
log = logging.getLogger("ingestion.lrs")

__all__ = ["lrs_source", "statement_row"]


def _parse_state(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def actor_name(actor: dict) -> str | None:
    account = actor.get("account")
    if isinstance(account, dict) and isinstance(account.get("name"), str):
        return account["name"]
    mbox = actor.get("mbox")
    return mbox.removeprefix("mailto:") if isinstance(mbox, str) else None


def statement_row(statement: dict, verdict: Verdict, digest: str, voided_by: str | None) -> Any:
    """The `statements` row of a usable statement (its table hints travel with it)."""
    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    object_id = target.get("id") if object_type in ("Activity", "StatementRef") else None
    row = {
        "id": verdict.statement_id,
        "timestamp": verdict.timestamp,
        "stored": verdict.stored,
        "verb_id": statement["verb"]["id"],
        "actor_account_name": actor_name(statement["actor"]),
        "object_id": object_id.lower() if object_type == "StatementRef" else object_id,
        "object_type": object_type,
        "statement": statement,
        "conformance_issues": verdict.flags,
        "content_sha256": digest,
        "voided_by": voided_by,
        "is_voided": voided_by is not None,
    }
    return dlt.mark.with_hints(row, STATEMENT_HINTS, create_table_variant=True)


@dataclass
class Outcome:
    loaded: bool
    new: bool  # neither the warehouse nor this load had seen it
    timestamp: datetime | None


@dataclass
class PassResult:
    pages: int = 0
    received: int = 0
    loaded: int = 0
    quarantined: int = 0
    found: int = 0
    newest: datetime | None = None
    consistent_through: datetime | None = None
    complete: bool = True
    failed: bool = False  # the LRS could not answer the query at all


class StatementLoad:
    """One run of the resource: its passes, the statements they receive, the voids."""

    def __init__(self, client: LrsClient, ledger: Ledger, started: datetime) -> None:
        self.client, self.ledger, self.started = client, ledger, started
        self.watch = FieldWatch(SOURCE, TABLE, STATEMENT_FIELDS, STATEMENT_OPTIONAL)
        self.pending_voids: dict[str, str] = {}  # voided id -> voiding id, learnt in this load

    # --- one statement -------------------------------------------------------------------

    def receive(self, entry: Any) -> tuple[list, Outcome]:
        """The items to write for one received entry and what became of it."""
        verdict = check_statement(entry)
        when = verdict.timestamp
        statement_id = verdict.statement_id
        if statement_id is None:  # not an object, or no UUID: keyed by its payload
            key = payload_key(entry)
            new = key not in self.ledger.keys
            self.ledger.keys.add(key)
            items = [quarantined(SOURCE, TABLE, entry, verdict.reason(), key=key)] if new else []
            return items, Outcome(False, new, when)
        digest = content_sha256(entry)
        known = self.ledger.known.get(statement_id)
        if known is None:
            if not verdict.usable:
                self.ledger.known[statement_id] = Known(digest, "quarantine")
                return [quarantined(SOURCE, TABLE, entry, verdict.reason(), key=statement_id)], Outcome(
                    False, True, when
                )
            voided_by = self.ledger.voids.get(statement_id)
            self.ledger.known[statement_id] = Known(digest, "statements", row_hash=digest, row_voided_by=voided_by)
            self._learn_void(statement_id, verdict)
            return [statement_row(entry, verdict, digest, voided_by)], Outcome(True, True, when)
        if digest == known.first:  # a repeat: written again only when the row must change
            if known.where == "quarantine":
                return [], Outcome(False, False, when)
            voided_by = self.ledger.voids.get(statement_id)
            items = []
            # A row an older, looser connector version loaded that these rules refuse stays as it is.
            if verdict.usable and (known.row_hash != digest or known.row_voided_by != voided_by):
                items = [statement_row(entry, verdict, digest, voided_by)]
                known.row_hash, known.row_voided_by = digest, voided_by
            self._learn_void(statement_id, verdict)
            return items, Outcome(True, False, when)
        if digest in known.others:
            return [], Outcome(False, False, when)
        known.others.add(digest)
        first = "loaded" if known.where == "statements" else "quarantined"
        reason = (
            f"id conflict: content sha256:{digest[:16]} differs from the statement {first} first"
            f" (sha256:{known.first[:16]}); a stored statement is immutable"
        )
        return [quarantined(SOURCE, TABLE, entry, reason, key=statement_id)], Outcome(False, True, when)

    def _learn_void(self, statement_id: str, verdict: Verdict) -> None:
        target = verdict.voids
        if target is None:
            return
        self.ledger.prepare([target])
        if target not in self.ledger.voids:  # the first voiding statement counts
            self.ledger.voids[target] = statement_id
            self.pending_voids[target] = statement_id

    # --- passes --------------------------------------------------------------------------

    def run_pass(self, params: dict, unit: Callable[[int], str], note_found: bool, fallback: bool = False) -> Iterator:
        """Page through one query; the result is left in `self.result`. With `fallback`, an LRS
        that fails the query (5xx after the retries) rejects the unit and marks the pass
        `failed` instead of failing the run: ralph answers 500 to every `since` query once it
        holds a timestamp without offset, and the full pass can still read everything."""
        result = self.result = PassResult()
        try:
            yield from self._pages(params, unit, note_found, result)
        except SourceHTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if not fallback or status < 500:
                raise
            log.error("%s: %s; reading everything instead", SOURCE, error)
            count = UnitCount(SOURCE, TABLE, unit(result.pages + 1))
            yield count.reject(f"{error}: the LRS cannot answer this query; read everything instead").item()
            result.complete, result.failed = False, True

    def _pages(self, params: dict, unit: Callable[[int], str], note_found: bool, result: PassResult) -> Iterator:
        for page in self.client.pages(params):
            result.pages += 1
            count = UnitCount(SOURCE, TABLE, unit(page.number))
            if page.consistent_through is not None:
                result.consistent_through = min(
                    filter(None, (result.consistent_through, page.consistent_through)), default=None
                )
            if page.problem:
                if page.number == 1:
                    raise SourceError(f"{SOURCE}: GET /xAPI/statements did not answer with statements: {page.problem}")
                log.error(
                    "%s: %s: %s; paging stopped, the next run reads this window again", SOURCE, count.unit, page.problem
                )
                yield count.reject(f"{page.problem}; paging stopped, the next run reads this window again").item()
                result.complete = False
                return
            yield from self._page(page, count, result)
            notes = []
            if note_found and self._found:
                notes.append(f"found {self._found} not seen before")
            if page.stop:
                log.error("%s: %s: %s; the next run reads this window again", SOURCE, count.unit, page.stop)
                notes.append(f"paging stopped: {page.stop}")
                result.complete = False
            count.reason = "; ".join(notes) or None
            yield count.item()

    def _page(self, page: Page, count: UnitCount, result: PassResult) -> Iterator:
        entries = page.statements or []
        ids, keys = [], []
        for entry in entries:
            if isinstance(entry, dict) and is_uuid(entry.get("id")):
                ids.append(entry["id"].lower())
            else:
                keys.append(payload_key(entry))
        self.ledger.prepare(ids, keys)
        self._found = 0
        for entry in entries:
            count.received += 1
            if isinstance(entry, dict):
                yield from self.watch.changes(entry)
            items, outcome = self.receive(entry)
            yield from items
            if outcome.loaded:
                count.loaded += 1
            else:
                count.quarantined += 1
            if outcome.new:
                self._found += 1
            if outcome.timestamp is not None:
                result.newest = max(filter(None, (result.newest, outcome.timestamp)))
        result.received += count.received
        result.loaded += count.loaded
        result.quarantined += count.quarantined
        result.found += self._found

    def mark_voided(self) -> Iterator:
        """Write again, with `voided_by`, the statements voided in this load that were written
        without it: from the warehouse, else from the LRS (`voidedStatementId`)."""
        count = UnitCount(SOURCE, TABLE, "voided statements")
        missing = 0
        for target, voider in self.pending_voids.items():
            known = self.ledger.known.get(target)
            if known is not None and (known.where == "quarantine" or known.row_voided_by == voider):
                continue
            statement = None
            if known is not None and known.in_warehouse:
                statement = self.ledger.warehouse.statement(target)
            if statement is None:
                statement = self.client.statement(target)
            if statement is None:
                missing += 1
                log.warning("%s: statement %s voids %s, which the LRS does not return", SOURCE, voider, target)
                continue
            count.received += 1
            items, outcome = self.receive(statement)
            yield from items
            if outcome.loaded:
                count.loaded += 1
            else:
                count.quarantined += 1
        if count.received or missing:
            count.reason = "read again to mark them voided" + (
                f"; {missing} voided statement(s) the LRS does not return" if missing else ""
            )
            yield count.item()


def _cursor(result: PassResult, started: datetime) -> datetime | None:
    """The newest timestamp the pass read, never past Consistent-Through nor the run's start."""
    if result.newest is None:
        return None
    return min(filter(None, (result.newest, result.consistent_through, started)))


@dlt.source(name=SOURCE)
def lrs_source(
    base_url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    page_size: int = 1000,
    lookback_hours: int | None = None,
    full: bool = False,
    full_pass_days: float | None = None,
):
    """xAPI statements. Credentials are read when the load runs; `full=True` adds a full pass."""
    lookback = timedelta(
        hours=lookback_hours if lookback_hours is not None else int(os.environ.get("LRS_LOOKBACK_HOURS", "72"))
    )
    days = full_pass_days if full_pass_days is not None else float(os.environ.get("LRS_FULL_PASS_DAYS", "7"))
    if days < 0:
        raise SourceConfigError(f"{SOURCE}: LRS_FULL_PASS_DAYS must be 0 or more (got {days:g})")

    # The rows carry their table's hints (`statement_row`), so the quarantine,
    # reconciliation and schema change rows this resource also yields keep their own.
    @dlt.resource(name=TABLE)
    def statements():
        url = require_env(SOURCE, "LRS_URL", base_url or os.environ.get("LRS_URL"))
        user = require_env(SOURCE, "LRS_USERNAME", username or os.environ.get("LRS_USERNAME"))
        secret = require_env(SOURCE, "LRS_PASSWORD", password or os.environ.get("LRS_PASSWORD"))
        client = LrsClient(url, user, secret)
        state = dlt.current.resource_state()
        started = datetime.now(UTC)
        cursor = _parse_state(state.get("max_timestamp"))
        last_full = _parse_state(state.get("last_full_pass"))
        first_load = cursor is None and last_full is None
        full_due = full or last_full is None or started - last_full >= timedelta(days=days)
        query = {"limit": page_size, "ascending": "true", "format": "exact"}
        newest = cursor
        with Warehouse.of_current_pipeline() as warehouse:
            load = StatementLoad(client, Ledger(warehouse), started)
            why = "first load" if first_load else "asked for" if full else f"none in {days:g} days"
            if not first_load:
                since = max(EPOCH, (cursor or EPOCH) - lookback).isoformat()
                yield from load.run_pass(
                    {**query, "since": since}, lambda n: f"page {n} (since={since})", False, fallback=True
                )
                if load.result.complete:
                    newest = max(filter(None, (newest, _cursor(load.result, started))), default=None)
                if load.result.failed and not full_due:
                    full_due, why = True, "the since query failed"
            if full_due:
                log.info("%s: full pass (%s): reading every statement without since", SOURCE, why)
                yield from load.run_pass(query, lambda n: f"full pass page {n}", not first_load)
                result = load.result
                log.info(
                    "%s: full pass read %d statements on %d pages; %d had not been seen before"
                    " (%d loaded, %d quarantined in all)%s",
                    SOURCE,
                    result.received,
                    result.pages,
                    result.found,
                    result.loaded,
                    result.quarantined,
                    "" if result.complete else "; incomplete, it runs again next time",
                )
                if result.complete:
                    state["last_full_pass"] = started.isoformat()
                    newest = max(filter(None, (newest, _cursor(result, started))), default=None)
            yield from load.mark_voided()
        if newest is not None:
            state["max_timestamp"] = newest.isoformat()

    return statements
