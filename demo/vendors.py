"""The demo company seen through the other people tools a customer may run.

- Lattice goals (target, current, status) and continuous feedback;
- Culture Amp performance cycles and manager reviews (rating buckets on a four-point
  scale) for the division that runs it (`CULTURE_AMP_DIVISION`); Lattice still holds the
  whole company, so the marts keep one review per review until the models read Culture Amp;
- 15Five weekly check-ins (the last `CHECKIN_WEEKS` weeks, pulse 1-5);
- Workday: a RaaS worker report for the Americas entity (`WORKDAY_DEPARTMENT`), as
  dated full snapshots;
- an HR file drop: the Lisbon payroll provider's monthly XLSX of its workers.

Each export draws from its own random stream, so adding one never shifts the rest of the
company, and plants a few bad records at fixed positions (`PLANTED`).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from demo.generator import AS_OF, DEPARTMENTS, review_cycles

if TYPE_CHECKING:
    from demo.generator import DemoCompany, Person

CHECKIN_WEEKS = 12
WORKDAY_DEPARTMENT = "Sales Americas"
WORKDAY_TENANT, WORKDAY_OWNER, WORKDAY_REPORT = "northwind", "ISU_Warehouse", "Workers_for_Warehouse"
FILE_DROP_LOCATION = "Lisbon"
GOAL_STATUSES = ["ON_TRACK", "PROGRESSING", "OFF_TRACK", "COMPLETED"]
PLANTED = {
    "goals": ["current not a number", "unknown owner"],
    "feedbacks": ["unknown recipient"],
    "checkins": ["pulse off the 1-5 scale", "duplicate id"],
    "workers": ["missing Employee_ID"],
    "hr_file_records": ["missing employee_number", "Data de Admissão 'em breve' is not a date in YYYY-MM-DD"],
}


GOAL_YEARS = (2024, 2025, 2026)


def goal_year_dates(year: int) -> tuple[date, date]:
    """When a year's goals are set and when they are due."""
    return date(year, 1, 15), date(year, 12, 31)


def goal_elapsed(year: int) -> float:
    """Share of the goal year behind the as-of date: progress so far scales with it."""
    start, due = goal_year_dates(year)
    return min(1.0, (AS_OF - start).days / (due - start).days)


def lattice_user_id(person: Person) -> str:
    return f"usr_{hashlib.sha1(person.employee_number.encode(), usedforsecurity=False).hexdigest()[:16]}"


def _id(prefix: str, *parts) -> str:
    return f"{prefix}_{hashlib.sha1('|'.join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:16]}"


def _department(company: DemoCompany, person: Person, on: date) -> str:
    job = next((h for h in reversed(person.history) if h["date"] <= on), person.history[0])
    return job["department"]


def lattice_goals_feedback(company: DemoCompany) -> dict[str, list[dict]]:
    rng = np.random.default_rng([company.seed, 7])
    goals, feedbacks = [], []
    people = [p for p in company.people if p.hire_date <= AS_OF]
    for year in GOAL_YEARS:
        start, due = goal_year_dates(year)
        for p in people:
            if not p.active_on(start):
                continue
            # Planted effect: programmes completed before the year's goals were set lift
            # the progress on them (`DemoCompany.goal_effect`, zero for some programmes).
            lift = sum(company.goal_effect[course] for finished, course in p.completed if finished < start)
            for n in range(int(rng.integers(1, 4))):
                target = float(rng.choice([5, 10, 20, 100]))
                progress = float(np.clip(rng.normal(0.55 + 0.15 * p.ability + lift, 0.25), 0, 1.2))
                elapsed = goal_elapsed(year)
                current = round(target * progress * elapsed, 1)
                status = (
                    "COMPLETED"
                    if current >= target
                    else "ON_TRACK"
                    if progress >= 0.7
                    else "PROGRESSING"
                    if progress >= 0.4
                    else "OFF_TRACK"
                )
                goals.append(
                    {
                        "id": _id("gol", p.employee_number, year, n),
                        "ownerId": lattice_user_id(p),
                        "title": f"{year} objective {n + 1}",
                        "targetValue": target,
                        "currentValue": current,
                        "status": status,
                        "startDate": start.isoformat(),
                        "dueDate": due.isoformat(),
                        "updatedAt": datetime.combine(min(AS_OF, due), datetime.min.time(), UTC).isoformat(),
                    }
                )
    for k in range(len(people) * 2):
        giver, receiver = people[int(rng.integers(0, len(people)))], people[int(rng.integers(0, len(people)))]
        if giver is receiver:
            continue
        when = datetime.combine(AS_OF - timedelta(days=int(rng.integers(0, 540))), datetime.min.time(), UTC)
        if not (giver.active_on(when.date()) and receiver.active_on(when.date())):
            continue
        feedbacks.append(
            {
                "id": _id("fbk", k),
                "fromId": lattice_user_id(giver),
                "toId": lattice_user_id(receiver),
                "body": "Thanks for the help this week." if k % 2 else "Great presentation, clear next steps.",
                "visibility": "PRIVATE" if k % 3 else "PUBLIC",
                "createdAt": (when + timedelta(hours=int(rng.integers(8, 18)))).isoformat(),
            }
        )
    goals[len(goals) // 2]["currentValue"] = "half"
    goals.append({**goals[0], "id": _id("gol", "orphan"), "ownerId": "usr_0000000000000000"})
    feedbacks.append({**feedbacks[0], "id": _id("fbk", "orphan"), "toId": "usr_ffffffffffffffff"})
    return {"goals": goals, "feedbacks": feedbacks}


def fifteen_five(company: DemoCompany) -> dict[str, list[dict]]:
    """`/api/public/user/` and `/api/public/report/` (weekly check-ins)."""
    rng = np.random.default_rng([company.seed, 11])
    users, reports = [], []
    last_friday = AS_OF - timedelta(days=(AS_OF.weekday() - 4) % 7)
    for p in company.people:
        if p.hire_date > AS_OF:
            continue
        users.append(
            {
                "id": 50_000 + p.index,
                "email": p.email,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "is_active": p.active_on(AS_OF),
                "reviewer_id": 50_000 + p.manager if p.manager is not None else None,
            }
        )
        mood = 3.4 + 0.4 * p.ability
        for week in range(CHECKIN_WEEKS):
            ends = last_friday - timedelta(weeks=week)
            if not p.active_on(ends) or rng.random() < 0.15:  # missed a week
                continue
            reports.append(
                {
                    "id": 700_000 + len(reports),
                    "user_id": 50_000 + p.index,
                    "week_start": (ends - timedelta(days=4)).isoformat(),
                    "week_end": ends.isoformat(),
                    "submit_ts": datetime.combine(ends, datetime.min.time(), UTC).replace(hour=16).isoformat(),
                    "pulse": int(np.clip(round(rng.normal(mood, 0.8)), 1, 5)),
                    "reviewed": bool(rng.random() < 0.8),
                }
            )
    reports.sort(key=lambda r: (r["week_end"], r["id"]))
    reports[len(reports) // 3]["pulse"] = 11
    reports.append(dict(reports[len(reports) // 2]))
    return {"user": users, "report": reports}


def workday_snapshots(company: DemoCompany) -> dict[str, list[dict]]:
    """RaaS `Report_Entry` rows per snapshot date (month ends of the last quarter)."""
    assert any(d[1] == WORKDAY_DEPARTMENT for d in DEPARTMENTS)
    snapshots = {}
    for on in (date(2026, 8, 31), date(2026, 9, 30), AS_OF):
        rows = []
        for p in company.people:
            if not p.active_on(on) or _department(company, p, on) != WORKDAY_DEPARTMENT:
                continue
            job = next(h for h in reversed(p.history) if h["date"] <= on)
            manager = company.people[job["manager"]] if job["manager"] is not None else None
            rows.append(
                {
                    "Employee_ID": f"WD{p.index + 1:06d}",
                    "Legacy_Employee_Number": p.employee_number,
                    "Worker": f"{p.first_name} {p.last_name}",
                    "Email_-_Primary_Work": p.email.upper() if p.index % 6 == 0 else p.email,
                    "Hire_Date": p.hire_date.isoformat(),
                    "Original_Hire_Date": p.original_hire_date.isoformat(),
                    "Business_Title": job["job_title"],
                    "Supervisory_Organization": f"{job['department']} ({manager.last_name if manager else 'CEO'})",
                    "Manager_Employee_ID": f"WD{manager.index + 1:06d}" if manager else None,
                    "Location": job["location"],
                    "Active_Status": "1",
                }
            )
        if rows:
            rows.append({**rows[0], "Employee_ID": None})
        snapshots[on.isoformat()] = rows
    return snapshots


def payroll_file_rows(company: DemoCompany) -> list[dict]:
    """The Lisbon payroll provider's worker list (their own headers), as of AS_OF."""
    rows = []
    for p in company.people:
        if not p.active_on(AS_OF):
            continue
        job = p.history[-1]
        if job["location"] != FILE_DROP_LOCATION:
            continue
        rows.append(
            {
                "Nº Colaborador": p.employee_number,
                "Apelido": p.last_name,
                "Nome": p.first_name,
                "Email": p.email,
                "Data de Admissão": p.hire_date,
                "Função": job["job_title"],
                "Centro de Custo": job["department"],
                "Horas Semanais": 40 if p.index % 11 else 20,
            }
        )
    if rows:
        rows.append({**rows[0], "Nº Colaborador": None})
        rows.append({**rows[1 % len(rows)], "Nº Colaborador": "E99950", "Data de Admissão": "em breve"})
    return rows


def write_payroll_xlsx(company: DemoCompany, folder: Path) -> int:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    rows = payroll_file_rows(company)
    book = Workbook()
    sheet = book.active
    sheet.title = "Colaboradores"
    headers = list(rows[0]) if rows else ["Nº Colaborador"]
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    path = folder / f"payroll_workers_{AS_OF.strftime('%Y-%m')}.xlsx"
    book.save(path)
    # openpyxl stamps the save time into the file; pin it so the same seed gives the same bytes
    _pin_xlsx_timestamps(path)
    return len(rows)


def _pin_xlsx_timestamps(path: Path) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-10-31T00:00:00Z", data)
            info.date_time = (2026, 10, 31, 0, 0, 0)
            target.writestr(info, data)


CULTURE_AMP_DIVISION = "Operations"
# Culture Amp reports a manager's rating as a bucket on a four-point scale.
CULTURE_AMP_BUCKETS = {1: "Low impact", 2: "Moderate impact", 3: "High impact", 4: "Outstanding impact"}
PLANTED["manager_reviews"] = ["rating bucket not on the scale", "unknown employee"]


def culture_amp_bucket(lattice_rating: int) -> int:
    """The demo's mapping of a 1-5 overall rating onto Culture Amp's four buckets."""
    return {1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[lattice_rating]


def culture_amp(company: DemoCompany) -> dict[str, list[dict]]:
    """`employees`, `performance-cycles` and `manager-reviews` for the division that runs
    Culture Amp: the same downward reviews as Lattice holds, rated in buckets."""

    def ca_id(*parts) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "cultureamp|" + "|".join(map(str, parts))))

    in_division = {
        p.index
        for p in company.people
        if any(h["division"] == CULTURE_AMP_DIVISION for h in p.history) and p.hire_date <= AS_OF
    }
    employees = [
        {
            "id": ca_id("employee", p.employee_number),
            "employeeId": p.employee_number,  # synced from the HRIS
            "email": p.email,
            "name": f"{p.first_name} {p.last_name}",
            "status": "inactive" if p.termination_date else "active",
        }
        for p in company.people
        if p.index in in_division or any(company.people[i].manager == p.index for i in in_division)
    ]
    cycles = [
        {
            "id": ca_id("cycle", cycle_id),
            "name": f"{c['name']} Performance Review",
            "periodStart": c["start"].isoformat(),
            "periodEnd": c["end"].isoformat(),
            "status": "closed",
        }
        for cycle_id, c in zip(company.cycle_ids, review_cycles(), strict=True)
    ]
    cycle_key = {cycle_id: ca_id("cycle", cycle_id) for cycle_id in company.cycle_ids}
    reviews = []
    for r in company.reviews:
        if r["review_type"] != "downward" or r["reviewee"] not in in_division:
            continue
        reviewee, manager = company.people[r["reviewee"]], company.people[r["reviewer"]]
        value = culture_amp_bucket(r["rating"])
        reviews.append(
            {
                "id": ca_id("review", r["cycle_id"], reviewee.employee_number),
                "performanceCycleId": cycle_key[r["cycle_id"]],
                "employeeId": ca_id("employee", reviewee.employee_number),
                "managerId": ca_id("employee", manager.employee_number),
                "rating": {"bucket": CULTURE_AMP_BUCKETS[value], "value": value, "scaleSize": 4},
                "submittedAt": r["submitted_at"].isoformat(),
            }
        )
    if reviews:
        reviews[len(reviews) // 2]["rating"] = {"bucket": "Superstar", "value": 9, "scaleSize": 4}
        reviews.append({**reviews[0], "id": ca_id("review", "orphan"), "employeeId": ca_id("employee", "nobody")})
    return {"employees": employees, "performance-cycles": cycles, "manager-reviews": reviews}
