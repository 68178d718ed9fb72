"""Evaluate the declared plans and write `marts.mart_learning_impact`.

One row per plan (programme x outcome) x method. Gates come before a number: a row's
status is the first of these that applies, and `status_reason` lists every one that does.
- `insufficient evidence`: too few treated or comparison people (the plan's minimums),
  or no period before and after completion; estimate, interval and diagnostics are empty;
- `pre-trend violated` (difference-in-differences): the pre-trend test rejects at the
  plan's `pretrend_alpha`;
- `placebo failed` (matching, panel outcomes): the same matched design with a fake
  completion one period earlier finds an "effect" (p below `pretrend_alpha`);
- `imbalanced` (matching): some covariate's |standardized mean difference| after
  matching exceeds 0.1;
- `underpowered`: the minimum detectable effect (80% power, two-sided 5%: 2.80 x SE)
  exceeds the plan's smallest effect of interest, so the design could miss an effect
  worth acting on;
- `estimated`: none of the above.
Every status but `insufficient evidence` keeps its estimate, interval and MDE for
inspection; only `estimated` rows are results (the ROI and any "effect" claim read them).

Multiplicity: the p-values of the rows that carry one (every status but `insufficient
evidence`) are adjusted across the run as the plan file declares (`holm` or
`benjamini_hochberg`, per estimation method or for the whole run; statsmodels'
`multipletests`): `p_value_adjusted`, `significant` (adjusted p < 0.05). The
`conclusion` says it in words: "positive effect" / "negative effect" only for an
`estimated` row significant after adjustment; an interval crossing zero is never a gain
or a loss.

Matching also writes its balance table (every covariate's SMD before and after
matching) to `marts.mart_learning_impact_balance`, one row per plan x method x covariate.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from impact import estimators, panels
from impact.inputs import ImpactInputs
from impact.plans import Plan

log = logging.getLogger(__name__)

OUTCOME_UNITS = {
    "review_rating": "rating points (1-5 scale)",
    "capability_level": "capability levels (1-5 scale)",
    "goal_attainment": "share of goal target",
    "retention_12m": "share still employed after 12 months",
}
COLUMNS = {
    "plan_id": "varchar",
    "plan_version": "varchar",
    "programme_id": "varchar",
    "outcome": "varchar",
    "outcome_unit": "varchar",
    "method": "varchar",
    "estimate": "double",
    "std_error": "double",
    "ci_low": "double",
    "ci_high": "double",
    "p_value": "double",
    "p_value_adjusted": "double",
    "significant": "boolean",
    "multiplicity_method": "varchar",
    "multiplicity_family": "varchar",
    "family_size": "integer",
    "n_treated": "integer",
    "n_comparison": "integer",
    "pretrend_p_value": "double",
    "placebo_p_value": "double",
    "pretrend_alpha": "double",
    "max_abs_smd_before": "double",
    "max_abs_smd_after": "double",
    "share_treated_off_support": "double",
    "mde": "double",
    "min_effect_of_interest": "double",
    "naive_difference": "double",
    "status": "varchar",
    "status_reason": "varchar",
    "conclusion": "varchar",
    "horizon_periods": "integer",
    "comparison_rule": "varchar",
    "estimated_at": "timestamp",
    "run_id": "varchar",
}
BALANCE_COLUMNS = {
    "plan_id": "varchar",
    "plan_version": "varchar",
    "programme_id": "varchar",
    "outcome": "varchar",
    "method": "varchar",
    "covariate": "varchar",
    "smd_before": "double",
    "smd_after": "double",
    "is_balanced": "boolean",
    "estimated_at": "timestamp",
    "run_id": "varchar",
}
ALPHA = 0.05  # significance after adjustment; the intervals are 95% and the MDE is at 5% too
# In the order the gates are checked: a row gets the first that applies.
STATUSES = ("insufficient evidence", "pre-trend violated", "placebo failed", "imbalanced", "underpowered", "estimated")
NOT_COMPARABLE = ("pre-trend violated", "placebo failed", "imbalanced")
CONCLUSIONS = (
    "positive effect",
    "negative effect",
    "no evidence of an effect",
    "no evidence of an effect (underpowered)",
    "inconclusive (underpowered)",
    "inconclusive (groups not comparable)",
    "not evaluated",
)
MULTIPLETESTS_METHOD = {"holm": "holm", "benjamini_hochberg": "fdr_bh"}
# Matching on the reference period's own value would bias the change score: people who
# train have lower true levels, so at an equal observed value their noise is higher and
# regresses down more (regression to the mean). Pre-period performance therefore enters
# as the period before the reference one, whose noise does not enter the change.
PANEL_COVARIATES = ["previous", "job_level", "tenure_years"]
RETENTION_COVARIATES = ["last_rating", "job_level", "tenure_years", "other_programmes_12m"]


def _panel_for(inputs: ImpactInputs, plan: Plan) -> panels.Panel | None:
    if plan.outcome == "review_rating":
        return panels.review_rating_panel(inputs, plan.programme_id)
    if plan.outcome == "capability_level":
        return panels.capability_panel(inputs, plan.programme_id)
    if plan.outcome == "goal_attainment":
        return panels.goal_panel(inputs, plan.programme_id) if not inputs.goals.empty else None
    raise ValueError(plan.outcome)


def _psm(frame: pd.DataFrame, plan: Plan, outcome: str, covariates: list[str], naive: float | None):
    return estimators.psm_matched(
        frame,
        outcome=outcome,
        covariates=covariates,
        categorical=["org_unit_id"],
        strata="cohort",
        min_treated=plan.min_treated,
        min_comparison=plan.min_comparison,
        naive=naive,
    )


def evaluate_plan(inputs: ImpactInputs, plan: Plan) -> dict[str, estimators.Estimate]:
    """Every declared method's estimate for one plan, with its diagnostics."""
    results: dict[str, estimators.Estimate] = {}
    if plan.outcome == "retention_12m":
        frame = panels.retention_frame(inputs, plan.programme_id, plan.horizon)
        if frame.empty:
            return {m: estimators.Estimate(note="no completion with 12 months of follow-up") for m in plan.methods}
        naive = float(frame.loc[frame["treated"], "retained"].mean() - frame.loc[~frame["treated"], "retained"].mean())
        # No placebo: everyone compared is employed at the start, so "retained before
        # completion" is 1 for all of them and has nothing to show.
        results["psm_matched"] = _psm(frame, plan, "retained", RETENTION_COVARIATES, naive)
        return results
    panel = _panel_for(inputs, plan)
    if panel is None or panel.data.empty:
        return {m: estimators.Estimate(note="no outcome data for this programme") for m in plan.methods}
    if "did_staggered" in plan.methods:
        results["did_staggered"] = estimators.did_staggered(
            panel.data,
            panel.cohorts,
            horizon=plan.horizon,
            pre_periods=plan.pre_periods,
            min_treated=plan.min_treated,
            min_comparison=plan.min_comparison,
        )
    if "psm_matched" in plan.methods:
        candidates = panels.change_frame(panel, plan.horizon)
        naive = estimators.naive_difference(panel.data, panel.cohorts)
        if candidates.empty:
            results["psm_matched"] = estimators.Estimate(naive_difference=naive, note="no cohort to match")
        else:
            result = _psm(candidates, plan, "change", PANEL_COVARIATES, naive)
            if result.estimate is not None:
                # Placebo: the same design as if each cohort had completed one period earlier.
                fake = panels.change_frame(panel, plan.horizon, shift=1)
                if not fake.empty:
                    result.placebo_p_value = _psm(fake, plan, "change", PANEL_COVARIATES, None).p_value
            results["psm_matched"] = result
    return results


def status_of(plan: Plan, result: estimators.Estimate) -> tuple[str, str]:
    """The row's status (the first gate that fails, in the order of STATUSES) and the
    reasons of every gate that fails."""
    if result.estimate is None:
        return "insufficient evidence", result.note or "no estimate"
    failed: list[tuple[str, str]] = []
    if result.pretrend_p_value is not None and result.pretrend_p_value < plan.pretrend_alpha:
        failed.append(
            ("pre-trend violated", f"pre-trend test p = {result.pretrend_p_value:.3f} < {plan.pretrend_alpha}")
        )
    if result.placebo_p_value is not None and result.placebo_p_value < plan.pretrend_alpha:
        failed.append(
            (
                "placebo failed",
                f"placebo (completion one period earlier) p = {result.placebo_p_value:.3f} < {plan.pretrend_alpha}",
            )
        )
    if result.max_abs_smd_after is not None and result.max_abs_smd_after > estimators.MAX_ABS_SMD:
        worst = result.balance.loc[result.balance["smd_after"].abs().idxmax(), "covariate"]
        failed.append(
            (
                "imbalanced",
                f"largest |SMD| after matching {result.max_abs_smd_after:.2f} > {estimators.MAX_ABS_SMD} ({worst})",
            )
        )
    if result.mde is not None and result.mde > plan.min_effect_of_interest:
        failed.append(
            (
                "underpowered",
                f"minimum detectable effect {result.mde:.3f}"
                f" > smallest effect of interest {plan.min_effect_of_interest}",
            )
        )
    if not failed:
        return "estimated", ""
    return failed[0][0], "; ".join(reason for _, reason in failed)


def adjust_p_values(p_values, method: str) -> np.ndarray:
    """Adjusted p-values (statsmodels' multipletests): `holm` or `benjamini_hochberg`."""
    values = np.asarray(p_values, dtype=float)
    if len(values) == 0:
        return values
    return multipletests(values, alpha=ALPHA, method=MULTIPLETESTS_METHOD[method])[1]


def conclusion_of(status: str, significant: bool | None, estimate: float | None) -> str:
    """The row in words. A gain or a loss only for an `estimated` row significant after
    adjustment; an interval that crosses zero is never significant (the adjusted p-value
    is at least the raw one, which is >= 0.05 when the 95% interval contains zero)."""
    if status == "insufficient evidence":
        return "not evaluated"
    if status in NOT_COMPARABLE:
        return "inconclusive (groups not comparable)"
    if status == "underpowered":
        return "inconclusive (underpowered)" if significant else "no evidence of an effect (underpowered)"
    if significant:
        return "positive effect" if estimate > 0 else "negative effect"
    return "no evidence of an effect"


def apply_multiplicity(frame: pd.DataFrame, method: str, family: str) -> pd.DataFrame:
    """Fill p_value_adjusted, significant, multiplicity_* and family_size, then the
    conclusion. The family: rows with a p-value (all statuses but insufficient evidence),
    per estimation method (`family: method`) or all together (`family: run`)."""
    frame = frame.copy()
    tested = frame["p_value"].notna()
    key = frame["method"] if family == "method" else pd.Series("run", index=frame.index)
    frame["p_value_adjusted"] = np.nan
    frame["multiplicity_method"] = None
    frame["multiplicity_family"] = None
    frame["family_size"] = 0
    for name, rows in frame[tested].groupby(key[tested]):
        frame.loc[rows.index, "p_value_adjusted"] = adjust_p_values(rows["p_value"], method)
        frame.loc[rows.index, "multiplicity_method"] = method
        frame.loc[rows.index, "multiplicity_family"] = name
        frame.loc[rows.index, "family_size"] = len(rows)
    frame["significant"] = pd.array(
        [None if pd.isna(p) else bool(p < ALPHA) for p in frame["p_value_adjusted"]], dtype="boolean"
    )
    frame["conclusion"] = [
        conclusion_of(status, None if pd.isna(sig) else bool(sig), estimate)
        for status, sig, estimate in zip(frame["status"], frame["significant"], frame["estimate"], strict=True)
    ]
    return frame


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    for column, kind in columns.items():
        if kind == "double":
            frame[column] = frame[column].astype("float64")
        elif kind == "integer":
            frame[column] = frame[column].astype("int64")
        elif kind == "boolean":
            frame[column] = frame[column].astype("boolean")
    return frame


def evaluate(inputs: ImpactInputs, plans: list[Plan], run_id: str | None = None) -> pd.DataFrame:
    """The mart's rows for every declared plan and method. The balance table of the
    matched rows travels with them in `frame.attrs["balance"]` (read it with
    `balance_table(frame)`; `write_results` writes it to
    `marts.mart_learning_impact_balance`)."""
    settings = {(p.multiplicity_method, p.multiplicity_family) for p in plans}
    if len(settings) > 1:
        raise ValueError(f"the plans of one run declare different multiplicity settings: {sorted(settings)}")
    method, family = settings.pop() if settings else ("holm", "method")
    run_id = run_id or uuid.uuid4().hex
    estimated_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows, balance = [], []
    for plan in plans:
        try:
            results = evaluate_plan(inputs, plan)
        except Exception as error:  # one plan's failure must not hide the others' results
            log.exception("plan %s failed", plan.plan_id)
            results = {m: estimators.Estimate(note=f"estimation failed: {type(error).__name__}") for m in plan.methods}
        for method_name in plan.methods:
            result = results[method_name]
            status, reason = status_of(plan, result)
            reported = result if status != "insufficient evidence" else estimators.Estimate()
            identity = {
                "plan_id": plan.plan_id,
                "plan_version": plan.plan_version,
                "programme_id": plan.programme_id,
                "outcome": plan.outcome,
            }
            rows.append(
                {
                    **identity,
                    "outcome_unit": OUTCOME_UNITS[plan.outcome],
                    "method": method_name,
                    "estimate": reported.estimate,
                    "std_error": reported.std_error,
                    "ci_low": reported.ci_low,
                    "ci_high": reported.ci_high,
                    "p_value": reported.p_value,
                    "n_treated": result.n_treated,
                    "n_comparison": result.n_comparison,
                    "pretrend_p_value": reported.pretrend_p_value,
                    "placebo_p_value": reported.placebo_p_value,
                    "pretrend_alpha": plan.pretrend_alpha,
                    "max_abs_smd_before": reported.max_abs_smd_before,
                    "max_abs_smd_after": reported.max_abs_smd_after,
                    "share_treated_off_support": reported.share_off_support,
                    "mde": reported.mde,
                    "min_effect_of_interest": plan.min_effect_of_interest,
                    "naive_difference": result.naive_difference,
                    "status": status,
                    "status_reason": reason,
                    "horizon_periods": plan.horizon,
                    "comparison_rule": plan.comparison,
                    "estimated_at": estimated_at,
                    "run_id": run_id,
                }
            )
            if reported.balance is not None and len(reported.balance):
                table = reported.balance.assign(
                    **identity,
                    method=method_name,
                    is_balanced=reported.balance["smd_after"].abs() <= estimators.MAX_ABS_SMD,
                    estimated_at=estimated_at,
                    run_id=run_id,
                )
                balance.append(table)
    frame = apply_multiplicity(pd.DataFrame(rows).reindex(columns=list(COLUMNS)), method, family)
    frame = _typed(frame[list(COLUMNS)], COLUMNS)
    table = pd.concat(balance, ignore_index=True) if balance else pd.DataFrame(columns=list(BALANCE_COLUMNS))
    frame.attrs["balance"] = _Attached(_typed(table.reindex(columns=list(BALANCE_COLUMNS)), BALANCE_COLUMNS))
    return frame


class _Attached:
    """A table carried in `DataFrame.attrs`. pandas deep-copies attrs on every operation
    and compares them when frames are merged or concatenated; this holder is copied as
    itself and equal only to itself, so neither costs anything nor asks a DataFrame for a
    truth value (rows of two runs merged simply drop it)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __deepcopy__(self, memo: dict) -> _Attached:
        return self

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__


def balance_table(results: pd.DataFrame) -> pd.DataFrame:
    """A copy of the balance table `evaluate` attached to its rows (empty when the rows
    carry none, e.g. after a merge with another run's rows)."""
    attached = results.attrs.get("balance")
    if isinstance(attached, _Attached):
        return attached.frame.copy()
    return _typed(pd.DataFrame(columns=list(BALANCE_COLUMNS)), BALANCE_COLUMNS)
