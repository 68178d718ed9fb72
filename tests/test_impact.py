"""The learning-impact engine: plans, estimators on panels with a known effect, the mart
it writes, and recovery of the effects the demo generator planted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from demo.generator import DemoCompany
from demo.impact_inputs import impact_inputs
from impact import estimators
from impact.engine import COLUMNS, evaluate
from impact.plans import PlanError, load_plans
from impact.validation import validate
from impact.warehouse import write_results

PLAN_HEAD = """
version: "t1"
outcome_defaults:
  review_rating: {horizon: 1, pre_periods: 2, comparison: not_yet_treated, min_effect_of_interest: 0.1,
                  min_treated: 30, min_comparison: 30, pretrend_alpha: 0.05, methods: [did_staggered]}
  retention_12m: {horizon: 12, pre_periods: 1, comparison: matched_non_participants, min_effect_of_interest: 0.03,
                  min_treated: 30, min_comparison: 30, pretrend_alpha: 0.05, methods: [psm_matched]}
programmes:
"""


def _plans(tmp_path: Path, body: str):
    (tmp_path / "plans.yml").write_text(PLAN_HEAD + body, encoding="utf-8")
    return load_plans(tmp_path)


def test_plans_resolve_defaults_and_version_each_plan(tmp_path: Path) -> None:
    plans = _plans(tmp_path, "  - {programme: CRS-001, outcomes: [review_rating, {retention_12m: {horizon: 6}}]}\n")
    assert [(p.plan_id, p.horizon, p.methods) for p in plans] == [
        ("CRS-001:review_rating", 1, ("did_staggered",)),
        ("CRS-001:retention_12m", 6, ("psm_matched",)),
    ]
    assert all(p.plan_version.startswith("t1+") for p in plans)
    changed = _plans(tmp_path, "  - {programme: CRS-001, outcomes: [{review_rating: {horizon: 2}}]}\n")
    assert changed[0].plan_version != plans[0].plan_version, "a changed setting is a new plan version"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - {programme: CRS-001, outcomes: [happiness]}\n", "unknown outcome"),
        ("  - {programme: CRS-001, outcomes: [{retention_12m: {methods: [did_staggered]}}]}\n", "measured once"),
        (
            "  - {programme: CRS-001, outcomes: [review_rating]}\n" * 2,
            "declared twice",
        ),
        ("  - {programme: CRS-001, outcomes: [{review_rating: {horizon: -1}}]}\n", "horizon"),
        ("  - {programme: CRS-001, outcomes: [{review_rating: {colour: red}}]}\n", "unknown setting"),
    ],
)
def test_a_plan_that_cannot_be_evaluated_is_refused(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        _plans(tmp_path, body)


def _synthetic_panel(effect: float, pre_trend: float = 0.0, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """600 people over 6 periods: person, period and manager effects, people with higher
    person effects adopt earlier (selection), staggered adoption in periods 2-5."""
    rng = np.random.default_rng(seed)
    people, periods = 600, 6
    ability = rng.normal(0, 1, people)
    order = np.argsort(-ability + rng.normal(0, 0.5, people))
    cohort = np.full(people, np.nan)
    for k, g in enumerate((2, 3, 4, 5)):
        cohort[order[k * 90 : (k + 1) * 90]] = g
    managers = rng.integers(0, 40, people)
    leniency = rng.normal(0, 0.5, 41)
    rows = []
    for i in range(people):
        for t in range(periods):
            manager = managers[i] if t < 3 or i % 7 else 40  # some people change manager
            treated = not np.isnan(cohort[i]) and t >= cohort[i]
            trend = pre_trend * t if not np.isnan(cohort[i]) else 0.0
            value = ability[i] + 0.1 * t + leniency[manager] + trend + effect * treated + rng.normal(0, 0.4)
            rows.append({"unit": f"p{i}", "period": t, "value": value, "manager": f"m{manager}"})
    return pd.DataFrame(rows), pd.Series(cohort, index=[f"p{i}" for i in range(people)]).dropna()


def test_staggered_did_recovers_a_known_effect_where_the_naive_comparison_does_not() -> None:
    panel, cohorts = _synthetic_panel(effect=0.5)
    result = estimators.did_staggered(panel, cohorts, horizon=1, pre_periods=2, min_treated=30, min_comparison=30)
    assert result.ci_low <= 0.5 <= result.ci_high
    assert abs(result.estimate - 0.5) < 0.1
    assert result.pretrend_p_value > 0.01
    assert result.naive_difference > 1.0, "early adopters have higher person effects"
    null = estimators.did_staggered(
        *_synthetic_panel(effect=0.0, seed=1), horizon=1, pre_periods=2, min_treated=30, min_comparison=30
    )
    assert null.ci_low <= 0.0 <= null.ci_high


def test_a_diverging_pre_trend_is_detected() -> None:
    panel, cohorts = _synthetic_panel(effect=0.5, pre_trend=0.3)
    result = estimators.did_staggered(panel, cohorts, horizon=1, pre_periods=2, min_treated=30, min_comparison=30)
    assert result.pretrend_p_value < 0.001


def test_too_few_people_gives_insufficient_evidence_not_a_number(small_company: DemoCompany) -> None:
    plans = [p for p in load_plans() if p.programme_id in ("CRS-019", "CRS-021")]
    results = evaluate(impact_inputs(small_company), plans)
    thin = results[(results["n_treated"] < 30) | (results["n_comparison"] < 30)]
    assert len(thin) > 0
    assert (thin["status"] == "insufficient evidence").all()
    assert thin[["estimate", "std_error", "ci_low", "ci_high", "mde"]].isna().all().all()
    assert list(results.columns) == list(COLUMNS)
    # Lower the bar and the same rows get numbers: the status came from the counts.
    lowered = evaluate(impact_inputs(small_company), [replace(p, min_treated=3, min_comparison=3) for p in plans])
    assert (
        lowered.set_index(["plan_id", "method"])
        .loc[thin.set_index(["plan_id", "method"]).index, "estimate"]
        .notna()
        .any()
    )


def test_the_mart_is_replaced_not_appended(tmp_path: Path, small_company: DemoCompany) -> None:
    plans = [p for p in load_plans() if p.programme_id == "CRS-021"]
    results = evaluate(impact_inputs(small_company), plans)
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert write_results(warehouse, results) == len(results)
    assert write_results(warehouse, results) == len(results)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'mart_learning_impact'"
            ).fetchall()
        )
    assert types["estimate"] == "DOUBLE" and types["n_treated"] == "INTEGER" and types["status"] == "VARCHAR"


@pytest.fixture(scope="module")
def default_seed_validation():
    """The engine on two 1,000-person companies, one of them the demo's default seed."""
    plans = [p for p in load_plans() if p.outcome in ("capability_level", "review_rating")]
    return validate([42, 43], employees=1000, plans=plans, workers=1)


def test_intervals_cover_the_planted_effects(default_seed_validation) -> None:
    rows = default_seed_validation.rows
    estimated = rows[rows["status"] == "estimated"]
    assert len(estimated) >= 40
    assert default_seed_validation.coverage() >= 0.85


def test_the_naive_difference_is_biased_on_the_default_seed(default_seed_validation) -> None:
    rows = default_seed_validation.rows
    seed = rows[(rows["seed"] == 42) & (rows["method"] == "did_staggered") & rows["estimate"].notna()]
    capability = seed[seed["outcome"] == "capability_level"]
    assert capability["naive_error"].abs().mean() > 3 * capability["error"].abs().mean()
    rating = seed[seed["outcome"] == "review_rating"]
    # Stronger performers train more: the naive rating difference overstates the effect.
    assert rating["naive_error"].mean() > 0.05
    assert abs(rating["error"].mean()) < 0.05


@pytest.mark.parametrize(
    ("corruption", "failed_columns"),
    [
        (None, set()),
        (
            "update marts.mart_learning_impact set ci_high = estimate - 0.01 where status = 'estimated'",
            {"interval_contains_estimate", "interval_is_95_percent"},
        ),
        (
            "update marts.mart_learning_impact set estimate = 0.4 where status = 'insufficient evidence'",
            {"number_only_when_evaluated", "interval_contains_estimate", "interval_is_95_percent"},
        ),
        ("update marts.mart_learning_impact set mde = std_error", {"mde_matches_std_error"}),
        (
            "update marts.mart_learning_impact set method = 'twfe' where plan_id = 'CRS-021:review_rating'"
            " and method = 'psm_matched'",
            {"method"},
        ),
        (
            "update marts.mart_learning_impact set programme_id = 'CRS-999', plan_id = 'CRS-999:review_rating'"
            " where plan_id = 'CRS-021:review_rating'",
            {"programme_in_dim_course"},
        ),
    ],
)
def test_the_impact_suite_reads_the_rows_and_fails_on_broken_ones(
    tmp_path: Path, small_company: DemoCompany, corruption: str | None, failed_columns: set
) -> None:
    from expectations import validate_table

    plans = [
        replace(p, min_treated=5, min_comparison=5) for p in load_plans() if p.programme_id in ("CRS-019", "CRS-021")
    ]
    results = evaluate(impact_inputs(small_company), plans)
    assert (results["status"] == "insufficient evidence").any() and (results["status"] != "insufficient evidence").any()
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_course (course_id varchar, course_name varchar)")
        con.execute("insert into marts.dim_course values ('CRS-019', 'a'), ('CRS-021', 'b')")
    write_results(path, results)
    if corruption:
        with duckdb.connect(str(path)) as con:
            con.execute(corruption)
    result = validate_table(str(path), "marts", "mart_learning_impact")
    errors = {o.column for o in result.failed if o.severity == "error"}
    assert errors == failed_columns
    assert result.success == (not failed_columns)
