"""The LearnUpon connector against its emulator, into real DuckDB files: every resource,
paging edges, credentials, 429 and 5xx, planted bad records accounted per page, re-runs and
the incremental enrolment filter."""

from __future__ import annotations

import copy
import json
import logging
import time
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dlt
import duckdb
import pytest
import requests
from dlt.pipeline.exceptions import PipelineStepFailed

from demo import learnupon as learnupon_demo
from demo.generator import DemoCompany
from demo.learnupon import LearnUponEmulator
from ingestion.errors import SourceAuthError, SourceConfigError, SourceError, SourceHTTPError
from ingestion.learnupon import learnupon_source
from ingestion.learnupon.source import LearnUponPaginator, enrollment_problem

TABLES = {  # table -> the emulator's list
    "learnupon_users": "users",
    "learnupon_courses": "courses",
    "learnupon_enrollments": "enrollments",
    "learnupon_learning_paths": "learning_paths",
    "learnupon_groups": "groups",
    "learnupon_group_memberships": "group_memberships",
}


def run(source, dataset: str, tmp_path: Path):
    pipeline = dlt.pipeline(
        pipeline_name=f"test_{dataset}",
        destination=dlt.destinations.duckdb(str(tmp_path / "wh.duckdb")),
        dataset_name=dataset,
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    return pipeline.run(source)


def count(tmp_path: Path, sql: str) -> int:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def root_cause(error: BaseException) -> BaseException:
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return error


def load(emulator: LearnUponEmulator, tmp_path: Path, page_size: int | None = None, resources: tuple = ()):
    source = learnupon_source(
        base_url=emulator.url, username=emulator.username, password=emulator.password, page_size=page_size
    )
    return run(source.with_resources(*resources) if resources else source, "raw_lms", tmp_path)


def rows(tmp_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def reasons(tmp_path: Path, table: str) -> Counter:
    return Counter(r[0] for r in rows(tmp_path, f"select reason from raw_lms.quarantine where resource = '{table}'"))


def served(data: dict) -> dict[str, int]:
    """How many records the emulator holds per table (memberships over every group)."""
    return {
        table: sum(len(v) for v in data[name].values()) if isinstance(data[name], dict) else len(data[name])
        for table, name in TABLES.items()
    }


def assert_complete(tmp_path: Path, data: dict) -> None:
    """Every record the emulator serves is loaded or quarantined, once, in every table."""
    for table, total in served(data).items():
        loaded = count(tmp_path, f"select count(*) from raw_lms.{table}")
        assert loaded + sum(reasons(tmp_path, table).values()) == total, table


def requested(emulator: LearnUponEmulator, path: str) -> list[dict]:
    return [r for r in emulator.requests if r["path"] == f"/api/v1/{path}"]


def private_emulator(learnupon: LearnUponEmulator, **changes) -> LearnUponEmulator:
    """A second emulator on a copy of the session's data, for tests that change the data."""
    data = copy.deepcopy(learnupon.data)
    data.update(changes)
    return LearnUponEmulator(data, username="lu-tests", password="lu-tests-secret", page_size=50)


# -- a full load ---------------------------------------------------------------------------


def test_loads_every_resource_and_accounts_every_record_per_page(
    learnupon_clean: LearnUponEmulator, small_company: DemoCompany, tmp_path: Path
) -> None:
    data = learnupon_clean.data
    info = load(learnupon_clean, tmp_path)
    assert_complete(tmp_path, data)
    for table in TABLES:
        assert reasons(tmp_path, table) == Counter(learnupon_demo.PLANTED.get(table, [])), table
    # One reconciliation row per page read, each balanced, adding up to what was served.
    (load_id,) = info.loads_ids
    units = rows(
        tmp_path,
        "select resource, unit, received, loaded, quarantined, rejected from raw_lms.load_reconciliation"
        " where load_id = ? and source = 'learnupon' order by resource, unit",
        [load_id],
    )
    assert all(
        received == loaded + quarantined and not rejected for _, _, received, loaded, quarantined, rejected in units
    )
    for table, total in served(data).items():
        mine = [u for u in units if u[0] == table]
        assert sum(u[2] for u in mine) == total, table
        assert sum(u[4] for u in mine) == len(learnupon_demo.PLANTED.get(table, [])), table
    users = len(data["users"])  # 283 at 50 a page: pages 1-6, the last one short, so no 7th
    assert users % 50 and [u[1] for u in units if u[0] == "learnupon_users"] == [
        f"page {n}" for n in range(1, users // 50 + 2)
    ]
    assert [u[1:3] for u in units if u[0] == "learnupon_group_memberships"][:2] == [
        ("group 9001, page 1", len(data["group_memberships"]["9001"])),
        ("group 9001, page 2", 0),  # a group under one page long: the empty page ends it
    ]
    # Values survive the trip, typed.
    sample = next(
        e
        for e in data["enrollments"]
        if e["status"] == "passed"
        and e["score"] % 1  # the planted scores are whole numbers
        and e["percentage"] == 100
        and e["course_id"] != learnupon_demo.UNKNOWN_COURSE_ID
        and e["user_id"] != learnupon_demo.UNKNOWN_USER_ID
    )
    got = rows(
        tmp_path,
        "select status, score, percentage, time_spent, strftime(date_completed, '%Y-%m-%dT%H:%M:%SZ'),"
        " cast(due_date as varchar) from raw_lms.learnupon_enrollments where id = ?",
        [sample["id"]],
    )
    assert got == [
        ("passed", sample["score"], 100.0, sample["time_spent"], sample["date_completed"], sample["due_date"])
    ]
    assert rows(
        tmp_path, "select price, duration_minutes from raw_lms.learnupon_courses where reference_code = 'PROD-ADV'"
    ) == [(Decimal("350.00"), 480.0)]
    assert count(tmp_path, "select count(*) from raw_lms.learnupon_learning_paths__courses") == sum(
        len(p["courses"]) for p in data["learning_paths"]
    )
    # The same people as the HRIS: every loaded user is an employee, most carry the number.
    emails = {p.email for p in small_company.people}
    assert {r[0] for r in rows(tmp_path, "select email from raw_lms.learnupon_users")} <= emails
    numbered = {u["id"] for u in data["users"] if u["custom_data"]}
    assert count(
        tmp_path, "select count(*) from raw_lms.learnupon_users where custom_data__employee_number is not null"
    ) == len(numbered)
    # A re-run merges on the keys: nothing doubles, the quarantine included.
    before = {table: count(tmp_path, f"select count(*) from raw_lms.{table}") for table in [*TABLES, "quarantine"]}
    load(learnupon_clean, tmp_path)
    assert {table: count(tmp_path, f"select count(*) from raw_lms.{table}") for table in before} == before
    assert_complete(tmp_path, data)


# -- paging --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("users", "server_size", "hint", "pages"),
    [
        (12, 5, None, [1, 2, 3]),  # 5 + 5 + 2: the short page is the last, nothing asked after it
        (10, 5, None, [1, 2, 3]),  # 5 + 5, then an empty page ends the list
        (3, 5, None, [1, 2]),  # one short page: nothing before it to compare, so one more ask
        (3, 5, 5, [1]),  # told the page size: a short first page is the last
        (12, 5, 3, [1, 2, 3]),  # told a wrong (smaller) size: noticed, and paged to the end
        (0, 5, None, [1]),
    ],
    ids=["size-not-dividing", "empty-last-page", "one-short-page", "one-page-with-hint", "wrong-hint", "empty"],
)
def test_paging_edges(
    learnupon: LearnUponEmulator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    users: int,
    server_size: int,
    hint: int | None,
    pages: list[int],
) -> None:
    emulator = private_emulator(learnupon, users=copy.deepcopy(learnupon.data["users"][:users]))
    emulator.page_size = server_size
    try:
        with caplog.at_level(logging.WARNING, logger="ingestion.learnupon"):
            info = load(emulator, tmp_path, page_size=hint, resources=("learnupon_users",))
        asked = [int(r["query"]["page"]) for r in requested(emulator, "users")]
    finally:
        emulator.close()
    assert asked == pages
    if users:
        assert count(tmp_path, "select count(*) from raw_lms.learnupon_users") == users
    (load_id,) = info.loads_ids
    units = rows(
        tmp_path,
        "select unit, received from raw_lms.load_reconciliation where load_id = ? order by unit",
        [load_id],
    )
    assert units == [(f"page {n}", max(0, min(server_size, users - (n - 1) * server_size))) for n in pages]
    assert ("longer than LEARNUPON_PAGE_SIZE=3" in caplog.text) == (hint == 3)


def page_answer(path: str, body: object) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = 200, json.dumps(body).encode()
    response.request = requests.Request("GET", f"http://lu.example/api/v1/{path}?page=1").prepare()
    return response


def test_a_list_that_ignores_the_page_parameter_stops_instead_of_paging_forever() -> None:
    paginator = LearnUponPaginator("learning_paths")
    first = [{"id": 301}, {"id": 302}]
    paginator.update_state(page_answer("learning_paths", {"learning_paths": first}), first)
    assert paginator.has_next_page and paginator.page == 2
    with pytest.raises(SourceError) as error:
        paginator.update_state(page_answer("learning_paths", {"learning_paths": first}), list(first))
    assert str(error.value) == (
        "learnupon: /api/v1/learning_paths answered page 2 with the records of page 1; the list does not page"
    )


# -- credentials and settings --------------------------------------------------------------


def test_wrong_password_is_named_and_never_shown(learnupon_clean: LearnUponEmulator, tmp_path: Path) -> None:
    wrong = "wrong-" + learnupon_clean.password[:6]
    source = learnupon_source(base_url=learnupon_clean.url, username=learnupon_clean.username, password=wrong)
    with pytest.raises(PipelineStepFailed) as failure:
        run(source, "raw_lms", tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceAuthError)
    assert str(cause) == "learnupon: authentication failed (HTTP 401) on /api/v1/users; check the credentials"
    shown = "".join(traceback.format_exception(failure.value))
    assert wrong not in shown and learnupon_clean.password not in shown
    assert [r["status"] for r in learnupon_clean.requests] == [401]  # asked once: a 401 is not retried


def test_a_missing_setting_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEARNUPON_PASSWORD", raising=False)
    source = learnupon_source(base_url="http://127.0.0.1:9/api/v1", username="someone")
    with pytest.raises(PipelineStepFailed) as failure:
        run(source, "raw_lms", tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceConfigError)
    assert str(cause) == "learnupon: LEARNUPON_PASSWORD is not set; export it or add it to .env"


# -- rate limits and outages ---------------------------------------------------------------


@pytest.mark.parametrize(("status", "every"), [(429, 25), (503, 7)], ids=["429-retry-after", "503"])
def test_rate_limits_and_server_errors_are_retried(
    learnupon_clean: LearnUponEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int, every: int
) -> None:
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")
    faults = learnupon_clean.faults
    faults.every, faults.status, faults.retry_after = every, status, 1
    started = time.monotonic()
    load(learnupon_clean, tmp_path)
    elapsed, injected = time.monotonic() - started, faults._count // every
    assert injected >= 3, "faults were injected"
    assert_complete(tmp_path, learnupon_clean.data)
    # Each refused request was asked again, and answered.
    log = list(learnupon_clean.requests)
    for k, entry in enumerate(log):
        if entry["status"] == "fault":
            assert log[k + 1]["path"] == entry["path"] and log[k + 1]["query"] == entry["query"]
            assert log[k + 1]["status"] == 200
    if status == 429:  # Retry-After: 1 is honoured on every 429, far above the 0.05 s backoff
        assert elapsed >= injected * 0.9, (elapsed, injected)


def test_a_source_that_stays_down_stops_with_a_named_error_and_loses_nothing(
    learnupon_clean: LearnUponEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INGESTION_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")
    load(learnupon_clean, tmp_path)  # a first complete load
    first_finished = datetime.now(UTC)
    before = {table: count(tmp_path, f"select count(*) from raw_lms.{table}") for table in TABLES}
    learnupon_clean.faults.fail_after = 15  # then the portal goes down part-way through
    with pytest.raises(PipelineStepFailed) as failure:
        load(learnupon_clean, tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceHTTPError)
    assert str(cause).startswith("learnupon: HTTP 500 on /api/v1/") and "?" not in str(cause)
    assert learnupon_clean.password not in "".join(traceback.format_exception(failure.value))
    # Two attempts for the request that failed: retried once, then given up.
    assert [r["status"] for r in learnupon_clean.requests][-2:] == ["fault", "fault"]
    assert {table: count(tmp_path, f"select count(*) from raw_lms.{table}") for table in TABLES} == before
    # The failed load committed no watermark: the re-run asks from the first load's start
    # (less the lookback), not from the failed load's, which began after the first had finished.
    learnupon_clean.faults.reset()
    learnupon_clean.requests.clear()
    load(learnupon_clean, tmp_path)
    (since,) = {r["query"]["updated_since"] for r in requested(learnupon_clean, "enrollments")}
    assert datetime.fromisoformat(since.replace("Z", "+00:00")) <= first_finished - timedelta(hours=24)
    assert_complete(tmp_path, learnupon_clean.data)


# -- incremental enrolments ----------------------------------------------------------------


def test_an_incremental_rerun_asks_only_for_changed_enrolments(learnupon: LearnUponEmulator, tmp_path: Path) -> None:
    emulator = private_emulator(learnupon)
    try:
        started = datetime.now(UTC)
        load(emulator, tmp_path)
        finished = datetime.now(UTC)
        assert all("updated_since" not in r["query"] for r in emulator.requests)  # the first load: everything
        loaded = count(tmp_path, "select count(*) from raw_lms.learnupon_enrollments")
        quarantine = count(tmp_path, "select count(*) from raw_lms.quarantine")
        # At the portal: a learner finishes a course, another is enrolled.
        now = datetime.now(UTC)
        stamp = learnupon_demo.stamp
        changed = next(e for e in emulator.data["enrollments"] if e["status"] == "in_progress" and e["id"] < 5_000_100)
        changed.update(status="passed", score=91.5, percentage=100, date_completed=stamp(now - timedelta(hours=1)))
        template = emulator.data["enrollments"][0]
        emulator.data["enrollments"].append(
            {**template, "id": 5_100_001, "date_enrolled": stamp(now - timedelta(hours=2)), "date_started": None}
            | {"date_completed": None, "status": "not_started", "score": None, "percentage": 0, "time_spent": 0}
        )
        emulator.requests.clear()
        info = load(emulator, tmp_path)
        asked = requested(emulator, "enrollments")
    finally:
        emulator.close()
    # Every enrolment request carried the watermark: the first load's start less the 24 h lookback.
    (since,) = {r["query"].get("updated_since") for r in asked}
    watermark = datetime.fromisoformat(since.replace("Z", "+00:00"))
    assert started - timedelta(hours=24, seconds=1) <= watermark <= finished - timedelta(hours=24)
    # The portal answered with the two changes and the one planted record dated in 2099.
    assert sum(r["served"] for r in asked) == 3
    (load_id,) = info.loads_ids
    assert rows(
        tmp_path,
        "select unit, received, loaded, quarantined from raw_lms.load_reconciliation"
        " where load_id = ? and resource = 'learnupon_enrollments' order by unit",
        [load_id],
    ) == [
        (f"page 1, updated_since {since}", 3, 2, 1),
        (f"page 2, updated_since {since}", 0, 0, 0),  # one short page: the empty one confirms the end
    ]
    assert count(tmp_path, "select count(*) from raw_lms.learnupon_enrollments") == loaded + 1
    assert rows(tmp_path, "select status, score from raw_lms.learnupon_enrollments where id = ?", [changed["id"]]) == [
        ("passed", 91.5)
    ]
    assert count(tmp_path, "select count(*) from raw_lms.quarantine") == quarantine
    # The snapshots were read in full, without the filter.
    assert all("updated_since" not in r["query"] for r in emulator.requests if r not in asked)


def test_the_change_filter_can_be_switched_off(
    learnupon_clean: LearnUponEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a portal that refuses `updated_since`: every load reads every enrolment."""
    monkeypatch.setenv("LEARNUPON_UPDATED_SINCE_PARAM", "")
    load(learnupon_clean, tmp_path, resources=("learnupon_enrollments",))
    learnupon_clean.requests.clear()
    load(learnupon_clean, tmp_path, resources=("learnupon_enrollments",))
    asked = requested(learnupon_clean, "enrollments")
    assert asked and all(set(r["query"]) == {"page"} for r in asked)
    assert sum(r["served"] for r in asked) == len(learnupon_clean.data["enrollments"])


# -- the source changes under us -----------------------------------------------------------


def test_a_renamed_and_a_new_field_are_reported_not_dropped(
    learnupon: LearnUponEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = private_emulator(learnupon)
    for item in emulator.data["enrollments"]:
        item["final_score"] = item.pop("score")  # renamed by a vendor release
    for item in emulator.data["users"]:
        item["manager_email"] = "someone@northwind-demo.example"  # a new field
    try:
        with caplog.at_level(logging.WARNING, logger="ingestion.schema_drift"):
            load(emulator, tmp_path)
    finally:
        emulator.close()
    assert set(rows(tmp_path, "select resource, field, change from raw_lms.schema_changes")) == {
        ("learnupon_enrollments", "score", "missing"),
        ("learnupon_enrollments", "final_score", "added"),
        ("learnupon_users", "manager_email", "added"),
    }
    assert "learnupon: learnupon_enrollments field 'score' missing at the source" in caplog.text
    # The scores load under the new name: every graded (passed or failed) enrolment has one.
    graded = count(tmp_path, "select count(*) from raw_lms.learnupon_enrollments where status in ('passed', 'failed')")
    assert graded > 1000
    assert count(tmp_path, "select count(*) from raw_lms.learnupon_enrollments where final_score is not null") == graded


def test_a_changed_envelope_stops_the_load_instead_of_reading_as_empty(
    learnupon: LearnUponEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(learnupon_demo.ENVELOPES, "users", "users")  # `{"users": [...]}` instead of `{"user": ...}`
    emulator = private_emulator(learnupon)
    try:
        with pytest.raises(PipelineStepFailed) as failure:
            load(emulator, tmp_path, resources=("learnupon_users",))
    finally:
        emulator.close()
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceError)
    assert str(cause) == "learnupon: /api/v1/users answered without the 'user' list (found: users)"


# -- the rules, one by one -----------------------------------------------------------------

GOOD = {
    "id": 1,
    "user_id": 7,
    "course_id": 9,
    "status": "passed",
    "score": 88.5,
    "percentage": 100,
    "date_enrolled": "2025-02-01T08:00:00Z",
    "date_started": "2025-02-02T09:00:00Z",
    "date_completed": "2025-02-03T10:00:00Z",
    "time_spent": 2700,
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"date_started": None, "date_completed": None, "score": None}, None),
        ({"user_id": None}, "missing user_id or course_id"),
        ({"user_id": 8}, "unknown user"),
        ({"course_id": 10}, "unknown course"),
        ({"score": "eighty"}, "score not a number"),
        ({"score": -1}, "score off the 0-100 scale"),
        ({"percentage": True}, "percentage not a number"),
        ({"date_enrolled": "01/02/2025"}, "date_enrolled missing or malformed"),
        ({"date_enrolled": "2099-01-01T00:00:00Z"}, "enrolment date in the future"),
        ({"date_started": "2025-01-31T00:00:00Z"}, "started before enrolled"),
        ({"date_started": "2025-02-04T00:00:00Z"}, "completed before started"),
        ({"date_completed": "2025-02-31T00:00:00Z"}, "date_completed malformed"),
        ({"time_spent": -60}, "time_spent not a non-negative number"),
    ],
)
def test_enrollment_rules(change: dict, reason: str | None) -> None:
    assert enrollment_problem({**GOOD, **change}, users={"7"}, courses={"9"}) == reason


# -- the demo data -------------------------------------------------------------------------


def test_demo_data_is_reproducible_and_leaves_the_company_untouched(small_company: DemoCompany) -> None:
    state = copy.deepcopy(small_company.rng.bit_generator.state)
    first = learnupon_demo.learnupon(small_company)
    assert small_company.rng.bit_generator.state == state  # the generator's own stream did not move
    assert json.dumps(first, sort_keys=True) == json.dumps(learnupon_demo.learnupon(small_company), sort_keys=True)
    enrolments = first["enrollments"]
    assert {e["status"] for e in enrolments} == {"not_started", "in_progress", "passed", "failed", "completed"}
    done = [e for e in enrolments if e["date_completed"] and e["date_completed"] < "2027"]
    assert max(e["date_completed"] for e in done) <= "2026-10-31T23:59:59Z"  # nothing after the as-of date
    # Sold seats: every course has a price and a duration; compliance is due in 30 days.
    assert all(c["price"] > 0 and c["duration_minutes"] > 0 for c in first["courses"] if c["id"])
    sample = next(e for e in enrolments if e["course_name"] == "Information Security Essentials")
    assert (
        sample["due_date"]
        == (datetime.fromisoformat(sample["date_enrolled"][:10]) + timedelta(days=30)).date().isoformat()
    )
