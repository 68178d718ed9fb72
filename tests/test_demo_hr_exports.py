"""The demo's HR export files: real vendor shapes, deterministic bytes, and mappings that fit them."""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from demo import hr_exports
from demo.generator import AS_OF, DemoCompany

MAPPINGS = Path(__file__).resolve().parents[1] / "ingestion" / "hr_files" / "mappings"
EMPLOYEES, SEED = 150, 7


@pytest.fixture(scope="module")
def company() -> DemoCompany:
    return DemoCompany(EMPLOYEES, seed=SEED).generate()


@pytest.fixture(scope="module")
def written(company: DemoCompany, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return hr_exports.write_hr_exports(company, tmp_path_factory.mktemp("hr_drop"))


def _one(written: dict[str, list[Path]], mapping: str) -> Path:
    [path] = written[mapping]
    return path


def _csv_rows(path: Path, encoding: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter))


def _table(rows: list[list[str]], header_index: int) -> list[dict[str, str]]:
    header = rows[header_index]
    return [dict(zip(header, row, strict=True)) for row in rows[header_index + 1 :]]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_the_same_bytes_and_leaves_the_company_alone(tmp_path: Path) -> None:
    first = DemoCompany(EMPLOYEES, seed=SEED).generate()
    state, names = first.rng.bit_generator.state, [(p.first_name, p.last_name) for p in first.people]
    hr_exports.write_hr_exports(first, tmp_path / "a")
    assert first.rng.bit_generator.state == state, "the exports draw from their own stream only"
    assert [(p.first_name, p.last_name) for p in first.people] == names
    hr_exports.write_hr_exports(DemoCompany(EMPLOYEES, seed=SEED).generate(), tmp_path / "b")
    hr_exports.write_hr_exports(DemoCompany(EMPLOYEES, seed=SEED + 1).generate(), tmp_path / "c")
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert a == b
    assert len(a) == 8
    assert all(a[name] != c[name] for name in a), "another seed gives other files"


def test_personio_export_is_a_german_excel_resave(written: dict[str, list[Path]], company: DemoCompany) -> None:
    path = _one(written, "personio_export")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert text.encode("cp1252") == data
    accented = [
        hr
        for hr in hr_exports.hr_people(company)
        if not hr.full_name.isascii() and f";{hr.first_name};{hr.last_name};" in text
    ]
    assert len(accented) >= 3
    assert any("ß" in hr.last_name or "ä" in hr.last_name for hr in accented)
    assert f";{accented[0].last_name};".encode("cp1252") in data  # one byte per accented letter
    rows = _csv_rows(path, "cp1252", ";")
    assert rows[0] == list(hr_exports.PERSONIO_COLUMNS)
    table = _table(rows, 0)
    assert {r["Office"] for r in table} == {"Berlin"}
    for row in table:
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", row["Hire date"])
        assert row["Termination date"] == "" or re.fullmatch(r"\d\d\.\d\d\.\d{4}", row["Termination date"])
    assert any(int(r["Hire date"][:2]) > 12 for r in table), "a day after the 12th shows DD.MM"
    assert {r["Weekly working hours"] for r in table} <= {"37,5", "18,75"}
    assert "37,5" in {r["Weekly working hours"] for r in table}
    leavers = [r for r in table if r["Status"] == "inactive"]
    assert leavers and all(r["Termination date"] and r["Termination type"] for r in leavers)
    # the dates are the company's: Personio's hire date is the current spell's
    people = {str(p.index + 1): p for p in company.people}
    for row in table:
        assert datetime.strptime(row["Hire date"], "%d.%m.%Y").date() == people[row["ID"]].hire_date


def test_bamboohr_report_is_us_dated_history(written: dict[str, list[Path]], company: DemoCompany) -> None:
    path = _one(written, "bamboohr_report")
    rows = _csv_rows(path, "utf-8")
    assert rows[0] == list(hr_exports.BAMBOOHR_COLUMNS)
    table = _table(rows, 0)
    date_columns = ("Hire Date", "Original Hire Date", "Termination Date", "Effective Date")
    values = [row[c] for row in table for c in date_columns if row[c]]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", v) for v in values)
    assert any(int(v[3:5]) > 12 for v in values), "a day after the 12th makes MM/DD/YYYY unambiguous"
    people = {p.employee_number: p for p in company.people}
    by_employee: dict[str, list[dict]] = {}
    for row in table:
        by_employee.setdefault(row["Employee #"], []).append(row)
    assert set(by_employee) == set(people), "everyone ever hired, leavers included"
    for number, person_rows in by_employee.items():
        person = people[number]
        assert datetime.strptime(person_rows[0]["Hire Date"], "%m/%d/%Y").date() == person.hire_date
        assert person_rows[0]["Effective Date"] == person.original_hire_date.strftime("%m/%d/%Y")
        terminated = [r for r in person_rows if r["Employment Status"] == "Terminated"]
        assert len(terminated) == len(person.previous_periods) + (person.termination_date is not None)
    rehired = [n for n, p in people.items() if p.previous_periods]
    assert rehired and all(len(by_employee[n]) >= 3 for n in rehired)
    types = {r["Termination Type"] for r in table if r["Employment Status"] == "Terminated"}
    assert types == {"Resignation (Voluntary)", "Termination (Involuntary)"}
    assert any(not (r["First Name"] + r["Last Name"]).isascii() for r in table)
    assert "Reporting to" in rows[0] and any(", " in r["Reporting to"] for r in table), "display names"


def test_workday_report_has_title_rows_above_a_two_level_header(
    written: dict[str, list[Path]], company: DemoCompany
) -> None:
    path = _one(written, "workday_worker_report")
    assert path.name == f"workday_worker_report_{AS_OF.isoformat()}.xlsx"
    sheet = load_workbook(path).active
    assert sheet["A1"].value == hr_exports.WORKDAY_REPORT_NAME
    assert (sheet["A2"].value, sheet["B2"].value) == ("Run By", hr_exports.WORKDAY_RUN_BY)
    assert sheet["A3"].value == "Run Date" and sheet["B3"].value.date() == AS_OF
    assert all(cell.value is None for cell in sheet[4])
    groups, headings = [c.value for c in sheet[5]], [c.value for c in sheet[6]]
    assert headings[:4] == ["Employee ID", "Worker Type", "First Name", "Last Name"]
    assert groups[:4] == ["Worker", None, "Legal Name", None]
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A5:B5", "C5:D5"}
    data = list(sheet.iter_rows(min_row=7, values_only=True))
    active = [p for p in company.people if p.active_on(AS_OF)]
    assert len(data) == len(active)
    assert {row[0] for row in data} == {p.employee_number for p in active}
    first = data[0]
    assert isinstance(first[headings.index("Hire Date")], datetime)
    assert first[headings.index("Hire Date")].date() == company.people[0].hire_date


def _xlsx_headers(path: Path) -> list[str]:
    """Column names of the first full row, under the group headings of the row above it."""
    sheet = load_workbook(path).active
    width = sheet.max_column
    rows = list(sheet.iter_rows(values_only=True))
    number = next(n for n, row in enumerate(rows, start=1) if all(v not in (None, "") for v in row[:width]))
    row = rows[number - 1]
    groups = [None] * width
    if number > 1:
        groups = [sheet.cell(number - 1, k + 1).value for k in range(width)]
        for merged in sheet.merged_cells.ranges:
            if merged.min_row == number - 1:
                for column in range(merged.min_col, merged.max_col + 1):
                    groups[column - 1] = sheet.cell(number - 1, merged.min_col).value
    return [f"{g} / {h}" if g else str(h) for g, h in zip(groups, row[:width], strict=True)]


def _csv_headers(path: Path, mapping: dict) -> list[str]:
    encoding = mapping.get("encoding", "auto")
    data = path.read_bytes()
    if encoding == "auto":
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "latin-1"
    delimiter = mapping.get("delimiter", "auto")
    rows = _csv_rows(path, encoding, "," if delimiter == "auto" else delimiter)[:10]
    return max(rows, key=len)  # title rows above the header are narrower


def test_every_mapping_fits_its_samples_and_claims_only_them(written: dict[str, list[Path]]) -> None:
    mappings = {m["name"]: m for m in (json.loads(p.read_text("utf-8")) for p in sorted(MAPPINGS.glob("*.json")))}
    assert set(mappings) == set(written)
    names = sorted(p.name for p in next(iter(written.values()))[0].parent.iterdir())
    claimed_by: dict[str, list[str]] = {name: [] for name in names}
    for name, mapping in mappings.items():
        claims = [f for f in names if any(fnmatch.fnmatchcase(f.casefold(), g.casefold()) for g in mapping["files"])]
        assert claims == sorted(p.name for p in written[name]), name
        for file in claims:
            claimed_by[file].append(name)
        for path in written[name]:
            headers = _xlsx_headers(path) if path.suffix == ".xlsx" else _csv_headers(path, mapping)
            folded = {h.casefold() for h in headers}
            missing = [h for h in mapping["columns"] if h.casefold() not in folded]
            assert not missing, f"{name}: {path.name} lacks {missing}"
    assert all(len(owners) == 1 for owners in claimed_by.values()), claimed_by


def test_files_only_history_has_rehires_and_both_termination_types(
    written: dict[str, list[Path]], company: DemoCompany
) -> None:
    path = _one(written, "hr_history_export")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    rows = _csv_rows(path, "latin-1")
    assert len(rows[0]) == 1 and rows[0][0].startswith(hr_exports.COMPANY_NAME), "a title row"
    assert rows[1] == list(hr_exports.HISTORY_COLUMNS)
    table = _table(rows, 1)
    values = [r[c] for r in table for c in ("Effective Date", "Hire Date", "Termination Date") if r[c]]
    assert all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", v) for v in values)
    assert any(v.startswith(("1/", "2/", "3/")) for v in values), "months without a leading zero"
    actions = {r["Action"] for r in table}
    assert {"Hire", "Rehire", "Termination", "Promotion"} <= actions
    terminations = [r for r in table if r["Action"] == "Termination"]
    assert {r["Termination Type"] for r in terminations} == {"Voluntary", "Involuntary"}
    assert all(r["Termination Reason"] and r["Termination Date"] == r["Effective Date"] for r in terminations)
    names = {(r["First Name"], r["Last Name"]) for r in table}
    assert any(not (first + last).isascii() for first, last in names)
    managers = {r["Manager"] for r in table if r["Manager"]}
    assert managers <= {f"{first} {last}" for first, last in names}, "every manager is a person in the file"
    assert len({r["Employee No"] for r in table}) == len(company.people)


def _us(text: str) -> date | None:
    return datetime.strptime(text, "%m/%d/%Y").date() if text else None


def test_truth_agrees_with_the_company_and_the_files_only_pair(
    written: dict[str, list[Path]], company: DemoCompany
) -> None:
    truth = hr_exports.files_only_truth(company)
    people = {p.employee_number: p for p in company.people}
    assert set(truth) == set(people)
    spells = [s for t in truth.values() for s in t["spells"]]
    assert len(spells) == len(people) + sum(len(p.previous_periods) for p in people.values())
    rehired = [n for n, t in truth.items() if len(t["spells"]) > 1]
    assert rehired and rehired == [n for n, p in people.items() if p.previous_periods]
    assert {s["termination_type"] for s in spells} == {"voluntary", "involuntary", None}
    for number, expected in truth.items():
        person = people[number]
        assert [s["termination_date"] for s in expected["spells"]][-1] == person.termination_date
        assert expected["spells"][0]["hire_date"] == person.original_hire_date
        manager = people[expected["manager_employee_number"]] if expected["manager_employee_number"] else None
        assert manager is (company.people[person.manager] if person.manager is not None else None)
        assert expected["manager_name_is_unique"], "this company has no two people of one name"

    # the history export, read back the way a loader would, gives the same spells and managers
    table = _table(_csv_rows(_one(written, "hr_history_export"), "latin-1"), 1)
    by_name = {f"{r['First Name']} {r['Last Name']}": r["Employee No"] for r in table}
    rebuilt: dict[str, dict] = {}
    for row in table:
        entry = rebuilt.setdefault(row["Employee No"], {"spells": [], "manager_employee_number": None})
        if row["Action"] in ("Hire", "Rehire"):
            entry["spells"].append({"hire_date": _us(row["Hire Date"]), "termination_date": None})
        if row["Action"] == "Termination":
            entry["spells"][-1]["termination_date"] = _us(row["Termination Date"])
            entry["spells"][-1]["termination_type"] = row["Termination Type"].lower()
        else:
            entry["manager_employee_number"] = by_name.get(row["Manager"])
    for entry in rebuilt.values():
        for spell in entry["spells"]:
            spell.setdefault("termination_type", None)
    assert rebuilt == {n: {k: t[k] for k in ("spells", "manager_employee_number")} for n, t in truth.items()}

    # each snapshot lists exactly the people employed that day, with their manager then
    for path in written["hr_snapshot_export"]:
        on = date.fromisoformat(path.stem.rsplit("_", 1)[1])
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        rows = _table(_csv_rows(path, "utf-8-sig"), 0)
        employed = {
            n
            for n, t in truth.items()
            if any(
                s["hire_date"] <= on and (s["termination_date"] is None or on < s["termination_date"])
                for s in t["spells"]
            )
        }
        assert {r["Employee Number"] for r in rows} == employed
        assert not any(
            re.search(r"\d{4}-\d\d-\d\d|\d+/\d+/\d{4}|\d\d\.\d\d\.\d{4}", v) for r in rows for v in r.values()
        )
        if on == AS_OF:
            assert {r["Employee Number"]: r["Manager Number"] or None for r in rows} == {
                n: truth[n]["manager_employee_number"] for n in employed
            }
    assert [p.name for p in written["hr_snapshot_export"]] == [
        f"hr_snapshot_{d.isoformat()}.csv" for d in hr_exports.SNAPSHOT_DATES
    ]


def test_hr_exports_command_writes_every_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from demo.__main__ import main

    monkeypatch.setattr(sys, "argv", ["python -m demo", "hr-exports", str(tmp_path / "out"), "--employees", "60"])
    monkeypatch.setenv("DEMO_SEED", "3")
    main()
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 8
    assert "personio_employees_2026-10-31.csv" in files and "payroll_workers_2026-10.xlsx" in files
    expected = tmp_path / "expected"
    hr_exports.write_hr_exports(DemoCompany(60, seed=3).generate(), expected)
    assert _digests(tmp_path / "out") == _digests(expected), "--employees and DEMO_SEED are honoured"
