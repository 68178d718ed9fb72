"""The demo company is deterministic, sized as asked and internally consistent."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from demo.generator import AS_OF, NO_EFFECT_COURSES, DemoCompany


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    DemoCompany(120, seed=3).generate().write(tmp_path / "a")
    DemoCompany(120, seed=3).generate().write(tmp_path / "b")
    DemoCompany(120, seed=4).generate().write(tmp_path / "c")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["xapi_statements.jsonl"] != _digest(tmp_path / "c")["xapi_statements.jsonl"]


def test_headcount_structure_and_history(small_company: DemoCompany) -> None:
    people = small_company.people
    active = [p for p in people if p.active_on(AS_OF)]
    assert abs(len(active) - 200) <= 20, len(active)
    assert len(people) > len(active), "three years of attrition and re-hiring leave leavers behind"
    tops = [p for p in people if p.manager is None]
    assert [p.profile_id for p in tops] == ["exec_ceo"]
    for person in people:
        assert person.history[0]["date"] == person.hire_date
        assert all(a["date"] <= b["date"] for a, b in zip(person.history, person.history[1:], strict=False))
        if person.termination_date:
            assert person.termination_date >= person.hire_date
    promoted = [p for p in people if len({h["job_title"] for h in p.history}) > 1]
    assert promoted, "promotions change job titles over time"


def test_exports_match_the_simulation(small_company: DemoCompany) -> None:
    employees = small_company.bamboohr_employees()
    assert len(employees) == len(small_company.people)
    assert len({e["employeeNumber"] for e in employees}) == len(employees)
    assert len({e["workEmail"] for e in employees}) == len(employees)
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
