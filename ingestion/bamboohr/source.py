"""BambooHR: people (custom report) and effective-dated job history (jobInfo table).

API: `https://api.bamboohr.com/api/gateway.php/{company}/v1`, HTTP basic auth with the
API key as user name and any password. Configure with `BAMBOOHR_BASE_URL` (including the
company domain) and `BAMBOOHR_API_KEY`.

- `employees`: `POST reports/custom?format=JSON&onlyCurrent=false`, merged on `id`. The
  report also names the protected fields `gender`, `ethnicity` and `dateOfBirth` (for
  pay-gap and rating-bias analysis; `BAMBOOHR_PROTECTED_FIELDS`, a comma list, narrows
  them, empty requests none). A date of birth is reduced to `birthYear` before anything
  is yielded, so no raw, quarantine or schema-change row ever holds the full date, and a
  quarantined row keeps none of the three. They are optional: a tenant that sends none
  still loads (the columns are then absent).
- `job_info`: `GET employees/changed/tables/jobInfo?since=...`, incremental on the
  employee's `lastChanged`, merged on (`employee_id`, `id`).
- `employment_status`: `GET employees/changed/tables/employmentStatus?since=...` (hires,
  status changes, terminations and re-hires), incremental and merged the same way.

Rows of both tables are checked against the employees' first hire dates (one extra
custom report of `hireDate` and `originalHireDate`): a row for an employee the report
does not list, or dated before the hire or in the future, is quarantined. Every resource
declares the fields it expects; one added, renamed or gone (a report field the API key
lost access to) is reported in `schema_changes`. Each response is accounted in
`load_reconciliation` (unit `report`, or `report (since=...)` for the changed tables):
received = loaded + quarantined.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator

from ingestion.errors import SourceConfigError, raise_for_source, require_env
from ingestion.http import source_hooks
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch

SOURCE = "bamboohr"
REPORT_FIELDS = [
    "employeeNumber",
    "firstName",
    "lastName",
    "displayName",
    "workEmail",
    "hireDate",
    "terminationDate",
    "status",
    "jobTitle",
    "department",
    "division",
    "location",
    "supervisorEId",
    "lastChanged",
]
# Protected characteristics the report asks for unless BAMBOOHR_PROTECTED_FIELDS says otherwise
# (BambooHR's documented employee field names).
PROTECTED_FIELDS = ["gender", "ethnicity", "dateOfBirth"]
# What a row carries of them once the date of birth is reduced to its year.
PROTECTED_LOADED = {"gender": "gender", "ethnicity": "ethnicity", "dateOfBirth": "birthYear"}
# The fields of each effective-dated table's rows; anything else is reported as a change.
TABLE_FIELDS = {
    "job_info": (["id", "employeeId", "date", "location", "department", "division", "jobTitle", "reportsTo"], []),
    "employment_status": (
        ["id", "employeeId", "date", "employmentStatus"],
        ["terminationTypeId", "terminationReasonId", "terminationRehireId", "terminationRegrettableId", "comment"],
    ),
}


KEYS = {"employees": "id", "job_info": ["employeeId", "id"], "employment_status": ["employeeId", "id"]}


def table_hints(table: str):
    """Hints that travel with the table's rows (create_table_variant), so the quarantine,
    reconciliation and schema change rows the same resource yields keep their own key."""
    return dlt.mark.make_hints(table_name=table, write_disposition="merge", primary_key=KEYS[table])


def _client(base_url: str | None, api_key: str | None) -> RESTClient:
    base_url = require_env(SOURCE, "BAMBOOHR_BASE_URL", base_url or os.environ.get("BAMBOOHR_BASE_URL"))
    api_key = require_env(SOURCE, "BAMBOOHR_API_KEY", api_key or os.environ.get("BAMBOOHR_API_KEY"))
    return RESTClient(
        base_url=base_url.rstrip("/") + "/",
        auth=HttpBasicAuth(api_key, "x"),
        headers={"Accept": "application/json"},
        paginator=SinglePagePaginator(),
    )


def _valid_date(text: str | None) -> bool:
    try:
        return text is not None and date.fromisoformat(text) <= datetime.now(UTC).date()
    except (TypeError, ValueError):
        return False


def protected_fields(requested: list[str] | None = None) -> list[str]:
    """The protected fields to request: the argument, else `BAMBOOHR_PROTECTED_FIELDS` (comma
    separated; empty for none), else all of PROTECTED_FIELDS. An unknown name is an error."""
    if requested is None:
        text = os.environ.get("BAMBOOHR_PROTECTED_FIELDS")
        requested = PROTECTED_FIELDS if text is None else [f.strip() for f in text.split(",") if f.strip()]
    unknown = sorted(set(requested) - set(PROTECTED_FIELDS))
    if unknown:
        raise SourceConfigError(
            f"{SOURCE}: BAMBOOHR_PROTECTED_FIELDS names unknown field(s) {unknown}; any of {PROTECTED_FIELDS}"
        )
    return [f for f in PROTECTED_FIELDS if f in requested]


def birth_year(text: object) -> int | None:
    """The year of a BambooHR date of birth (`yyyy-mm-dd`); None when empty or malformed
    (BambooHR writes an empty date as `0000-00-00`)."""
    try:
        return date.fromisoformat(str(text)).year
    except ValueError:
        return None


def reduce_date_of_birth(row: dict) -> dict:
    """The row with `dateOfBirth` replaced by `birthYear`: the full date is never kept."""
    if "dateOfBirth" not in row:
        return row
    reduced = {k: v for k, v in row.items() if k != "dateOfBirth"}
    reduced["birthYear"] = birth_year(row["dateOfBirth"])
    return reduced


def without_protected(row: dict) -> dict:
    """The row without its protected characteristics: what a quarantine row may keep (the
    quarantine is read by the data-health views, which are not restricted)."""
    return {k: v for k, v in row.items() if k not in PROTECTED_LOADED.values()}


def table_row_problem(row: dict, hired: dict[str, date]) -> str | None:
    """Why a row of an effective-dated table cannot be loaded, or None when it can."""
    if not row.get("id"):
        return "missing row id"
    employee = str(row.get("employeeId") or "")
    if employee not in hired:
        return "unknown employee"
    try:
        effective = date.fromisoformat(str(row.get("date")))
    except ValueError:
        return "effective date missing or malformed"
    if effective > datetime.now(UTC).date():
        return "effective date in the future"
    if effective < hired[employee]:
        return "effective date before hire"
    return None


def employee_problem(row: dict) -> str | None:
    """Why an employee record cannot be loaded, or None when it can."""
    if not row.get("id"):
        return "missing id"
    if not row.get("employeeNumber"):
        return "missing employeeNumber"
    email = row.get("workEmail") or ""
    if "@" not in email:
        return "missing or malformed workEmail"
    if not _valid_date(row.get("hireDate")):
        return "hireDate missing, malformed or in the future"
    if row.get("terminationDate") and not _valid_date(row["terminationDate"]):
        return "terminationDate malformed or in the future"
    return None


@dlt.source(name=SOURCE)
def bamboohr_source(base_url: str | None = None, api_key: str | None = None, protected: list[str] | None = None):
    """People and job history from BambooHR. Credentials are read when the load runs;
    `protected` names the protected fields to request (default: see `protected_fields`)."""

    @dlt.resource(name="employees")
    def employees():
        client = _client(base_url, api_key)
        asked = protected_fields(protected)
        # The report answers the fields asked for: a missing one means the key lost access.
        # The protected ones are optional: many tenants keep them empty or restricted.
        watch = FieldWatch(SOURCE, "employees", ["id", *REPORT_FIELDS], [PROTECTED_LOADED[f] for f in asked])
        hints = table_hints("employees")
        seen: set[str] = set()
        for page in client.paginate(
            "reports/custom",
            method="POST",
            params={"format": "JSON", "onlyCurrent": "false"},
            json={"fields": [*REPORT_FIELDS, *asked]},
            data_selector="employees",
            hooks=source_hooks(SOURCE),
        ):
            count, rows = UnitCount(SOURCE, "employees", "report"), []
            for row in page:
                count.received += 1
                row = reduce_date_of_birth(row)
                yield from watch.changes(row)
                problem = employee_problem(row)
                if problem is None and row["id"] in seen:
                    problem = "duplicate id in one report"
                if problem:
                    count.quarantined += 1
                    yield quarantined(SOURCE, "employees", without_protected(row), problem)
                    continue
                seen.add(row["id"])
                count.loaded += 1
                rows.append(row)
            if rows:
                yield dlt.mark.with_hints(rows, hints, create_table_variant=True)
            yield count.item()

    def hire_dates(client: RESTClient) -> dict[str, date]:
        """Each employee's first hire date (`originalHireDate`, else `hireDate`) by id."""
        response = client.post(
            "reports/custom",
            params={"format": "JSON", "onlyCurrent": "false"},
            json={"fields": ["hireDate", "originalHireDate"]},
        )
        raise_for_source(SOURCE, response)
        found = {}
        for row in response.json().get("employees") or []:
            text = row.get("originalHireDate") or row.get("hireDate")
            if row.get("id") and _valid_date(text):
                found[str(row["id"])] = date.fromisoformat(text)
        return found

    def table(api_table: str, name: str):
        """An effective-dated BambooHR table, incremental on the employee's `lastChanged`."""

        @dlt.resource(name=name)
        def resource(
            last_changed=dlt.sources.incremental(
                "lastChanged",
                initial_value="1970-01-01T00:00:00+00:00",
                on_cursor_value_missing="include",
                primary_key=KEYS[name],  # the rows carry the table's key; deduplicate on it as before
            ),
        ):
            client = _client(base_url, api_key)
            watch = FieldWatch(SOURCE, name, *TABLE_FIELDS[name])
            hints = table_hints(name)
            hired = hire_dates(client)
            since = last_changed.last_value
            response = client.get(f"employees/changed/tables/{api_table}", params={"since": since})
            raise_for_source(SOURCE, response)
            count, records = UnitCount(SOURCE, name, f"report (since={since})"), []
            for employee_id, rows in (response.json().get("employees") or {}).items():
                for row in rows.get("rows") or []:
                    count.received += 1
                    yield from watch.changes(row)
                    record = {
                        **row,
                        "employeeId": row.get("employeeId") or employee_id,
                        "lastChanged": rows.get("lastChanged"),
                    }
                    problem = table_row_problem(record, hired)
                    if problem:
                        count.quarantined += 1
                        yield quarantined(SOURCE, name, record, problem, key=f"{employee_id}:{row.get('id')}")
                        continue
                    count.loaded += 1
                    records.append(record)
            if records:
                yield dlt.mark.with_hints(records, hints, create_table_variant=True)
            yield count.item()

        return resource

    return employees, table("jobInfo", "job_info"), table("employmentStatus", "employment_status")
