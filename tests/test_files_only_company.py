"""A company with no HRIS API: the generated company's HR history arrives as a file
export (Latin-1, a title row, US dates M/D/YYYY, managers by name), then its monthly
snapshot exports without a date column, through the real HR file drop connector and the
shipped mappings; Lattice, the LRS and the framework load as usual. The warehouse's
`dim_employee` must give every person's employment spells, terminations and current
manager as the generator made them (`demo.hr_exports.files_only_truth`).

The hand-computed cases of each model rule are in test_hr_system_of_record.py; this test
shows the whole route, from a customer's export files to the marts, on a company of 200.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest

from demo.generator import DemoCompany
from demo.hr_exports import files_only_truth, write_history_export, write_snapshot_exports
from ingestion.framework import framework_source
from ingestion.hr_files import hr_files_source
from ingestion.lattice import lattice_source
from ingestion.lrs import lrs_source
from tests.test_dbt_duckdb import dbt, summary

pytestmark = pytest.mark.slow
# No Docebo or finance in this company; BambooHR and Workday switched off.
EXCLUDE = ["--exclude", "source:raw_finance+", "source:raw_lms.docebo_*+"]


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def load(path: Path, work: Path, dataset: str, name: str, source) -> None:
    pipeline = dlt.pipeline(
        pipeline_name=f"files_only_{name}",
        destination=dlt.destinations.duckdb(str(path)),
        dataset_name=dataset,
        pipelines_dir=str(work / "pipelines"),
    )
    pipeline.run(source)


def build(path: Path, work: Path) -> dict[str, int]:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(path),
        "HR_SYSTEM_OF_RECORD": "files",
        "DISABLED_SOURCES": "bamboohr,workday",
    }
    result = dbt(["build", "--target", "duckdb", *EXCLUDE], env, work)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    counts = summary(result)
    assert counts["error"] == 0 and counts["skip"] == 0, counts
    return counts


def spells(path: Path) -> dict[str, list[tuple]]:
    """(hire_date, termination_date) per employee, as dim_employee's versions carry them."""
    found = rows(
        path,
        "select distinct employee_id, hire_date, termination_date from marts.dim_employee where hire_date is not null",
    )
    by_person: dict[str, list[tuple]] = defaultdict(list)
    for employee_id, hire, termination in found:
        by_person[employee_id].append((hire, termination))
    return {k: sorted(v) for k, v in by_person.items()}


def current_managers(path: Path) -> dict[str, str | None]:
    return dict(rows(path, "select employee_id, manager_employee_id from marts.dim_employee where is_current"))


@pytest.fixture(scope="module")
def files_company(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    company: DemoCompany = request.getfixturevalue("small_company")
    vendors, ralph = request.getfixturevalue("vendors"), request.getfixturevalue("ralph")
    work = tmp_path_factory.mktemp("files_only")
    path, drop = work / "warehouse.duckdb", work / "hr_drop"
    history = write_history_export(company, drop)
    first_line = history.read_bytes().decode("latin-1").splitlines()[0]
    assert not first_line.startswith("Employee No")  # a title row above the header
    lattice = lattice_source(base_url=vendors.lattice_url, api_token=vendors.token)
    load(path, work, "raw_performance", "lattice", lattice)
    load(path, work, "raw_lms", "lrs", lrs_source(base_url=ralph.url, username=ralph.username, password=ralph.password))
    load(path, work, "raw_framework", "framework", framework_source())
    load(path, work, "raw_hris", "hr_files", hr_files_source(folder=str(drop)))
    build(path, work)
    after_history = {"spells": spells(path), "managers": current_managers(path)}
    # Then the monthly worker lists arrive too (no date column: the as-of date is in the name).
    snapshots = write_snapshot_exports(company, drop)
    load(path, work, "raw_hris", "hr_files", hr_files_source(folder=str(drop)))
    build(path, work)
    return {
        "path": path,
        "truth": files_only_truth(company),
        "after_history": after_history,
        "snapshots": snapshots,
        "history": history,
    }


def test_the_exports_load_whole(files_company: dict) -> None:
    path = files_company["path"]
    units = dict(
        rows(
            path,
            "select unit, struct_pack(received, loaded, quarantined, rejected) from raw_hris.load_reconciliation"
            " where received > 0",
        )
    )
    names = [files_company["history"].name, *(p.name for p in files_company["snapshots"])]
    assert sorted(units) == sorted(names)
    for name in names:
        unit = units[name]
        assert not unit["rejected"] and unit["quarantined"] == 0 and unit["loaded"] == unit["received"] > 0, name
    shapes = dict(rows(path, "select shape, count(distinct source_file) from raw_hris.hr_file_records group by shape"))
    assert shapes == {"history": 1, "snapshot": 3}


def test_spells_and_terminations_from_the_history_export(files_company: dict) -> None:
    truth = files_company["truth"]
    expected = {
        number: sorted((s["hire_date"], s["termination_date"]) for s in person["spells"])
        for number, person in truth.items()
    }
    got = files_company["after_history"]["spells"]
    assert got == expected
    # the company has re-hires and leavers of both kinds: the comparison above covers them
    assert sum(len(v) > 1 for v in expected.values()) >= 1
    kinds = {s["termination_type"] for person in truth.values() for s in person["spells"]}
    assert {"voluntary", "involuntary"} <= kinds


def test_termination_types_reach_the_model(files_company: dict) -> None:
    truth = files_company["truth"]
    expected = sorted(
        (number, s["termination_date"], s["termination_type"])
        for number, person in truth.items()
        for s in person["spells"]
        if s["termination_date"] is not None
    )
    got = rows(
        files_company["path"],
        "select employee_id, effective_on, termination_type from intermediate.int_people__hr_employment_events"
        " where is_termination order by 1, 2",
    )
    assert sorted(got) == expected


def test_managers_by_name_resolve_where_the_name_is_unique(files_company: dict) -> None:
    truth = files_company["truth"]
    managers = files_company["after_history"]["managers"]
    assert set(managers) == set(truth)
    for number, person in truth.items():
        if person["manager_name_is_unique"]:
            assert managers[number] == person["manager_employee_number"], number
        else:
            assert managers[number] is None, number


def test_snapshots_beside_the_history_change_no_spell_and_fill_managers_by_number(files_company: dict) -> None:
    path, truth = files_company["path"], files_company["truth"]
    assert spells(path) == files_company["after_history"]["spells"]
    # people employed on the last snapshot day have their manager by number from it
    last_day = date(2026, 10, 31)
    managers = current_managers(path)
    for number, person in truth.items():
        employed = any(
            s["hire_date"] <= last_day and (s["termination_date"] is None or s["termination_date"] > last_day)
            for s in person["spells"]
        )
        if employed and person["manager_name_is_unique"]:
            assert managers[number] == person["manager_employee_number"], number


def test_hr_only_marts_are_built(files_company: dict) -> None:
    path = files_company["path"]
    current = rows(path, "select count(*) from marts.dim_employee where is_current and termination_date is null")[0][0]
    truth = files_company["truth"]
    active = sum(1 for person in truth.values() if person["spells"][-1]["termination_date"] is None)
    assert current == active
    assert rows(path, "select count(*) from marts.dim_org_unit")[0][0] > 0
    assert rows(path, "select count(*) from marts.mart_retention")[0][0] > 0
    # people are matched to Lattice and the LRS by work email, as with an HRIS
    report = dict(rows(path, "select source_system, matched_count from marts.mart_identity_match_report"))
    assert report["lms"] > 0 and report["performance"] > 0
