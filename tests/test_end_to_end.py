"""`python -m demo build` on a 200-person org, through every real component, twice.

The expected values are computed from the generated company in Python, independently
of the SQL that built the marts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from demo.generator import DemoCompany
from orchestration.assets.serving import PUBLISHED_MARTS
from tests.conftest import SMALL_ORG, free_demo_ports

ROOT = Path(__file__).resolve().parents[1]
# Every mart the serving copy publishes must have rows, and keep its count on a rebuild.
MARTS = PUBLISHED_MARTS

pytestmark = pytest.mark.slow


def _build(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "demo", "build"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500
    )


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in MARTS}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(data / "warehouse.duckdb"),
        "DEMO_EMPLOYEES": str(SMALL_ORG),
        "DEMO_SEED": "7",
        **free_demo_ports(),
    }
    for key in ("SUPERSET_HOME", "DAGSTER_HOME", "SERVING_WAREHOUSE_PATH", "DLT_PIPELINES_DIR"):
        env.pop(key, None)
    first = _build(env)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    counts_first = _counts(data / "serving" / "warehouse.duckdb")
    second = _build(env)
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-4000:]
    return {
        "data": data,
        "first": counts_first,
        "second": _counts(data / "serving" / "warehouse.duckdb"),
        "log": first.stdout + first.stderr,
        "company": DemoCompany(SMALL_ORG, seed=7).generate(),
    }


def query(built: dict, sql: str, params: list | None = None):
    with duckdb.connect(str(built["data"] / "serving" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_mart_has_rows_and_a_rebuild_changes_no_count(built: dict) -> None:
    assert all(count > 0 for count in built["first"].values()), built["first"]
    assert built["second"] == built["first"]


def test_people_and_history(built: dict) -> None:
    company = built["company"]
    current = query(built, "select count(*) from marts.dim_employee where is_current")[0][0]
    assert current == len(company.people)

    # one SCD2 row per job change in the HRIS history, plus one `Inactive` row for each
    # time between a termination and a later HRIS row (a re-hire, or a change the HRIS
    # dated after the leaving date)
    def gaps(p) -> int:
        late = p.termination_date is not None and any(h["date"] > p.termination_date for h in p.history)
        return len(p.previous_periods) + late

    assert built["first"]["dim_employee"] == sum(len(p.history) + gaps(p) for p in company.people)
    rehired = [p for p in company.people if p.previous_periods]
    inactive = query(built, "select count(*) from marts.dim_employee where employment_status = 'Inactive'")[0][0]
    assert inactive >= sum(len(p.previous_periods) for p in rehired)
    promoted = next(
        p for p in company.people if len({h["job_title"] for h in p.history}) > 1 and not p.previous_periods
    )
    rows = query(
        built,
        "select job_profile_id, valid_from, valid_to, is_current from marts.dim_employee "
        "where employee_id = ? order by valid_from",
        [promoted.employee_number],
    )
    titles = [company.framework.profiles[r[0]]["job_title"] for r in rows]
    assert titles == [h["job_title"] for h in promoted.history]
    assert rows[-1][3] is True and rows[-1][2] is None
    assert all(rows[i][2] < rows[i + 1][1] for i in range(len(rows) - 1))


def test_learning_and_reviews(built: dict) -> None:
    company = built["company"]
    statements = company.xapi_statements()
    # the xAPI statements; LearnUpon's enrolments are checked in test_dbt_duckdb.py
    xapi = "from marts.fct_learning_activity where source_system = 'lms'"
    assert query(built, f"select count(*) {xapi}")[0][0] == len(statements)
    unmatched = sum("partner-agency" in s["actor"]["account"]["name"] for s in statements)
    assert query(built, f"select count(*) {xapi} and employee_id is null")[0][0] == unmatched
    reviews = company.lattice()["reviews"]
    valid = [r for r in reviews if 1 <= r["rating"] <= 5]
    assert built["first"]["fct_review"] == len(valid)
    assert built["first"]["fct_capability_assessment"] == sum(len(r["competencyRatings"]) for r in valid)
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    hours = query(built, f"select round(sum(duration_hours), 2) {xapi} and verb = 'completed'")
    expected = 0.0
    for s in completed:
        text = s["result"]["duration"][2:]
        h, _, rest = text.partition("H")
        expected += int(h) + (int(rest.rstrip("M")) / 60 if rest else 0)
    assert hours[0][0] == pytest.approx(expected, abs=0.05)


def test_one_capability_gap_matches_the_generated_truth(built: dict) -> None:
    """Required level in force and the latest manager rating, recomputed from the source data."""
    company = built["company"]
    month_end = date(2026, 8, 31)
    person = next(
        p
        for p in company.people
        if p.active_on(month_end)
        and p.manager is not None
        and int(company.framework.profiles[p.profile_id]["job_level"]) == 2
        and (month_end - p.hire_date).days > 400
    )
    by_lattice_id = {
        f"usr_{__import__('hashlib').sha1(p.employee_number.encode()).hexdigest()[:16]}": p for p in company.people
    }
    lattice = company.lattice()
    competency = {c["id"]: c["name"] for c in lattice["competencies"]}
    names = {v: k for k, v in company.framework.capability_names.items()}
    latest: dict[str, tuple[datetime, int]] = {}
    for review in lattice["reviews"]:
        if review["reviewType"] != "downward" or by_lattice_id[review["revieweeId"]] is not person:
            continue
        if not 1 <= review["rating"] <= 5:
            continue
        submitted = datetime.fromisoformat(review["submittedAt"])
        if submitted.date() > month_end:
            continue
        for item in review["competencyRatings"]:
            cap = names[competency[item["competencyId"]]]
            if cap not in latest or latest[cap][0] < submitted:
                latest[cap] = (submitted, item["rating"])
    profile_then = next(h for h in reversed(person.history) if h["date"] <= month_end)["job_title"]
    profile_id = next(pid for pid, row in company.framework.profiles.items() if row["job_title"] == profile_then)
    required = company.framework.required_levels(profile_id, month_end)
    rows = query(
        built,
        "select capability_id, required_level, manager_assessed_level, gap_levels, gap_band "
        "from marts.mart_capability_gap where employee_id = ? and month_start_on = ?",
        [person.employee_number, date(2026, 8, 1)],
    )
    assert {r[0] for r in rows} == set(required)
    for capability_id, required_level, assessed, gap, band in rows:
        assert required_level == required[capability_id]
        assert assessed == latest[capability_id][1]
        assert gap == required_level - assessed
        assert band == ("low" if gap >= 1 else "high" if gap <= -1 else "intermediate")


def test_demo_truth_is_written_but_not_read_by_models(built: dict) -> None:
    effects = query(built, "select count(*) from demo_truth.course_effects")[0][0]
    assert effects == len(built["company"].truth()["course_effects"])
    models = list((ROOT / "dbt_project" / "models").rglob("*.sql"))
    assert models and not any("demo_truth" in path.read_text() for path in models)


def test_impact_engine_reads_the_marts_as_the_generator_wrote_them(built: dict) -> None:
    """The engine's estimates from the marts match those from inputs built straight from
    the generated company (the route `python -m impact validate` takes), so the 50-seed
    validation speaks for the pipeline too."""
    from dataclasses import replace

    from demo.impact_inputs import impact_inputs
    from impact.engine import evaluate
    from impact.plans import load_plans
    from impact.warehouse import read_inputs

    declared = [p for p in load_plans() if p.outcome in ("review_rating", "capability_level")]
    oracle = impact_inputs(built["company"])
    published = {
        (row[0], row[1]): row[2:]
        for row in query(built, "select plan_id, method, n_treated, status from marts.mart_learning_impact")
    }
    expected = evaluate(oracle, declared)
    assert set(published) >= {(p.plan_id, m) for p in declared for m in p.methods}
    for row in expected[expected["method"] == "did_staggered"].itertuples():
        assert published[(row.plan_id, row.method)] == (row.n_treated, row.status), row.plan_id
    # A 200-person org leaves programmes below the plans' 30 people: they say so, with no number.
    insufficient = expected[expected["status"] == "insufficient evidence"]
    assert len(insufficient) > 0 and insufficient["estimate"].isna().all()

    # With the minimums lowered, the two routes give the same difference-in-differences.
    relaxed = [replace(p, min_treated=5, min_comparison=5, methods=("did_staggered",)) for p in declared]
    from_marts = evaluate(read_inputs(built["data"] / "serving" / "warehouse.duckdb"), relaxed)
    from_generator = evaluate(oracle, relaxed)
    both = from_marts.merge(from_generator, on=["plan_id", "method"], suffixes=("_marts", "_generator"))
    both = both[both["estimate_generator"].notna()]
    assert len(both) >= 5, "too few programmes to compare"
    assert ((both["estimate_marts"] - both["estimate_generator"]).abs() <= 0.25 * both["std_error_generator"]).all()
