"""A pipeline build and publish while dashboards are being queried: both sides succeed.

Superset never opens the file the pipeline writes: after each build
`orchestration/assets/serving.py` checkpoints the warehouse, copies it beside the serving
file and renames it over it (`publish_serving_copy`). This test starts Superset on the
tiny serving warehouse (tests/superset_fixtures.py) and, while worker threads keep
running dashboard charts through the chart-data API, repeatedly "builds" the pipeline's
own warehouse (alternately deletes and restores Sales' rows of marts.mart_capability_gap,
as a rebuild rewrites a mart) and publishes it. Every query must answer 200 with one of
the two known values (8 employees with an open gap with Sales, 3 without), every write and
publish must complete, both versions must have been seen by the dashboards, and the last
answer must be the last publish's.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb
import pytest
import requests
import yaml

from orchestration.assets.serving import PUBLISHED_MARTS, publish_serving_copy
from tests.superset_fixtures import (
    EXPECTED,
    EXPECTED_LEARNING,
    EXPECTED_SPEND,
    REPO_ROOT,
    SupersetServer,
    build_serving_warehouse,
    mart_rows,
    report_line,
    running_superset,
)

pytestmark = pytest.mark.slow

ASSETS = REPO_ROOT / "dashboards" / "assets"
PUBLISHES = 12
QUERY_WORKERS = 4
DEADLINE_S = 240
OPEN_GAPS_WITH_SALES = EXPECTED["open_gap_employees"]  # 8
OPEN_GAPS_WITHOUT_SALES = 3  # Engineering's E00001-E00003
GAP_ROWS = len(mart_rows())
SALES_GAP_ROWS = sum(1 for row in mart_rows() if row[3] == "commercial-sales")


def chart_uuid(name: str) -> str:
    return str(yaml.safe_load((ASSETS / "charts" / f"{name}.yaml").read_text())["uuid"])


@dataclass
class Answer:
    chart: str
    started: float
    ended: float
    status: int
    value: Any
    error: str | None = None


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    with running_superset(tmp_path_factory.mktemp("superset-concurrency"), request) as server:
        yield server


def pipeline_warehouse(path) -> None:
    """The fixture warehouse as the pipeline's own file, with every table the publish step
    counts (empty where the fixture has none) and Sales' gap rows kept aside."""
    build_serving_warehouse(path)
    with duckdb.connect(str(path)) as con:
        present = {
            row[0]
            for row in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        }
        for name in PUBLISHED_MARTS:
            if name not in present:
                con.execute(f"create table marts.{name} (placeholder integer)")
        con.execute(
            "create table main.sales_gap_rows as "
            "select * from marts.mart_capability_gap where org_unit_id = 'commercial-sales'"
        )


def build_step(path, with_sales: bool) -> None:
    """What a rebuild does to the pipeline's warehouse: rewrite a mart (read-write)."""
    with duckdb.connect(str(path)) as con:
        con.execute("delete from marts.mart_capability_gap where org_unit_id = 'commercial-sales'")
        if with_sales:
            con.execute("insert into marts.mart_capability_gap select * from main.sales_gap_rows")


def test_publishing_while_dashboards_query_fails_neither(
    superset: SupersetServer, tmp_path, request: pytest.FixtureRequest
) -> None:
    source = tmp_path / "pipeline" / "warehouse.duckdb"
    pipeline_warehouse(source)
    response = superset.get("/api/v1/chart/", params={"q": "(columns:!(id,uuid),page_size:100)"})
    assert response.status_code == 200, response.text
    ids = {row["uuid"]: row["id"] for row in response.json()["result"]}
    # (chart, result key, the values it may show)
    charts = {
        "employees_with_open_gap": ("employees_with_open_gap", {OPEN_GAPS_WITH_SALES, OPEN_GAPS_WITHOUT_SALES}),
        "learning_aligned_share_kpi": ("aligned_share", {EXPECTED_LEARNING["aligned_share_total"]}),
        "training_spend_total_kpi": ("spend", {EXPECTED_SPEND["total"]}),
    }
    chart_ids = {name: ids[chart_uuid(name)] for name in charts}

    answers: list[Answer] = []
    lock = threading.Lock()
    publishing_done = threading.Event()
    publishes: list[tuple[float, float, bool]] = []

    def ask(session: requests.Session, name: str) -> Answer:
        started = time.monotonic()
        try:
            reply = session.get(
                f"{superset.base_url}/api/v1/chart/{chart_ids[name]}/data/", params={"force": "true"}, timeout=60
            )
        except requests.RequestException as ex:
            return Answer(name, started, time.monotonic(), 0, None, repr(ex))
        ended = time.monotonic()
        if reply.status_code != 200:
            return Answer(name, started, ended, reply.status_code, None, reply.text[:500])
        result = reply.json()["result"][0]
        if result.get("error") or not result["data"]:
            return Answer(name, started, ended, reply.status_code, None, str(result.get("error")))
        return Answer(name, started, ended, reply.status_code, result["data"][0][charts[name][0]])

    def query_worker(worker: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = superset.http.headers["Authorization"]
        names = list(charts)
        turn = worker
        while not publishing_done.is_set():
            answer = ask(session, names[turn % len(names)])
            turn += 1
            with lock:
                answers.append(answer)

    def answered_after(moment: float) -> bool:
        with lock:
            return any(a.started > moment and a.chart == "employees_with_open_gap" for a in answers)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=QUERY_WORKERS) as pool:
        workers = [pool.submit(query_worker, n) for n in range(QUERY_WORKERS)]
        try:
            for n in range(PUBLISHES):
                with_sales = n % 2 == 1  # the first build drops Sales, the next restores it, ...
                build_step(source, with_sales)
                begin = time.monotonic()
                counts = publish_serving_copy(source, superset.serving_path)
                publishes.append((begin, time.monotonic(), with_sales))
                assert counts["mart_capability_gap"] == GAP_ROWS - (0 if with_sales else SALES_GAP_ROWS)
                # let the dashboards see this version before the next build
                while not answered_after(publishes[-1][1]):
                    assert time.monotonic() - started < DEADLINE_S, "queries stopped answering"
                    time.sleep(0.05)
        finally:
            publishing_done.set()
            for worker in workers:
                worker.result(timeout=120)
    elapsed = time.monotonic() - started

    failed = [a for a in answers if a.error or a.status != 200]
    assert not failed, failed[:5]
    for answer in answers:
        assert any(answer.value == pytest.approx(allowed) for allowed in charts[answer.chart][1]), answer
    assert len(publishes) == PUBLISHES
    seen = {a.value for a in answers if a.chart == "employees_with_open_gap"}
    assert seen == {OPEN_GAPS_WITH_SALES, OPEN_GAPS_WITHOUT_SALES}
    # queries were in flight while files were being swapped
    first_publish, last_publish = publishes[0][0], publishes[-1][1]
    during = [a for a in answers if a.started < last_publish and a.ended > first_publish]
    assert len(during) >= PUBLISHES
    # the last publish (with Sales) is what a new query sees
    last = ask(superset.http, "employees_with_open_gap")
    assert last.status == 200 and last.value == OPEN_GAPS_WITH_SALES
    # and the pipeline can still write its own warehouse while Superset holds the serving copy
    build_step(source, with_sales=False)
    report_line(
        request,
        f"serving concurrency: {len(publishes)} builds + publishes in {elapsed:.1f}s, {len(answers)} chart queries "
        f"({len(during)} while publishing), 0 failed; longest publish "
        f"{max(end - begin for begin, end, _ in publishes):.2f}s",
    )
