"""The demo company as HR export files, the way customers without an HRIS API send them.

Each writer puts one vendor's export shape into a folder; `write_hr_exports` writes them all
beside the Lisbon payroll XLSX (`demo.vendors.write_payroll_xlsx`), so one folder holds a
sample for every mapping shipped in `ingestion/hr_files/mappings/` and each mapping's `files`
patterns claim only its own samples:

- `bamboohr_job_history_<date>.csv`: a BambooHR custom report of the job information and
  employment status tables (UTF-8, comma, MM/DD/YYYY as a US account shows dates), one row
  per change with its "Effective Date", leavers and re-hires included;
- `workday_worker_report_<date>.xlsx`: a Workday worker report exported to Excel: title rows
  (report name, "Run By", "Run Date"), a blank row, a row of group column headings above the
  column names, then one row per active worker on the run date;
- `personio_employees_<date>.csv`: the Berlin office's Personio employee export as a German
  Excel re-save leaves it (cp1252, semicolons, DD.MM.YYYY, decimal comma);
- the files-only company: `hr_history_<date>.csv`, every change of every person of the whole
  company (Latin-1, a title row above the header, M/D/YYYY, managers by name), and
  `hr_snapshot_<date>.csv`, the active workers at three month ends with no date column
  (UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" saves).

`files_only_truth` is what the warehouse must rebuild from the files-only pair: each
employee's employment spells and last manager.

What the generator does not know is derived here, never from the company's own random
stream: a person's termination reasons and the diacritics in a few legal names come from a
generator seeded with (company seed, `HR_STREAM`, person index); gender is read off Faker's
male and female first-name lists. Termination types follow the rule the BambooHR export
uses (`DemoCompany.bamboohr_employment_status`). Dates are the generator's: a termination
date is the first day the person is no longer employed (`Person.active_on`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from demo.generator import AS_OF, DEPARTMENTS

if TYPE_CHECKING:
    from demo.generator import DemoCompany, Person

HR_STREAM = 13  # the exports' own random stream: np.random.default_rng([seed, HR_STREAM, person index])
EXPORTED_ON = AS_OF
SNAPSHOT_DATES = (date(2026, 8, 31), date(2026, 9, 30), AS_OF)
PERSONIO_OFFICE = "Berlin"
COMPANY_NAME = "Northwind Demo Ltd"
FULL_TIME_HOURS = {"Berlin": 37.5, "London": 37.5, "Lisbon": 40.0, "New York": 40.0}

# Legal names as the HR system holds them: the natural accented spelling of some first names,
# and, for a few people (more in the Berlin office), a second surname taken on marriage. The
# work email keeps the name it was created with. Every character is in Latin-1 and cp1252.
ACCENTED_FIRST_NAMES = {"Zoe": "Zoë", "Chloe": "Chloé", "Joel": "Joël", "Aimee": "Aimée", "Sian": "Siân"}
SECOND_SURNAMES = (
    "Weiß",
    "Müller",
    "Schäfer",
    "Köhler",
    "Groß",
    "Jäger",
    "Krüger",
    "Strauß",
    "Béranger",
    "Lefèvre",
    "Núñez",
    "Gonçalves",
)
SECOND_SURNAME_SHARE = {PERSONIO_OFFICE: 0.3}
SECOND_SURNAME_DEFAULT_SHARE = 0.04

VOLUNTARY_REASONS = ("Better opportunity", "Career change", "Relocation", "Personal reasons", "Compensation")
INVOLUNTARY_REASONS = ("Performance", "Redundancy", "Misconduct", "End of fixed-term contract")

# How each vendor words a termination's type.
BAMBOOHR_TERMINATION_TYPES = {"voluntary": "Resignation (Voluntary)", "involuntary": "Termination (Involuntary)"}
PERSONIO_TERMINATION_TYPES = {"voluntary": "Resignation by employee", "involuntary": "Dismissal by employer"}
HISTORY_TERMINATION_TYPES = {"voluntary": "Voluntary", "involuntary": "Involuntary"}

BAMBOOHR_COLUMNS = (
    "Employee #",
    "First Name",
    "Last Name",
    "Work Email",
    "Hire Date",
    "Original Hire Date",
    "Termination Date",
    "Effective Date",
    "Employment Status",
    "Job Title",
    "Department",
    "Division",
    "Location",
    "Reporting to",
    "FTE",
    "Termination Type",
    "Termination Reason",
    "Gender",
)
# (group column heading, column heading): the Workday report's two header rows
WORKDAY_COLUMNS = (
    ("Worker", "Employee ID"),
    ("Worker", "Worker Type"),
    ("Legal Name", "First Name"),
    ("Legal Name", "Last Name"),
    ("Job", "Business Title"),
    ("Job", "Job Profile"),
    ("Job", "Time Type"),
    ("Job", "FTE"),
    ("Job", "Hire Date"),
    ("Job", "Original Hire Date"),
    ("Organization", "Supervisory Organization"),
    ("Organization", "Division"),
    ("Organization", "Department"),
    ("Organization", "Cost Center"),
    ("Organization", "Location"),
    ("Organization", "Manager"),
    ("Organization", "Manager Employee ID"),
    ("Contact", "Primary Work Email"),
    ("Personal", "Gender"),
)
WORKDAY_REPORT_NAME = "Worker Report for Warehouse"
WORKDAY_RUN_BY = "ISU_Warehouse"
WORKDAY_TITLE_ROWS = 3  # report name, Run By, Run Date; then a blank row, the groups, the headings
PERSONIO_COLUMNS = (
    "ID",
    "First name",
    "Last name",
    "Email",
    "Gender",
    "Status",
    "Employment type",
    "Position",
    "Department",
    "Office",
    "Supervisor",
    "Hire date",
    "Termination date",
    "Termination type",
    "Termination reason",
    "Weekly working hours",
)
HISTORY_COLUMNS = (
    "Employee No",
    "First Name",
    "Last Name",
    "Work Email",
    "Action",
    "Effective Date",
    "Hire Date",
    "Original Hire Date",
    "Termination Date",
    "Termination Type",
    "Termination Reason",
    "Employment Status",
    "Job Title",
    "Department",
    "Division",
    "Location",
    "Cost Centre",
    "Manager",
    "Weekly Hours",
)
HISTORY_TITLE = f"{COMPANY_NAME} - Employee change history (all employees), run {{run}}"
SNAPSHOT_COLUMNS = (
    "Employee Number",
    "Employee Name",
    "Email",
    "Job Title",
    "Department",
    "Division",
    "Location",
    "Cost Centre",
    "Manager Number",
    "FTE",
)


@dataclass(frozen=True)
class Spell:
    """One employment period: `termination_date` is the first day no longer employed."""

    hire_date: date
    termination_date: date | None
    termination_type: str | None  # voluntary / involuntary
    termination_reason: str | None


@dataclass(frozen=True)
class Change:
    """One row of a person's history: a hire, a job change, a termination or a re-hire."""

    on: date
    action: str  # Hire, Rehire, Promotion, Transfer, Manager Change, Job Change, Termination
    spell: Spell
    job: dict  # the generator's history row in force (for a termination: the last one)


@dataclass(frozen=True)
class HrPerson:
    """A person as the HR system holds them."""

    person: Person
    first_name: str
    last_name: str
    gender: str  # Male / Female / Not Declared
    spells: tuple[Spell, ...]
    changes: tuple[Change, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def part_time(self) -> bool:
        return is_part_time(self.person)

    def job_on(self, day: date) -> dict | None:
        """The job row in force on `day` while employed; None when not employed that day."""
        if not self.person.active_on(day):
            return None
        return next(c.job for c in reversed(self.changes) if c.on <= day and c.action != "Termination")


def is_part_time(person: Person) -> bool:
    """The generator's part-time rule (BambooHR employment status, payroll hours)."""
    return person.index % 11 == 0


def termination_type(person: Person, terminated_on: date) -> str:
    """The generator's rule for a termination's type, as `bamboohr_employment_status` applies it."""
    return "voluntary" if (person.index + terminated_on.day) % 4 else "involuntary"


def cost_centre(department: str) -> str:
    names = [d[1] for d in DEPARTMENTS]
    return f"CC{(names.index(department) + 1) * 100:04d}" if department in names else "CC0010"


def weekly_hours(person: Person, location: str) -> float:
    full = FULL_TIME_HOURS.get(location, 40.0)
    return full / 2 if is_part_time(person) else full


def _gender(first_name: str) -> str:
    from faker.providers.person.en_GB import Provider

    if first_name in Provider.first_names_female:
        return "Female"
    if first_name in Provider.first_names_male:
        return "Male"
    return "Not Declared"


def _spells(person: Person, rng: np.random.Generator) -> tuple[Spell, ...]:
    spells = []
    for start, end in [*person.previous_periods, (person.hire_date, person.termination_date)]:
        kind = termination_type(person, end) if end else None
        reasons = VOLUNTARY_REASONS if kind == "voluntary" else INVOLUNTARY_REASONS
        reason = reasons[int(rng.integers(0, len(reasons)))] if end else None
        spells.append(Spell(start, end, kind, reason))
    return tuple(spells)


def _changes(person: Person, spells: tuple[Spell, ...]) -> tuple[Change, ...]:
    """The person's history within their spells. The generator can record a promotion that
    takes effect on or after a termination in the same month; no HR system keeps it."""
    changes: list[Change] = []
    for spell in spells:
        rows = [
            h
            for h in person.history
            if spell.hire_date <= h["date"] and (spell.termination_date is None or h["date"] < spell.termination_date)
        ]
        previous = None
        for job in rows:
            if previous is None:
                action = "Hire" if spell is spells[0] else "Rehire"
            elif job["job_title"] != previous["job_title"]:
                action = "Promotion"
            elif job["department"] != previous["department"]:
                action = "Transfer"
            elif job["manager"] != previous["manager"]:
                action = "Manager Change"
            else:
                action = "Job Change"
            changes.append(Change(job["date"], action, spell, job))
            previous = job
        if spell.termination_date is not None:
            changes.append(Change(spell.termination_date, "Termination", spell, previous))
    return tuple(changes)


def hr_people(company: DemoCompany) -> list[HrPerson]:
    """Every person ever hired, as the HR system holds them, in the company's order."""
    taken = {(p.first_name, p.last_name) for p in company.people}
    people = []
    for p in company.people:
        rng = np.random.default_rng([company.seed, HR_STREAM, p.index])
        draw, pick = float(rng.random()), int(rng.integers(0, len(SECOND_SURNAMES)))  # always two draws
        first, last = ACCENTED_FIRST_NAMES.get(p.first_name, p.first_name), p.last_name
        office = p.history[-1]["location"]
        if draw < SECOND_SURNAME_SHARE.get(office, SECOND_SURNAME_DEFAULT_SHARE):
            last = f"{p.last_name}-{SECOND_SURNAMES[pick]}"
        if (first, last) != (p.first_name, p.last_name) and (first, last) in taken:
            first, last = p.first_name, p.last_name  # keep names unique where they were
        taken.add((first, last))
        spells = _spells(p, rng)
        people.append(HrPerson(p, first, last, _gender(p.first_name), spells, _changes(p, spells)))
    return people


def files_only_truth(company: DemoCompany) -> dict[str, dict]:
    """What the warehouse must rebuild from the files-only pair, per employee number:
    `spells` (hire_date, termination_date or None, termination_type voluntary/involuntary or
    None), the last manager's `manager_employee_number` (None for the CEO), the
    `manager_name` the history export writes for them and `manager_name_is_unique`: whether
    that name is one person's only (the generator can give two people one name, so a
    loader resolving managers by name cannot always know which)."""
    people = hr_people(company)
    name_counts = Counter(hr.full_name for hr in people)
    out = {}
    for hr in people:
        last_job = next(c.job for c in reversed(hr.changes) if c.action != "Termination")
        manager = people[last_job["manager"]] if last_job["manager"] is not None else None
        out[hr.person.employee_number] = {
            "spells": [
                {
                    "hire_date": s.hire_date,
                    "termination_date": s.termination_date,
                    "termination_type": s.termination_type,
                }
                for s in hr.spells
            ],
            "manager_employee_number": manager.person.employee_number if manager else None,
            "manager_name": manager.full_name if manager else None,
            "manager_name_is_unique": manager is None or name_counts[manager.full_name] == 1,
        }
    return out


# -- file writing -------------------------------------------------------------------------


def _csv_bytes(rows: list[list[str]], *, encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _us(day: date | None, *, padded: bool = True) -> str:
    if day is None:
        return ""
    return day.strftime("%m/%d/%Y") if padded else f"{day.month}/{day.day}/{day.year}"


def _number(value: float, decimal: str = ".") -> str:
    return f"{value:g}".replace(".", decimal)


def _manager(people: list[HrPerson], job: dict) -> HrPerson | None:
    return people[job["manager"]] if job["manager"] is not None else None


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def write_bamboohr_report(company: DemoCompany, folder: Path) -> Path:
    """A BambooHR custom report of the job information and employment status tables with
    history, exported as CSV: a row per change, its date in "Effective Date". Hire Date,
    Original Hire Date and Termination Date are the employee's current values on every row,
    as BambooHR shows non-table fields; "Employment Status" is Full-Time, Part-Time or
    Terminated as of the row's date; "Reporting to" is the manager's display name."""
    people = hr_people(company)
    rows = [list(BAMBOOHR_COLUMNS)]
    for hr in people:
        p = hr.person
        for change in hr.changes:
            job, manager = change.job, _manager(people, change.job)
            terminated = change.action == "Termination"
            kind = change.spell.termination_type if terminated else None
            status = "Terminated" if terminated else "Part-Time" if hr.part_time else "Full-Time"
            rows.append(
                [
                    p.employee_number,
                    hr.first_name,
                    hr.last_name,
                    p.email,
                    _us(p.hire_date),
                    _us(p.original_hire_date),
                    _us(p.termination_date),
                    _us(change.on),
                    status,
                    job["job_title"],
                    job["department"],
                    job["division"],
                    job["location"],
                    manager.display_name if manager else "",
                    "0.5" if hr.part_time else "1.0",
                    BAMBOOHR_TERMINATION_TYPES[kind] if kind else "",
                    change.spell.termination_reason if terminated else "",
                    hr.gender if hr.gender != "Not Declared" else "",
                ]
            )
    return _write(folder, f"bamboohr_job_history_{EXPORTED_ON.isoformat()}.csv", _csv_bytes(rows, encoding="utf-8"))


def write_workday_worker_report(company: DemoCompany, folder: Path, on: date = EXPORTED_ON) -> Path:
    """A Workday worker report exported to Excel: the report name, "Run By" and "Run Date" in
    rows 1-3, a blank row 4, group column headings in row 5 (merged over their columns), the
    column headings in row 6 and one row per worker active on `on` from row 7."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from demo.vendors import _pin_xlsx_timestamps

    people = hr_people(company)
    book = Workbook()
    sheet = book.active
    sheet.title = "Worker Report"
    sheet.append([WORKDAY_REPORT_NAME])
    sheet.append(["Run By", WORKDAY_RUN_BY])
    sheet.append(["Run Date", datetime.combine(on, datetime.min.time()).replace(hour=6)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["B3"].number_format = "mm/dd/yyyy hh:mm AM/PM"
    sheet.append([])
    group_row, heading_row = WORKDAY_TITLE_ROWS + 2, WORKDAY_TITLE_ROWS + 3
    sheet.append(
        [
            group if k == 0 or WORKDAY_COLUMNS[k - 1][0] != group else None
            for k, (group, _) in enumerate(WORKDAY_COLUMNS)
        ]
    )
    sheet.append([name for _, name in WORKDAY_COLUMNS])
    start = 0
    for k in range(1, len(WORKDAY_COLUMNS) + 1):
        if k == len(WORKDAY_COLUMNS) or WORKDAY_COLUMNS[k][0] != WORKDAY_COLUMNS[start][0]:
            if k - start > 1:
                sheet.merge_cells(start_row=group_row, start_column=start + 1, end_row=group_row, end_column=k)
            start = k
    for row in (group_row, heading_row):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
    for hr in people:
        job = hr.job_on(on)
        if job is None:
            continue
        p, manager = hr.person, _manager(people, job)
        values = {
            "Employee ID": p.employee_number,
            "Worker Type": "Employee",
            "First Name": hr.first_name,
            "Last Name": hr.last_name,
            "Business Title": job["job_title"],
            "Job Profile": p.profile_id,
            "Time Type": "Part time" if hr.part_time else "Full time",
            "FTE": 0.5 if hr.part_time else 1.0,
            "Hire Date": p.hire_date,
            "Original Hire Date": p.original_hire_date,
            "Supervisory Organization": f"{job['department']} ({manager.full_name if manager else hr.full_name})",
            "Division": job["division"],
            "Department": job["department"],
            "Cost Center": cost_centre(job["department"]),
            "Location": job["location"],
            "Manager": manager.full_name if manager else None,
            "Manager Employee ID": manager.person.employee_number if manager else None,
            "Primary Work Email": p.email,
            "Gender": hr.gender,
        }
        sheet.append([values[name] for _, name in WORKDAY_COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "mm/dd/yyyy"
            elif WORKDAY_COLUMNS[cell.column - 1][1] == "FTE":
                cell.number_format = "0%"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"workday_worker_report_{on.isoformat()}.xlsx"
    book.save(path)
    _pin_xlsx_timestamps(path)
    return path


def write_personio_export(company: DemoCompany, folder: Path) -> Path:
    """The Berlin office's Personio employee export (its English headers) after a German
    Excel opened and saved it: cp1252, semicolons, DD.MM.YYYY, decimal commas. Everyone whose
    last job was in Berlin, leavers with Status inactive and their termination."""
    people = hr_people(company)
    rows = [list(PERSONIO_COLUMNS)]
    for hr in people:
        last = next(c for c in reversed(hr.changes) if c.action != "Termination")
        job = last.job
        if job["location"] != PERSONIO_OFFICE:
            continue
        p, manager, spell = hr.person, _manager(people, job), hr.spells[-1]
        active = p.active_on(EXPORTED_ON)
        rows.append(
            [
                str(p.index + 1),  # Personio's numeric ID: the number in the employee number
                hr.first_name,
                hr.last_name,
                p.email,
                {"Female": "female", "Male": "male"}.get(hr.gender, ""),
                "active" if active else "inactive",
                "internal",
                job["job_title"],
                job["department"],
                job["location"],
                manager.full_name if manager else "",
                spell.hire_date.strftime("%d.%m.%Y"),
                spell.termination_date.strftime("%d.%m.%Y") if spell.termination_date else "",
                PERSONIO_TERMINATION_TYPES[spell.termination_type] if spell.termination_type else "",
                spell.termination_reason or "",
                _number(weekly_hours(p, job["location"]), ","),
            ]
        )
    data = _csv_bytes(rows, encoding="cp1252", delimiter=";")
    return _write(folder, f"personio_employees_{EXPORTED_ON.isoformat()}.csv", data)


def write_history_export(company: DemoCompany, folder: Path) -> Path:
    """The files-only company's HR history: every change of every person (hires, job
    changes, terminations with reason and type, re-hires), managers by name, M/D/YYYY dates,
    Latin-1, a title row above the header. "Hire Date" is the hire date of the row's spell;
    "Termination Date", type and reason are on the termination row."""
    people = hr_people(company)
    rows = [[HISTORY_TITLE.format(run=_us(EXPORTED_ON, padded=False))], list(HISTORY_COLUMNS)]
    for hr in people:
        p = hr.person
        for change in hr.changes:
            job, manager, spell = change.job, _manager(people, change.job), change.spell
            terminated = change.action == "Termination"
            rows.append(
                [
                    p.employee_number,
                    hr.first_name,
                    hr.last_name,
                    p.email,
                    change.action,
                    _us(change.on, padded=False),
                    _us(spell.hire_date, padded=False),
                    _us(p.original_hire_date, padded=False),
                    _us(spell.termination_date, padded=False) if terminated else "",
                    HISTORY_TERMINATION_TYPES[spell.termination_type] if terminated else "",
                    spell.termination_reason if terminated else "",
                    "Terminated" if terminated else "Active",
                    job["job_title"],
                    job["department"],
                    job["division"],
                    job["location"],
                    cost_centre(job["department"]),
                    manager.full_name if manager else "",
                    _number(weekly_hours(p, job["location"])),
                ]
            )
    return _write(folder, f"hr_history_{EXPORTED_ON.isoformat()}.csv", _csv_bytes(rows, encoding="latin-1"))


def write_snapshot_exports(company: DemoCompany, folder: Path, dates: tuple[date, ...] = SNAPSHOT_DATES) -> list[Path]:
    """The files-only company's worker list at each date: the workers active that day, no
    date column (the as-of date is only in the file name), UTF-8 with a byte-order mark."""
    people = hr_people(company)
    paths = []
    for on in dates:
        rows = [list(SNAPSHOT_COLUMNS)]
        for hr in people:
            job = hr.job_on(on)
            if job is None:
                continue
            manager = _manager(people, job)
            rows.append(
                [
                    hr.person.employee_number,
                    hr.full_name,
                    hr.person.email,
                    job["job_title"],
                    job["department"],
                    job["division"],
                    job["location"],
                    cost_centre(job["department"]),
                    manager.person.employee_number if manager else "",
                    "0.5" if hr.part_time else "1",
                ]
            )
        paths.append(_write(folder, f"hr_snapshot_{on.isoformat()}.csv", _csv_bytes(rows, encoding="utf-8-sig")))
    return paths


def write_hr_exports(company: DemoCompany, folder: Path) -> dict[str, list[Path]]:
    """Every sample into one folder, by the name of the mapping that reads it."""
    from demo.vendors import write_payroll_xlsx

    write_payroll_xlsx(company, folder)
    return {
        "bamboohr_report": [write_bamboohr_report(company, folder)],
        "workday_worker_report": [write_workday_worker_report(company, folder)],
        "personio_export": [write_personio_export(company, folder)],
        "hr_history_export": [write_history_export(company, folder)],
        "hr_snapshot_export": write_snapshot_exports(company, folder),
        "lisbon_payroll": [folder / f"payroll_workers_{AS_OF.strftime('%Y-%m')}.xlsx"],
    }
