"""The warehouse built on each HR system of record (`HR_SYSTEM_OF_RECORD`): BambooHR only,
Workday only, and the HR file drop only (no HRIS API at all).

* BambooHR only: the session's DuckDB build (tests/test_dbt_duckdb.py) rebuilt with the
  other HR systems switched off gives the same marts, row for row.
* Workday only: the small generated company's Workday report (three monthly snapshots of
  the Sales Americas entity), Lattice, the LRS and the framework loaded with the real
  connectors; BambooHR switched off. Two workers are edited out of snapshots after the
  load: one leaves after September, one is missing from September only (left, came back).
* Files only: hand-written `raw_hris.hr_file_records` beside the hand-made org of
  tests/test_marts_handmade.py (its Lattice, LRS and framework tables), first as history
  exports, then as snapshot exports. Every expected value below is worked out by hand in
  the comments.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import dlt
import duckdb
import pytest

from demo.emulators import load_demo
from ingestion.framework import framework_source
from ingestion.lattice import lattice_source
from ingestion.lrs import lrs_source
from tests.test_dbt_duckdb import dbt, duckdb_build_once, mart_names, summary
from tests.test_dbt_postgres import postgres  # noqa: F401  (the throwaway PostgreSQL server fixture)
from tests.test_marts_handmade import write_raw

pytestmark = pytest.mark.slow


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def build(path: Path, work: Path, system: str, disabled: str, *extra: str) -> None:
    """`dbt build` on `path` with the HR system of record and DISABLED_SOURCES set; fails the
    test with dbt's output unless every model and test passes."""
    env = {**os.environ, "WAREHOUSE_PATH": str(path), "HR_SYSTEM_OF_RECORD": system, "DISABLED_SOURCES": disabled}
    result = dbt(["build", "--target", "duckdb", *extra], env, work)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    counts = summary(result)
    assert counts["error"] == 0 and counts["skip"] == 0, counts


def inactive_gaps(path: Path) -> int:
    """Not-employed versions between two employment periods of one person."""
    return rows(
        path, "select count(*) from marts.dim_employee where employment_status = 'Inactive' and not is_current"
    )[0][0]


def versions(path: Path, employee_id: str) -> list[tuple]:
    """dim_employee rows of one person: valid_from, valid_to, status, hire, termination,
    job profile, manager, current."""
    return rows(
        path,
        "select cast(valid_from as text), cast(valid_to as text), employment_status, cast(hire_date as text),"
        " cast(termination_date as text), job_profile_id, manager_employee_id, is_current"
        f" from marts.dim_employee where employee_id = '{employee_id}' order by valid_from",
    )


# -- The setting -----------------------------------------------------------------------------


def test_the_setting_is_validated_and_decides_what_is_core() -> None:
    from orchestration.settings import (
        SourceSettingsError,
        core_sources,
        disabled_sources,
        hr_system_of_record,
        optional_sources,
    )

    assert hr_system_of_record("") == "bamboohr"
    assert hr_system_of_record(" Workday ") == "workday"
    assert hr_system_of_record("hr_files") == "files"
    with pytest.raises(SourceSettingsError, match="unknown HR system 'wrkday'"):
        hr_system_of_record("wrkday")
    assert core_sources("workday") == ("workday", "lrs", "lattice", "framework")
    assert optional_sources("files")[:2] == ("bamboohr", "workday")
    assert disabled_sources("bamboohr, hr_files", system="workday") == {"bamboohr", "hr_files"}
    with pytest.raises(SourceSettingsError, match="workday cannot be switched off"):
        disabled_sources("workday", system="workday")
    with pytest.raises(SourceSettingsError, match="hr_files cannot be switched off"):
        disabled_sources("hr_files", system="files")
    with pytest.raises(SourceSettingsError, match="bamboohr cannot be switched off"):
        disabled_sources("bamboohr", system="bamboohr")


@pytest.mark.parametrize(
    ("system", "disabled", "message"),
    [
        ("wrkday", "", "HR_SYSTEM_OF_RECORD: unknown HR system 'wrkday'"),
        ("files", "hr_files", "hr_files cannot be switched off: it is the HR system of record"),
    ],
)
def test_dbt_refuses_an_unknown_or_switched_off_system_of_record(
    system: str, disabled: str, message: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "HR_SYSTEM_OF_RECORD": system,
        "DISABLED_SOURCES": disabled,
    }
    result = dbt(["parse"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]


def test_a_workday_only_company_gets_no_bamboohr_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_definitions import _graph_with

    monkeypatch.setenv("HR_SYSTEM_OF_RECORD", "workday")
    found = _graph_with("bamboohr,hr_files", tmp_path)
    materializable = {key for key, can in found["assets"].items() if can}
    bamboohr = {"raw_hris/employees", "raw_hris/job_info", "raw_hris/employment_status", "staging/stg_hris__employees"}
    assert not bamboohr & materializable
    assert "raw_hris/hr_file_records" not in materializable
    upstream, todo = set(), ["marts/dim_employee"]
    while todo:
        for parent in found["parents"][todo.pop()]:
            if parent not in upstream:
                upstream.add(parent)
                todo.append(parent)
    assert {"raw_hris/workday_workers", "intermediate/int_people__hr_employees"} <= upstream
    assert set(found["job"]) == materializable


# -- BambooHR only ---------------------------------------------------------------------------


def test_bamboohr_only_company_gets_the_same_marts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    default = duckdb_build_once(request, tmp_path_factory)
    assert default["result"].returncode == 0, default["result"].stdout[-4000:]
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(default["path"], path)
    build(path, tmp_path, "bamboohr", "workday,hr_files,culture_amp,fifteen_five")
    # fct_check_in and mart_check_in_cadence are 15Five's marts: not built without it.
    # Every other mart is the same.
    marts = [name for name in mart_names() if name not in ("fct_check_in", "mart_check_in_cadence")]
    with duckdb.connect() as con:
        con.execute(f"attach '{default['path']}' as before (read_only)")
        con.execute(f"attach '{path}' as after (read_only)")
        for name in marts:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns"
                f" where table_catalog = 'before' and table_schema = 'marts' and table_name = '{name}'"
            ).fetchall()
            listed = ", ".join(f'round("{c}", 6)' if t == "DOUBLE" else f'"{c}"' for c, t in columns)
            for one, other in (("before", "after"), ("after", "before")):
                differ = con.execute(
                    f"select count(*) from (select {listed} from {one}.marts.{name}"
                    f" except all select {listed} from {other}.marts.{name})"
                ).fetchone()[0]
                assert differ == 0, f"{name}: {differ} rows only in {one}"
    assert rows(path, "select hr_system_of_record, is_snapshot_history from marts.mart_hr_data_health") == [
        ("bamboohr", False)
    ]


# -- Workday only ----------------------------------------------------------------------------

# positions (by Workday id) of the workers edited after the load: two taken out of snapshots,
# one without the legacy employee number (keyed by the Workday id)
LEAVER, GAP, UNNUMBERED = 0, 1, 2


@pytest.fixture(scope="module")
def workday_company(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    from ingestion.workday import workday_source

    work = tmp_path_factory.mktemp("workday_only")
    path = work / "warehouse.duckdb"
    vendors, ralph = request.getfixturevalue("vendors"), request.getfixturevalue("ralph")
    people_tools, demo_dir = request.getfixturevalue("people_tools"), request.getfixturevalue("demo_dir")
    snapshots = load_demo(demo_dir)["workday"]
    loads = [
        ("raw_performance", "lattice", lattice_source(base_url=vendors.lattice_url, api_token=vendors.token)),
        ("raw_lms", "lrs", lrs_source(base_url=ralph.url, username=ralph.username, password=ralph.password)),
        ("raw_framework", "framework", framework_source()),
    ]
    for as_of in sorted(snapshots):
        source = workday_source(
            report_url=people_tools.workday_url,
            username=people_tools.workday_user,
            password=people_tools.workday_password,
            as_of=as_of,
        )
        loads.append(("raw_hris", "workday", source))
    for dataset, name, source in loads:
        pipeline = dlt.pipeline(
            pipeline_name=f"hr_sor_{dataset}_{name}",
            destination=dlt.destinations.duckdb(str(path)),
            dataset_name=dataset,
            pipelines_dir=str(work / "pipelines"),
        )
        pipeline.run(source)
    days = sorted(snapshots)
    workers = sorted({r["Employee_ID"] for day in days for r in snapshots[day] if r["Employee_ID"]})
    leaver, gap, unnumbered = workers[LEAVER], workers[GAP], workers[UNNUMBERED]
    removed = {(leaver, days[2]), (gap, days[1])}
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"update raw_hris.workday_workers set legacy_employee_number = null where employee_id = '{unnumbered}'"
        )
        # the leaver is not in the last report; the other one is missing from the middle one
        for worker, day in removed:
            con.execute(
                f"delete from raw_hris.workday_workers where employee_id = '{worker}' and snapshot_on = '{day}'"
            )
    build(path, work, "workday", "bamboohr,hr_files", "--exclude", "source:raw_finance+", "source:raw_lms.docebo_*+")
    # each worker's last listing, as the warehouse now holds the reports
    latest = {
        r["Employee_ID"]: r
        for day in days
        for r in snapshots[day]
        if r["Employee_ID"] and (r["Employee_ID"], day) not in removed
    }
    keys = {worker: worker if worker == unnumbered else row["Legacy_Employee_Number"] for worker, row in latest.items()}
    return {
        "path": path,
        "days": days,
        "latest": latest,
        "keys": keys,
        "leaver": leaver,
        "gap": gap,
        "unnumbered": unnumbered,
        "demo_dir": demo_dir,
    }


def test_workday_only_people_are_the_workers_keyed_by_their_legacy_number(workday_company: dict) -> None:
    path, latest = workday_company["path"], workday_company["latest"]
    # the legacy employee number, else (the worker whose number was removed) the Workday id
    numbers = workday_company["keys"]
    assert numbers[workday_company["unnumbered"]] == workday_company["unnumbered"]
    current = rows(path, "select employee_id, work_email from marts.dim_employee where is_current order by 1")
    assert current == sorted((numbers[w], row["Email_-_Primary_Work"].lower()) for w, row in latest.items())
    # Managers by Workday id, mapped to their legacy number; a manager outside the report is unknown.
    expected_managers = sorted((numbers[w], numbers.get(row["Manager_Employee_ID"])) for w, row in latest.items())
    found = rows(path, "select employee_id, manager_employee_id from marts.dim_employee where is_current order by 1")
    assert found == expected_managers
    assert any(manager is None for _, manager in found) and any(manager for _, manager in found)


def test_workday_only_leavers_and_returns_come_from_the_snapshots(workday_company: dict) -> None:
    path, days, latest = workday_company["path"], workday_company["days"], workday_company["latest"]
    keys = workday_company["keys"]
    leaver, gap = workday_company["leaver"], workday_company["gap"]
    # Not in the 31 October report: left after the last report listing them (30 September).
    hired = latest[leaver]["Hire_Date"]
    assert [(v[0], v[1], v[2], v[3], v[4], v[7]) for v in versions(path, keys[leaver])] == [
        (hired, None, "Inactive", hired, days[1], True)
    ]
    # Missing from the 30 September report only: terminated 31 August, not employed until the
    # 31 October report lists them again (re-hired that day: the report keeps the old hire date).
    hired = latest[gap]["Hire_Date"]
    assert [(v[0], v[1], v[2], v[3], v[4], v[7]) for v in versions(path, keys[gap])] == [
        (hired, days[0], "Active", hired, days[0], False),
        ("2026-09-01", "2026-10-30", "Inactive", hired, days[0], False),
        (days[2], None, "Active", days[2], None, True),
    ]
    others = rows(
        path,
        "select count(*) from marts.dim_employee where is_current and termination_date is null"
        " and employment_status = 'Active'",
    )
    assert others == [(len(latest) - 1,)]
    assert inactive_gaps(path) == 1


def test_workday_only_identity_and_data_health(workday_company: dict) -> None:
    path, latest = workday_company["path"], workday_company["latest"]
    numbers = set(workday_company["keys"].values())
    emails = {row["Email_-_Primary_Work"].lower() for row in latest.values()}
    users = json.loads((workday_company["demo_dir"] / "lattice.json").read_text())["users"]
    # Lattice users resolve by their HRIS number (the workers' legacy number), else by email.
    matched = sum(1 for u in users if u.get("externalUserId") in numbers or (u.get("email") or "").lower() in emails)
    report = dict(
        (system, (identities, found))
        for system, identities, found in rows(
            path, "select source_system, identity_count, matched_count from marts.mart_identity_match_report"
        )
    )
    assert report["hris"] == (len(latest), len(latest))
    assert report["performance"] == (len(users), matched)
    assert "workday" not in report  # the workers are the `hris` rows
    assert matched >= len(latest) - 1
    # The manager outside the report is counted on every job record naming them.
    outside = {row["Manager_Employee_ID"] for row in latest.values()} - set(latest)
    health = rows(
        path,
        "select hr_system_of_record, snapshot_count, cast(first_snapshot_on as text), cast(last_snapshot_on as text),"
        " is_snapshot_history, manager_unknown_count > 0, manager_ambiguous_count from marts.mart_hr_data_health",
    )
    assert health == [("workday", 3, "2026-08-31", "2026-10-31", True, bool(outside), 0)]


# -- Files only ------------------------------------------------------------------------------
#
# The hand-made org of tests/test_marts_handmade.py (Lattice users, reviews, LRS statements
# and framework for Ada, Bea and Cy), with no HRIS: its people come from HR exports instead.
# Department Analytics in division Data everywhere (org unit `data-analytics`); job profiles
# da_1 = Data Analyst I, da_2 = Data Analyst II.

FILE_COLUMNS = {
    "file_sha256": "text",
    "source_line": "bigint",
    "source_file": "text",
    "mapping_name": "text",
    "mapping_version": "text",
    "shape": "text",
    "snapshot_on": "date",
    "employee_number": "text",
    "first_name": "text",
    "last_name": "text",
    "full_name": "text",
    "work_email": "text",
    "effective_date": "date",
    "hire_date": "date",
    "original_hire_date": "date",
    "termination_date": "date",
    "termination_reason": "text",
    "termination_type": "text",
    "employment_status": "text",
    "job_title": "text",
    "job_code": "text",
    "department": "text",
    "division": "text",
    "cost_centre": "text",
    "location": "text",
    "manager_employee_number": "text",
    "manager_name": "text",
    "fte": "decimal(18, 4)",
    "weekly_hours": "decimal(18, 4)",
    "pay_amount": "decimal(18, 4)",
    "pay_currency": "text",
    "pay_frequency": "text",
    "gender": "text",
    "age_band": "text",
    "ethnicity": "text",
    "birth_year": "bigint",
    "snapshot_date": "date",
    "_dlt_load_id": "text",
    "_dlt_id": "text",
}
PEOPLE = {
    # number: (first, last, email)
    "E00001": ("Ada", "Boss", "ada.boss@example.com"),
    "E00002": ("Bea", "Learner", "bea.learner@example.com"),
    "E00003": ("Cy", "Other", "cy.other@example.com"),
    "E00004": ("Sam", "Lee", "sam.lee@example.com"),
    "E00005": ("Sam", "Lee", "samuel.lee@example.com"),
    "E00006": ("Dee", "Jay", "dee.jay@example.com"),
}
DA1, DA2 = "Data Analyst I", "Data Analyst II"


def person(number: str) -> dict:
    first, last, email = PEOPLE[number]
    return {
        "employee_number": number,
        "first_name": first,
        "last_name": last,
        "work_email": email,
        "department": "Analytics",
        "division": "Data",
        "location": "Remote",
    }


def write_files(path: Path, files: list[tuple[str, str, str, str | None, list[dict]]]) -> None:
    """The hand-made org's Lattice, LRS and framework tables without its BambooHR tables, and
    `raw_hris.hr_file_records` from (file name, load id, shape, snapshot date, rows)."""
    write_raw(path)
    with duckdb.connect(str(path)) as con:
        con.execute("drop table raw_hris.employees")
        con.execute("drop table raw_hris.job_info")
        con.execute(
            "create table raw_hris.hr_file_records ("
            + ", ".join(f"{name} {kind}" for name, kind in FILE_COLUMNS.items())
            + ")"
        )
        for name, load_id, shape, snapshot_on, file_rows in files:
            for line, row in enumerate(file_rows, start=2):
                record = {
                    **row,
                    "file_sha256": f"sha-{name}",
                    "source_line": line,
                    "source_file": name,
                    "mapping_name": "test",
                    "mapping_version": "1",
                    "shape": shape,
                    "snapshot_on": snapshot_on,
                    "_dlt_load_id": load_id,
                    "_dlt_id": f"{name}-{line}",
                }
                columns = list(record)
                con.execute(
                    f"insert into raw_hris.hr_file_records ({', '.join(columns)})"
                    f" values ({', '.join('?' for _ in columns)})",
                    [record[c] for c in columns],
                )


def build_files_company(work: Path, files: list) -> Path:
    path = work / "warehouse.duckdb"
    write_files(path, files)
    # No Docebo or finance data (as in the hand-made org); BambooHR and Workday switched off.
    exclude = ["--exclude", "source:raw_finance+", "source:raw_lms.docebo_*+"]
    build(path, work, "files", "bamboohr,workday", *exclude)
    return path


# History exports. Two exports of changes (one row per change, effective_date): the June
# one (loaded first), and the December one that re-sends every June row (identical rows
# collapse) except Cy's, whose department the June export misspelt ("Analytcs": the later
# export wins), and adds the changes since. A third export, loaded with the December one,
# has one row per employment spell (no effective date) for the two Sam Lees.
#   Ada  E00001 hired 2020-01-01, Data Analyst II, no manager.
#   Bea  E00002 hired 2024-01-15 (DA I, manager "Ada Boss"), promoted 2024-07-01 (DA II,
#        manager "Boss, Ada": the `Last, First` form resolves too).
#   Cy   E00003 hired 2024-01-01, DA I, manager by number E00001.
#   Sam  E00004 spell 1: hired 2022-03-01 (DA I), left 2023-05-31 (voluntary,
#        resignation); spell 2: re-hired 2024-02-01 (DA II). Manager "Ada Boss".
#   Sam  E00005 hired 2021-06-01 (DA I), dismissed 2024-09-30 (involuntary). Two people
#        are called Sam Lee: the name is ambiguous.
#   Dee  E00006 hired 2023-01-01, DA I: manager "Sam Lee" (ambiguous: null), from
#        2024-04-01 "cy other" (E00003, case-insensitive), from 2024-10-01 "Zed Nobody"
#        (unknown: null).
ADA = {**person("E00001"), "effective_date": "2020-01-01", "hire_date": "2020-01-01", "job_title": DA2}
BEA_HIRED = {**person("E00002"), "effective_date": "2024-01-15", "hire_date": "2024-01-15", "job_title": DA1}
BEA_HIRED |= {"manager_name": "Ada Boss"}
BEA_PROMOTED = {**BEA_HIRED, "effective_date": "2024-07-01", "job_title": DA2, "manager_name": "Boss, Ada"}
CY = {**person("E00003"), "effective_date": "2024-01-01", "hire_date": "2024-01-01", "job_title": DA1}
CY |= {"manager_employee_number": "E00001"}
DEE = {**person("E00006"), "effective_date": "2023-01-01", "hire_date": "2023-01-01", "job_title": DA1}
DEE |= {"manager_name": "Sam Lee"}
SPELLS = [
    {**person("E00004"), "hire_date": "2022-03-01", "termination_date": "2023-05-31", "job_title": DA1}
    | {"termination_type": "voluntary", "termination_reason": "Resignation", "manager_name": "Ada Boss"},
    {**person("E00004"), "hire_date": "2024-02-01", "job_title": DA2, "manager_name": "Ada Boss"},
    {**person("E00005"), "hire_date": "2021-06-01", "termination_date": "2024-09-30", "job_title": DA1}
    | {"termination_type": "involuntary", "termination_reason": "Dismissal", "manager_name": "Ada Boss"},
]
HISTORY_FILES = [
    ("hr_history_2024-06.csv", "1719792000.1", "history", None, [ADA, BEA_HIRED, CY | {"department": "Analytcs"}, DEE]),
    (
        "hr_history_2024-12.csv",
        "1735603200.1",
        "history",
        None,
        [
            ADA,
            BEA_HIRED,
            BEA_PROMOTED,
            CY,
            DEE,
            DEE | {"effective_date": "2024-04-01", "manager_name": "cy other"},
            DEE | {"effective_date": "2024-10-01", "manager_name": "Zed Nobody"},
        ],
    ),
    ("hr_leavers.csv", "1735603200.1", "history", None, SPELLS),
]


@pytest.fixture(scope="module")
def files_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_files_company(tmp_path_factory.mktemp("files_history"), HISTORY_FILES)


def test_files_history_gives_versions_periods_and_managers(files_history: Path) -> None:
    path = files_history
    # (valid_from, valid_to, status, hire, termination, job profile, manager, current)
    assert versions(path, "E00001") == [("2020-01-01", None, "Active", "2020-01-01", None, "da_2", None, True)]
    assert versions(path, "E00002") == [
        ("2024-01-15", "2024-06-30", "Active", "2024-01-15", None, "da_1", "E00001", False),
        ("2024-07-01", None, "Active", "2024-01-15", None, "da_2", "E00001", True),
    ]
    assert versions(path, "E00003") == [("2024-01-01", None, "Active", "2024-01-01", None, "da_1", "E00001", True)]
    # the re-hire: the first spell ends on the termination day, one Inactive version fills
    # the gap until the re-hire, the second spell carries its own hire date
    assert versions(path, "E00004") == [
        ("2022-03-01", "2023-05-31", "Active", "2022-03-01", "2023-05-31", "da_1", "E00001", False),
        ("2023-06-01", "2024-01-31", "Inactive", "2022-03-01", "2023-05-31", None, None, False),
        ("2024-02-01", None, "Active", "2024-02-01", None, "da_2", "E00001", True),
    ]
    # the dismissed one keeps their last state as the current row, with the termination date
    assert versions(path, "E00005") == [
        ("2021-06-01", None, "Inactive", "2021-06-01", "2024-09-30", "da_1", "E00001", True)
    ]
    # "Sam Lee" is two people: no manager; "cy other" is Cy; "Zed Nobody" is nobody
    assert versions(path, "E00006") == [
        ("2023-01-01", "2024-03-31", "Active", "2023-01-01", None, "da_1", None, False),
        ("2024-04-01", "2024-09-30", "Active", "2023-01-01", None, "da_1", "E00003", False),
        ("2024-10-01", None, "Active", "2023-01-01", None, "da_1", None, True),
    ]
    assert inactive_gaps(path) == 1
    # the misspelt department of the June export lost to the December one
    assert rows(path, "select org_unit_id from marts.dim_org_unit") == [("data-analytics",)]


def test_files_history_terminations_and_data_health(files_history: Path) -> None:
    path = files_history
    events = rows(
        path,
        "select employee_id, cast(effective_on as text), is_termination, termination_reason, termination_type"
        " from intermediate.int_people__hr_employment_events where is_termination order by employee_id",
    )
    assert events == [
        ("E00004", "2023-05-31", True, "Resignation", "voluntary"),
        ("E00005", "2024-09-30", True, "Dismissal", "involuntary"),
    ]
    # job records naming a manager: Bea 2, Cy 1, Sam E00004 2, Sam E00005 1, Dee 3 = 9;
    # ambiguous: Dee's "Sam Lee"; unknown: Dee's "Zed Nobody"
    assert rows(
        path,
        "select hr_system_of_record, employee_count, active_employee_count, job_record_count, manager_given_count,"
        " manager_ambiguous_count, manager_unknown_count, cast(job_history_starts_on as text), snapshot_count,"
        " is_snapshot_history from marts.mart_hr_data_health",
    ) == [("files", 6, 5, 10, 9, 1, 1, "2020-01-01", 0, False)]


def test_files_history_feeds_the_marts_like_an_hris(files_history: Path) -> None:
    path = files_history
    # The same gap bands as the BambooHR hand-made org (tests/test_marts_handmade.py): Bea
    # meets the Analyst I bar in June and falls below the Analyst II bar after her promotion,
    # a gap that is not yet open: July falls in her new-in-role grace period.
    assert rows(
        path,
        "select cast(month_start_on as text), job_profile_id, required_level, manager_assessed_level,"
        " gap_levels, gap_band, is_open_gap from marts.mart_capability_gap"
        " where employee_id = 'E00002' and capability_id = 'communication'"
        " and month_start_on in ('2024-06-01', '2024-07-01', '2024-12-01') order by month_start_on",
    ) == [
        ("2024-06-01", "da_1", 2, 2, 0, "intermediate", False),
        ("2024-07-01", "da_2", 3, 2, 1, "low", False),
        ("2024-12-01", "da_2", 3, 3, 0, "intermediate", False),
    ]
    # Lattice and LRS people match the files' people by number and work email.
    assert rows(
        path,
        "select source_system, identity_count, matched_count, ambiguous_count, unmatched_count"
        " from marts.mart_identity_match_report order by source_system",
    ) == [("hris", 6, 6, 0, 0), ("lms", 3, 2, 0, 1), ("performance", 3, 3, 0, 0)]
    # Headcount from the employment periods: 1 June 2023 Ada, Sam E00005, Dee (Sam E00004
    # left on 31 May); 1 January 2024 also Cy (hired that day); 1 October 2024 Ada, Bea, Cy,
    # Sam E00004 (back since February), Dee (Sam E00005 was dismissed on 30 September).
    assert rows(
        path,
        "select cast(date_day as text), org_unit_id, headcount from intermediate.int_people__headcount_daily"
        " where date_day in ('2023-06-01', '2024-01-01', '2024-10-01') order by date_day",
    ) == [("2023-06-01", "data-analytics", 3), ("2024-01-01", "data-analytics", 4), ("2024-10-01", "data-analytics", 5)]
    # mart_retention reports only years with a year of learning before them: none here.
    assert rows(path, "select count(*) from marts.mart_retention") == [(0,)]
    # The files carry no protected characteristics and no pay.
    assert rows(path, "select count(*) from marts.dim_employee_protected") == [(0,)]
    assert rows(path, "select count(*) from intermediate.int_people__hr_pay") == [(0,)]


# Snapshot exports: the workers as of a date, no effective dates. The 30 June export is
# dropped twice (a re-export with another name and hash: its rows collapse), then the
# 31 December one.
#   Ada  in both, hired 2020-01-01; paid 6 000 a month, 6 300 from the December export;
#        gender F, born 1980 (age band 35-44 in 2024).
#   Bea  hired 2024-01-15, DA I in June, DA II in December: the promotion is dated by the
#        first snapshot showing it (31 December); age band 25-34, 35-44 in December.
#   Cy   no hire date in either export: hired as of the first snapshot listing him
#        (30 June); paid 20.00 an hour in both (one pay row).
#   Sam  E00004 in June only: left after it, terminated on 30 June (the last snapshot
#        listing him).
#   Sam  E00005 listed in December as a leaver with termination date 15 November
#        (involuntary): the given date wins over the snapshot's.
#   Dee  E00006 new in December, hired 2024-09-01, manager "Sam Lee" (ambiguous).
def snapshot_row(number: str, **values) -> dict:
    return {**person(number), "job_title": DA1, **values}


JUNE = [
    snapshot_row("E00001", hire_date="2020-01-01", job_title=DA2, gender="F", birth_year=1980)
    | {"pay_amount": 6000, "pay_frequency": "Monthly", "pay_currency": "EUR", "fte": 1},
    snapshot_row("E00002", hire_date="2024-01-15", manager_name="Ada Boss", gender="F", age_band="25-34"),
    snapshot_row("E00003", manager_employee_number="E00001", pay_amount=20, pay_frequency="hourly"),
    snapshot_row("E00004", hire_date="2022-03-01", manager_name="Ada Boss"),
    snapshot_row("E00005", hire_date="2021-06-01", manager_name="Ada Boss"),
]
DECEMBER = [
    JUNE[0] | {"pay_amount": 6300},
    JUNE[1] | {"job_title": DA2, "age_band": "35-44"},
    JUNE[2],
    JUNE[4] | {"termination_date": "2024-11-15", "termination_type": "involuntary"},
    snapshot_row("E00006", hire_date="2024-09-01", manager_name="Sam Lee"),
]
SNAPSHOT_FILES = [
    ("hr_snapshot_2024-06-30.csv", "1719792000.1", "snapshot", "2024-06-30", JUNE),
    ("hr_snapshot_2024-06-30 (1).csv", "1719800000.1", "snapshot", "2024-06-30", JUNE),
    ("hr_snapshot_2024-12-31.csv", "1735603200.1", "snapshot", "2024-12-31", DECEMBER),
]


@pytest.fixture(scope="module")
def files_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_files_company(tmp_path_factory.mktemp("files_snapshots"), SNAPSHOT_FILES)


def test_files_snapshots_become_versions_dated_by_the_snapshots(files_snapshots: Path) -> None:
    path = files_snapshots
    assert versions(path, "E00001") == [("2020-01-01", None, "Active", "2020-01-01", None, "da_2", None, True)]
    assert versions(path, "E00002") == [
        ("2024-01-15", "2024-12-30", "Active", "2024-01-15", None, "da_1", "E00001", False),
        ("2024-12-31", None, "Active", "2024-01-15", None, "da_2", "E00001", True),
    ]
    assert versions(path, "E00003") == [("2024-06-30", None, "Active", "2024-06-30", None, "da_1", "E00001", True)]
    assert versions(path, "E00004") == [
        ("2022-03-01", None, "Inactive", "2022-03-01", "2024-06-30", "da_1", "E00001", True)
    ]
    assert versions(path, "E00005") == [
        ("2021-06-01", None, "Inactive", "2021-06-01", "2024-11-15", "da_1", "E00001", True)
    ]
    assert versions(path, "E00006") == [("2024-09-01", None, "Active", "2024-09-01", None, "da_1", None, True)]
    assert inactive_gaps(path) == 0
    assert rows(
        path,
        "select employee_id, cast(effective_on as text), termination_type"
        " from intermediate.int_people__hr_employment_events where is_termination order by employee_id",
    ) == [("E00004", "2024-06-30", None), ("E00005", "2024-11-15", "involuntary")]
    # job records: Ada 1, Bea 2, Cy 1, Sam 1, Sam 1, Dee 1 = 7; all but Ada's name a manager
    assert rows(
        path,
        "select job_record_count, manager_given_count, manager_ambiguous_count, manager_unknown_count,"
        " snapshot_count, cast(first_snapshot_on as text), cast(last_snapshot_on as text), is_snapshot_history"
        " from marts.mart_hr_data_health",
    ) == [(7, 6, 1, 0, 2, "2024-06-30", "2024-12-31", True)]


def test_files_snapshots_pay_and_protected_characteristics(files_snapshots: Path) -> None:
    path = files_snapshots
    # 6 000 a month = 72 000 a year, / 1 720 h = 41.86 an hour; 6 300 = 75 600, 43.95; Cy is
    # paid by the hour (unchanged in December: one row).
    assert rows(
        path,
        "select employee_id, cast(valid_from as text), cast(valid_to as text), annual_full_time_pay_amount,"
        " round(hourly_pay_amount, 4), currency_code from intermediate.int_people__hr_pay order by 1, 2",
    ) == [
        ("E00001", "2024-06-30", "2024-12-30", 72_000.0, round(72_000 / 1_720, 4), "EUR"),
        ("E00001", "2024-12-31", None, 75_600.0, round(75_600 / 1_720, 4), "EUR"),
        ("E00003", "2024-06-30", None, None, 20.0, "EUR"),
    ]
    # Protected characteristics only in the restricted mart, versioned like dim_employee.
    assert rows(
        path,
        "select employee_id, gender, age_band, birth_year, cast(valid_from as text), cast(valid_to as text),"
        " is_current from marts.dim_employee_protected order by 1, 5",
    ) == [
        ("E00001", "F", "35-44", 1980, "2024-06-30", None, True),
        ("E00002", "F", "25-34", None, "2024-06-30", "2024-12-30", False),
        ("E00002", "F", "35-44", None, "2024-12-31", None, True),
    ]
    dim_columns = {
        c for (c,) in rows(path, "select column_name from information_schema.columns where table_name = 'dim_employee'")
    }
    assert not dim_columns & {"gender", "age_band", "ethnicity", "birth_year"}


# -- The same on PostgreSQL ------------------------------------------------------------------

PG_TYPES = {
    "VARCHAR": "text",
    "DATE": "date",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "JSON": "jsonb",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
COMPARED = {
    "marts.dim_employee": "employee_key",
    "marts.dim_employee_protected": "employee_protected_key",
    "marts.mart_hr_data_health": "hr_system_of_record",
    "marts.mart_identity_match_report": "source_system",
    "intermediate.int_people__hr_employment_events": "employee_id, event_sequence",
    "intermediate.int_people__hr_job_records": "employee_id, effective_on",
    "intermediate.int_people__hr_pay": "employee_id, valid_from",
}


def pg_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    return PG_TYPES.get(duckdb_type, "text")


def copy_raw_to_postgres(source: Path, credentials: str) -> None:
    """Every raw_* table of the DuckDB file, with its column types, into PostgreSQL."""
    import psycopg2
    from psycopg2.extras import execute_values

    with duckdb.connect(str(source), read_only=True) as con, psycopg2.connect(credentials) as pg:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema like 'raw_%' and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        with pg.cursor() as cursor:
            for schema, table in tables:
                columns = con.execute(
                    "select column_name, data_type from information_schema.columns"
                    f" where table_schema = '{schema}' and table_name = '{table}' order by ordinal_position"
                ).fetchall()
                typed = ", ".join(f'"{name}" {pg_type(kind)}' for name, kind in columns)
                cursor.execute(f"create schema if not exists {schema}")
                cursor.execute(f'create table {schema}."{table}" ({typed})')
                data = con.execute(f'select * from {schema}."{table}"').fetchall()
                if data:
                    names = ", ".join(f'"{name}"' for name, _ in columns)
                    execute_values(cursor, f'insert into {schema}."{table}" ({names}) values %s', data)


def comparable(values: list[tuple]) -> list[tuple]:
    return sorted(
        tuple(round(float(v), 6) if isinstance(v, float) or type(v).__name__ == "Decimal" else v for v in row)
        for row in values
    )


@pytest.mark.postgres
@pytest.mark.parametrize("case", ["files_history", "files_snapshots", "workday_company"])
def test_the_hr_branches_give_the_same_rows_on_postgres(
    case: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    import psycopg2

    server = request.getfixturevalue("postgres")
    built = request.getfixturevalue(case)
    source = built["path"] if isinstance(built, dict) else built
    system, disabled = ("workday", "bamboohr,hr_files") if case == "workday_company" else ("files", "bamboohr,workday")
    database = f"hr_{case}"
    admin = psycopg2.connect(server.credentials)
    admin.autocommit = True  # create database cannot run in a transaction
    with admin.cursor() as cursor:
        cursor.execute(f"create database {database}")
    admin.close()
    credentials = server.credentials.rsplit("/", 1)[0] + f"/{database}"
    copy_raw_to_postgres(source, credentials)
    env = {**server.env(), "PGDATABASE": database, "HR_SYSTEM_OF_RECORD": system, "DISABLED_SOURCES": disabled}
    exclude = ["--exclude", "source:raw_finance+", "source:raw_lms.docebo_*+"]
    result = dbt(["build", "--target", "postgres", *exclude], env, tmp_path)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    with psycopg2.connect(credentials) as pg, pg.cursor() as cursor:
        for relation, order in COMPARED.items():
            cursor.execute(f"select * from {relation} order by {order}")
            on_postgres = comparable(cursor.fetchall())
            on_duckdb = comparable(rows(source, f"select * from {relation} order by {order}"))
            assert on_postgres == on_duckdb, relation
            optional = ("marts.dim_employee_protected", "intermediate.int_people__hr_pay")
            assert on_duckdb or relation in optional, f"{relation} is empty"
