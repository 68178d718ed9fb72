"""Protected characteristics from BambooHR: the demo plants them, the emulator answers them
only when a report names them, the connector loads them with a birth year instead of the
date of birth, and dim_employee_protected takes them from BambooHR, its system of record.

The expected values are the generator's own (`Person.gender`, `.ethnicity`,
`.date_of_birth`, `.original_hire_date`), so a mix-up of fields or people fails."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest
import requests

from demo.emulators import load_demo, make_servers, serve_in_thread
from demo.generator import PLANTED_RATING_BIAS, DemoCompany
from ingestion.bamboohr import bamboohr_source
from ingestion.bamboohr.source import PROTECTED_FIELDS, birth_year, protected_fields
from ingestion.errors import SourceConfigError
from tests.test_dbt_duckdb import dbt, summary

PROTECTED = ("gender", "ethnicity", "birth_year")


def _report(url: str, key: str, fields: list[str]) -> list[dict]:
    response = requests.post(
        f"{url}/reports/custom",
        params={"format": "JSON", "onlyCurrent": "false"},
        json={"fields": fields},
        auth=(key, "x"),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["employees"]


def _load(url: str, key: str, folder: Path, name: str = "protected") -> Path:
    path = folder / "wh.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(path)),
        dataset_name="raw_hris",
        pipelines_dir=str(folder / "pipelines"),
    )
    pipeline.run(bamboohr_source(base_url=url, api_key=key))
    return path


def _columns(path: Path, schema: str, table: str) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
        return {r[0] for r in con.execute(sql, [schema, table]).fetchall()}


def _text_cells(path: Path, schema: str) -> list[str]:
    """Every text value of every table of `schema`."""
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = ? and data_type = 'VARCHAR'",
            [schema],
        ).fetchall()
        cells = []
        for table, column in columns:
            sql = f'select "{column}" from {schema}."{table}" where "{column}" is not null'
            cells += [r[0] for r in con.execute(sql).fetchall()]
        return cells


def test_the_demo_plants_protected_fields_without_a_bias(small_company: DemoCompany) -> None:
    """Every person has a gender (the first-name rule gives Male or Female for Faker's
    names) and a date of birth 19 to 60 years before their first hire; the truth says no
    rating bias was planted."""
    people = small_company.people
    assert {p.gender for p in people} == {"Female", "Male"}
    assert {p.ethnicity for p in people} >= {"White", "Asian", None}
    for p in people:
        age_days = (p.original_hire_date - p.date_of_birth).days
        assert 19 * 365 <= age_days <= 60 * 366, (p.employee_number, age_days)
    params = {row["parameter"]: row["value"] for row in small_company.truth()["parameters"]}
    assert params["planted_rating_bias_by_protected_attribute"] == PLANTED_RATING_BIAS == 0.0


def test_emulator_answers_protected_fields_only_when_asked(vendors, small_company: DemoCompany) -> None:
    plain = _report(vendors.bamboohr_url, vendors.key, ["employeeNumber"])
    assert all(set(row) == {"id", "employeeNumber"} for row in plain)
    asked = _report(vendors.bamboohr_url, vendors.key, ["employeeNumber", *PROTECTED_FIELDS])
    first = small_company.people[0]
    row = next(r for r in asked if r["employeeNumber"] == first.employee_number)
    assert row["gender"] == first.gender
    assert row["ethnicity"] == first.ethnicity
    assert row["dateOfBirth"] == first.date_of_birth.isoformat()


def test_connector_lands_them_with_the_birth_year_only(vendors, small_company: DemoCompany, tmp_path: Path) -> None:
    """raw_hris.employees gets gender, ethnicity and birth_year; no column and no text
    cell of any raw_hris table (employees, quarantine, schema_changes ...) holds a date of
    birth (those older than every hire date, most of them), though the five planted bad
    report rows carry one at the source; a quarantined
    row keeps none of the three fields."""
    path = _load(vendors.bamboohr_url, vendors.key, tmp_path)
    assert set(PROTECTED) <= _columns(path, "raw_hris", "employees")
    assert not {c for c in _columns(path, "raw_hris", "employees") if "birth" in c} - {"birth_year"}
    with duckdb.connect(str(path), read_only=True) as con:
        loaded = {
            r[0]: r[1:]
            for r in con.execute(
                "select employee_number, gender, ethnicity, birth_year from raw_hris.employees"
            ).fetchall()
        }
        quarantined = [
            json.loads(r[0])
            for r in con.execute("select payload from raw_hris.quarantine where resource = 'employees'").fetchall()
        ]
        tables = {
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where schema_name = 'raw_hris'").fetchall()
        }
    for p in small_company.people:
        assert loaded[p.employee_number] == (p.gender, p.ethnicity, p.date_of_birth.year), p.employee_number
    # dates of birth before anyone's first hire, so no hire or job date can equal one
    first_hire = min(p.original_hire_date for p in small_company.people)
    births = {p.date_of_birth.isoformat() for p in small_company.people if p.date_of_birth < first_hire}
    assert len(births) > 100
    everything = "\n".join(_text_cells(path, "raw_hris"))
    assert not [b for b in births if b in everything]
    employee_rows = quarantined
    assert len(employee_rows) == 5
    assert all(not {"gender", "ethnicity", "birthYear", "dateOfBirth"} & set(r) for r in employee_rows)
    assert "schema_changes" not in tables, "the protected fields are declared (optional), not reported as added"


def test_protected_fields_setting_and_birth_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAMBOOHR_PROTECTED_FIELDS", raising=False)
    assert protected_fields() == ["gender", "ethnicity", "dateOfBirth"]
    monkeypatch.setenv("BAMBOOHR_PROTECTED_FIELDS", "")
    assert protected_fields() == []
    monkeypatch.setenv("BAMBOOHR_PROTECTED_FIELDS", "dateOfBirth, gender")
    assert protected_fields() == ["gender", "dateOfBirth"]
    with pytest.raises(SourceConfigError, match="unknown field"):
        protected_fields(["ssn"])
    assert birth_year("1988-02-29") == 1988
    assert birth_year("0000-00-00") is None  # BambooHR's empty date
    assert birth_year(None) is None


def test_a_tenant_without_protected_fields_still_loads(demo_dir: Path, tmp_path: Path) -> None:
    """The same company from a tenant that records none of the three: the report answers
    them as null, the load succeeds and the columns are simply absent."""
    data = load_demo(demo_dir)
    data["employees"] = [{k: v for k, v in e.items() if k not in PROTECTED_FIELDS} for e in data["employees"]]
    bamboo, lattice = make_servers(data, bamboohr_key="k", lattice_token="t")
    serve_in_thread(bamboo)
    try:
        url = f"http://127.0.0.1:{bamboo.server_port}/api/gateway.php/northwind/v1"
        path = _load(url, "k", tmp_path, "no_protected")
    finally:
        bamboo.shutdown()
        bamboo.server_close()
        lattice.server_close()
    columns = _columns(path, "raw_hris", "employees")
    assert "employee_number" in columns and not set(PROTECTED) & columns


def _band(birth: int, on: date) -> str:
    age = on.year - birth
    bounds = [(25, "under 25"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")]
    return next((band for limit, band in bounds if age < limit), "65 and over")


@pytest.mark.slow
def test_dim_employee_protected_from_bamboohr(vendors, small_company: DemoCompany, tmp_path: Path) -> None:
    """dbt on the connector's load (BambooHR the system of record, file drop off): one row
    per person, current, source `bamboohr`, valid from the first hire, with the person's
    gender, ethnicity, birth year and the age band of (first-hire year - birth year); no
    date column anywhere in the warehouse is named for a birth. Then the tenant stops
    sending the fields: staging still builds and the dimension is empty."""
    path = _load(vendors.bamboohr_url, vendors.key, tmp_path)
    env = {**os.environ, "WAREHOUSE_PATH": str(path), "HR_SYSTEM_OF_RECORD": "bamboohr", "DISABLED_SOURCES": "hr_files"}
    select = ["--select", "+dim_employee_protected", "--indirect-selection", "cautious"]
    result = dbt(["build", "--target", "duckdb", *select], env, tmp_path)
    assert summary(result)["error"] == 0, result.stdout[-6000:]
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select employee_id, gender, ethnicity, birth_year, age_band, source_system, valid_from, valid_to,"
            " is_current from marts.dim_employee_protected"
        ).fetchall()
        birth_columns = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns"
            " where column_name like '%birth%'"
        ).fetchall()
    assert {(c[2], c[3]) for c in birth_columns} == {("birth_year", "BIGINT"), ("birth_year", "INTEGER")}
    assert ("marts", "dim_employee_protected", "birth_year", "INTEGER") in birth_columns
    assert len(rows) == len({r[0] for r in rows}) == len(small_company.people)
    for p in small_company.people:
        row = next(r for r in rows if r[0] == p.employee_number)
        birth = p.date_of_birth.year
        expected = (p.gender, p.ethnicity, birth, _band(birth, p.original_hire_date), "bamboohr")
        assert row[1:6] == expected, p.employee_number
        assert row[6:] == (p.original_hire_date, None, True), p.employee_number

    with duckdb.connect(str(path)) as con:
        for column in PROTECTED:
            con.execute(f"alter table raw_hris.employees drop column {column}")
    select = ["--select", "stg_hris__employees", "int_people__bamboohr_protected_records", "dim_employee_protected"]
    result = dbt(["build", "--target", "duckdb", *select, "--indirect-selection", "cautious"], env, tmp_path)
    assert summary(result)["error"] == 0, result.stdout[-6000:]
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_employee_protected").fetchone()[0] == 0
        assert con.execute("select count(gender) from staging.stg_hris__employees").fetchone()[0] == 0
