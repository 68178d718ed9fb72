"""Evaluate the declared plans and write `marts.mart_learning_impact`.

One row per plan (programme x outcome) x method. Status:
- `estimated`: an estimate with its 95% interval;
- `insufficient evidence`: too few treated or comparison people (the plan's minimums),
  or no period before and after completion; estimate and interval are left empty;
- `pre-trend violated`: the pre-trend test rejects at the plan's level; the estimate is
  kept for inspection but should not be read as an effect.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import pandas as pd

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
    "n_treated": "integer",
    "n_comparison": "integer",
    "pretrend_p_value": "double",
    "mde": "double",
    "min_effect_of_interest": "double",
    "naive_difference": "double",
    "status": "varchar",
    "status_reason": "varchar",
    "horizon_periods": "integer",
    "comparison_rule": "varchar",
    "estimated_at": "timestamp",
    "run_id": "varchar",
}
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


def evaluate_plan(inputs: ImpactInputs, plan: Plan) -> dict[str, estimators.Estimate]:
    """Every declared method's estimate for one plan."""
    results: dict[str, estimators.Estimate] = {}
    if plan.outcome == "retention_12m":
        frame = panels.retention_frame(inputs, plan.programme_id, plan.horizon)
        if frame.empty:
            return {m: estimators.Estimate(note="no completion with 12 months of follow-up") for m in plan.methods}
        naive = float(frame.loc[frame["treated"], "retained"].mean() - frame.loc[~frame["treated"], "retained"].mean())
        results["psm_matched"] = estimators.psm_matched(
            frame,
            outcome="retained",
            placebo=None,
            covariates=RETENTION_COVARIATES,
            categorical=["org_unit_id"],
            strata="cohort",
            min_treated=plan.min_treated,
            min_comparison=plan.min_comparison,
            naive=naive,
        )
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
            results["psm_matched"] = estimators.psm_matched(
                candidates,
                outcome="change",
                placebo=None,  # matched on the period the placebo change would start from
                covariates=PANEL_COVARIATES,
                categorical=["org_unit_id"],
                strata="cohort",
                min_treated=plan.min_treated,
                min_comparison=plan.min_comparison,
                naive=naive,
            )
    return results


def _status(plan: Plan, result: estimators.Estimate) -> tuple[str, str]:
    if result.estimate is None:
        return "insufficient evidence", result.note or "no estimate"
    if result.pretrend_p_value is not None and result.pretrend_p_value < plan.pretrend_alpha:
        return "pre-trend violated", f"pre-trend test p = {result.pretrend_p_value:.3f} < {plan.pretrend_alpha}"
    return "estimated", ""


def evaluate(inputs: ImpactInputs, plans: list[Plan], run_id: str | None = None) -> pd.DataFrame:
    """The mart's rows for every declared plan and method."""
    run_id = run_id or uuid.uuid4().hex
    estimated_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for plan in plans:
        try:
            results = evaluate_plan(inputs, plan)
        except Exception as error:  # one plan's failure must not hide the others' results
            log.exception("plan %s failed", plan.plan_id)
            results = {m: estimators.Estimate(note=f"estimation failed: {type(error).__name__}") for m in plan.methods}
        for method in plan.methods:
            result = results[method]
            status, reason = _status(plan, result)
            reported = result if status != "insufficient evidence" else estimators.Estimate()
            rows.append(
                {
                    "plan_id": plan.plan_id,
                    "plan_version": plan.plan_version,
                    "programme_id": plan.programme_id,
                    "outcome": plan.outcome,
                    "outcome_unit": OUTCOME_UNITS[plan.outcome],
                    "method": method,
                    "estimate": reported.estimate,
                    "std_error": reported.std_error,
                    "ci_low": reported.ci_low,
                    "ci_high": reported.ci_high,
                    "p_value": reported.p_value,
                    "n_treated": result.n_treated,
                    "n_comparison": result.n_comparison,
                    "pretrend_p_value": reported.pretrend_p_value,
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
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column, kind in COLUMNS.items():
        if kind == "double":
            frame[column] = frame[column].astype("float64")
        elif kind == "integer":
            frame[column] = frame[column].astype("int64")
    return frame
