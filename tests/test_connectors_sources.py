"""Docebo, finance files and BambooHR history against their emulators and real files:
received = loaded + quarantined per kind of bad record, faults, interrupted loads and
schema changes at the source."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from demo import docebo as docebo_demo
from demo import finance as finance_demo
from demo import vendors as vendors_demo
from demo.emulators import Faults, load_demo, make_docebo_server, serve_in_thread
from demo.generator import UNKNOWN_BAMBOO_ID, DemoCompany
from ingestion.bamboohr import bamboohr_source
from ingestion.docebo import docebo_source
from ingestion.errors import SourceAuthError, SourceHTTPError
from ingestion.finance import finance_source
from ingestion.finance.source import KINDS
from ingestion.framework import framework_source
from tests.test_connectors import count, root_cause, run

ROOT = Path(__file__).resolve().parents[1]
DOCEBO_TABLES = {
    "docebo_users": "users",
    "docebo_courses": "courses",
    "docebo_enrollments": "enrollments",
    "docebo_learning_plans": "learningplans",
    "docebo_external_training": "external_training",
}


def rows(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def reasons(tmp_path: Path, schema: str, resource: str) -> Counter:
    found = rows(tmp_path, f"select reason from {schema}.quarantine where resource = '{resource}'")
    return Counter(r[0] for r in found)


def docebo_run(stack, tmp_path: Path, page_size: int = 50, **kwargs):
    source = docebo_source(
        base_url=stack.url, client_id=stack.client_id, client_secret=stack.client_secret, page_size=page_size
    )
    return run(source, "raw_lms", tmp_path, **kwargs)


def assert_docebo_complete(tmp_path: Path, demo_dir: Path) -> None:
    """Every record the emulator serves is loaded or quarantined, once, for every table."""
    served = json.loads((demo_dir / "docebo.json").read_text())
    for table, collection in DOCEBO_TABLES.items():
        loaded = count(tmp_path, f"select count(*) from raw_lms.{table}")
        quarantined = sum(reasons(tmp_path, "raw_lms", table).values())
        assert loaded + quarantined == len(served[collection]), table
    key = "user_id || ':' || course_id"
    assert count(tmp_path, f"select count(distinct {key}) from raw_lms.docebo_enrollments") == count(
        tmp_path, "select count(*) from raw_lms.docebo_enrollments"
    )


# -- Docebo ------------------------------------------------------------------------------


def test_docebo_loads_every_resource_and_quarantines_each_kind(
    docebo_clean, small_company: DemoCompany, demo_dir: Path, tmp_path: Path
) -> None:
    docebo_run(docebo_clean, tmp_path)
    assert_docebo_complete(tmp_path, demo_dir)
    for table, planted in docebo_demo.PLANTED.items():
        assert reasons(tmp_path, "raw_lms", table) == Counter(planted), table
    served = json.loads((demo_dir / "docebo.json").read_text())
    assert count(tmp_path, "select count(*) from raw_lms.docebo_users") == len(served["users"])
    assert count(tmp_path, "select count(*) from raw_lms.docebo_learning_plans__courses") == sum(
        len(p["courses"]) for p in served["learningplans"]
    )
    # Values survive the trip: one completed, scored enrolment and a renewable course's expiry.
    sample = next(
        e
        for e in served["enrollments"]
        if e["enrollment_status"] == "completed" and isinstance(e["enrollment_score"], float) and e["user_id"] != 999999
    )
    got = rows(
        tmp_path,
        "select enrollment_score, total_time, enrollment_status from raw_lms.docebo_enrollments"
        f" where user_id = {sample['user_id']} and course_id = {sample['course_id']}",
    )
    assert got == [(sample["enrollment_score"], sample["total_time"], "completed")]
    expiring = [e for e in served["enrollments"] if e["enrollment_validity_end_date"]]
    planted_dates = {"2099-01-31 10:00:00", "2020-01-02 10:00:00"}
    valid = [
        e
        for e in expiring
        if e["user_id"] != docebo_demo.UNKNOWN_USER_ID
        and e["enrollment_completion_date"] not in planted_dates
        and not isinstance(e["enrollment_score"], str)
    ]
    assert valid and count(
        tmp_path, "select count(*) from raw_lms.docebo_enrollments where enrollment_validity_end_date is not null"
    ) == len(valid)
    # Same people as the HRIS, under Docebo's own ids: every loaded user is an employee.
    emails = {p.email for p in small_company.people}
    assert {r[0] for r in rows(tmp_path, "select lower(username) from raw_lms.docebo_users")} <= emails
    # A re-run merges on the keys: nothing doubles, the quarantine included.
    before = count(tmp_path, "select count(*) from raw_lms.quarantine")
    docebo_run(docebo_clean, tmp_path)
    assert_docebo_complete(tmp_path, demo_dir)
    assert count(tmp_path, "select count(*) from raw_lms.quarantine") == before


def test_docebo_wrong_secret_is_named_and_hidden(docebo_clean, tmp_path: Path) -> None:
    wrong = "wrong-" + docebo_clean.client_secret[:8]
    source = docebo_source(base_url=docebo_clean.url, client_id=docebo_clean.client_id, client_secret=wrong)
    with pytest.raises(PipelineStepFailed) as failure:
        run(source, "raw_lms", tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceAuthError)
    assert str(cause) == "docebo: authentication failed (HTTP 401) on /oauth2/token; check the credentials"
    assert wrong not in str(failure.value) and docebo_clean.client_secret not in str(failure.value)


@pytest.mark.parametrize(
    ("mode", "status", "every"),
    [("status", 429, 5), ("status", 503, 5), ("timeout", 0, 10), ("truncate", 0, 5)],
    ids=["429-retry-after", "503", "timeout", "truncated-page"],
)
def test_docebo_rides_out_faults(
    docebo_clean, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, status: int, every: int
) -> None:
    monkeypatch.setenv("INGESTION_REQUEST_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")
    faults = docebo_clean.faults
    faults.every, faults.status, faults.mode, faults.delay, faults.retry_after = every, status, mode, 6.0, 1
    started = time.monotonic()
    docebo_run(docebo_clean, tmp_path)
    elapsed, injected = time.monotonic() - started, faults._count // every
    assert injected >= 3, "faults were injected"
    assert_docebo_complete(tmp_path, demo_dir)
    if status == 429:  # Retry-After: 1 is honoured on every injected 429
        assert elapsed >= injected * 0.9
    if mode == "timeout":  # the client gives up after 1 s instead of waiting out the 6 s stall
        assert elapsed < injected * 3, (elapsed, injected)


def test_docebo_gives_up_with_a_named_error_when_the_source_stays_down(
    docebo_clean, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted part-way (the source goes down after 12 requests): the failed load
    writes nothing half-done, and the re-run loads everything exactly once."""
    monkeypatch.setenv("INGESTION_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")
    docebo_run(docebo_clean, tmp_path)  # a first complete load
    enrolments = count(tmp_path, "select count(*) from raw_lms.docebo_enrollments")
    docebo_clean.faults.fail_after = 12
    with pytest.raises(PipelineStepFailed) as failure:
        docebo_run(docebo_clean, tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceHTTPError) and str(cause).startswith("docebo: HTTP 500 on /")
    assert count(tmp_path, "select count(*) from raw_lms.docebo_enrollments") == enrolments
    docebo_clean.faults.reset()
    docebo_run(docebo_clean, tmp_path)
    assert_docebo_complete(tmp_path, demo_dir)


KILL_SCRIPT = """
import sys, dlt
from ingestion.docebo import docebo_source
url, cid, secret, folder = sys.argv[1:5]
pipeline = dlt.pipeline(pipeline_name="test_raw_lms", destination=dlt.destinations.duckdb(folder + "/wh.duckdb"),
                        dataset_name="raw_lms", pipelines_dir=folder + "/pipelines")
pipeline.run(docebo_source(base_url=url, client_id=cid, client_secret=secret, page_size=20))
"""


def test_docebo_killed_mid_load_then_rerun_loses_and_duplicates_nothing(
    docebo_clean, demo_dir: Path, tmp_path: Path
) -> None:
    docebo_run(docebo_clean, tmp_path, page_size=20)  # a complete load first, then a killed one
    faults = docebo_clean.faults
    faults.reset()  # count the killed run's requests only
    faults.every, faults.mode, faults.delay = 1, "slow", 0.05
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, docebo_clean.url, docebo_clean.client_id, docebo_clean.client_secret]
        + [str(tmp_path)],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while faults._served < 25 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    served = faults._served
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "killed, not finished"
    assert 25 <= served < 60, f"killed in the middle of the load (after {served} of about 75 requests)"
    faults.reset()
    docebo_run(docebo_clean, tmp_path, page_size=20)
    assert_docebo_complete(tmp_path, demo_dir)


def test_a_renamed_and_a_new_field_are_reported_not_dropped(
    demo_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = load_demo(demo_dir)
    data["docebo"] = {k: [dict(item) for item in v] for k, v in data["docebo"].items()}
    for item in data["docebo"]["enrollments"]:
        item["score"] = item.pop("enrollment_score")  # renamed by a vendor release
    for item in data["docebo"]["users"]:
        item["manager_id"] = "12001"  # a new field
    server = make_docebo_server(data, client_id="c", client_secret="s", faults=Faults())
    serve_in_thread(server)
    try:
        with caplog.at_level(logging.WARNING, logger="ingestion.schema_drift"):
            run(
                docebo_source(base_url=f"http://127.0.0.1:{server.server_port}", client_id="c", client_secret="s"),
                "raw_lms",
                tmp_path,
            )
    finally:
        server.shutdown()
        server.server_close()
    changes = set(rows(tmp_path, "select resource, field, change from raw_lms.schema_changes"))
    assert changes == {
        ("docebo_enrollments", "enrollment_score", "missing"),
        ("docebo_enrollments", "score", "added"),
        ("docebo_users", "manager_id", "added"),
    }
    assert "docebo: docebo_enrollments field 'enrollment_score' missing at the source" in caplog.text
    # The data under the new name still loads in full.
    assert count(tmp_path, "select count(*) from raw_lms.docebo_enrollments where score is not null") > 0
    assert count(tmp_path, "select count(*) from raw_lms.docebo_users where manager_id = '12001'") > 0


# -- Finance files -------------------------------------------------------------------------


def finance_received(folder: Path) -> dict[str, int]:
    received = Counter()
    for kind in KINDS:
        for path in folder.glob(kind.pattern):
            received[kind.table] += len(path.read_text().splitlines()) - 1
    return received


def test_finance_files_load_once_and_bad_rows_are_quarantined(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    shutil.copytree(demo_dir / "finance", folder)
    received = finance_received(folder)
    run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    for kind in KINDS:
        loaded = count(tmp_path, f"select count(*) from raw_finance.{kind.table}")
        assert loaded + sum(reasons(tmp_path, "raw_finance", kind.table).values()) == received[kind.table]
        assert reasons(tmp_path, "raw_finance", kind.table) == Counter(finance_demo.PLANTED.get(kind.table, []))
    # Typed amounts: the invoice total equals the CSV's, to the cent.
    first = (folder / sorted(p.name for p in folder.glob("vendor_invoices_*.csv"))[0]).read_text().splitlines()
    invoice_id, *_, amount, _ = first[1].split(",")
    assert rows(
        tmp_path, f"select cast(amount as varchar) from raw_finance.vendor_invoices where invoice_id = '{invoice_id}'"
    ) == [(amount,)]
    totals = count(tmp_path, "select count(*) from raw_finance.quarantine")
    invoices = count(tmp_path, "select count(*) from raw_finance.vendor_invoices")
    # The same drop again, and a file re-dropped under another name: nothing loads twice.
    info = run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    (load_id,) = info.loads_ids  # a load of reconciliation rows only: every file unchanged
    again = rows(tmp_path, f"select received, reason from raw_finance.load_reconciliation where load_id = '{load_id}'")
    assert len(again) == len(list(folder.glob("*.csv")))
    assert all(received == 0 and reason.startswith("unchanged: loaded before as ") for received, reason in again)
    shutil.copy(next(folder.glob("vendor_invoices_*.csv")), folder / "vendor_invoices_resent.csv")
    run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    assert count(tmp_path, "select count(*) from raw_finance.vendor_invoices") == invoices
    assert count(tmp_path, "select count(*) from raw_finance.quarantine") == totals
    # A new file loads, once.
    (folder / "vendor_invoices_2026-extra.csv").write_text(
        "invoice_id,vendor,course_id,invoice_date,period_start,period_end,seats,amount,currency\n"
        "INV-NEW-1,Learnwise Academy,CRS-001,2026-01-31,2026-01-01,2026-01-31,2,240.50,EUR\n"
    )
    run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    assert count(tmp_path, "select count(*) from raw_finance.vendor_invoices") == invoices + 1


def test_finance_renamed_column_is_reported_and_its_rows_quarantined(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "venue_costs_2026-Q1.csv").write_text(
        "cost_id,session_id,course_id,venue,session_date,total,currency\n"
        "VEN-1,SES-1,CRS-015,Lisbon Hub,2026-01-10,900.00,EUR\n"
    )
    run(finance_source(folder=str(folder)), "raw_finance", tmp_path)
    assert set(rows(tmp_path, "select field, change from raw_finance.schema_changes")) == {
        ("amount", "missing"),
        ("total", "added"),
    }
    assert reasons(tmp_path, "raw_finance", "venue_costs") == Counter({"missing amount": 1})


# -- BambooHR history ----------------------------------------------------------------------


def test_bamboohr_employment_status_and_every_bad_record_kind(
    vendors, small_company: DemoCompany, demo_dir: Path, tmp_path: Path
) -> None:
    run(bamboohr_source(base_url=vendors.bamboohr_url, api_key=vendors.key), "raw_hris", tmp_path)
    served = load_demo(demo_dir)
    received = {
        "employees": len(served["employees"]),
        "job_info": sum(len(t["rows"]) for t in served["job_info"].values()),
        "employment_status": sum(len(t["rows"]) for t in served["employment_status"].values()),
    }
    for table, total in received.items():
        loaded = count(tmp_path, f"select count(*) from raw_hris.{table}")
        assert loaded + sum(reasons(tmp_path, "raw_hris", table).values()) == total, table
    assert reasons(tmp_path, "raw_hris", "employees") == Counter(
        {
            "missing id": 1,
            "duplicate id in one report": 1,
            "hireDate missing, malformed or in the future": 2,
            "missing or malformed workEmail": 1,
        }
    )
    assert reasons(tmp_path, "raw_hris", "employment_status") == Counter(
        {"unknown employee": 1, "effective date before hire": 1, "effective date in the future": 1}
    )
    assert reasons(tmp_path, "raw_hris", "job_info") == Counter()
    assert rows(tmp_path, "select record_key from raw_hris.quarantine where reason = 'unknown employee'") == [
        (f"{UNKNOWN_BAMBOO_ID}:1",)
    ]
    # A re-hire: one BambooHR id, two hire rows and a termination between them.
    person = next(p for p in small_company.people if p.previous_periods)
    history = rows(
        tmp_path,
        "select date, employment_status from raw_hris.employment_status"
        f" where employee_id = '{person.bamboo_id}' order by date",
    )
    (first_start, first_end), *_ = person.previous_periods
    assert history[:3] == [
        (first_start.isoformat(), "Part-Time" if person.index % 11 == 0 else "Full-Time"),
        (first_end.isoformat(), "Terminated"),
        (
            person.previous_periods[1][0].isoformat()
            if len(person.previous_periods) > 1
            else person.hire_date.isoformat(),
            "Part-Time" if person.index % 11 == 0 else "Full-Time",
        ),
    ]
    assert rows(tmp_path, f"select hire_date from raw_hris.employees where id = '{person.bamboo_id}'") == [
        (person.hire_date.isoformat(),)
    ]


# -- Lattice goals and feedback, 15Five, Workday, HR file drop -----------------------------


def test_lattice_goals_and_feedback(vendors, demo_dir: Path, tmp_path: Path) -> None:
    from ingestion.lattice import lattice_source

    served = load_demo(demo_dir)["lattice"]
    run(lattice_source(base_url=vendors.lattice_url, api_token=vendors.token), "raw_performance", tmp_path)
    for table in ("goals", "feedbacks"):
        loaded = count(tmp_path, f"select count(*) from raw_performance.{table}")
        assert loaded + sum(reasons(tmp_path, "raw_performance", table).values()) == len(served[table]), table
        assert reasons(tmp_path, "raw_performance", table) == Counter(vendors_demo.PLANTED[table]), table
    goal = next(g for g in served["goals"] if isinstance(g["currentValue"], float) and g["currentValue"] > 0)
    assert rows(
        tmp_path, f"select target_value, current_value, status from raw_performance.goals where id = '{goal['id']}'"
    ) == [(goal["targetValue"], goal["currentValue"], goal["status"])]


def test_fifteen_five_checkins_follow_next_links(people_tools, demo_dir: Path, tmp_path: Path) -> None:
    from ingestion.fifteen_five import fifteen_five_source

    served = load_demo(demo_dir)["fifteen_five"]
    source = lambda: fifteen_five_source(  # noqa: E731
        base_url=people_tools.fifteen_five_url, api_key=people_tools.fifteen_five_key, page_size=37
    )
    run(source(), "raw_performance", tmp_path)
    assert count(tmp_path, "select count(*) from raw_performance.fifteen_five_users") == len(served["user"])
    loaded = count(tmp_path, "select count(*) from raw_performance.checkins")
    assert loaded + sum(reasons(tmp_path, "raw_performance", "checkins").values()) == len(served["report"])
    assert reasons(tmp_path, "raw_performance", "checkins") == Counter(vendors_demo.PLANTED["checkins"])
    assert count(tmp_path, "select count(*) from raw_performance.checkins where pulse not between 1 and 5") == 0
    run(source(), "raw_performance", tmp_path)
    assert count(tmp_path, "select count(*) from raw_performance.checkins") == loaded


def test_fifteen_five_wrong_key_is_named(people_tools, tmp_path: Path) -> None:
    from ingestion.fifteen_five import fifteen_five_source

    with pytest.raises(PipelineStepFailed) as failure:
        run(
            fifteen_five_source(base_url=people_tools.fifteen_five_url, api_key="nope-key"), "raw_performance", tmp_path
        )
    assert str(root_cause(failure.value)).startswith("fifteen_five: authentication failed (HTTP 401) on /api/public/")
    assert "nope-key" not in str(failure.value)


def test_workday_snapshots_build_history(people_tools, demo_dir: Path, tmp_path: Path) -> None:
    from ingestion.workday import workday_source

    snapshots = load_demo(demo_dir)["workday"]
    for as_of in sorted(snapshots):
        source = workday_source(
            report_url=people_tools.workday_url,
            username=people_tools.workday_user,
            password=people_tools.workday_password,
            as_of=as_of,
        )
        run(source, "raw_hris", tmp_path)
    per_day = dict(
        rows(tmp_path, "select cast(snapshot_on as varchar), count(*) from raw_hris.workday_workers group by 1")
    )
    assert per_day == {day: len(entries) - 1 for day, entries in snapshots.items()}
    assert reasons(tmp_path, "raw_hris", "workday_workers") == Counter({"missing Employee_ID": len(snapshots)})
    first = next(iter(snapshots.values()))[0]
    assert rows(
        tmp_path,
        "select distinct legacy_employee_number, email_primary_work from raw_hris.workday_workers"
        f" where employee_id = '{first['Employee_ID']}'",
    ) == [(first["Legacy_Employee_Number"], first["Email_-_Primary_Work"])]
    # The same day again replaces that day's snapshot: nothing doubles.
    run(
        workday_source(
            report_url=people_tools.workday_url,
            username=people_tools.workday_user,
            password=people_tools.workday_password,
            as_of=max(snapshots),
        ),
        "raw_hris",
        tmp_path,
    )
    assert count(tmp_path, "select count(*) from raw_hris.workday_workers") == sum(per_day.values())


def test_workday_wrong_password_is_named(people_tools, tmp_path: Path) -> None:
    from ingestion.workday import workday_source

    source = workday_source(report_url=people_tools.workday_url, username=people_tools.workday_user, password="pw-x1")
    with pytest.raises(PipelineStepFailed) as failure:
        run(source, "raw_hris", tmp_path)
    assert str(root_cause(failure.value)).startswith("workday: authentication failed (HTTP 401) on /ccx/service/")
    assert "pw-x1" not in str(failure.value)


def test_hr_file_drop_loads_the_payroll_export_through_its_shipped_mapping_once(
    small_company: DemoCompany, demo_dir: Path, tmp_path: Path
) -> None:
    from ingestion.hr_files import hr_files_source

    folder = tmp_path / "drop"
    shutil.copytree(demo_dir / "hr_drop", folder)
    (xlsx,) = folder.glob("*.xlsx")
    source_rows = vendors_demo.payroll_file_rows(small_company)
    run(hr_files_source(folder=str(folder)), "raw_hris", tmp_path)  # the mappings in ingestion/hr_files/mappings
    loaded = count(tmp_path, "select count(*) from raw_hris.hr_file_records")
    assert reasons(tmp_path, "raw_hris", "hr_file_records") == Counter(vendors_demo.PLANTED["hr_file_records"])
    assert loaded + 2 == len(source_rows)
    person = source_rows[0]
    found = rows(
        tmp_path,
        "select last_name, work_email, hire_date, weekly_hours, mapping_name from raw_hris.hr_file_records"
        f" where employee_number = '{person['Nº Colaborador']}'",
    )
    assert found == [
        (person["Apelido"], person["Email"], person["Data de Admissão"], person["Horas Semanais"], "lisbon_payroll")
    ]
    assert rows(tmp_path, "select received, loaded, quarantined, rejected from raw_hris.load_reconciliation") == [
        (len(source_rows), loaded, 2, False)
    ]
    # the same export again: nothing read twice, and the reconciliation says why
    run(hr_files_source(folder=str(folder)), "raw_hris", tmp_path)
    assert count(tmp_path, "select count(*) from raw_hris.hr_file_records") == loaded
    assert rows(
        tmp_path,
        "select received, reason from raw_hris.load_reconciliation order by load_id desc limit 1",
    ) == [(0, f"unchanged: loaded before as {xlsx.name} with mapping lisbon_payroll")]


def test_culture_amp_cursor_paging_buckets_and_quarantine(
    people_tools, small_company: DemoCompany, demo_dir: Path, tmp_path: Path
) -> None:
    from ingestion.culture_amp import culture_amp_source

    served = load_demo(demo_dir)["culture_amp"]
    source = lambda: culture_amp_source(  # noqa: E731
        base_url=people_tools.culture_amp_url,
        client_id=people_tools.culture_amp_id,
        client_secret=people_tools.culture_amp_secret,
        page_size=17,
    )
    people_tools.faults.every, people_tools.faults.status = 4, 503
    try:
        run(source(), "raw_performance", tmp_path)
    finally:
        people_tools.faults.reset()
    table = "culture_amp_manager_reviews"
    loaded = count(tmp_path, f"select count(*) from raw_performance.{table}")
    assert loaded + sum(reasons(tmp_path, "raw_performance", table).values()) == len(served["manager-reviews"])
    assert reasons(tmp_path, "raw_performance", table) == Counter(vendors_demo.PLANTED["manager_reviews"])
    assert count(tmp_path, "select count(*) from raw_performance.culture_amp_employees") == len(served["employees"])
    # Buckets keep Culture Amp's four-point scale; they follow the manager's 1-5 rating.
    buckets = dict(rows(tmp_path, f"select rating__bucket, max(rating__value) from raw_performance.{table} group by 1"))
    assert buckets == {
        name: value
        for value, name in vendors_demo.CULTURE_AMP_BUCKETS.items()
        if any(r["rating"]["value"] == value for r in served["manager-reviews"])
    }
    downward = [
        r
        for r in small_company.reviews
        if r["review_type"] == "downward"
        and any(h["division"] == vendors_demo.CULTURE_AMP_DIVISION for h in small_company.people[r["reviewee"]].history)
    ]
    assert loaded == len(downward) - 1, "every downward review of the division, less the one off the scale"
    run(source(), "raw_performance", tmp_path)
    assert count(tmp_path, f"select count(*) from raw_performance.{table}") == loaded


# -- Incremental loads: a re-run fetches only what changed, and duplicates nothing ---------


def _copy(data: dict) -> dict:
    return json.loads(json.dumps(data))


def _rows_loaded(info_pipeline, table: str) -> int:
    """Rows the last run of the pipeline normalized into `table` (0 when none)."""
    return info_pipeline.last_trace.last_normalize_info.row_counts.get(table, 0)


def _pipeline(tmp_path: Path, dataset: str):
    import dlt

    return dlt.pipeline(
        pipeline_name=f"incremental_{dataset}",
        destination=dlt.destinations.duckdb(str(tmp_path / "wh.duckdb")),
        dataset_name=dataset,
        pipelines_dir=str(tmp_path / "pipelines"),
    )


def _serving(server):
    serve_in_thread(server)
    return f"http://127.0.0.1:{server.server_port}"


def _recording(server) -> list[tuple[str, object]]:
    """Every (request path, answer) the emulator sends from now on: what was really fetched."""
    sent: list[tuple[str, object]] = []

    class Recording(server.RequestHandlerClass):
        def _send(self, status, payload, headers=None):
            sent.append((self.path, payload))
            super()._send(status, payload, headers)

    server.RequestHandlerClass = Recording
    return sent


def _served(sent: list, path_part: str, items) -> int:
    """Records answered on requests whose path contains `path_part`."""
    return sum(len(items(payload)) for path, payload in sent if path_part in path and isinstance(payload, dict))


def test_docebo_enrolments_load_incrementally_by_updated_from(demo_dir: Path, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    data = _copy(load_demo(demo_dir))
    server = make_docebo_server(data, client_id="c", client_secret="s", faults=Faults())
    url = _serving(server)
    pipeline = _pipeline(tmp_path, "raw_lms")
    source = lambda: docebo_source(base_url=url, client_id="c", client_secret="s", page_size=50)  # noqa: E731
    try:
        pipeline.run(source())
        served = data["docebo"]["enrollments"]
        first = count(tmp_path, "select count(*) from raw_lms.docebo_enrollments")
        quarantined = count(tmp_path, "select count(*) from raw_lms.quarantine")
        assert first + sum(reasons(tmp_path, "raw_lms", "docebo_enrollments").values()) == len(served)
        # Nothing changed: the second load asks with updated_from and gets only the planted
        # enrolment completed "in 2099" (every watermark is before it), quarantined again.
        pipeline.run(source())
        assert _rows_loaded(pipeline, "docebo_enrollments") == 0
        assert count(tmp_path, "select count(*) from raw_lms.quarantine") == quarantined
        # One enrolment completes now, one new enrolment starts now.
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        known_users = {u["user_id"] for u in data["docebo"]["users"]}
        open_one = next(
            e
            for e in served
            if e["enrollment_status"] == "in_progress"
            and str(e["user_id"]) in known_users
            and e["enrollment_completion_date"] is None
        )
        open_one.update(enrollment_status="completed", enrollment_completion_date=now, enrollment_score=88.0)
        taken = {(e["user_id"], e["course_id"]) for e in served}
        user = next(int(u) for u in sorted(known_users) if (int(u), open_one["course_id"]) not in taken)
        served.append({**open_one, "user_id": user, "enrollment_status": "in_progress", "enrollment_date": now})
        served[-1].update(enrollment_completion_date=None, enrollment_score=None)
        sent = _recording(server)
        pipeline.run(source())
        fetched = _served(sent, "/learn/v1/enrollments", lambda p: p["data"]["items"])
        assert fetched == 3, "the two changed enrolments and the planted one completed in 2099"
        assert all("updated_from=" in path for path, _ in sent if "/learn/v1/enrollments" in path)
        assert _rows_loaded(pipeline, "docebo_enrollments") == 2
        assert count(tmp_path, "select count(*) from raw_lms.docebo_enrollments") == first + 1
        assert rows(
            tmp_path,
            "select enrollment_status, enrollment_score from raw_lms.docebo_enrollments"
            f" where user_id = {open_one['user_id']} and course_id = {open_one['course_id']}",
        ) == [("completed", 88.0)]
        assert count(
            tmp_path, "select count(distinct user_id || ':' || course_id) from raw_lms.docebo_enrollments"
        ) == (first + 1)
        assert count(tmp_path, "select count(*) from raw_lms.quarantine") == quarantined
    finally:
        server.shutdown()
        server.server_close()


def test_fifteen_five_checkins_load_incrementally_with_a_lookback(demo_dir: Path, tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from demo.emulators import make_fifteen_five_server
    from ingestion.fifteen_five import fifteen_five_source
    from ingestion.fifteen_five.source import LOOKBACK_DAYS, submitted_at

    data = _copy(load_demo(demo_dir))
    url = _serving(server := make_fifteen_five_server(data, api_key="k", faults=Faults())) + "/api/public"
    pipeline = _pipeline(tmp_path, "raw_performance")
    source = lambda: fifteen_five_source(base_url=url, api_key="k", page_size=40)  # noqa: E731
    try:
        pipeline.run(source())
        reports = data["fifteen_five"]["report"]
        first = count(tmp_path, "select count(*) from raw_performance.checkins")
        quarantined = count(tmp_path, "select count(*) from raw_performance.quarantine")
        assert first + sum(reasons(tmp_path, "raw_performance", "checkins").values()) == len(reports)
        # A manager reviews last week's check-in; someone submits next week's.
        newest = max(submitted_at(r) for r in reports)
        late = next(r for r in reports if submitted_at(r) == newest and not r["reviewed"])
        late["reviewed"] = True
        fresh = {**late, "id": 9_999_999, "reviewed": False}
        fresh["submit_ts"] = (newest + timedelta(days=7)).isoformat()
        reports.append(fresh)
        window_start = newest - timedelta(days=LOOKBACK_DAYS)
        in_window = {r["id"] for r in reports if submitted_at(r) >= window_start and 1 <= r["pulse"] <= 5}
        sent = _recording(server)
        pipeline.run(source())
        fetched = _served(sent, "/api/public/report/", lambda p: p.get("results", []))
        assert fetched == len([r for r in reports if submitted_at(r) >= window_start]), "only the window was fetched"
        assert all("created_on_start=" in path for path, _ in sent if "/report/" in path)
        assert _rows_loaded(pipeline, "checkins") == len(in_window)
        assert len(in_window) < first / 3
        assert count(tmp_path, "select count(*) from raw_performance.checkins") == first + 1
        assert rows(tmp_path, f"select reviewed from raw_performance.checkins where id = {late['id']}") == [(True,)]
        assert count(tmp_path, "select count(distinct id) from raw_performance.checkins") == first + 1
        assert count(tmp_path, "select count(*) from raw_performance.quarantine") == quarantined
        # The cursor is the newest submission: the next window starts 14 days before it.
        state = pipeline.state["sources"]["fifteen_five"]["resources"]["checkins"]["incremental"]["submit_ts"]
        assert datetime.fromisoformat(str(state["last_value"])) == submitted_at(fresh)
    finally:
        server.shutdown()
        server.server_close()


def test_culture_amp_reviews_load_incrementally_by_after_date(demo_dir: Path, tmp_path: Path) -> None:
    from datetime import timedelta

    from demo.emulators import make_culture_amp_server
    from ingestion.culture_amp import culture_amp_source
    from ingestion.culture_amp.source import LOOKBACK_DAYS, submitted_at

    data = _copy(load_demo(demo_dir))
    url = _serving(server := make_culture_amp_server(data, client_id="c", client_secret="s", faults=Faults()))
    pipeline = _pipeline(tmp_path, "raw_performance")
    source = lambda: culture_amp_source(base_url=f"{url}/v1", client_id="c", client_secret="s", page_size=13)  # noqa: E731
    table = "culture_amp_manager_reviews"
    try:
        pipeline.run(source())
        reviews = data["culture_amp"]["manager-reviews"]
        first = count(tmp_path, f"select count(*) from raw_performance.{table}")
        quarantined = count(tmp_path, "select count(*) from raw_performance.quarantine")
        assert first + sum(reasons(tmp_path, "raw_performance", table).values()) == len(reviews)
        # A late review is submitted for the last cycle.
        valid = [r for r in reviews if r["rating"]["value"] <= r["rating"]["scaleSize"]]
        newest = max(submitted_at(r) for r in valid)
        template = next(r for r in valid if submitted_at(r) == newest)
        reviews.append({**template, "id": "late-review", "submittedAt": (newest + timedelta(days=1)).isoformat()})
        window = [r for r in valid if submitted_at(r) >= newest - timedelta(days=LOOKBACK_DAYS)]
        sent = _recording(server)
        pipeline.run(source())
        fetched = _served(sent, "/v1/manager-reviews", lambda p: p.get("data", []))
        assert fetched == len([r for r in reviews if submitted_at(r) >= newest - timedelta(days=LOOKBACK_DAYS)])
        assert all("after_date=" in path for path, _ in sent if "/manager-reviews" in path)
        assert _rows_loaded(pipeline, table) == len(window) + 1
        assert len(window) + 1 < first / 2
        assert count(tmp_path, f"select count(*) from raw_performance.{table}") == first + 1
        assert count(tmp_path, f"select count(distinct id) from raw_performance.{table}") == first + 1
        assert count(tmp_path, "select count(*) from raw_performance.quarantine") == quarantined
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("rule", "row", "reason"),
    [
        ("fifteen_five", {"id": 1, "user_id": 7, "pulse": 3, "submit_ts": "2999-01-01T00:00:00+00:00"}, "future"),
        ("fifteen_five", {"id": 1, "user_id": 7, "pulse": 3, "submit_ts": "last friday"}, "not ISO 8601"),
        ("culture_amp", {"submittedAt": "2999-01-01T00:00:00Z"}, "submittedAt in the future"),
    ],
)
def test_a_submission_dated_in_the_future_is_quarantined_not_a_stalled_cursor(
    rule: str, row: dict, reason: str
) -> None:
    """A future time would become the incremental cursor and hide every later record."""
    if rule == "fifteen_five":
        from ingestion.fifteen_five.source import checkin_problem

        assert reason in checkin_problem(row, {7})
    else:
        from ingestion.culture_amp.source import review_problem

        review = {"id": "r", "employeeId": "e", "performanceCycleId": "c", "rating": {"value": 2, "scaleSize": 4}}
        assert review_problem({**review, **row}, {"e"}, {"c"}) == reason


# -- Schema drift on every API source -------------------------------------------------------


def _rename(items: list[dict], old: str, new: str) -> None:
    for item in items:
        item[new] = item.pop(old)


def test_schema_changes_are_reported_for_every_api_source(demo_dir: Path, tmp_path: Path) -> None:
    """A renamed and a new field at Lattice, BambooHR, 15Five, Culture Amp and Workday each
    land in `schema_changes` (and the log), while the data still loads in full."""
    from demo.emulators import (
        WORKDAY_REPORT_PATH,
        make_culture_amp_server,
        make_fifteen_five_server,
        make_servers,
        make_workday_server,
    )
    from ingestion.culture_amp import culture_amp_source
    from ingestion.fifteen_five import fifteen_five_source
    from ingestion.lattice import lattice_source
    from ingestion.workday import workday_source

    data = _copy(load_demo(demo_dir))
    _rename(data["lattice"]["goals"], "targetValue", "target")  # renamed by a vendor release
    for user in data["lattice"]["users"]:
        user["pronouns"] = "they/them"  # a new field
    for rows_ in data["job_info"].values():
        for row in rows_["rows"]:
            row["payGrade"] = "B"
    _rename(data["fifteen_five"]["report"], "pulse", "mood")
    for review in data["culture_amp"]["manager-reviews"]:
        review["calibrated"] = True
    for entries in data["workday"].values():
        _rename(entries, "Business_Title", "Job_Title")
    bamboo, lattice = make_servers(data, bamboohr_key="b", lattice_token="t")
    fifteen = make_fifteen_five_server(data, api_key="f")
    amp = make_culture_amp_server(data, client_id="c", client_secret="s")
    workday = make_workday_server(data, username="u", password="p", report_path=WORKDAY_REPORT_PATH)
    servers = [bamboo, lattice, fifteen, amp, workday]
    urls = [_serving(server) for server in servers]
    try:
        run(lattice_source(base_url=f"{urls[1]}/v1", api_token="t"), "raw_performance", tmp_path)
        run(bamboohr_source(base_url=f"{urls[0]}/api/gateway.php/northwind/v1", api_key="b"), "raw_hris", tmp_path)
        run(fifteen_five_source(base_url=f"{urls[2]}/api/public", api_key="f"), "raw_performance", tmp_path, "ff")
        run(
            culture_amp_source(base_url=f"{urls[3]}/v1", client_id="c", client_secret="s"),
            "raw_performance",
            tmp_path,
            "ca",
        )
        run(
            workday_source(
                report_url=f"{urls[4]}{WORKDAY_REPORT_PATH}", username="u", password="p", as_of=max(data["workday"])
            ),
            "raw_hris",
            tmp_path,
            "wd",
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    found = set(rows(tmp_path, "select source, resource, field, change from raw_performance.schema_changes"))
    found |= set(rows(tmp_path, "select source, resource, field, change from raw_hris.schema_changes"))
    assert found == {
        ("lattice", "goals", "targetValue", "missing"),
        ("lattice", "goals", "target", "added"),
        ("lattice", "users", "pronouns", "added"),
        ("bamboohr", "job_info", "payGrade", "added"),
        ("fifteen_five", "checkins", "pulse", "missing"),
        ("fifteen_five", "checkins", "mood", "added"),
        ("culture_amp", "culture_amp_manager_reviews", "calibrated", "added"),
        ("workday", "workday_workers", "Business_Title", "missing"),
        ("workday", "workday_workers", "Job_Title", "added"),
    }
    # Reported once per load, and the renamed field's values still load under the new name.
    assert count(tmp_path, "select count(*) from raw_performance.goals where target is not null") > 0
    assert count(tmp_path, "select count(*) from raw_hris.workday_workers where job_title is not null") > 0


def test_framework_file_with_a_renamed_column_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "framework"
    folder.mkdir()
    root = ROOT / "framework"
    for name in ("capabilities.csv", "required_levels.csv", "course_capabilities.csv"):
        (folder / name).write_text((root / name).read_text())
    lines = (root / "job_profiles.csv").read_text().splitlines()
    (folder / "job_profiles.csv").write_text("\n".join([lines[0].replace("job_family", "family"), *lines[1:]]) + "\n")
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    assert set(rows(tmp_path, "select resource, field, change from raw_framework.schema_changes")) == {
        ("job_profiles", "job_family", "missing"),
        ("job_profiles", "family", "added"),
    }
    # The rows lack a required column now: quarantined, not loaded with a hole.
    assert sum(reasons(tmp_path, "raw_framework", "job_profiles").values()) == len(lines) - 1
