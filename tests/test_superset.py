"""Superset assets, end to end, against a real Superset on loopback.

Builds a tiny DuckDB serving warehouse with known values (tests/superset_fixtures.py),
runs ``dashboards/superset_ctl.py init`` and ``import`` with a temporary SUPERSET_HOME,
starts Superset (``superset_ctl.py serve``) on a free loopback port, logs in through the
REST API and checks every chart of the Capability Gaps dashboard returns the expected
rows, with the 4-person org unit suppressed; checks the roles and row-level security
created on import, and that ``demo_manager`` sees only its manager's org subtree. Superset runs in its own virtualenv
(.venv/superset); this module runs from the pipeline venv and only talks HTTP to it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import yaml

from tests.superset_fixtures import (
    DEMO_MANAGER_ID,
    DEMO_MANAGER_ORG_UNITS,
    EXPECTED,
    GAPS,
    LATEST_MONTH,
    REPO_ROOT,
    SUPERSET_PYTHON,
    SupersetServer,
    build_serving_warehouse,
    clean_env,
    epoch_ms,
    run_ctl,
    running_superset,
)

ASSETS = REPO_ROOT / "dashboards" / "assets"
DASHBOARD_TITLE = "Capability Gaps"

pytestmark = pytest.mark.slow


def asset_uuid(relative: str) -> str:
    return str(yaml.safe_load((ASSETS / relative).read_text())["uuid"])


CHART_UUIDS = {
    "heatmap": asset_uuid("charts/capability_gap_heatmap.yaml"),
    "band_mix": asset_uuid("charts/capability_gap_band_mix.yaml"),
    "kpi": asset_uuid("charts/employees_with_open_gap.yaml"),
    "top_open_gaps": asset_uuid("charts/top_open_gaps_by_capability.yaml"),
    "perception_gap": asset_uuid("charts/perception_gap_by_capability.yaml"),
    "coverage": asset_uuid("charts/required_capability_coverage.yaml"),
}


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    with running_superset(tmp_path_factory.mktemp("superset"), request) as server:
        yield server


# ----------------------------------------------------------------------- helpers


def dashboard(server: SupersetServer) -> dict[str, Any]:
    query = f"(filters:!((col:dashboard_title,opr:eq,value:'{DASHBOARD_TITLE}')))"
    response = server.get("/api/v1/dashboard/", params={"q": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 1, body
    return body["result"][0]


def charts_by_uuid(server: SupersetServer) -> dict[str, dict[str, Any]]:
    response = server.get("/api/v1/chart/", params={"q": "(columns:!(id,uuid,slice_name,viz_type),page_size:100)"})
    assert response.status_code == 200, response.text
    return {row["uuid"]: row for row in response.json()["result"]}


def chart_data(server: SupersetServer, chart_id: int) -> list[dict[str, Any]]:
    """Run the chart's saved query context, as reports and the API do."""
    response = server.get(f"/api/v1/chart/{chart_id}/data/", params={"force": "true"})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def saved_query_context(server: SupersetServer, chart_id: int) -> dict[str, Any]:
    response = server.get(f"/api/v1/chart/{chart_id}")
    assert response.status_code == 200, response.text
    return json.loads(response.json()["result"]["query_context"])


def check_heatmap(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 4
    cells = {(row["capability_name"], row["org_unit_name"]): row["avg_gap_levels"] for row in result["data"]}
    assert cells.keys() == EXPECTED["heatmap"].keys()
    for key, value in EXPECTED["heatmap"].items():
        assert cells[key] == pytest.approx(value), key
    assert cells[("Data Analysis", "Sales")] == pytest.approx(1.4)


def check_band_mix(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    by_month = {row["month_start_on"]: row for row in result["data"]}
    for month, (low, intermediate, high) in EXPECTED["band_mix"].items():
        row = by_month[epoch_ms(month)]
        assert (row["band_low"], row["band_intermediate"], row["band_high"]) == (
            low,
            intermediate,
            high,
        ), month
    assert by_month[epoch_ms(LATEST_MONTH)]["band_low"] == 9


def check_kpi(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 1
    assert result["data"][0]["employees_with_open_gap"] == EXPECTED["open_gap_employees"] == 8


def check_top_open_gaps(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    rows = result["data"]
    # ranked by employees with an open gap, descending
    assert [row["capability_name"] for row in rows] == ["Data Analysis", "Stakeholder Communication"]
    for row in rows:
        employees, avg_gap = EXPECTED["top_open_gaps"][row["capability_name"]]
        assert row["employees_with_open_gap"] == employees
        assert row["avg_gap_levels"] == pytest.approx(avg_gap)
    assert rows[0]["employees_with_open_gap"] == 7


def check_perception_gap(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    values = {row["capability_name"]: row["avg_perception_gap"] for row in result["data"]}
    assert values == pytest.approx(EXPECTED["perception_gap"])
    assert values["Stakeholder Communication"] == pytest.approx(-0.5)


def check_coverage(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    values = {row["org_unit_name"]: row["coverage_share"] for row in result["data"]}
    assert values == pytest.approx(EXPECTED["coverage"])
    assert values["Engineering"] == pytest.approx(11 / 12)


CHECKS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    CHART_UUIDS["perception_gap"]: check_perception_gap,
    CHART_UUIDS["coverage"]: check_coverage,
    CHART_UUIDS["heatmap"]: check_heatmap,
    CHART_UUIDS["band_mix"]: check_band_mix,
    CHART_UUIDS["kpi"]: check_kpi,
    CHART_UUIDS["top_open_gaps"]: check_top_open_gaps,
}


# ------------------------------------------------------------------------- tests


def test_init_is_idempotent_and_fast_on_second_run(superset: SupersetServer) -> None:
    assert "already initialised" in superset.outputs["init_again"]
    assert superset.timings["init_again"] < 5


def test_dashboard_is_listed(superset: SupersetServer) -> None:
    found = dashboard(superset)
    assert found["slug"] == "capability-gaps"
    assert found["published"] is True
    assert str(found["uuid"]) == asset_uuid("dashboards/capability_gaps.yaml")


def test_every_chart_of_the_dashboard_returns_expected_data(superset: SupersetServer) -> None:
    dash = dashboard(superset)
    response = superset.get(f"/api/v1/dashboard/{dash['id']}/charts")
    assert response.status_code == 200, response.text
    dashboard_chart_ids = {chart["id"] for chart in response.json()["result"]}
    by_uuid = charts_by_uuid(superset)
    id_to_uuid = {row["id"]: uuid for uuid, row in by_uuid.items()}

    on_dashboard = {id_to_uuid[chart_id] for chart_id in dashboard_chart_ids}
    # every chart in the repo is on the dashboard, and every chart has a check
    assert on_dashboard == set(CHECKS), "add a check for each new chart"
    for uuid in sorted(on_dashboard):
        CHECKS[uuid](chart_data(superset, by_uuid[uuid]["id"]))


def test_dashboard_page_and_explore_load_for_a_browser_session(superset: SupersetServer) -> None:
    """The UI path: form login with CSRF, the dashboard page, and explore for each chart."""
    browser = requests.Session()
    login_page = browser.get(superset.base_url + "/login/", timeout=60)
    assert login_page.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page.text)
    assert token, "no CSRF token on the login form"
    response = browser.post(
        superset.base_url + "/login/",
        data={"username": "admin", "password": superset.env["SUPERSET_ADMIN_PASSWORD"], "csrf_token": token[1]},
        timeout=60,
    )
    assert response.status_code == 200
    page = browser.get(superset.base_url + "/superset/dashboard/capability-gaps/", timeout=60)
    assert page.status_code == 200
    assert "/login/" not in page.url
    for uuid, chart in charts_by_uuid(superset).items():
        explore = browser.get(superset.base_url + "/api/v1/explore/", params={"slice_id": chart["id"]}, timeout=60)
        assert explore.status_code == 200, (uuid, explore.text[:500])
        result = explore.json()["result"]
        assert result["form_data"]["datasource"] == f"{result['dataset']['id']}__table"
        assert result["dataset"]["table_name"] in {"capability_gap_by_org_unit", "capability_gap_headcount"}
        assert result["form_data"]["viz_type"] == chart["viz_type"]


def test_groups_under_five_employees_never_reach_superset(superset: SupersetServer) -> None:
    """Legal (4 employees) must be absent from every dataset, whatever the query."""
    response = superset.get("/api/v1/dataset/", params={"q": "(page_size:100)"})
    assert response.status_code == 200, response.text
    datasets = response.json()["result"]
    assert {d["table_name"] for d in datasets} == {
        "capability_gap_by_org_unit",
        "capability_gap_headcount",
    }
    for dataset in datasets:
        query_context = {
            "datasource": {"id": dataset["id"], "type": "table"},
            "force": True,
            "queries": [
                {
                    "columns": ["org_unit_name", "month_start_on"],
                    "metrics": [
                        {
                            "expressionType": "SQL",
                            "sqlExpression": "sum(employee_count)",
                            "label": "employees",
                        }
                    ],
                    "filters": [],
                    "row_limit": 1000,
                }
            ],
            "result_format": "json",
            "result_type": "full",
        }
        response = superset.post("/api/v1/chart/data", json=query_context)
        assert response.status_code == 200, response.text
        rows = response.json()["result"][0]["data"]
        assert {row["org_unit_name"] for row in rows} == {"Engineering", "Sales"}
        # both months present for both visible org units
        assert len(rows) == 2 * len(GAPS)


def test_division_filter_applies_to_the_kpi(superset: SupersetServer) -> None:
    """What the dashboard's Division native filter sends: an extra IN filter."""
    kpi_id = charts_by_uuid(superset)[CHART_UUIDS["kpi"]]["id"]
    query_context = saved_query_context(superset, kpi_id)
    query_context["force"] = True
    query_context["queries"][0]["filters"].append({"col": "division_name", "op": "IN", "val": ["Technology"]})
    response = superset.post("/api/v1/chart/data", json=query_context)
    assert response.status_code == 200, response.text
    # Engineering: E00001 (two open gaps), E00002, E00003
    assert response.json()["result"][0]["data"] == [{"employees_with_open_gap": 3}]


def test_rendered_assets_are_templated_not_hard_coded(superset: SupersetServer, tmp_path) -> None:
    for path in ASSETS.rglob("*.yaml"):
        text = path.read_text()
        assert str(superset.serving_path) not in text
    database = yaml.safe_load((ASSETS / "databases" / "warehouse.yaml").read_text())
    assert database["sqlalchemy_uri"] == "duckdb:///{{ SERVING_WAREHOUSE_PATH }}"
    assert database["extra"]["engine_params"]["connect_args"]["read_only"] is True

    out = tmp_path / "rendered"
    superset.ctl("render", "--out", str(out))
    rendered_db = yaml.safe_load((out / "databases" / "warehouse.yaml").read_text())
    assert rendered_db["sqlalchemy_uri"] == f"duckdb:///{superset.serving_path}"
    rendered_ds = yaml.safe_load((out / "datasets" / "warehouse" / "capability_gap_by_org_unit.yaml").read_text())
    sql = (ASSETS / "datasets" / "warehouse" / "capability_gap_by_org_unit.sql").read_text()
    assert rendered_ds["sql"].strip() == sql.strip()
    assert "having count(distinct gap.employee_id) >= 5" in rendered_ds["sql"]

    missing = {k: v for k, v in superset.env.items() if k != "SERVING_WAREHOUSE_PATH"}
    result = run_ctl("render", "--out", str(tmp_path / "nope"), env=missing, check=False)
    assert result.returncode == 1
    assert "SERVING_WAREHOUSE_PATH" in result.stderr


def test_second_import_duplicates_nothing(superset: SupersetServer) -> None:
    def counts() -> dict[str, int]:
        out = {}
        for kind in ("chart", "dataset", "database", "dashboard"):
            response = superset.get(f"/api/v1/{kind}/", params={"q": "(page_size:100)"})
            assert response.status_code == 200, response.text
            out[kind] = response.json()["count"]
        return out

    before = counts()
    assert before == {"chart": len(CHART_UUIDS), "dataset": 2, "database": 1, "dashboard": 1}
    started = time.monotonic()
    superset.ctl("import")
    superset.timings["import_again"] = time.monotonic() - started
    assert counts() == before
    dash = dashboard(superset)
    response = superset.get(f"/api/v1/dashboard/{dash['id']}/charts")
    assert len(response.json()["result"]) == len(CHART_UUIDS)
    by_uuid = charts_by_uuid(superset)
    check_kpi(chart_data(superset, by_uuid[CHART_UUIDS["kpi"]]["id"]))


def test_export_round_trips_to_the_repo_files(superset: SupersetServer, tmp_path) -> None:
    out = tmp_path / "exported"
    started = time.monotonic()
    superset.ctl("export", "--out", str(out))
    superset.timings["export"] = time.monotonic() - started
    repo_files = {p.relative_to(ASSETS).as_posix(): p.read_text() for p in ASSETS.rglob("*") if p.is_file()}
    exported = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert sorted(exported) == sorted(repo_files)
    for rel, text in repo_files.items():
        assert exported[rel] == text, f"{rel} differs after import + export"


def test_republished_serving_copy_is_picked_up(superset: SupersetServer, tmp_path) -> None:
    """The pipeline publishes a new serving copy by atomic rename; Superset must follow."""
    kpi_id = charts_by_uuid(superset)[CHART_UUIDS["kpi"]]["id"]
    check_kpi(chart_data(superset, kpi_id))
    original = superset.serving_path.with_name("original.duckdb")
    os.link(superset.serving_path, original)
    try:
        import duckdb

        new_copy = build_serving_warehouse(superset.serving_path.with_name("next.duckdb"))
        con = duckdb.connect(str(new_copy))
        con.execute("delete from marts.mart_capability_gap where org_unit_id = 'commercial-sales'")
        con.close()
        os.replace(new_copy, superset.serving_path)
        (result,) = chart_data(superset, kpi_id)
        assert result["data"][0]["employees_with_open_gap"] == 3  # Engineering only
    finally:
        os.replace(original, superset.serving_path)
    check_kpi(chart_data(superset, kpi_id))


def test_refuses_to_start_without_secret_key(tmp_path) -> None:
    env = clean_env(SUPERSET_HOME=str(tmp_path / "home"))
    result = run_ctl("init", env=env, check=False)
    assert result.returncode == 1
    assert "SUPERSET_SECRET_KEY" in result.stderr
    # the config itself refuses too, whoever loads it
    config = REPO_ROOT / "dashboards" / "superset_config.py"
    result = subprocess.run(
        [str(SUPERSET_PYTHON), "-c", f"import runpy; runpy.run_path({str(config)!r})"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SUPERSET_SECRET_KEY is not set" in result.stderr


# ---------------------------------------------------------------- roles and RLS


def login_as(server: SupersetServer, username: str, password: str) -> requests.Session:
    session = requests.Session()
    login = session.post(
        server.base_url + "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
        timeout=60,
    )
    assert login.status_code == 200, login.text
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return session


def metadata_db(server: SupersetServer) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{server.home / 'superset.db'}?mode=ro", uri=True)


def test_import_creates_roles_and_the_scoped_demo_manager(superset: SupersetServer) -> None:
    output = superset.outputs["import"]
    assert f"manager {DEMO_MANAGER_ID}'s subtree: 2 org unit(s)" in output, output
    with metadata_db(superset) as conn:
        grants = conn.execute(
            """
            select role.name, count(*)
            from ab_role as role
            join ab_permission_view_role as grant_ on grant_.role_id = role.id
            join ab_permission_view as pv on pv.id = grant_.permission_view_id
            join ab_permission as perm on perm.id = pv.permission_id
            where perm.name = 'datasource_access'
            group by role.name
            """
        ).fetchall()
        rules = dict(conn.execute("select name, clause from row_level_security_filters").fetchall())
        user_roles = {
            row[0]
            for row in conn.execute(
                """
                select role.name from ab_user as u
                join ab_user_role as ur on ur.user_id = u.id
                join ab_role as role on role.id = ur.role_id
                where u.username = 'demo_manager'
                """
            )
        }
    # both datasets are aggregates with org_unit_id and no names: every role reads both
    assert dict(grants) == {"LD_Analyst": 2, "Finance": 2, "Manager": 2}
    assert rules == {
        "Manager: no scope unless granted": "1 = 0",
        "Manager scope: demo_manager": "org_unit_id in ('corporate-legal', 'technology-engineering')",
    }
    assert user_roles == {"Manager", "Manager scope: demo_manager"}


def test_demo_manager_sees_only_its_subtree(superset: SupersetServer) -> None:
    """E00001's subtree is Engineering + Legal; Legal (4 people) stays suppressed."""
    session = login_as(superset, "demo_manager", superset.env["SUPERSET_DEMO_PASSWORD"])
    response = session.get(superset.base_url + "/api/v1/dataset/", params={"q": "(page_size:100)"}, timeout=60)
    assert response.status_code == 200, response.text
    datasets = response.json()["result"]
    assert len(datasets) == 2
    for dataset in datasets:
        query_context = {
            "datasource": {"id": dataset["id"], "type": "table"},
            "force": True,
            "queries": [
                {
                    "columns": ["org_unit_id", "org_unit_name", "month_start_on"],
                    "metrics": [{"expressionType": "SQL", "sqlExpression": "count(*)", "label": "rows"}],
                    "filters": [],
                    "row_limit": 1000,
                }
            ],
            "result_format": "json",
            "result_type": "full",
        }
        response = session.post(superset.base_url + "/api/v1/chart/data", json=query_context, timeout=60)
        assert response.status_code == 200, response.text
        rows = response.json()["result"][0]["data"]
        assert {row["org_unit_id"] for row in rows} == {"technology-engineering"}
        assert {row["org_unit_id"] for row in rows} < set(DEMO_MANAGER_ORG_UNITS)
        assert len(rows) == len(GAPS)  # one row per month, Engineering only
        per_group = 2 if dataset["table_name"] == "capability_gap_by_org_unit" else 1
        assert sum(row["rows"] for row in rows) == per_group * len(GAPS)
    # the saved charts, as the manager: Engineering's 3 open-gap employees, not 8
    by_uuid = charts_by_uuid(superset)
    response = session.get(
        superset.base_url + f"/api/v1/chart/{by_uuid[CHART_UUIDS['kpi']]['id']}/data/",
        params={"force": "true"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"][0]["data"] == [{"employees_with_open_gap": 3}]
    response = session.get(
        superset.base_url + f"/api/v1/chart/{by_uuid[CHART_UUIDS['heatmap']]['id']}/data/",
        params={"force": "true"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    cells = {(row["capability_name"], row["org_unit_name"]) for row in response.json()["result"][0]["data"]}
    assert cells == {("Data Analysis", "Engineering"), ("Stakeholder Communication", "Engineering")}
    # the admin still sees both visible org units: the rule is the manager's only
    (result,) = chart_data(superset, by_uuid[CHART_UUIDS["kpi"]]["id"])
    assert result["data"] == [{"employees_with_open_gap": 8}]


def test_demo_manager_is_skipped_without_a_password(superset: SupersetServer, tmp_path) -> None:
    env = {k: v for k, v in superset.env.items() if k != "SUPERSET_DEMO_PASSWORD"}
    env["SUPERSET_HOME"] = str(tmp_path / "home")
    run_ctl("init", env=env)
    result = run_ctl("import", env=env)
    assert "SUPERSET_DEMO_PASSWORD is not set: not creating the 'demo_manager' account" in result.stderr
    with sqlite3.connect(f"file:{tmp_path / 'home' / 'superset.db'}?mode=ro", uri=True) as conn:
        assert conn.execute("select count(*) from ab_user where username = 'demo_manager'").fetchone() == (0,)
        assert conn.execute("select count(*) from ab_role where name = 'Manager'").fetchone() == (1,)
