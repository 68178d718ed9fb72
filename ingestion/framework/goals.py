"""Business goals in the framework: the goals, their KPIs, the KPI targets per period and
the capabilities each goal needs in the job profiles it concerns (`framework/*.csv`).

The four files refer to each other and to the capability library, so they are checked
together: `check_goal_files(folder)` reads them (and `capabilities.csv`, `job_profiles.csv`)
and sorts every row into loaded or quarantined, with the reason. The rules:

- every required field is filled (`missing unit` names the field);
- dates are YYYY-MM-DD and `effective_to` (blank: still in force) is not before `effective_from`;
- a goal's priority is a whole number from 1; a KPI's direction is `higher_is_better` or
  `lower_is_better`, its grain `person`, `team`, `org_unit` or `company`; a target is a number;
- a KPI names a known goal, a target a known KPI, a capability need a known goal, capability
  and job profile ("known" = a row of its file that itself loads);
- periods of the same thing do not overlap: versions of one goal, targets of one KPI, needs
  of one goal x capability x job profile. The first row (in file order) stands; a later row
  overlapping it is quarantined with the line it overlaps. Raising a target is a new row
  from a new date, with the old row closed the day before.

A goal file that is absent loads nothing (a framework without business goals is valid).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

GOAL_FILES = {
    "business_goals": (
        "business_goals.csv",
        ["goal_id", "goal_name", "owner", "priority", "effective_from"],
        ["effective_to", "description"],
    ),
    "business_kpis": (
        "business_kpis.csv",
        ["kpi_id", "goal_id", "kpi_name", "unit", "direction", "grain"],
        ["definition"],
    ),
    "kpi_targets": ("kpi_targets.csv", ["kpi_id", "target_value", "effective_from"], ["effective_to"]),
    "goal_capabilities": (
        "goal_capabilities.csv",
        ["goal_id", "capability_id", "job_profile_id", "effective_from"],
        ["effective_to"],
    ),
}
DIRECTIONS = ("higher_is_better", "lower_is_better")
GRAINS = ("person", "team", "org_unit", "company")
# Which key's periods may not overlap, per file.
# Columns that refer to another file: column -> what it names.
REFERENCES = {
    "business_kpis": (("goal_id", "goal"),),
    "kpi_targets": (("kpi_id", "KPI"),),
    "goal_capabilities": (("goal_id", "goal"), ("capability_id", "capability"), ("job_profile_id", "job profile")),
}
PERIOD_KEYS = {
    "business_goals": ("goal_id",),
    "kpi_targets": ("kpi_id",),
    "goal_capabilities": ("goal_id", "capability_id", "job_profile_id"),
}


@dataclass
class Checked:
    """One goal file, its rows sorted: `good` rows load, `bad` rows go to quarantine."""

    name: str
    filename: str
    present: bool = False
    headers: list[str] = field(default_factory=list)
    good: list[tuple[int, dict]] = field(default_factory=list)  # (line, row)
    bad: list[tuple[int, dict, str]] = field(default_factory=list)  # (line, row, reason)

    @property
    def received(self) -> int:
        return len(self.good) + len(self.bad)


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (line, row) of a framework CSV file (UTF-8, comma-separated)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = [
            (line, {k: (v or "").strip() for k, v in row.items() if k is not None})
            for line, row in enumerate(reader, start=2)
        ]
        return list(reader.fieldnames or []), rows


def _ids(folder: Path, filename: str, column: str) -> set[str]:
    path = folder / filename
    if not path.exists():
        return set()
    return {row[column] for _, row in read_csv(path)[1] if row.get(column)}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _period_problem(row: dict) -> str | None:
    start = _date(row["effective_from"])
    if start is None:
        return f"effective_from '{row['effective_from']}' is not a date (YYYY-MM-DD)"
    if row.get("effective_to"):
        end = _date(row["effective_to"])
        if end is None:
            return f"effective_to '{row['effective_to']}' is not a date (YYYY-MM-DD)"
        if end < start:
            return f"effective_to {end} is before effective_from {start}"
    return None


def _row_problem(name: str, row: dict, required: list[str], known: dict[str, set[str]]) -> str | None:
    """Why a row cannot load on its own (before periods are compared), or None."""
    missing = [c for c in required if not row.get(c)]
    if name == "business_kpis" and "unit" in missing:
        return "KPI without a unit: every KPI needs one (percent, days, score_1_5, ...)"
    if missing:
        return f"missing {', '.join(missing)}"
    if "effective_from" in row and (problem := _period_problem(row)):
        return problem
    if name == "business_goals" and not (row["priority"].isdigit() and int(row["priority"]) >= 1):
        return f"priority '{row['priority']}' is not a whole number from 1"
    if name == "business_kpis":
        if row["direction"] not in DIRECTIONS:
            return f"direction '{row['direction']}' is not one of {', '.join(DIRECTIONS)}"
        if row["grain"] not in GRAINS:
            return f"grain '{row['grain']}' is not one of {', '.join(GRAINS)}"
    if name == "kpi_targets":
        try:
            Decimal(row["target_value"])
        except InvalidOperation:
            return f"target_value '{row['target_value']}' is not a number"
    for column, kind in REFERENCES.get(name, ()):
        if row[column] not in known.get(column, set()):
            return f"unknown {kind} '{row[column]}'"
    return None


def _overlaps(a: dict, b: dict) -> bool:
    far = date.max
    a_end = _date(a["effective_to"]) if a.get("effective_to") else far
    b_end = _date(b["effective_to"]) if b.get("effective_to") else far
    return _date(a["effective_from"]) <= b_end and _date(b["effective_from"]) <= a_end


def _check(checked: Checked, rows: list[tuple[int, dict]], required: list[str], known: dict[str, set[str]]) -> None:
    kept: dict[tuple, list[tuple[int, dict]]] = {}
    period_key = PERIOD_KEYS.get(checked.name)
    seen_ids: dict[str, int] = {}
    for line, row in rows:
        problem = _row_problem(checked.name, row, required, known)
        if problem is None and checked.name == "business_kpis":
            if row["kpi_id"] in seen_ids:
                problem = f"KPI '{row['kpi_id']}' defined twice (line {seen_ids[row['kpi_id']]})"
            seen_ids.setdefault(row["kpi_id"], line)
        if problem is None and period_key:
            key = tuple(row[c] for c in period_key)
            clash = next(((n, r) for n, r in kept.get(key, []) if _overlaps(r, row)), None)
            if clash:
                n, other = clash
                problem = (
                    f"overlapping effective periods: {'/'.join(key)} from {row['effective_from']} overlaps line {n} "
                    f"({other['effective_from']} to {other.get('effective_to') or 'open'})"
                )
            else:
                kept.setdefault(key, []).append((line, row))
        if problem:
            checked.bad.append((line, row, problem))
        else:
            checked.good.append((line, row))


def check_goal_files(folder: Path) -> dict[str, Checked]:
    """Every goal file of the framework folder, its rows sorted into loaded and quarantined."""
    folder = Path(folder)
    known: dict[str, set[str]] = {
        "capability_id": _ids(folder, "capabilities.csv", "capability_id"),
        "job_profile_id": _ids(folder, "job_profiles.csv", "job_profile_id"),
    }
    result: dict[str, Checked] = {}
    # In dependency order: a KPI is checked against the goals that load, a target against the KPIs.
    for name, (filename, required, _) in GOAL_FILES.items():
        checked = result[name] = Checked(name, filename)
        path = folder / filename
        if path.exists():
            checked.present = True
            checked.headers, rows = read_csv(path)
            _check(checked, rows, required, known)
        if name == "business_goals":
            known["goal_id"] = {row["goal_id"] for _, row in checked.good}
        elif name == "business_kpis":
            known["kpi_id"] = {row["kpi_id"] for _, row in checked.good}
    return result


def kpi_catalogue(folder: Path) -> dict[str, dict]:
    """The KPIs that load from the framework folder, by id, with their goal's overall period
    (`period_from`, `period_to`: None while open) for the KPI file drop's checks."""
    checked = check_goal_files(folder)
    spans: dict[str, tuple[date, date | None]] = {}
    for _, row in checked["business_goals"].good:
        start = _date(row["effective_from"])
        end = _date(row["effective_to"]) if row.get("effective_to") else None
        if row["goal_id"] in spans:
            first, last = spans[row["goal_id"]]
            start = min(first, start)
            end = None if last is None or end is None else max(last, end)
        spans[row["goal_id"]] = (start, end)
    return {
        row["kpi_id"]: {**row, "period_from": spans[row["goal_id"]][0], "period_to": spans[row["goal_id"]][1]}
        for _, row in checked["business_kpis"].good
    }
