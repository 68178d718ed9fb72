"""Business KPI series for the demo company, written as the exports the KPI file drop reads.

Each planted KPI is a monthly series per team (a lead's direct reports in the job profiles
its goal concerns) or per department, made of

    value = baseline + coefficient * (driver - reference_level) + season[month] + group effect + noise

where `driver` is the group's mean true level of the capabilities the goal needs
(`framework/goal_capabilities.csv`), from the generator's own capability levels. The order
cycle time is the control: its coefficient is 0, so it depends on nothing trained. The
planted coefficients and every group-month's driver and value go to `kpi_truth.json`
(loaded into `demo_truth.kpi_planted_effects` and `demo_truth.kpi_planted_series`).

The generator keeps only each person's final levels and the completions that took effect,
so the levels of earlier months are rebuilt backwards: undo the monthly experience growth
(+0.01) and each completion's gain by the generator's own rule. Where that rule's clipping
hides how much a completion added (a level left at the course's target + 0.5, or at 5),
the full gain is assumed, so a level before such a completion can be understated by up to
one gain (rebuilt levels are kept on the 1-5 scale). The series is built from the rebuilt
levels and the truth records those same drivers, so the planted relationship holds
exactly as recorded.

Three files in three shapes land in `<demo>/kpi_drop/` (mappings in
`ingestion/kpi_files/mappings/`): a CRM quota report with title rows and US dates, a help
desk export with semicolons, D.M.YYYY dates and decimal commas, and an operations extract
in long form. The CRM report also holds what such reports hold: a row repeated at a page
break and a `#DIV/0!` for a seller with no quota, which the loader quarantines.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from demo.generator import AS_OF, START_ON, DemoCompany, Person, month_starts
from ingestion.framework.goals import check_goal_files

ROOT = Path(__file__).resolve().parents[1]
KPI_STREAM = 23  # own random stream: the rest of the demo is unchanged by the KPI series
GROWTH_PER_MONTH = 0.01  # the generator's monthly growth with experience


@dataclass(frozen=True)
class PlantedKpi:
    kpi_id: str
    goal_id: str
    grain: str  # team (a lead's direct reports) or org_unit (a department)
    baseline: float
    coefficient_per_level: float  # KPI units per level of the driver; 0 for the control
    reference_level: float
    season: dict[int, float]  # month -> KPI units added
    group_sd: float  # a team's (department's) lasting offset
    noise_sd: float  # month-to-month noise
    low: float
    high: float
    decimals: int
    is_control: bool = False


# Quarter-end pushes in sales, a summer and holiday dip in support, a peak before Christmas in operations.
PLANTED = (
    PlantedKpi(
        "sales_quota_attainment",
        "grow_new_business",
        "team",
        baseline=98.0,
        coefficient_per_level=20.0,
        reference_level=3.0,
        season={1: -9, 2: -4, 3: 6, 4: -5, 5: -1, 6: 5, 7: -6, 8: -5, 9: 5, 10: -2, 11: 2, 12: 14},
        group_sd=4.0,
        noise_sd=4.0,
        low=0.0,
        high=250.0,
        decimals=1,
    ),
    PlantedKpi(
        "first_contact_resolution",
        "first_contact_resolution",
        "team",
        baseline=77.0,
        coefficient_per_level=10.0,
        reference_level=3.0,
        season={1: -2, 2: -1, 3: 0, 4: 0, 5: 1, 6: 0, 7: -2, 8: -3, 9: 1, 10: 1, 11: 0, 12: -3},
        group_sd=2.5,
        noise_sd=2.0,
        low=0.0,
        high=100.0,
        decimals=1,
    ),
    PlantedKpi(
        "order_cycle_time",
        "order_cycle_time",
        "team",
        baseline=6.4,
        coefficient_per_level=0.0,
        reference_level=3.0,
        season={1: 0.3, 2: 0.1, 3: 0, 4: -0.1, 5: -0.2, 6: -0.2, 7: 0, 8: 0.2, 9: 0, 10: 0.3, 11: 0.8, 12: 1.1},
        group_sd=0.5,
        noise_sd=0.5,
        low=0.5,
        high=30.0,
        decimals=2,
        is_control=True,
    ),
    PlantedKpi(
        "customer_satisfaction",
        "grow_new_business",
        "org_unit",
        baseline=4.1,
        coefficient_per_level=0.3,
        reference_level=3.0,
        season={m: 0.0 for m in range(1, 13)} | {12: -0.1, 1: -0.05},
        group_sd=0.08,
        noise_sd=0.06,
        low=1.0,
        high=5.0,
        decimals=2,
    ),
)


def capability_paths(company: DemoCompany, months: list[date]) -> dict[int, dict[date, dict[str, float]]]:
    """Person index -> month -> capability levels at the end of that month (see the module doc)."""
    course_caps = company.framework.course_capabilities
    paths: dict[int, dict[date, dict[str, float]]] = {}
    for person in company.people:
        level = dict(person.capability)
        applied: dict[date, list[str]] = defaultdict(list)  # month a completion took effect -> courses
        for finished, course_id in person.completed:
            applied[next(m for m in months if m > finished)].append(course_id)
        path: dict[date, dict[str, float]] = {}
        for month in reversed(months):
            path[month] = dict(level)
            if person.active_on(month):
                for cap, value in level.items():
                    level[cap] = max(1.0, value - GROWTH_PER_MONTH)
            for course_id in reversed(applied.get(month, [])):
                gain = company.course_effect[course_id]
                for cap, target in reversed(course_caps[course_id]):
                    after = level[cap]
                    # after = min(5, max(b, min(b + gain, target + 0.5))): b = after - gain unless
                    # the level sits above target + 0.5 (the course changed nothing)
                    if after > target + 0.5 + 1e-9 and after < 5.0:
                        continue
                    level[cap] = max(1.0, after - gain)
        paths[person.index] = path
    return paths


def _job_on(person: Person, month: date) -> dict | None:
    entry = None
    for row in person.history:
        if row["date"] <= month:
            entry = row
    return entry


def _needs(folder: Path) -> dict[str, list[tuple[str, str, date, date | None]]]:
    """Goal -> (capability, job profile, from, to) from the framework's goal files."""
    needs: dict[str, list] = defaultdict(list)
    for _, row in check_goal_files(folder)["goal_capabilities"].good:
        end = date.fromisoformat(row["effective_to"]) if row.get("effective_to") else None
        needs[row["goal_id"]].append(
            (row["capability_id"], row["job_profile_id"], date.fromisoformat(row["effective_from"]), end)
        )
    return needs


def org_unit_id(division: str, department: str) -> str:
    """The warehouse's org unit id (dbt macro `org_unit_id`): a slug of division + department."""
    return re.sub(r"[^a-z0-9]+", "-", f"{division} {department}".lower()).strip("-")


def plant_series(company: DemoCompany, framework_dir: Path | None = None) -> tuple[list[dict], list[dict]]:
    """(planted effects, series rows) for every planted KPI."""
    months = month_starts(START_ON, AS_OF)
    paths = capability_paths(company, months)
    needs = _needs(framework_dir or ROOT / "framework")
    title_to_profile = {row["job_title"]: pid for pid, row in company.framework.profiles.items()}
    rng = np.random.default_rng([company.seed, KPI_STREAM])
    effects, series = [], []
    for kpi in PLANTED:
        goal_needs = needs[kpi.goal_id]
        effects.append(
            {
                "kpi_id": kpi.kpi_id,
                "goal_id": kpi.goal_id,
                "grain": kpi.grain,
                "driver": "mean true level of the goal's capabilities over the group's people in its job profiles",
                "capabilities": ",".join(sorted({cap for cap, *_ in goal_needs})),
                "coefficient_per_level": kpi.coefficient_per_level,
                "reference_level": kpi.reference_level,
                "baseline": kpi.baseline,
                "group_sd": kpi.group_sd,
                "noise_sd": kpi.noise_sd,
                "is_control": kpi.is_control,
            }
        )
        group_effect: dict[str, float] = {}
        for month in months:
            groups: dict[str, list[float]] = defaultdict(list)
            for person in company.people:
                job = _job_on(person, month)
                if job is None or not person.active_on(month):
                    continue
                profile = title_to_profile[job["job_title"]]
                caps = [
                    c
                    for c, p, start, end in goal_needs
                    if p == profile and start <= month and (end is None or month <= end)
                ]
                if not caps:
                    continue
                if kpi.grain == "team":
                    if job["manager"] is None:
                        continue
                    key = company.people[job["manager"]].employee_number
                else:
                    key = org_unit_id(job["division"], job["department"])
                groups[key].append(float(np.mean([paths[person.index][month][c] for c in caps])))
            for key in sorted(groups):
                if key not in group_effect:
                    group_effect[key] = float(rng.normal(0, kpi.group_sd))
                driver = float(np.mean(groups[key]))
                value = (
                    kpi.baseline
                    + kpi.coefficient_per_level * (driver - kpi.reference_level)
                    + kpi.season[month.month]
                    + group_effect[key]
                    + float(rng.normal(0, kpi.noise_sd))
                )
                series.append(
                    {
                        "kpi_id": kpi.kpi_id,
                        "grain": kpi.grain,
                        "entity_id": key,
                        "period_start": month.isoformat(),
                        "members": len(groups[key]),
                        "driver_level": round(driver, 6),
                        "group_effect": round(group_effect[key], 6),
                        "value": round(float(np.clip(value, kpi.low, kpi.high)), kpi.decimals),
                    }
                )
    return effects, series


def _csv_text(rows: list[list], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_kpis(company: DemoCompany, folder: Path, framework_dir: Path | None = None) -> dict[str, int]:
    """The KPI exports in `folder/kpi_drop/` and the truth in `folder/kpi_truth.json`."""
    effects, series = plant_series(company, framework_dir)
    drop = folder / "kpi_drop"
    drop.mkdir(parents=True, exist_ok=True)
    for old in drop.glob("*"):
        old.unlink()
    by_number = {p.employee_number: p for p in company.people}
    by_kpi: dict[str, list[dict]] = defaultdict(list)
    for row in series:
        by_kpi[row["kpi_id"]].append(row)

    # CRM quota report: title rows, US dates, money columns, one row per team and month.
    rows = [
        ["Quota Attainment by Team"],
        [f"Report generated {AS_OF.month}/{AS_OF.day}/{AS_OF.year} 11:58 PM; currency USD"],
        [],
        ["Team Lead", "Team Lead Employee ID", "Month", "Quota (USD)", "Closed Won (USD)", "Attainment (%)"],
    ]
    for row in by_kpi["sales_quota_attainment"]:
        lead, month = by_number[row["entity_id"]], date.fromisoformat(row["period_start"])
        quota = 60000 * row["members"]
        rows.append(
            [
                lead.display_name,
                lead.employee_number,
                f"{month.month}/{month.day}/{month.year}",
                quota,
                round(quota * row["value"] / 100),
                f"{row['value']:.1f}",
            ]
        )
    rows.append(rows[-1])  # the report repeats a row at a page break
    rows.append(["Open Territory", "E99999", f"{AS_OF.month}/1/{AS_OF.year}", 0, 0, "#DIV/0!"])
    crm = drop / f"crm_quota_attainment_{AS_OF.isoformat()}.csv"
    crm.write_text(_csv_text(rows), encoding="utf-8")

    # Help desk export: semicolons, D.M.YYYY, decimal commas, a BOM.
    rows = [["Group", "Group lead ID", "Month starting", "Solved tickets", "First contact resolution rate"]]
    for row in by_kpi["first_contact_resolution"]:
        month = date.fromisoformat(row["period_start"])
        rows.append(
            [
                f"Team {by_number[row['entity_id']].last_name}",
                row["entity_id"],
                f"{month.day:02d}.{month.month:02d}.{month.year}",
                180 * row["members"],
                f"{row['value']:.1f}".replace(".", ","),
            ]
        )
    (drop / "helpdesk_fcr_export.csv").write_text(_csv_text(rows, ";"), encoding="utf-8-sig")

    # Operations extract, long form: one row per KPI, entity and period.
    rows = [["kpi", "entity", "period_start", "period_end", "value"]]
    for kpi_id in ("order_cycle_time", "customer_satisfaction"):
        for row in by_kpi[kpi_id]:
            month = date.fromisoformat(row["period_start"])
            end = date.fromordinal(date(month.year + (month.month == 12), month.month % 12 + 1, 1).toordinal() - 1)
            rows.append([kpi_id, row["entity_id"], month.isoformat(), end.isoformat(), row["value"]])
    (drop / f"ops_kpis_{AS_OF.isoformat()}.csv").write_text(_csv_text(rows), encoding="utf-8")

    truth = {"kpi_planted_effects": effects, "kpi_planted_series": series}
    (folder / "kpi_truth.json").write_text(json.dumps(truth, sort_keys=True), encoding="utf-8")
    return {kpi_id: len(rows) for kpi_id, rows in by_kpi.items()}
