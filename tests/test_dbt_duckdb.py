"""`dbt build` (models, data tests, unit tests) on a DuckDB file loaded by the real connectors.

The raw tables of the small generated org are loaded with the production dlt sources,
fed by the vendor emulators and a real ralph LRS (fixtures in conftest.py). The helpers
here are shared with test_dbt_postgres.py, which runs the same build on PostgreSQL and
compares the marts with this one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest

from demo.generator import DemoCompany
from ingestion.bamboohr import bamboohr_source
from ingestion.framework import framework_source
from ingestion.lattice import lattice_source
from ingestion.lrs import lrs_source

ROOT = Path(__file__).resolve().parents[1]
# DBT_PROJECT_DIR runs these tests against another copy of the project (e.g. a worktree).
DBT_PROJECT = Path(os.environ.get("DBT_PROJECT_DIR") or ROOT / "dbt_project")
DBT = Path(sys.executable).with_name("dbt")

pytestmark = pytest.mark.slow


def staged_sources() -> set[str]:
    """The source folders of models/staging: the raw data `dbt build` needs."""
    return {path.name for path in (DBT_PROJECT / "models" / "staging").iterdir() if path.is_dir()}


def load_raw(destination, pipelines_dir: Path, request: pytest.FixtureRequest) -> None:
    """Load every raw table the dbt project reads, with the production connectors, into
    `destination`. Vendor emulators and the LRS come from conftest.py's fixtures; sources
    whose staging folder is not in the project are not loaded."""
    vendors, ralph = request.getfixturevalue("vendors"), request.getfixturevalue("ralph")
    loads = [
        ("raw_hris", "bamboohr", bamboohr_source(base_url=vendors.bamboohr_url, api_key=vendors.key)),
        ("raw_performance", "lattice", lattice_source(base_url=vendors.lattice_url, api_token=vendors.token)),
        ("raw_lms", "lrs", lrs_source(base_url=ralph.url, username=ralph.username, password=ralph.password)),
        ("raw_framework", "framework", framework_source()),
    ]
    staged = staged_sources()
    if "docebo" in staged:
        from ingestion.docebo import docebo_source

        docebo = request.getfixturevalue("docebo")
        source = docebo_source(base_url=docebo.url, client_id=docebo.client_id, client_secret=docebo.client_secret)
        loads.append(("raw_lms", "docebo", source))
    if "learnupon" in staged:
        from ingestion.learnupon import learnupon_source

        learnupon = request.getfixturevalue("learnupon")
        source = learnupon_source(base_url=learnupon.url, username=learnupon.username, password=learnupon.password)
        loads.append(("raw_lms", "learnupon", source))
    if "finance" in staged:
        from ingestion.finance import finance_source

        folder = request.getfixturevalue("demo_dir") / "finance"
        loads.append(("raw_finance", "finance", finance_source(folder=str(folder))))
    for dataset, name, source in loads:
        pipeline = dlt.pipeline(
            pipeline_name=f"dbt_test_{dataset}_{name}",
            destination=destination,
            dataset_name=dataset,
            pipelines_dir=str(pipelines_dir),
        )
        pipeline.run(source)


def dbt(args: list[str], env: dict, work: Path) -> subprocess.CompletedProcess:
    """Run dbt with target and log folders under `work`, so parallel runs never share them."""
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)


def summary(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The PASS/WARN/ERROR/SKIP counts of dbt's last `Done.` line."""
    match = re.findall(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", result.stdout)
    assert match, result.stdout[-4000:] + result.stderr[-4000:]
    return dict(zip(["pass", "warn", "error", "skip"], map(int, match[-1]), strict=True))


def mart_names() -> list[str]:
    """Every model of the marts schema: the SQL files under models/marts."""
    return sorted(path.stem for path in (DBT_PROJECT / "models" / "marts").rglob("*.sql"))


def duckdb_counts(path: Path, marts: list[str]) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in marts}


def duckdb_build_once(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The DuckDB build, once per session: test_dbt_postgres.py compares with it too (and
    pytest may import this file under two module names, so it is kept on the session)."""
    session = request.session
    if not hasattr(session, "lp_warehouse_duckdb_build"):
        session.lp_warehouse_duckdb_build = _build_on_duckdb(request, tmp_path_factory)
    return session.lp_warehouse_duckdb_build


@pytest.fixture(scope="session")
def duckdb_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return duckdb_build_once(request, tmp_path_factory)


def _build_on_duckdb(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("dbt_duckdb")
    path = work / "warehouse.duckdb"
    load_raw(dlt.destinations.duckdb(str(path)), work / "pipelines", request)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    result = dbt(["build", "--target", "duckdb"], env, work)
    marts = mart_names()
    return {
        "path": path,
        "result": result,
        "marts": marts,
        "counts": duckdb_counts(path, marts) if result.returncode == 0 else {},
    }


def test_dbt_build_passes_on_duckdb(duckdb_build: dict) -> None:
    result = duckdb_build["result"]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
    counts = summary(result)
    assert counts["error"] == 0 and counts["skip"] == 0
    assert counts["pass"] > 200
    assert "unit tests" in result.stdout


def test_marts_have_rows_matching_the_generated_org(duckdb_build: dict, small_company: DemoCompany) -> None:
    counts = duckdb_build["counts"]
    assert counts, "the build failed"
    people = len(small_company.people)
    with duckdb.connect(str(duckdb_build["path"]), read_only=True) as con:
        current = con.execute("select count(*) from marts.dim_employee where is_current").fetchone()[0]
        matched = con.execute(
            "select sum(matched_count) from intermediate.int_identity__match_report where source_system = 'hris'"
        ).fetchone()[0]
    assert current == people
    assert matched == people
    for name in ["mart_capability_gap", "mart_learning_alignment", "mart_learning_recommendations"]:
        assert counts[name] > 0, name


def test_learnupon_enrolments_become_learning_activities(duckdb_build: dict, small_company: DemoCompany) -> None:
    """Every LearnUpon enrolment the connector loaded is one activity, worked out here from
    the emulator's records: the verb of its status, completion for completed and passed,
    the completion day (else the start, else the enrolment), the hours LearnUpon recorded
    (else the course's minutes for an ended enrolment), the employee the user is; every
    user is in the identity report and every course in dim_course as a LearnUpon course."""
    if "learnupon" not in staged_sources():
        pytest.skip("no LearnUpon staging in this project")
    from demo.generator import AS_OF
    from demo.learnupon import COURSES, course_id, learnupon, user_id

    assert duckdb_build["counts"], "the build failed"
    data = learnupon(small_company)
    with duckdb.connect(str(duckdb_build["path"]), read_only=True) as con:
        loaded = {
            row[0] for row in con.execute("select cast(id as text) from raw_lms.learnupon_enrollments").fetchall()
        }
        facts = {
            row[0]: row[1:]
            for row in con.execute(
                "select learning_activity_id, verb, is_completion, learning_hours, activity_on, employee_id,"
                " course_id, due_on from marts.fct_learning_activity where source_system = 'learnupon'"
            ).fetchall()
        }
        report = con.execute(
            "select identity_count, matched_count from marts.mart_identity_match_report"
            " where source_system = 'learnupon'"
        ).fetchall()
        courses = con.execute(
            "select course_id, course_name, duration_hours, list_price_amount, currency_code"
            " from marts.dim_course where provider = 'learnupon' order by course_id"
        ).fetchall()
    verbs = {"completed": "completed", "passed": "passed", "failed": "failed", "in_progress": "attempted"}
    minutes = {course_id(n): course[3] for n, course in enumerate(COURSES)}
    codes = {course_id(n): course[0] for n, course in enumerate(COURSES)}
    employees = {user_id(p): p.employee_number for p in small_company.people}
    expected = {}
    for row in data["enrollments"]:
        if str(row["id"]) not in loaded:
            continue  # a planted bad record: quarantined by the connector
        status = row["status"]
        ended = status in ("completed", "passed", "failed")
        hours = row["time_spent"] / 3600 if row["time_spent"] else (minutes[row["course_id"]] / 60 if ended else 0.0)
        stamp = (row["date_completed"] if status in ("completed", "passed") else None) or row["date_started"]
        stamp = stamp or row["date_enrolled"]
        expected[f"learnupon:{row['id']}"] = (
            verbs.get(status, "registered"),
            status in ("completed", "passed"),
            pytest.approx(hours, abs=1e-9),
            date.fromisoformat(stamp[:10]),
            employees[row["user_id"]],
            codes[row["course_id"]],
            date.fromisoformat(row["due_date"]),
        )
    assert len(expected) > 1000
    assert facts == expected
    users = {user_id(p) for p in small_company.people if p.hire_date <= AS_OF}
    assert report == [(len(users), len(users))]
    assert courses == sorted(
        (code, title, pytest.approx(mins / 60), price, "EUR") for code, title, _, mins, price, *_ in COURSES
    )
