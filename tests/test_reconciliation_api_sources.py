"""Every API source (and the framework files) accounts per page, report or file in
`<raw schema>.load_reconciliation`: each unit balances (received = loaded + quarantined) and
the records counted as loaded are the rows the tables hold after a first load."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.bamboohr import bamboohr_source
from ingestion.culture_amp import culture_amp_source
from ingestion.docebo import docebo_source
from ingestion.fifteen_five import fifteen_five_source
from ingestion.framework import framework_source
from ingestion.lattice import lattice_source
from ingestion.workday import workday_source
from tests.test_connectors import run

ROOT = Path(__file__).resolve().parents[1]


def _sources(request: pytest.FixtureRequest, name: str):
    """(dataset, dlt source) of one connector against its emulator or fixture."""
    if name == "framework":
        return "raw_framework", framework_source(folder=str(ROOT / "framework"))
    if name in ("bamboohr", "lattice"):
        vendors = request.getfixturevalue("vendors")
        if name == "bamboohr":
            return "raw_hris", bamboohr_source(base_url=vendors.bamboohr_url, api_key=vendors.key)
        return "raw_performance", lattice_source(base_url=vendors.lattice_url, api_token=vendors.token, page_size=50)
    if name == "docebo":
        docebo = request.getfixturevalue("docebo")
        source = docebo_source(
            base_url=docebo.url, client_id=docebo.client_id, client_secret=docebo.client_secret, page_size=50
        )
        return "raw_lms", source
    tools = request.getfixturevalue("people_tools")
    if name == "fifteen_five":
        return "raw_performance", fifteen_five_source(
            base_url=tools.fifteen_five_url, api_key=tools.fifteen_five_key, page_size=40
        )
    if name == "culture_amp":
        return "raw_performance", culture_amp_source(
            base_url=tools.culture_amp_url,
            client_id=tools.culture_amp_id,
            client_secret=tools.culture_amp_secret,
            page_size=13,
        )
    assert name == "workday"
    return "raw_hris", workday_source(
        report_url=tools.workday_url, username=tools.workday_user, password=tools.workday_password
    )


@pytest.mark.parametrize(
    "name", ["bamboohr", "workday", "docebo", "lattice", "fifteen_five", "culture_amp", "framework"]
)
def test_api_source_reconciles_every_unit(request: pytest.FixtureRequest, name: str, tmp_path: Path) -> None:
    dataset, source = _sources(request, name)
    resources = list(source.resources)
    run(source, dataset, tmp_path, name)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        units = con.execute(
            f"select resource, unit, received, loaded, quarantined, rejected from {dataset}.load_reconciliation"
            " where source = ?",
            [name],
        ).fetchall()
        assert units, f"{name} wrote no load_reconciliation rows"
        unbalanced = [u for u in units if not u[5] and u[2] != u[3] + u[4]]
        assert unbalanced == [], unbalanced
        assert {u[0] for u in units} == set(resources)
        for resource in resources:
            loaded = sum(u[3] for u in units if u[0] == resource)
            rows = con.execute(f"select count(*) from {dataset}.{resource}").fetchone()[0]
            assert loaded == rows, (resource, loaded, rows)
            quarantined = sum(u[4] for u in units if u[0] == resource)
            if not quarantined:
                continue
            in_quarantine = con.execute(
                f"select count(*) from {dataset}.quarantine where source = ? and resource = ?", [name, resource]
            ).fetchone()[0]
            # the quarantine merges on (resource, key, reason): never more rows than quarantined records
            assert 0 < in_quarantine <= quarantined, (resource, in_quarantine, quarantined)
