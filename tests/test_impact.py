"""The learning-impact engine: plans, estimators on panels with a known effect, the gates
before a number (power, pre-trend, placebo, balance), the multiplicity adjustment and the
conclusions, the mart it writes, and recovery of the effects the demo generator planted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from demo.generator import DemoCompany
from demo.impact_inputs import impact_inputs
from impact import estimators, panels
from impact.engine import (
    BALANCE_COLUMNS,
    COLUMNS,
    CONCLUSIONS,
    STATUSES,
    adjust_p_values,
    apply_multiplicity,
    balance_table,
    evaluate,
    status_of,
)
from impact.inputs import FRAMES, ImpactInputs
from impact.plans import Plan, PlanError, load_plans
from impact.validation import validate
from impact.warehouse import write_results

ROOT = Path(__file__).resolve().parents[1]
MULTIPLICITY = "multiplicity: {method: holm, family: method}\n"
PLAN_HEAD = """
version: "t1"
multiplicity: {method: holm, family: method}
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
    assert {(p.multiplicity_method, p.multiplicity_family) for p in plans} == {("holm", "method")}
    changed = _plans(tmp_path, "  - {programme: CRS-001, outcomes: [{review_rating: {horizon: 2}}]}\n")
    assert changed[0].plan_version != plans[0].plan_version, "a changed setting is a new plan version"
    (tmp_path / "plans.yml").write_text(
        PLAN_HEAD.replace("method: holm", "method: benjamini_hochberg")
        + "  - {programme: CRS-001, outcomes: [review_rating]}\n",
        encoding="utf-8",
    )
    adjusted = load_plans(tmp_path)
    assert adjusted[0].multiplicity_method == "benjamini_hochberg"
    assert adjusted[0].plan_version != plans[0].plan_version, "the adjustment is part of the plan"


def test_the_declared_plans_adjust_with_holm_per_method() -> None:
    assert {(p.multiplicity_method, p.multiplicity_family) for p in load_plans()} == {("holm", "method")}


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


@pytest.mark.parametrize(
    ("multiplicity", "message"),
    [
        ("", "needs `multiplicity"),
        ("multiplicity: {method: bonferroni, family: method}\n", "multiplicity method"),
        ("multiplicity: {method: holm, family: programme}\n", "multiplicity family"),
        ("multiplicity: {method: holm, family: run, alpha: 0.1}\n", "unknown multiplicity"),
    ],
)
def test_a_plan_file_must_declare_a_known_multiplicity_adjustment(
    tmp_path: Path, multiplicity: str, message: str
) -> None:
    head = PLAN_HEAD.replace(MULTIPLICITY, multiplicity)
    (tmp_path / "plans.yml").write_text(
        head + "  - {programme: CRS-001, outcomes: [review_rating]}\n", encoding="utf-8"
    )
    with pytest.raises(PlanError, match=message):
        load_plans(tmp_path)


def test_one_run_does_not_mix_two_adjustments(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(PLAN_HEAD + "  - {programme: CRS-001, outcomes: [review_rating]}\n", "utf-8")
    other = PLAN_HEAD.replace("family: method", "family: run")
    (tmp_path / "b.yml").write_text(other + "  - {programme: CRS-002, outcomes: [review_rating]}\n", "utf-8")
    with pytest.raises(PlanError, match="multiplicity differs"):
        load_plans(tmp_path)


def _synthetic_panel(
    effect: float, pre_trend: float = 0.0, seed: int = 0, people: int = 600, per_cohort: int = 90
) -> tuple[pd.DataFrame, pd.Series]:
    """`people` (600) over 6 periods: person, period and manager effects, people with
    higher person effects adopt earlier (selection), staggered adoption of `per_cohort`
    people in each of periods 2-5."""
    rng = np.random.default_rng(seed)
    periods = 6
    ability = rng.normal(0, 1, people)
    order = np.argsort(-ability + rng.normal(0, 0.5, people))
    cohort = np.full(people, np.nan)
    for k, g in enumerate((2, 3, 4, 5)):
        cohort[order[k * per_cohort : (k + 1) * per_cohort]] = g
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


# --- gates before a number --------------------------------------------------------------

PERIOD_ENDS = pd.to_datetime(
    ["2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31"]
).astype("datetime64[ns]")


def _inputs_from_panel(panel: pd.DataFrame, cohorts: pd.Series) -> ImpactInputs:
    """The engine's input frames for a synthetic panel: review cycles ending every six
    months, each cohort completing programme CRS-T a month before its first treated
    cycle ends, three org units and four job levels unrelated to the outcome."""
    units = sorted(panel["unit"].unique(), key=lambda u: int(u[1:]))
    number = np.array([int(u[1:]) for u in units])
    reviews = pd.DataFrame(
        {
            "employee_id": panel["unit"],
            "period_id": "P" + panel["period"].astype(str),
            "period_end_on": PERIOD_ENDS[panel["period"].to_numpy()],
            "value": panel["value"],
            "manager_id": panel["manager"],
        }
    )
    completions = pd.DataFrame(
        {
            "employee_id": cohorts.index,
            "programme_id": "CRS-T",
            "completed_on": PERIOD_ENDS[cohorts.astype(int).to_numpy()] - pd.Timedelta(days=30),
        }
    )
    first_manager = panel[panel["period"] == 0].set_index("unit")["manager"]
    jobs = pd.DataFrame(
        {
            "employee_id": units,
            "valid_from": pd.Timestamp("2015-01-01"),
            "valid_to": pd.NaT,
            "org_unit_id": [f"org{i % 3}" for i in number],
            "job_level": 1 + number % 4,
            "manager_id": first_manager.reindex(units).to_numpy(),
        }
    )
    spells = pd.DataFrame(
        {
            "employee_id": units,
            "hire_date": pd.Timestamp("2015-01-01") + pd.to_timedelta((number % 50) * 30, unit="D"),
            "termination_date": pd.NaT,
        }
    )
    empty = {name: pd.DataFrame(columns=FRAMES[name]) for name in ("capability", "goals", "programme_capabilities")}
    return ImpactInputs(
        completions=completions, reviews=reviews, jobs=jobs, spells=spells, as_of=PERIOD_ENDS[-1].date(), **empty
    )


def _plan(**settings) -> Plan:
    plan = Plan(
        plan_id="CRS-T:review_rating",
        plan_version="t",
        programme_id="CRS-T",
        outcome="review_rating",
        horizon=1,
        pre_periods=2,
        comparison="not_yet_treated",
        min_effect_of_interest=0.10,
        min_treated=30,
        min_comparison=30,
        pretrend_alpha=0.05,
        methods=("did_staggered", "psm_matched"),
        source_file="t.yml",
    )
    return replace(plan, **settings)


def _rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["method"]: row for _, row in frame.iterrows()}


def test_a_zero_effect_programme_with_few_people_is_underpowered_not_a_loss() -> None:
    """48 treated people: the design cannot detect 0.10 rating points (MDE ~0.3), so the
    row is `underpowered`; its interval is still shown, it crosses zero, and it reads
    "no evidence of an effect", never a gain or a loss."""
    panel, cohorts = _synthetic_panel(effect=0.0, people=200, per_cohort=12)
    did = _rows(evaluate(_inputs_from_panel(panel, cohorts), [_plan()]))["did_staggered"]

    assert did["n_treated"] == 48
    assert did["mde"] > did["min_effect_of_interest"] == 0.10
    assert did["status"] == "underpowered"
    assert "minimum detectable effect" in did["status_reason"]
    assert pd.notna(did["estimate"]), "the number is shown, flagged, for inspection"
    assert did["ci_low"] < 0 < did["ci_high"]
    assert not did["significant"]
    assert did["conclusion"] == "no evidence of an effect (underpowered)"


def test_a_large_clear_effect_stays_estimated_and_significant() -> None:
    panel, cohorts = _synthetic_panel(effect=0.5)
    did = _rows(evaluate(_inputs_from_panel(panel, cohorts), [_plan()]))["did_staggered"]

    assert did["mde"] <= 0.10
    assert did["status"] == "estimated"
    assert did["p_value_adjusted"] < 0.05 and did["significant"]
    assert did["conclusion"] == "positive effect"
    assert did["ci_low"] <= 0.5 <= did["ci_high"]


def test_the_matching_placebo_is_large_without_an_effect_and_fails_a_diverging_trend() -> None:
    """The placebo runs the same matched design as if each cohort had completed one
    review cycle earlier: no effect can show there. Trained people whose ratings were
    already rising faster fail it."""
    parallel = _rows(evaluate(_inputs_from_panel(*_synthetic_panel(effect=0.0, seed=1)), [_plan()]))
    psm = parallel["psm_matched"]
    assert psm["placebo_p_value"] > 0.2
    assert psm["status"] != "placebo failed"
    assert pd.isna(parallel["did_staggered"]["placebo_p_value"]), "the DiD's placebo is its pre-trend test"

    diverging = _rows(evaluate(_inputs_from_panel(*_synthetic_panel(effect=0.0, pre_trend=0.3, seed=3)), [_plan()]))
    assert diverging["psm_matched"]["placebo_p_value"] < 0.01
    assert diverging["psm_matched"]["status"] == "placebo failed"
    assert diverging["psm_matched"]["conclusion"] == "inconclusive (groups not comparable)"
    assert diverging["did_staggered"]["status"] == "pre-trend violated"


def test_standardized_differences_on_a_hand_made_frame() -> None:
    """Treated x = 1, 2, 3 (mean 2, variance 1), comparison x = 2, 4, 6, 8 (mean 5,
    variance 20/3): s = sqrt((1 + 20/3) / 2) = 1.957890, SMD before = -3 / s = -1.532262.
    Matched controls x = 2 (twice) and 4 (once): weighted mean 8/3, SMD after = (2 - 8/3)
    / s = -0.340503. Org a: treated 2/3 (variance 1/3), comparison 1/4 (variance 1/4):
    s = sqrt(7/24), SMD before = (2/3 - 1/4) / s = 0.771517; after, the two matched
    controls at x = 2 (org a, twice) and x = 4 (org b) give 2/3: SMD 0. Org b mirrors it."""
    before = pd.DataFrame(
        {
            "treated": [True, True, True, False, False, False, False],
            "x": [1.0, 2, 3, 2, 4, 6, 8],
            "org": ["a", "a", "b", "a", "b", "b", "b"],
        }
    )
    after = pd.concat([before.iloc[:3].assign(weight=1.0), before.iloc[[3, 4]].assign(weight=[2.0, 1.0])])
    table = estimators.standardized_differences(before, after, ["x"], ["org"]).set_index("covariate")

    assert list(table.index) == ["x", "org=a", "org=b"]
    assert table.loc["x", "smd_before"] == pytest.approx(-1.532262, abs=1e-6)
    assert table.loc["x", "smd_after"] == pytest.approx(-0.340503, abs=1e-6)
    assert table.loc["org=a", "smd_before"] == pytest.approx(0.771517, abs=1e-6)
    assert table.loc["org=b", "smd_before"] == pytest.approx(-0.771517, abs=1e-6)
    assert table.loc["org=a", "smd_after"] == pytest.approx(0.0, abs=1e-12)


def test_matching_that_cannot_balance_a_covariate_is_flagged_imbalanced() -> None:
    """Nobody in the comparison group has mid-range tenure (0 or 2 years only) while the
    trained have 0.3-1.3 years; tenure's mean is the same in both groups, so the
    propensity barely uses it, but every match lands at 0 or 2 and the matched comparison
    is 0.2 years short on average: |SMD| after matching ~0.27 > 0.1."""
    treated = pd.DataFrame(
        {"tenure": np.linspace(0.3, 1.3, 60), "previous": np.linspace(0.0, 2.0, 60), "treated": True}
    )
    controls = pd.DataFrame(
        {
            "tenure": np.r_[np.zeros(180), np.full(120, 2.0)],
            "previous": np.r_[np.linspace(-1.5, 2.5, 180), np.linspace(-1.5, 2.5, 120)],
            "treated": False,
        }
    )
    frame = pd.concat([treated, controls], ignore_index=True)
    frame = frame.assign(
        change=np.sin(np.arange(len(frame))), manager=[f"m{i % 20}" for i in range(len(frame))], org="a", cohort=1
    )
    result = estimators.psm_matched(
        frame,
        outcome="change",
        covariates=["tenure", "previous"],
        categorical=["org"],
        strata="cohort",
        min_treated=30,
        min_comparison=30,
    )
    balance = result.balance.set_index("covariate")

    assert abs(balance.loc["tenure", "smd_before"]) < 0.05
    assert abs(balance.loc["tenure", "smd_after"]) > 0.2
    assert result.max_abs_smd_after == pytest.approx(balance["smd_after"].abs().max())
    status, reason = status_of(_plan(min_effect_of_interest=10.0), result)
    assert status == "imbalanced"
    assert "tenure" in reason


def test_a_balanced_match_passes_the_balance_gate() -> None:
    panel, cohorts = _synthetic_panel(effect=0.5)
    frame = evaluate(_inputs_from_panel(panel, cohorts), [_plan(min_effect_of_interest=0.25)])
    psm = _rows(frame)["psm_matched"]
    balance = balance_table(frame)

    assert psm["max_abs_smd_after"] <= 0.1 < psm["max_abs_smd_before"]
    assert psm["status"] == "estimated" and psm["conclusion"] == "positive effect"
    assert psm["share_treated_off_support"] < 0.2
    assert set(balance.columns) == set(BALANCE_COLUMNS)
    assert {"previous", "job_level", "tenure_years", "org_unit_id=org0", "cohort=2"} <= set(balance["covariate"])
    assert psm["max_abs_smd_after"] == pytest.approx(balance["smd_after"].abs().max())
    # exact on cohort and org unit: their shares are the same after matching
    exact = balance[balance["covariate"].str.contains("=")]
    assert exact["smd_after"].abs().max() < 1e-9


def test_the_retention_comparison_leaves_out_people_who_complete_during_the_follow_up() -> None:
    """Programme CRS-R, 12-month follow-up, as of 2025-12-31. Completion months with a
    full follow-up: 2023-05 (C_before), 2024-01 (T1), 2024-06 (C_during). For the January
    2024 completers the follow-up ends 2025-01-31: C_during (June 2024) and C_edge (on
    2025-01-31) complete within it and are left out, C_after (March 2025) and C_never
    stay; C_before completed before and is no comparison."""
    completed = {
        "T1": "2024-01-15",
        "C_before": "2023-05-01",
        "C_during": "2024-06-10",
        "C_edge": "2025-01-31",
        "C_after": "2025-03-01",
    }
    people = [*completed, "C_never"]
    empty = {name: pd.DataFrame(columns=FRAMES[name]) for name in ("capability", "goals")}
    inputs = ImpactInputs(
        reviews=pd.DataFrame(
            {
                "employee_id": people,
                "period_id": "P0",
                "period_end_on": "2022-12-31",
                "value": [3.0, 3.5, 4.0, 3.0, 2.5, 3.5],
                "manager_id": "M1",
            }
        ),
        completions=pd.DataFrame(
            {"employee_id": list(completed), "programme_id": "CRS-R", "completed_on": list(completed.values())}
        ),
        jobs=pd.DataFrame(
            {
                "employee_id": people,
                "valid_from": "2020-01-01",
                "valid_to": None,
                "org_unit_id": "org",
                "job_level": 2,
                "manager_id": "M1",
            }
        ),
        spells=pd.DataFrame({"employee_id": people, "hire_date": "2020-01-01", "termination_date": None}),
        programme_capabilities=pd.DataFrame(columns=FRAMES["programme_capabilities"]),
        as_of=pd.Timestamp("2025-12-31").date(),
        **empty,
    )
    frame = panels.retention_frame(inputs, "CRS-R", 12)
    groups = {
        cohort: (set(rows.loc[rows["treated"], "unit"]), set(rows.loc[~rows["treated"], "unit"]))
        for cohort, rows in frame.groupby("cohort")
    }

    assert groups == {
        "2023-05": ({"C_before"}, {"C_never", "C_during", "C_edge", "C_after"}),
        "2024-01": ({"T1"}, {"C_never", "C_after"}),
        "2024-06": ({"C_during"}, {"C_never"}),
    }


# --- multiplicity and conclusions -------------------------------------------------------


def test_holm_and_benjamini_hochberg_on_a_hand_list() -> None:
    """p = 0.01, 0.04, 0.03, 0.20 (m = 4). Holm, sorted: 4 x 0.01 = 0.04, 3 x 0.03 = 0.09,
    2 x 0.04 = 0.08 -> 0.09 (never below the one before), 1 x 0.20. Benjamini-Hochberg,
    sorted: 0.01 x 4/1 = 0.04, 0.03 x 4/2 = 0.06, 0.04 x 4/3 = 0.0533 (so 0.06 -> 0.0533,
    never above the one after), 0.20 x 4/4."""
    p_values = [0.01, 0.04, 0.03, 0.20]
    holm = adjust_p_values(p_values, "holm")
    bh = adjust_p_values(p_values, "benjamini_hochberg")

    assert holm == pytest.approx([0.04, 0.09, 0.09, 0.20])
    assert bh == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert holm == pytest.approx(multipletests(p_values, method="holm")[1])
    assert bh == pytest.approx(multipletests(p_values, method="fdr_bh")[1])


def _mart_rows(rows: list[tuple]) -> pd.DataFrame:
    """(method, status, estimate, ci_low, ci_high, p_value) rows as the engine has them
    before the adjustment."""
    return pd.DataFrame(rows, columns=["method", "status", "estimate", "ci_low", "ci_high", "p_value"])


def test_the_adjustment_runs_per_method_over_rows_with_a_p_value() -> None:
    frame = _mart_rows(
        [
            ("did_staggered", "estimated", 0.5, 0.3, 0.7, 0.01),
            ("did_staggered", "underpowered", 0.2, 0.0, 0.4, 0.04),
            ("did_staggered", "pre-trend violated", 0.3, 0.1, 0.5, 0.03),
            ("did_staggered", "insufficient evidence", None, None, None, None),
            ("psm_matched", "estimated", 0.5, 0.3, 0.7, 0.01),
            ("psm_matched", "imbalanced", 0.1, -0.1, 0.3, 0.20),
        ]
    )
    by_method = apply_multiplicity(frame, "holm", "method")
    assert by_method["p_value_adjusted"].tolist()[:3] == pytest.approx([0.03, 0.06, 0.06])
    assert by_method["p_value_adjusted"].tolist()[4:] == pytest.approx([0.02, 0.20])
    assert by_method["family_size"].tolist() == [3, 3, 3, 0, 2, 2]
    assert by_method["multiplicity_family"].tolist()[:4] == ["did_staggered"] * 3 + [None]
    assert pd.isna(by_method.loc[3, "p_value_adjusted"]) and pd.isna(by_method.loc[3, "significant"])
    assert by_method["conclusion"].tolist() == [
        "positive effect",
        "no evidence of an effect (underpowered)",
        "inconclusive (groups not comparable)",
        "not evaluated",
        "positive effect",
        "inconclusive (groups not comparable)",
    ]
    pooled = apply_multiplicity(frame, "holm", "run")
    assert pooled["family_size"].tolist() == [5, 5, 5, 0, 5, 5]
    assert pooled.loc[0, "p_value_adjusted"] == pytest.approx(0.05)  # 5 x 0.01
    assert not pooled.loc[0, "significant"], "0.05 is not below 0.05"


def test_an_interval_crossing_zero_reads_no_evidence_of_an_effect() -> None:
    """The audit's CRS-008 row (-0.094 [-0.178, -0.011], p 0.027, MDE above the smallest
    effect of interest) is underpowered: never "negative effect", alone or among 30
    tests. An estimated row whose interval crosses zero reads "no evidence of an
    effect", as does one that is significant only before the adjustment."""
    audit = ("did_staggered", "underpowered", -0.094, -0.178, -0.011, 0.027)
    crossing = ("did_staggered", "estimated", 0.05, -0.02, 0.12, 0.16)
    raw_only = ("did_staggered", "estimated", -0.08, -0.15, -0.01, 0.024)
    null = ("did_staggered", "estimated", 0.0, -0.1, 0.1, 0.5)
    many = apply_multiplicity(_mart_rows([audit, crossing, raw_only] + [null] * 27), "holm", "method")

    assert many.loc[0, "conclusion"] == "no evidence of an effect (underpowered)"
    assert many.loc[1, "conclusion"] == "no evidence of an effect"
    assert many.loc[2, "conclusion"] == "no evidence of an effect"
    assert many.loc[2, "p_value_adjusted"] == pytest.approx(min(1, 30 * 0.024))
    alone = apply_multiplicity(_mart_rows([audit]), "holm", "method")
    assert alone.loc[0, "significant"]
    assert alone.loc[0, "conclusion"] == "inconclusive (underpowered)"
    clear_loss = apply_multiplicity(_mart_rows([("did_staggered", "estimated", -0.3, -0.4, -0.2, 1e-9)]), "holm", "run")
    assert clear_loss.loc[0, "conclusion"] == "negative effect"


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
    assert types["significant"] == "BOOLEAN" and types["conclusion"] == "VARCHAR"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        balance = con.execute(
            "select plan_id, method, max(abs(smd_after)) from marts.mart_learning_impact_balance group by all"
        ).fetchall()
    matched = results[results["max_abs_smd_after"].notna()]
    assert {(r[0], r[1]): r[2] for r in balance} == pytest.approx(
        {(r.plan_id, r.method): r.max_abs_smd_after for r in matched.itertuples()}
    )


@pytest.fixture(scope="module")
def default_seed_validation():
    """The engine on two 1,000-person companies, one of them the demo's default seed."""
    plans = [p for p in load_plans() if p.outcome in ("capability_level", "review_rating")]
    return validate([42, 43], employees=1000, plans=plans, workers=1)


def test_intervals_cover_the_planted_effects(default_seed_validation) -> None:
    """Coverage is counted over every row whose design checks passed (estimated or
    underpowered: both carry their interval)."""
    rows = default_seed_validation.rows
    with_interval = rows[rows["status"].isin(["estimated", "underpowered"])]
    assert len(with_interval) >= 40
    assert default_seed_validation.coverage() >= 0.85


def test_no_effect_is_claimed_where_there_is_none(default_seed_validation) -> None:
    """On the two companies, no programme with a true effect of zero is called a gain or
    a loss after the gates and the Holm adjustment."""
    false_claims = default_seed_validation.false_claims()
    assert false_claims["rows"].sum() >= 12  # CRS-008 and CRS-017, two outcomes, two methods
    assert (false_claims["claimed_after_gates"] == 0).all()


def test_the_naive_difference_is_biased_on_the_default_seed(default_seed_validation) -> None:
    rows = default_seed_validation.rows
    seed = rows[(rows["seed"] == 42) & (rows["method"] == "did_staggered") & rows["estimate"].notna()]
    capability = seed[seed["outcome"] == "capability_level"]
    assert capability["naive_error"].abs().mean() > 3 * capability["error"].abs().mean()
    rating = seed[seed["outcome"] == "review_rating"]
    # Stronger performers train more: the naive rating difference overstates the effect.
    assert rating["naive_error"].mean() > 0.05
    assert abs(rating["error"].mean()) < 0.05


def test_rows_of_two_runs_merge_and_concatenate(small_engine_rows: pd.DataFrame) -> None:
    """The balance table rides along in attrs without breaking what analysts do with the
    rows (pandas compares attrs when frames are merged or concatenated)."""
    other = small_engine_rows.copy()
    other.attrs["balance"] = type(small_engine_rows.attrs["balance"])(balance_table(small_engine_rows).head(1))
    both = small_engine_rows.merge(other, on=["plan_id", "method"], suffixes=("_a", "_b"))
    assert len(both) == len(small_engine_rows)
    assert len(pd.concat([small_engine_rows, other])) == 2 * len(small_engine_rows)
    assert balance_table(both).empty, "two runs' balance tables are not one"
    assert len(balance_table(small_engine_rows[small_engine_rows["status"] != "x"])) > 1


def test_the_suite_knows_every_status_and_conclusion_the_engine_writes() -> None:
    import yaml

    suite = yaml.safe_load((ROOT / "expectations" / "suites" / "marts.mart_learning_impact.yml").read_text())
    sets = {
        e["kwargs"]["column"]: set(e["kwargs"]["value_set"])
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] in ("status", "conclusion")
    }
    assert sets == {"status": set(STATUSES), "conclusion": set(CONCLUSIONS)}


@pytest.fixture(scope="module")
def small_engine_rows(small_company: DemoCompany) -> pd.DataFrame:
    """The engine's rows (and balance table) for two programmes of the 200-person
    company, with the minimums lowered to 5 so that most rows carry a number."""
    plans = [
        replace(p, min_treated=5, min_comparison=5) for p in load_plans() if p.programme_id in ("CRS-019", "CRS-021")
    ]
    return evaluate(impact_inputs(small_company), plans)


@pytest.mark.parametrize(
    ("corruption", "failed_columns"),
    [
        (None, set()),
        (
            "update marts.mart_learning_impact set ci_high = estimate - 0.01 where estimate is not null",
            {"interval_contains_estimate", "interval_is_95_percent"},
        ),
        (
            "update marts.mart_learning_impact set estimate = 0.4 where status = 'insufficient evidence'",
            {"number_only_when_evaluated", "interval_contains_estimate", "interval_is_95_percent"},
        ),
        # An MDE understated 2.8 times would pass underpowered rows as estimated.
        ("update marts.mart_learning_impact set mde = std_error", {"mde_matches_std_error", "power_gate_holds"}),
        (
            "update marts.mart_learning_impact set method = 'twfe' where plan_id = 'CRS-021:review_rating'"
            " and method = 'did_staggered'",
            {"method"},
        ),
        (
            "update marts.mart_learning_impact set programme_id = 'CRS-999', plan_id = 'CRS-999:review_rating'"
            " where plan_id = 'CRS-021:review_rating' and method = 'did_staggered'",
            {"programme_in_dim_course"},
        ),
    ],
)
def test_the_impact_suite_reads_the_rows_and_fails_on_broken_ones(
    tmp_path: Path, small_engine_rows: pd.DataFrame, corruption: str | None, failed_columns: set
) -> None:
    from expectations import validate_table

    results = small_engine_rows
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


@pytest.mark.postgres
def test_the_engine_rows_pass_the_suite_on_postgres(postgres_url: str, small_engine_rows: pd.DataFrame) -> None:
    """The PostgreSQL write path (booleans, the balance table) and the suite's correlated
    subqueries on the engine's own rows."""
    import psycopg2

    from expectations import validate_table

    con = psycopg2.connect(postgres_url)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("drop schema if exists marts cascade")
        cur.execute("create schema marts")
        cur.execute("create table marts.dim_course (course_id text, course_name text)")
        cur.execute("insert into marts.dim_course values ('CRS-019', 'a'), ('CRS-021', 'b')")
    con.close()
    assert write_results(postgres_url, small_engine_rows) == len(small_engine_rows)
    result = validate_table(postgres_url, "marts", "mart_learning_impact")

    assert result.error is None
    assert {o.column for o in result.failed if o.severity == "error"} == set()
    con = psycopg2.connect(postgres_url)
    with con.cursor() as cur:
        cur.execute("select count(*), count(significant) from marts.mart_learning_impact")
        rows, with_significance = cur.fetchone()
        cur.execute("select count(*) from marts.mart_learning_impact_balance")
        (balance_rows,) = cur.fetchone()
    con.close()
    assert rows == len(small_engine_rows)
    assert with_significance == small_engine_rows["p_value"].notna().sum()
    assert balance_rows == len(balance_table(small_engine_rows)) > 0
