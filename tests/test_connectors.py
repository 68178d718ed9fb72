"""Connectors against the vendor emulators and a real ralph LRS, into real DuckDB files."""

from __future__ import annotations

import json
from pathlib import Path

import dlt
import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from demo.generator import DemoCompany
from ingestion.bamboohr import bamboohr_source
from ingestion.errors import SourceAuthError, SourceConfigError
from ingestion.framework import framework_source
from ingestion.lattice import lattice_source
from ingestion.lrs import lrs_source


def run(source, dataset: str, tmp_path: Path, name: str = "test"):
    pipeline = dlt.pipeline(
        pipeline_name=f"{name}_{dataset}",
        destination=dlt.destinations.duckdb(str(tmp_path / "wh.duckdb")),
        dataset_name=dataset,
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    return pipeline.run(source)


def count(tmp_path: Path, sql: str) -> int:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def root_cause(error: BaseException) -> BaseException:
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return error


def test_bamboohr_loads_people_and_history_idempotently(vendors, small_company: DemoCompany, tmp_path: Path) -> None:
    source = lambda: bamboohr_source(base_url=vendors.bamboohr_url, api_key=vendors.key)  # noqa: E731
    run(source(), "raw_hris", tmp_path)
    people, history = len(small_company.people), sum(len(p.history) for p in small_company.people)
    assert count(tmp_path, "select count(*) from raw_hris.employees") == people
    assert count(tmp_path, "select count(*) from raw_hris.job_info") == history
    ceo = count(
        tmp_path,
        "select count(*) from raw_hris.employees"
        " where supervisor_e_id is null and job_title = 'Chief Executive Officer'",
    )
    assert ceo == 1
    run(source(), "raw_hris", tmp_path)  # incremental: nothing changed since lastChanged
    assert count(tmp_path, "select count(*) from raw_hris.employees") == people
    assert count(tmp_path, "select count(*) from raw_hris.job_info") == history
    assert count(tmp_path, "select count(distinct employee_id || ':' || id) from raw_hris.job_info") == history


def test_bamboohr_wrong_key_names_the_source_and_hides_the_key(vendors, tmp_path: Path) -> None:
    wrong = "not-the-key-" + vendors.key[:6]
    with pytest.raises(PipelineStepFailed) as failure:
        run(bamboohr_source(base_url=vendors.bamboohr_url, api_key=wrong), "raw_hris", tmp_path)
    cause = root_cause(failure.value)
    assert isinstance(cause, SourceAuthError)
    assert str(cause).startswith("bamboohr: authentication failed (HTTP 401)")
    assert wrong not in str(failure.value) and vendors.key not in str(failure.value)


def test_missing_setting_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LATTICE_API_TOKEN", raising=False)
    with pytest.raises(PipelineStepFailed) as failure:
        run(lattice_source(base_url="http://127.0.0.1:9/v1"), "raw_performance", tmp_path)
    assert isinstance(root_cause(failure.value), SourceConfigError)
    assert "lattice: LATTICE_API_TOKEN is not set" in str(root_cause(failure.value))


def test_lattice_pages_retries_and_quarantines(vendors, small_company: DemoCompany, tmp_path: Path) -> None:
    received = small_company.lattice()["reviews"]
    vendors.faults.every, vendors.faults.status, vendors.faults.retry_after = 7, 429, 1
    run(
        lattice_source(base_url=vendors.lattice_url, api_token=vendors.token, page_size=50), "raw_performance", tmp_path
    )
    assert vendors.faults._count > 7, "faults were injected"
    loaded = count(tmp_path, "select count(*) from raw_performance.reviews")
    quarantined = count(tmp_path, "select count(*) from raw_performance.quarantine where resource = 'reviews'")
    assert quarantined == 3
    assert loaded + quarantined == len(received)
    reasons = count(
        tmp_path, "select count(*) from raw_performance.quarantine where reason like 'rating % off the 1-5 scale'"
    )
    assert reasons == 3
    ratings = sum(len(r["competencyRatings"]) for r in received if 1 <= r["rating"] <= 5)
    assert count(tmp_path, "select count(*) from raw_performance.reviews__competency_ratings") == ratings
    # 5xx with backoff, then a clean re-run: nothing duplicated anywhere.
    all_quarantined = count(tmp_path, "select count(*) from raw_performance.quarantine")
    vendors.faults.every, vendors.faults.status = 9, 503
    run(
        lattice_source(base_url=vendors.lattice_url, api_token=vendors.token, page_size=50), "raw_performance", tmp_path
    )
    assert count(tmp_path, "select count(*) from raw_performance.reviews") == loaded
    assert count(tmp_path, "select count(*) from raw_performance.quarantine") == all_quarantined
    assert count(tmp_path, "select count(*) from raw_performance.reviews__competency_ratings") == ratings
    assert count(tmp_path, "select count(*) from raw_performance.users") == len(small_company.lattice()["users"])


def test_lrs_follows_more_links_and_reruns_without_duplicates(ralph, demo_dir: Path, tmp_path: Path) -> None:
    lines = (demo_dir / "xapi_statements.jsonl").read_text().splitlines()

    def source():
        return lrs_source(base_url=ralph.url, username=ralph.username, password=ralph.password, page_size=97)

    run(source(), "raw_lms", tmp_path)
    assert count(tmp_path, "select count(*) from raw_lms.statements") == len(lines)
    first = json.loads(lines[0])
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        verb, actor, score = con.execute(
            "select verb_id, actor_account_name, json_extract_string(statement, '$.object.id') "
            "from raw_lms.statements where id = ?",
            [first["id"]],
        ).fetchone()
    assert (verb, actor, score) == (first["verb"]["id"], first["actor"]["account"]["name"], first["object"]["id"])
    # The demo's statements follow the spec: none flagged, none quarantined.
    assert count(tmp_path, "select count(*) from raw_lms.statements where conformance_issues::varchar = '[]'") == len(
        lines
    )
    # The first load is a full pass, page by page (97 a page; ralph sends no `more` on the last one).
    pages = -(-len(lines) // 97)
    assert (
        count(tmp_path, "select count(*) from raw_lms.load_reconciliation where unit like 'full pass page %'") == pages
    )
    assert count(tmp_path, "select sum(received) from raw_lms.load_reconciliation") == len(lines)
    run(source(), "raw_lms", tmp_path)  # incremental: the lookback re-reads the last window; nothing is rewritten
    assert count(tmp_path, "select count(*) from raw_lms.statements") == len(lines)
    assert count(tmp_path, "select count(*) from raw_lms.load_reconciliation where unit like 'page 1 (since=%'") == 1
    assert (
        count(tmp_path, "select count(*) from raw_lms.load_reconciliation where received <> loaded + quarantined") == 0
    )
    assert count(tmp_path, "select count(*) from raw_lms._dlt_loads") == 2


def test_lrs_wrong_password_is_named(ralph, tmp_path: Path) -> None:
    with pytest.raises(PipelineStepFailed) as failure:
        run(lrs_source(base_url=ralph.url, username=ralph.username, password="wrong-password"), "raw_lms", tmp_path)
    assert str(root_cause(failure.value)).startswith("lrs: authentication failed (HTTP 401)")
    assert "wrong-password" not in str(failure.value)


def test_framework_files_load_and_bad_rows_are_quarantined(tmp_path: Path) -> None:
    folder = tmp_path / "framework"
    folder.mkdir()
    root = Path(__file__).resolve().parents[1] / "framework"
    for name in ("capabilities.csv", "job_profiles.csv", "course_capabilities.csv"):
        (folder / name).write_text((root / name).read_text())
    (folder / "required_levels.csv").write_text(
        "job_profile_id,capability_id,required_level,effective_from,effective_to\n"
        "swe_1,communication,2,2023-01-01,\n"
        "swe_1,,3,2023-01-01,\n"
    )
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    assert count(tmp_path, "select count(*) from raw_framework.required_levels") == 1
    assert count(tmp_path, "select count(*) from raw_framework.quarantine where reason = 'missing capability_id'") == 1
    assert count(tmp_path, "select count(*) from raw_framework.capabilities") == 12
