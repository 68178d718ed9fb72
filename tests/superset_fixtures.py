"""A tiny DuckDB serving warehouse with known values, for the Superset tests.

Three org units: Engineering (6 employees), Sales (5) and Legal (4). Legal is below
the 5-person threshold, so nothing about it may reach any chart; its gaps are
deliberately large so that a leak would change every expected number below.
Two capabilities, two months (2024-05 and 2024-06, the latest).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

MONTHS = (date(2024, 5, 1), date(2024, 6, 1))
LATEST_MONTH = MONTHS[-1]

ORG_UNITS = {
    # org_unit_id: (org_unit_name, division_name, employee ids)
    "technology-engineering": ("Engineering", "Technology", [f"E{n:05d}" for n in range(1, 7)]),
    "commercial-sales": ("Sales", "Commercial", [f"E{n:05d}" for n in range(7, 12)]),
    "corporate-legal": ("Legal", "Corporate", [f"E{n:05d}" for n in range(12, 16)]),
}

CAPABILITIES = {
    "data-analysis": ("Data Analysis", "Technical"),
    "stakeholder-communication": ("Stakeholder Communication", "Interpersonal"),
}

# Current reporting lines (marts.dim_employee.manager_employee_id). E00007 (Sales) is the
# top; E00001 heads Engineering and, through E00012, Legal. superset_ctl picks the
# non-top manager with the largest subtree for demo_manager: E00001 (9 reports), whose
# org units are Engineering and Legal; Legal stays suppressed, Sales is out of scope.
MANAGERS: dict[str, str | None] = {
    "E00007": None,
    "E00001": "E00007",
    **{f"E{n:05d}": "E00001" for n in range(2, 7)},
    **{f"E{n:05d}": "E00007" for n in range(8, 12)},
    "E00012": "E00001",
    **{f"E{n:05d}": "E00012" for n in range(13, 16)},
}
DEMO_MANAGER_ID = "E00001"
DEMO_MANAGER_ORG_UNITS = ("corporate-legal", "technology-engineering")

# gap_levels (required - manager assessed) per month, org unit, capability, in the
# order of the org unit's employees; None = not assessed.
GAPS: dict[date, dict[str, dict[str, list[int | None]]]] = {
    date(2024, 5, 1): {
        "technology-engineering": {
            "data-analysis": [2, 2, 1, 1, 0, 0],
            "stakeholder-communication": [1, 1, 0, 0, 0, -1],
        },
        "commercial-sales": {
            "data-analysis": [3, 2, 2, 1, 1],
            "stakeholder-communication": [1, 0, 0, -1, -1],
        },
        "corporate-legal": {
            "data-analysis": [1, 1, 1, 1],
            "stakeholder-communication": [1, 1, 1, 1],
        },
    },
    date(2024, 6, 1): {
        "technology-engineering": {
            "data-analysis": [2, 1, 1, 0, 0, -1],
            "stakeholder-communication": [1, 0, 0, 0, None, -1],
        },
        "commercial-sales": {
            "data-analysis": [3, 2, 1, 1, 0],
            "stakeholder-communication": [0, 0, -1, -1, 1],
        },
        "corporate-legal": {
            "data-analysis": [3, 3, 3, 3],
            "stakeholder-communication": [2, 2, 2, 2],
        },
    },
}

# What the dashboard must show (Legal suppressed everywhere).
EXPECTED = {
    # heatmap: average gap by (capability_name, org_unit_name), latest month
    "heatmap": {
        ("Data Analysis", "Engineering"): 0.5,
        ("Stakeholder Communication", "Engineering"): 0.0,
        ("Data Analysis", "Sales"): 1.4,
        ("Stakeholder Communication", "Sales"): -0.2,
    },
    # band mix per month: (low, intermediate, high)
    "band_mix": {
        date(2024, 5, 1): (12, 7, 3),
        date(2024, 6, 1): (9, 8, 4),
    },
    # perception gap (self - manager) by capability, latest month: data analysis +1 for
    # all 11; stakeholder communication Engineering -2 over 5 assessed, Sales -3 over 5
    # (a leak of Legal's four zeros would give -5/14)
    "perception_gap": {"Data Analysis": 1.0, "Stakeholder Communication": -0.5},
    # coverage of required capabilities by org unit, latest month: Engineering 11 of 12
    # employee-capabilities assessed (one not assessed), Sales 10 of 10
    "coverage": {"Engineering": 11 / 12, "Sales": 1.0},
    # employees with an open gap in the latest month (Engineering 3 + Sales 5)
    "open_gap_employees": 8,
    # top open gaps by capability, latest month: (employees with open gap, avg gap)
    "top_open_gaps": {
        "Data Analysis": (7, 10 / 11),
        "Stakeholder Communication": (2, -0.1),
    },
}


def gap_band(gap: int | None) -> str:
    if gap is None:
        return "not_assessed"
    if gap >= 1:
        return "low"
    if gap == 0:
        return "intermediate"
    return "high"


def self_offset(capability_id: str, index: int) -> int:
    """Self minus manager level before clipping to 1-5: data analysis +1 for everyone;
    stakeholder communication -1 for every other employee (the 1st, 3rd, ...), else 0."""
    if capability_id == "data-analysis":
        return 1
    return -1 if index % 2 == 0 else 0


def mart_rows() -> list[tuple]:
    rows = []
    required_level = 3
    for month, by_org in GAPS.items():
        for org_unit_id, by_capability in by_org.items():
            employees = ORG_UNITS[org_unit_id][2]
            for capability_id, gaps in by_capability.items():
                assert len(gaps) == len(employees)
                for index, (employee_id, gap) in enumerate(zip(employees, gaps, strict=True)):
                    manager_level = None if gap is None else required_level - gap
                    self_level = None
                    if manager_level is not None:
                        self_level = max(1, min(5, manager_level + self_offset(capability_id, index)))
                    rows.append(
                        (
                            month,
                            employee_id,
                            capability_id,
                            org_unit_id,
                            "jp-specialist",
                            2,
                            required_level,
                            manager_level,
                            self_level,
                            gap,
                            gap_band(gap),
                            None if gap is None else self_level - manager_level,
                            gap is not None and gap >= 1,
                        )
                    )
    return rows


def build_serving_warehouse(path: Path) -> Path:
    """Write the marts Superset reads, in contract shape, to a new DuckDB file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.dim_org_unit (
                org_unit_id varchar not null primary key,
                org_unit_name varchar,
                division_name varchar
            )
            """
        )
        con.executemany(
            "insert into marts.dim_org_unit values (?, ?, ?)",
            [(k, v[0], v[1]) for k, v in ORG_UNITS.items()],
        )
        con.execute(
            """
            create table marts.dim_capability (
                capability_id varchar not null primary key,
                capability_name varchar,
                category varchar
            )
            """
        )
        con.executemany(
            "insert into marts.dim_capability values (?, ?, ?)",
            [(k, v[0], v[1]) for k, v in CAPABILITIES.items()],
        )
        con.execute(
            """
            create table marts.dim_employee (
                employee_key varchar not null primary key,
                employee_id varchar not null,
                full_name varchar,
                work_email varchar,
                org_unit_id varchar,
                job_profile_id varchar,
                job_level integer,
                manager_employee_id varchar,
                employment_status varchar,
                hire_date date,
                termination_date date,
                valid_from date,
                valid_to date,
                is_current boolean
            )
            """
        )
        employee_rows = []
        for org_unit_id, (_name, _division, employees) in ORG_UNITS.items():
            for employee_id in employees:
                # a closed SCD2 version first, with another manager and org: only the
                # current version may decide the scope
                employee_rows.append(
                    (
                        f"{employee_id}-2020",
                        employee_id,
                        f"Person {employee_id}",
                        None,
                        "commercial-sales",
                        "jp-specialist",
                        2,
                        "E00007" if employee_id != "E00007" else None,
                        "active",
                        date(2020, 1, 1),
                        None,
                        date(2020, 1, 1),
                        date(2023, 12, 31),
                        False,
                    )
                )
                employee_rows.append(
                    (
                        f"{employee_id}-2024",
                        employee_id,
                        f"Person {employee_id}",
                        None,
                        org_unit_id,
                        "jp-specialist",
                        2,
                        MANAGERS[employee_id],
                        "active",
                        date(2020, 1, 1),
                        None,
                        date(2024, 1, 1),
                        None,
                        True,
                    )
                )
        # a leaver in E00012's team, in an org unit of its own: terminated employees are
        # outside every manager's current subtree, so corporate-finance is not in scope
        employee_rows.append(
            (
                "E00016-2024",
                "E00016",
                "Person E00016",
                None,
                "corporate-finance",
                "jp-specialist",
                2,
                "E00012",
                "terminated",
                date(2021, 1, 1),
                date(2024, 3, 31),
                date(2024, 1, 1),
                None,
                True,
            )
        )
        con.executemany(
            "insert into marts.dim_employee values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", employee_rows
        )
        con.execute(
            """
            create table marts.dim_job (
                job_profile_id varchar not null primary key,
                job_title varchar,
                job_family varchar,
                job_level integer
            )
            """
        )
        con.execute("insert into marts.dim_job values ('jp-specialist', 'Specialist', 'Operations', 2)")
        con.execute(
            """
            create table marts.mart_capability_gap (
                month_start_on date not null,
                employee_id varchar not null,
                capability_id varchar not null,
                org_unit_id varchar,
                job_profile_id varchar,
                job_level integer,
                required_level integer,
                manager_assessed_level integer,
                self_assessed_level integer,
                gap_levels integer,
                gap_band varchar,
                perception_gap integer,
                is_open_gap boolean
            )
            """
        )
        con.executemany(
            "insert into marts.mart_capability_gap values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            mart_rows(),
        )
        con.execute("checkpoint")
    finally:
        con.close()
    return path


# ------------------------------------------------------------------ a running Superset

REPO_ROOT = Path(__file__).resolve().parent.parent
SUPERSET_PYTHON = REPO_ROOT / ".venv" / "superset" / "bin" / "python"
CTL = REPO_ROOT / "dashboards" / "superset_ctl.py"
STARTUP_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def epoch_ms(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000


@dataclass
class SupersetServer:
    base_url: str
    env: dict[str, str]
    home: Path
    serving_path: Path
    http: requests.Session
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=120, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.base_url + path, timeout=120, **kwargs)

    def ctl(self, *args: str, check: bool = True, env: dict[str, str] | None = None):
        return run_ctl(*args, env=env or self.env, check=check)


def run_ctl(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(SUPERSET_PYTHON), str(CTL), *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"superset_ctl {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
        )
    return result


def clean_env(**overrides: str) -> dict[str, str]:
    """The test's environment without any Superset settings of the developer's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SUPERSET", "SERVING_", "FLASK_"))}
    env.update(overrides)
    return env


@contextmanager
def running_superset(tmp: Path, request: pytest.FixtureRequest) -> Iterator[SupersetServer]:
    """Tiny serving warehouse + init + import + `superset_ctl.py serve` on a free port,
    logged in as the admin through the REST API; stopped (process group) on exit."""
    if not SUPERSET_PYTHON.exists():
        pytest.fail(f"the Superset environment is missing at {SUPERSET_PYTHON.parent.parent}; run `make setup`")
    serving_path = build_serving_warehouse(tmp / "serving" / "warehouse.duckdb")
    port = free_port()
    password = secrets.token_urlsafe(16)
    env = clean_env(
        SUPERSET_HOME=str(tmp / "home"),
        SUPERSET_SECRET_KEY=secrets.token_urlsafe(42),
        SUPERSET_ADMIN_USER="admin",
        SUPERSET_ADMIN_PASSWORD=password,
        SUPERSET_DEMO_PASSWORD=secrets.token_urlsafe(16),
        SERVING_WAREHOUSE_PATH=str(serving_path),
        SUPERSET_PORT=str(port),
        SUPERSET_WORKERS="1",
        SUPERSET_THREADS="4",
        # no result cache, so a republished serving copy shows at once
        SUPERSET_DATA_CACHE_TIMEOUT="0",
    )
    server = SupersetServer(
        base_url=f"http://127.0.0.1:{port}",
        env=env,
        home=tmp / "home",
        serving_path=serving_path,
        http=requests.Session(),
    )

    for step, args in (("init", ["init"]), ("init_again", ["init"]), ("import", ["import"])):
        started = time.monotonic()
        result = server.ctl(*args)
        server.timings[step] = time.monotonic() - started
        server.outputs[step] = result.stderr

    log_path = tmp / "superset-serve.log"
    log_file = log_path.open("w")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(SUPERSET_PYTHON), str(CTL), "serve"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole below
    )
    try:
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"Superset exited with {proc.returncode}:\n{log_path.read_text()[-6000:]}")
            try:
                if requests.get(server.base_url + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() - started > STARTUP_TIMEOUT_S:
                raise AssertionError(
                    f"Superset did not answer within {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-6000:]}"
                )
            time.sleep(0.5)
        server.timings["startup"] = time.monotonic() - started

        login = server.post(
            "/api/v1/security/login",
            json={"username": "admin", "password": password, "provider": "db", "refresh": False},
        )
        assert login.status_code == 200, login.text
        server.http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield server
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log_file.close()
        report_timings(request, server.timings)


def report_timings(request: pytest.FixtureRequest, timings: dict[str, float]) -> None:
    """Print how long init/import/startup took, even when output is captured."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is None or capture is None or not timings:
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line("superset timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
