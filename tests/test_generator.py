"""The demo company is deterministic, sized as asked and internally consistent."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from demo.generator import AS_OF, NO_EFFECT_COURSES, DemoCompany


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    DemoCompany(120, seed=3).generate().write(tmp_path / "a")
    DemoCompany(120, seed=3).generate().write(tmp_path / "b")
    DemoCompany(120, seed=4).generate().write(tmp_path / "c")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["xapi_statements.jsonl"] != _digest(tmp_path / "c")["xapi_statements.jsonl"]
    assert {"docebo.json", "bamboohr_employment_status.json", "finance/course_prices_2026-10-31.csv"} <= set(
        _digest(tmp_path / "a")
    )


def test_headcount_structure_and_history(small_company: DemoCompany) -> None:
    people = small_company.people
    active = [p for p in people if p.active_on(AS_OF)]
    assert abs(len(active) - 200) <= 20, len(active)
    assert len(people) > len(active), "three years of attrition and re-hiring leave leavers behind"
    tops = [p for p in people if p.manager is None]
    assert [p.profile_id for p in tops] == ["exec_ceo"]
    for person in people:
        assert person.history[0]["date"] == person.original_hire_date
        assert all(a["date"] <= b["date"] for a, b in zip(person.history, person.history[1:], strict=False))
        if person.termination_date:
            assert person.termination_date >= person.hire_date
    promoted = [p for p in people if len({h["job_title"] for h in p.history}) > 1]
    assert promoted, "promotions change job titles over time"


def test_exports_match_the_simulation(small_company: DemoCompany) -> None:
    employees = small_company.bamboohr_employees()
    people, planted = employees[: len(small_company.people)], employees[len(small_company.people) :]
    assert len(planted) == 5, "one planted bad row per kind of defect"
    assert len({e["employeeNumber"] for e in people}) == len(people)
    assert len({e["workEmail"] for e in people}) == len(people)
    assert [e["id"] for e in planted].count(None) == 1
    assert sum(e["id"] in {p["id"] for p in people} for e in planted) == 1, "one duplicated id"
    lattice = small_company.lattice()
    off_scale = [r for r in lattice["reviews"] if not 1 <= r["rating"] <= 5]
    assert sorted(r["rating"] for r in off_scale) == [0, 7, 9], "three planted bad ratings"
    assert {r["reviewType"] for r in lattice["reviews"]} == {"self", "downward"}
    statements = small_company.xapi_statements()
    assert len({s["id"] for s in statements}) == len(statements)
    assert all(s["timestamp"] <= f"{AS_OF.isoformat()}T23:59:59" for s in statements)
    contractors = [s for s in statements if "partner-agency" in s["actor"]["account"]["name"]]
    assert 1 <= len(contractors) < len(statements) * 0.01


def test_truth_records_planted_effects(small_company: DemoCompany) -> None:
    truth = small_company.truth()
    effects = {(row["course_id"], row["capability_id"]): row["true_effect_levels"] for row in truth["course_effects"]}
    assert all(effects[key] == 0.0 for key in effects if key[0] in NO_EFFECT_COURSES)
    assert all(0.35 <= value <= 0.8 for key, value in effects.items() if key[0] not in NO_EFFECT_COURSES)
    assert len(truth["manager_leniency"]) == len(small_company.people)


def test_required_levels_are_point_in_time(small_company: DemoCompany) -> None:
    framework = small_company.framework
    before = framework.required_levels("swe_2", date(2025, 6, 30))["ai_fluency"]
    after = framework.required_levels("swe_2", date(2025, 7, 1))["ai_fluency"]
    assert after == before + 1


def test_rehires_keep_their_id_and_get_a_new_hire_date(small_company: DemoCompany) -> None:
    rehired = [p for p in small_company.people if p.previous_periods]
    assert rehired, "some leavers come back"
    employees = {e["id"]: e for e in small_company.bamboohr_employees() if e["id"]}
    status = small_company.bamboohr_employment_status()
    for person in rehired:
        (first_start, first_end), *_ = person.previous_periods
        assert first_start < first_end < person.hire_date
        assert not person.active_on(first_end) and person.active_on(person.hire_date)
        row = employees[person.bamboo_id]
        assert (row["hireDate"], row["originalHireDate"]) == (person.hire_date.isoformat(), first_start.isoformat())
        kinds = [r["employmentStatus"] for r in status[person.bamboo_id]["rows"]]
        assert kinds.count("Terminated") == len(person.previous_periods) + (person.termination_date is not None)
        assert any(h["date"] == person.hire_date for h in person.history), "a re-hire is a job history row"


def test_manager_changes_inside_a_department(small_company: DemoCompany) -> None:
    moves = [
        (a, b)
        for p in small_company.people
        for a, b in zip(p.history, p.history[1:], strict=False)
        if a["department"] == b["department"] and a["manager"] != b["manager"] and a["job_title"] == b["job_title"]
    ]
    assert moves, "people change manager without changing department or job"


def test_learning_is_seasonal(small_company: DemoCompany) -> None:
    starts = [s["timestamp"][5:7] for s in small_company.statements if s["verb"]["id"].endswith("/attempted")]
    q1 = sum(m in ("01", "02", "03") for m in starts)
    summer = sum(m in ("07", "08") for m in starts)
    # Three Q1 months against two summer months: per month Q1 is well over twice as busy.
    assert q1 / 3 > 2 * summer / 2, (q1, summer)


def test_lms_and_finance_exports_agree_with_the_course_takings(small_company: DemoCompany) -> None:
    from demo.docebo import CLASSROOM_COURSES, UNKNOWN_USER_ID, docebo
    from demo.finance import finance_files

    attempted = [s for s in small_company.statements if s["verb"]["id"].endswith("/attempted")]
    course_of = [s["object"]["id"].rsplit("/", 1)[1] for s in attempted]
    lms = docebo(small_company)
    real = [e for e in lms["enrollments"] if e["user_id"] != UNKNOWN_USER_ID]
    # One enrolment per person and course taken (a retake resets it).
    takings = {(s["actor"]["account"]["name"], c) for s, c in zip(attempted, course_of, strict=True)}
    assert len(real) == len(takings)
    files = finance_files(small_company)
    seats = sum(
        int(row["seats"])
        for name, rows in files.items()
        if name.startswith("vendor_invoices")
        for row in rows
        if row["invoice_id"] and "-X0" not in row["invoice_id"]
    )
    copies = [  # the one invoice planted twice in its file
        rows[0] for name, rows in files.items() if name.startswith("vendor_invoices") and rows.count(rows[0]) > 1
    ]
    assert len(copies) == 1
    assert seats - int(copies[0]["seats"]) == sum(c not in CLASSROOM_COURSES for c in course_of)


def test_job_history_has_one_row_per_effective_date(small_company: DemoCompany) -> None:
    for person in small_company.people:
        dates = [h["date"] for h in person.history]
        assert len(dates) == len(set(dates)), person.employee_number
