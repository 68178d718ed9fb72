"""The HR file drop end to end through dlt into DuckDB: exports shaped like the ones
customers send (US dates, Latin-1, semicolons, title rows, truncated lines, names that
match no pattern), rejected files, quarantine, reconciliation and re-runs after a fix.
The reading rules themselves are tested in test_hr_files_reader.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.hr_files import hr_files_source
from ingestion.hr_files.mapping import MappingError
from tests.test_connectors import root_cause, run

ROOT = Path(__file__).resolve().parents[1]

# Shaped like a small HR system's export: US dates, "Last, First" names, manager names,
# termination dates and reasons, a 0/1 "Termd" flag. Invented people.
HR_SYSTEM_CSV = """\
Employee_Name,EmpID,Position,Department,ManagerName,DateofHire,DateofTermination,TermReason,EmploymentStatus,Termd,Sex,DOB
"Alvarez, Rosa",10001,Production Technician I,Production,Ann Keller,7/5/2011,,N/A-StillEmployed,Active,0,F,07/10/1983
"Brandt, Oskar",10002,Sr. DBA,IT/IS,Simon Ruiz,3/30/2015,6/16/2016,career change,Voluntarily Terminated,1,M,05/05/1975
"Chen, Li",10003,Technician II,Production,Ann Keller,1/7/2019,10/25/2020,attendance,Terminated for Cause,1,F,09/19/1988
"Dubois, Marc",10004,Area Sales Manager,Sales,Lynn Daneault,11/10/2014,,N/A-StillEmployed,Active,0,M,12/12/1979
"""
HR_SYSTEM_MAPPING = {
    "name": "hr_system_export",
    "files": ["hr_export*.csv"],
    "columns": {
        "EmpID": "employee_number",
        "Employee_Name": "full_name",
        "Position": "job_title",
        "Department": "department",
        "ManagerName": "manager_name",
        "DateofHire": {"column": "hire_date", "date_format": "auto"},
        "DateofTermination": "termination_date",
        "TermReason": "termination_reason",
        "EmploymentStatus": {
            "column": "termination_type",
            "values": {
                "Voluntarily Terminated": "voluntary",
                "Terminated for Cause": "involuntary",
                "Active": "",
            },
        },
        "Termd": {"column": "employment_status", "values": {"1": "Terminated", "0": "Active"}},
        "Sex": {"column": "gender", "optional": True},
        "DOB": {"column": "date_of_birth", "optional": True},
    },
}


def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)


def query(tmp_path: Path, sql: str) -> list[tuple]:
    with warehouse(tmp_path) as con:
        return con.execute(sql).fetchall()


def units(tmp_path: Path) -> dict[str, tuple]:
    """The latest reconciliation row per file: (received, loaded, quarantined, rejected, reason)."""
    found = query(
        tmp_path,
        """select unit, received, loaded, quarantined, rejected, reason
           from raw_hris.load_reconciliation
           qualify row_number() over (partition by unit order by load_id desc) = 1""",
    )
    return {row[0]: row[1:] for row in found}


def in_chain(error: BaseException, kind: type) -> BaseException:
    """The first exception of `kind` in the chain dlt wraps a source's error in."""
    seen = error
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    raise AssertionError(f"no {kind.__name__} in the chain of {error!r}")


def quarantine_rows(tmp_path: Path) -> list[tuple]:
    """(record_key, reason, resolved) of every quarantine row; none when nothing was ever quarantined."""
    with warehouse(tmp_path) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'raw_hris' and table_name = 'quarantine'"
        ).fetchone()[0]
        if not exists:
            return []
        return con.execute("select record_key, reason, resolved_at is not null from raw_hris.quarantine").fetchall()


def load(folder: Path, tmp_path: Path, mapping=None):
    return run(hr_files_source(folder=str(folder), mapping=mapping), "raw_hris", tmp_path)


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def test_us_dates_names_and_terminations_load(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export_2026-11.csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    load(drop, tmp_path, HR_SYSTEM_MAPPING)
    loaded = query(
        tmp_path,
        """select employee_number, hire_date, termination_date, termination_type, employment_status,
                  manager_name, birth_year
           from raw_hris.hr_file_records order by employee_number""",
    )
    assert [(r[0], str(r[1]), str(r[2]) if r[2] else None, r[3] or None, r[4], r[5], r[6]) for r in loaded] == [
        ("10001", "2011-07-05", None, None, "Active", "Ann Keller", 1983),
        ("10002", "2015-03-30", "2016-06-16", "voluntary", "Terminated", "Simon Ruiz", 1975),
        ("10003", "2019-01-07", "2020-10-25", "involuntary", "Terminated", "Ann Keller", 1988),
        ("10004", "2014-11-10", None, None, "Active", "Lynn Daneault", 1979),
    ]
    # the date of birth itself is never stored
    columns = {r[0] for r in query(tmp_path, "describe raw_hris.hr_file_records")}
    assert "date_of_birth" not in columns and "birth_year" in columns
    assert units(tmp_path)["hr_export_2026-11.csv"] == (4, 4, 0, False, None)


def test_a_file_no_mapping_claims_is_reported_not_skipped(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export_2026-11.csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    (drop / "Attrition extract FINAL (2).csv").write_text("EmployeeNumber,Age,Attrition\n1,41,Yes\n2,49,No\n")
    load(drop, tmp_path, HR_SYSTEM_MAPPING)
    received, loaded, quarantined, rejected, reason = units(tmp_path)["Attrition extract FINAL (2).csv"]
    assert rejected and loaded == 0
    assert reason.startswith("no mapping claims this file")
    assert "hr_system_export (hr_export*.csv)" in reason and "EmployeeNumber, Age, Attrition" in reason
    assert units(tmp_path)["hr_export_2026-11.csv"][1] == 4  # the other file still loads


def test_latin1_semicolon_and_title_rows_load_beside_a_broken_file(drop: Path, tmp_path: Path) -> None:
    mapping = {
        "name": "payroll_de",
        "files": ["*.csv", "*.xlsx"],
        "columns": {
            "Personalnummer": "employee_number",
            "Name": "last_name",
            "Eintritt": "hire_date",
            "Stunden": {"column": "weekly_hours", "optional": True},
        },
    }
    (drop / "a_latin1.csv").write_bytes(
        "Personalnummer;Name;Eintritt;Stunden\n501;Müller;31.01.2020;37,5\n502;Jäger;01.02.2021;40\n".encode("latin-1")
    )
    (drop / "b_title_rows.csv").write_text(
        "Mitarbeiterliste,,,\nStand: 30.11.2026,,,\n,,,\n"
        "Personalnummer,Name,Eintritt,Stunden\n503,Weiß,15.03.2019,20\n",
        encoding="utf-8",
    )
    # required header missing: one file-level rejection, not one quarantine per row
    (drop / "c_missing_column.csv").write_text("Personalnummer;Name\n504;Kunz\n505;Lang\n506;Maier\n")
    load(drop, tmp_path, mapping)
    got = query(tmp_path, "select employee_number, last_name, hire_date, weekly_hours from raw_hris.hr_file_records")
    assert sorted((r[0], r[1], str(r[2]), float(r[3])) for r in got) == [
        ("501", "Müller", "2020-01-31", 37.5),
        ("502", "Jäger", "2021-02-01", 40.0),
        ("503", "Weiß", "2019-03-15", 20.0),
    ]
    found = units(tmp_path)
    assert found["a_latin1.csv"][:4] == (2, 2, 0, False)
    assert found["b_title_rows.csv"][:4] == (1, 1, 0, False)
    received, loaded, quarantined, rejected, reason = found["c_missing_column.csv"]
    assert rejected and quarantined == 0 and "Eintritt" in reason and "Personalnummer, Name" in reason
    assert quarantine_rows(tmp_path) == []


def test_truncated_line_and_conflicting_ids_are_quarantined(drop: Path, tmp_path: Path) -> None:
    mapping = {"files": ["*.csv"], "columns": {"id": "employee_number", "title": "job_title", "start": "hire_date"}}
    (drop / "workers.csv").write_text(
        "id,title,start\n"
        "1,Analyst,2020-01-06\n"
        "2,Engineer,2020-02-03\n"
        "2,Manager,2020-02-03\n"  # same employee and date, different job: which one is right?
        "3,Analyst,2020-03-02\n"
        "3,Analyst,2020-03-02\n"  # an exact repeat
        "4,Direc",  # the export was cut off
        encoding="utf-8",
    )
    load(drop, tmp_path, mapping)
    assert query(tmp_path, "select employee_number from raw_hris.hr_file_records order by 1") == [("1",), ("3",)]
    reasons = dict(query(tmp_path, "select record_key, reason from raw_hris.quarantine"))
    by_line = {int(key.split(":")[1]): reason for key, reason in reasons.items()}
    assert by_line[3] == by_line[4] == "conflicting rows for employee 2 on 2020-02-03 (lines 3, 4)"
    assert by_line[6] == "duplicate of line 5"
    assert by_line[7].startswith("truncated")
    assert units(tmp_path)["workers.csv"] == (6, 2, 4, False, None)


def test_rerun_after_a_mapping_fix_reads_the_file_again_and_resolves_the_quarantine(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export.csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    wrong = json.loads(json.dumps(HR_SYSTEM_MAPPING))
    wrong["columns"]["DateofHire"] = {"column": "hire_date", "date_format": "%d/%m/%Y"}
    load(drop, tmp_path, wrong)
    # read as D/M/YYYY, 7/5/2011, 1/7/2019 and 11/10/2014 load (wrongly); 3/30/2015 cannot
    first = dict(query(tmp_path, "select employee_number, hire_date from raw_hris.hr_file_records"))
    assert str(first["10001"]) == "2011-05-07" and "10002" not in first
    assert query(tmp_path, "select count(*) from raw_hris.quarantine where resolved_at is null")[0][0] == 1
    # the same content and mapping again: not read again, reported as unchanged
    load(drop, tmp_path, wrong)
    assert units(tmp_path)["hr_export.csv"][0] == 0
    assert units(tmp_path)["hr_export.csv"][4].startswith("unchanged")
    # the corrected mapping reads it again: every row loads with the right dates
    load(drop, tmp_path, HR_SYSTEM_MAPPING)
    fixed = dict(query(tmp_path, "select employee_number, hire_date from raw_hris.hr_file_records"))
    assert {k: str(v) for k, v in fixed.items()} == {
        "10001": "2011-07-05",
        "10002": "2015-03-30",
        "10003": "2019-01-07",
        "10004": "2014-11-10",
    }
    history = query(tmp_path, "select record_key, reason, resolved_at is not null, resolution from raw_hris.quarantine")
    assert len(history) == 1 and history[0][2] and history[0][3].startswith("mapping hr_system_export version ")
    assert "3/30/2015" in history[0][1]
    assert units(tmp_path)["hr_export.csv"] == (4, 4, 0, False, None)


def test_rows_a_corrected_mapping_no_longer_loads_are_withdrawn(drop: Path, tmp_path: Path) -> None:
    (drop / "w.csv").write_text("id,start\n1,2020-01-06\n2,2020-02-03\n", encoding="utf-8")
    load(drop, tmp_path, {"files": ["*.csv"], "columns": {"id": "employee_number", "start": "hire_date"}})
    assert query(tmp_path, "select count(*) from raw_hris.hr_file_records")[0][0] == 2
    stricter = {
        "files": ["*.csv"],
        "columns": {
            "id": "employee_number",
            "start": {"column": "hire_date", "values": {"2020-02-03": "n/a"}, "required": True},
        },
    }
    load(drop, tmp_path, stricter)
    assert query(tmp_path, "select employee_number from raw_hris.hr_file_records") == [("1",)]


def test_the_same_file_under_two_names_loads_once(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export_nov.csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    (drop / "hr_export_nov (copy).csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    load(drop, tmp_path, HR_SYSTEM_MAPPING)
    assert query(tmp_path, "select count(*) from raw_hris.hr_file_records")[0][0] == 4
    copy = units(tmp_path)["hr_export_nov.csv"]
    assert copy[0] == 0 and copy[4] == "same content as hr_export_nov (copy).csv: loaded once"


def test_every_unit_balances(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export.csv").write_text(HR_SYSTEM_CSV + '"Eve, Ada",,Analyst,IT/IS,,13/45/2020,,,,0,,\n')
    (drop / "notes.pdf").write_bytes(b"%PDF-1.4")
    load(drop, tmp_path, HR_SYSTEM_MAPPING)
    found = units(tmp_path)
    assert found["notes.pdf"][3] and found["notes.pdf"][4] == "not a CSV, TSV or XLSX file"
    assert found["hr_export.csv"][:4] == (5, 4, 1, False)
    for received, loaded, quarantined, rejected, _ in found.values():
        assert rejected or received == loaded + quarantined


def test_broken_mapping_json_names_the_file_and_line(drop: Path, tmp_path: Path, monkeypatch) -> None:
    mapping_file = tmp_path / "my_mapping.json"
    mapping_file.write_text('{\n  "columns": {\n    "EmpID": "employee_number",\n    "Name" "full_name"\n  }\n}\n')
    monkeypatch.setenv("HR_DROP_MAPPING_FILE", str(mapping_file))
    (drop / "x.csv").write_text("EmpID,Name\n1,A\n")
    with pytest.raises(PipelineStepFailed) as failure:
        load(drop, tmp_path)
    error = in_chain(failure.value, MappingError)
    assert "my_mapping.json" in str(error) and "line 4" in str(error)


def test_unknown_target_column_is_an_error_not_a_new_column(drop: Path, tmp_path: Path) -> None:
    (drop / "x.csv").write_text("EmpID,Shoe size\n1,42\n")
    with pytest.raises(PipelineStepFailed) as failure:
        load(drop, tmp_path, {"columns": {"EmpID": "employee_number", "Shoe size": "shoe_size"}})
    assert "shoe_size" in str(root_cause(failure.value))


def test_command_line_load_and_dry_run(drop: Path, tmp_path: Path) -> None:
    (drop / "hr_export_2026-11.csv").write_text(HR_SYSTEM_CSV, encoding="utf-8")
    (drop / "unclaimed.csv").write_text("a,b\n1,2\n")
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(HR_SYSTEM_MAPPING))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HR_DROP_DIR": str(drop),
        "HR_DROP_MAPPING_FILE": str(mapping_file),
        "WAREHOUSE_PATH": str(tmp_path / "cli.duckdb"),
        "DLT_PIPELINES_DIR": str(tmp_path / "cli_pipelines"),
    }
    command = [sys.executable, "-m", "ingestion", "hr_files"]
    dry = subprocess.run([*command, "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "hire_date %m/%d/%Y" in dry.stdout
    assert "4 read: 4 would load, 0 would be quarantined" in dry.stdout
    assert "REJECTED    no mapping claims this file" in dry.stdout
    assert not (tmp_path / "cli.duckdb").exists()  # a dry run loads nothing
    loaded = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert "hr_file_records / hr_export_2026-11.csv" in loaded.stdout
    assert "REJECTED" in loaded.stdout
    with duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_hris.hr_file_records").fetchone()[0] == 4
    # a source that cannot be read at all: exit 1 with one clear line
    broken = subprocess.run(
        command, cwd=ROOT, env={**env, "HR_DROP_DIR": str(tmp_path / "nowhere")}, capture_output=True, text=True
    )
    assert broken.returncode == 1
    assert broken.stderr.strip().startswith("hr_files: cannot read the source: hr_files: HR_DROP_DIR")
    assert "Traceback" not in broken.stderr
