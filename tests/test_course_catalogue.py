"""The framework's course catalogue: each rule quarantines its row with the reason, the
good rows load through the framework source, and a framework without the file is valid.

The catalogue below has eight rows: line 2 (CRS-001) and line 8 (CRS-006) are good;
line 3 names a modality nobody knows, line 4 a cost model outside the list, line 5 a
language that is not a tag, line 6 misses its modality, line 7 repeats CRS-001 (the
first row stands) and line 9 misses its course id.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from ingestion.framework import catalogue, framework_source
from tests.test_connectors import run

ROOT = Path(__file__).resolve().parents[1]

CATALOGUE = """course_id,modality,language,audience,cost_model
CRS-001,coaching,en,People managers,per_session
CRS-002,webinar,en,All employees,per_seat
CRS-003,e_learning,en,All employees,pay_what_you_want
CRS-004,e_learning,English (UK),All employees,per_seat
CRS-005,,en,All employees,per_seat
CRS-001,e_learning,en,All employees,per_seat
CRS-006,simulation,de-CH,"Sales, support",
,e_learning,en,All employees,per_seat
"""
EXPECTED_BAD = {
    3: "unknown modality 'webinar' (one of " + ", ".join(catalogue.MODALITIES) + ")",
    4: "unknown cost_model 'pay_what_you_want' (one of per_seat, per_session, subscription, internal)",
    5: "language 'English (UK)' is not a language tag such as en or de-CH",
    6: "missing modality",
    7: "course CRS-001 already listed on line 2",
    9: "missing course_id",
}


def framework_with_catalogue(folder: Path, text: str | None) -> Path:
    shutil.copytree(ROOT / "framework", folder)
    path = folder / catalogue.FILENAME
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    return folder


def test_each_rule_quarantines_its_row_with_the_reason(tmp_path: Path) -> None:
    checked = catalogue.check_course_catalogue(framework_with_catalogue(tmp_path / "framework", CATALOGUE))
    assert checked.present
    assert {line: reason for line, _, reason in checked.bad} == EXPECTED_BAD
    assert [(line, row["course_id"], row["modality"]) for line, row in checked.good] == [
        (2, "CRS-001", "coaching"),
        (8, "CRS-006", "simulation"),
    ]


def test_modalities_match_the_warehouse_list() -> None:
    with (ROOT / "dbt_project" / "seeds" / "course_modalities.csv").open(newline="") as handle:
        seeded = [row["modality"] for row in csv.DictReader(handle)]
    assert sorted(seeded) == sorted(catalogue.MODALITIES)


def test_the_shipped_catalogue_is_clean() -> None:
    checked = catalogue.check_course_catalogue(ROOT / "framework")
    assert checked.bad == []
    with (ROOT / "framework" / "course_capabilities.csv").open(newline="") as handle:
        mapped = {row["course_id"] for row in csv.DictReader(handle)}
    assert mapped <= {row["course_id"] for _, row in checked.good}, "every mapped course has a modality"


def test_the_source_loads_good_rows_and_quarantines_the_rest(tmp_path: Path) -> None:
    folder = framework_with_catalogue(tmp_path / "framework", CATALOGUE)
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        loaded = con.execute(
            "select course_id, modality, language, audience, cost_model from raw_framework.course_catalogue order by 1"
        ).fetchall()
        unit = con.execute(
            "select received, loaded, quarantined from raw_framework.load_reconciliation"
            " where unit = 'course_catalogue.csv'"
        ).fetchall()
        reasons = con.execute(
            "select reason from raw_framework.quarantine where resource = 'course_catalogue' order by reason"
        ).fetchall()
    assert loaded == [
        ("CRS-001", "coaching", "en", "People managers", "per_session"),
        ("CRS-006", "simulation", "de-CH", "Sales, support", None),
    ]
    assert unit == [(8, 2, 6)]
    assert sorted(r for (r,) in reasons) == sorted(EXPECTED_BAD.values())


def test_a_framework_without_a_catalogue_is_valid(tmp_path: Path) -> None:
    folder = framework_with_catalogue(tmp_path / "framework", None)
    assert not catalogue.check_course_catalogue(folder).present
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        unit = con.execute(
            "select received, loaded, reason from raw_framework.load_reconciliation where unit = 'course_catalogue.csv'"
        ).fetchall()
        capabilities = con.execute("select count(*) from raw_framework.capabilities").fetchone()[0]
    assert unit == [(0, 0, "file absent: no course catalogue maintained")]
    assert capabilities > 0
