"""The two estimators: staggered difference-in-differences and propensity-score matching.

Both take an outcome panel (one value per person and period, with the manager who gave
it) and each person's first treated period, and return an `Estimate`. The regression
work is done by well-kept libraries: linearmodels' `AbsorbingLS` absorbs the person,
period and manager fixed effects and clusters errors by manager; statsmodels fits the
propensity model and the matched-sample regressions. What is written here is the
research design: which comparisons are clean, which rows enter, how the group-time
effects are combined.

Staggered DiD (Callaway & Sant'Anna's design, estimated as a stacked regression): for
each cohort g (people first treated in period g) one sub-experiment holds the cohort
and its clean comparisons, people not treated by the end of the horizon (g + H); each
sub-experiment keeps periods g - P .. g + H and gets its own person and period effects,
so an early cohort is never compared with people already treated, which is what biases
the two-way fixed-effects regression under staggered timing. Event-time coefficients
(reference: the period before treatment) give the pre-trend test (leads jointly zero)
and the effect (post coefficients averaged, weighted by treated observations).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

Z_95 = stats.norm.ppf(0.975)
# Minimum detectable effect at 5% two-sided and 80% power: (z_0.975 + z_0.8) x SE.
MDE_FACTOR = Z_95 + stats.norm.ppf(0.8)
CALIPER_SD = 0.2  # matches further than 0.2 SD of the logit propensity are dropped
NEIGHBOURS = 3


@dataclass
class Estimate:
    estimate: float | None = None
    std_error: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    n_treated: int = 0
    n_comparison: int = 0
    pretrend_p_value: float | None = None
    mde: float | None = None
    naive_difference: float | None = None
    note: str = ""

    @classmethod
    def from_effect(cls, effect: float, se: float, **rest) -> Estimate:
        if not (math.isfinite(effect) and math.isfinite(se)) or se <= 0:
            return cls(note="the estimate is not finite (too little variation)", **rest)
        return cls(
            estimate=float(effect),
            std_error=float(se),
            ci_low=float(effect - Z_95 * se),
            ci_high=float(effect + Z_95 * se),
            p_value=float(2 * stats.norm.sf(abs(effect / se))),
            mde=float(MDE_FACTOR * se),
            **rest,
        )


def naive_difference(panel: pd.DataFrame, cohorts: pd.Series) -> float | None:
    """Trained minus never-trained mean outcome over the periods after training: the
    comparison a dashboard without a research design would show."""
    first = panel["unit"].map(cohorts)
    treated_post = panel[first.notna() & (panel["period"] >= first)]
    never = panel[first.isna() & panel["period"].isin(treated_post["period"].unique())]
    if treated_post.empty or never.empty:
        return None
    return float(treated_post["value"].mean() - never["value"].mean())


def _stack(panel: pd.DataFrame, cohorts: pd.Series, horizon: int, pre_periods: int) -> pd.DataFrame:
    """Sub-experiments, one per cohort: the cohort plus its not-yet-treated comparisons."""
    last = int(panel["period"].max())
    first_treated = panel["unit"].map(cohorts)
    stacks = []
    for g in sorted(int(c) for c in cohorts.dropna().unique()):
        if g < 1 or g > last:
            continue  # treated before the first observed period, or after the last
        window = panel[(panel["period"] >= g - pre_periods) & (panel["period"] <= g + horizon)]
        cohort_first = first_treated.loc[window.index]
        is_treated = cohort_first == g
        is_control = cohort_first.isna() | (cohort_first > g + horizon)
        rows = window[is_treated | is_control].copy()
        rows["treated"] = is_treated[rows.index]
        # Keep people observed in the reference period (g - 1) and at least once after.
        observed_ref = set(rows.loc[rows["period"] == g - 1, "unit"])
        observed_post = set(rows.loc[rows["period"] >= g, "unit"])
        rows = rows[rows["unit"].isin(observed_ref & observed_post)]
        if not rows["treated"].any():
            continue
        rows["stack"] = g
        rows["event"] = np.where(rows["treated"], rows["period"] - g, np.nan)
        stacks.append(rows)
    return pd.concat(stacks, ignore_index=True) if stacks else pd.DataFrame()


def _manager_changes(stacked: pd.DataFrame) -> pd.DataFrame:
    """Manager fixed effects in long differences: +1 for the manager who rated the
    period, -1 for the one who rated the reference period; only people whose manager
    changed carry non-zero values. One manager per connected group of managers (linked
    by people moving between them) is the reference, so the columns are identified."""
    moved = stacked[stacked["manager"] != stacked["reference_manager"]]
    if moved.empty:
        return pd.DataFrame(index=stacked.index)
    parent: dict[str, str] = {}

    def root(m: str) -> str:
        while parent.setdefault(m, m) != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for a, b in zip(moved["manager"], moved["reference_manager"], strict=True):
        parent[root(a)] = root(b)
    managers = sorted(parent)
    references = {root(m) for m in managers}
    columns = {}
    for m in managers:
        if m in references:
            continue
        columns[f"manager_{m}"] = (stacked["manager"] == m).astype(float) - (stacked["reference_manager"] == m).astype(
            float
        )
    return pd.DataFrame(columns, index=stacked.index)


def did_staggered(
    panel: pd.DataFrame,
    cohorts: pd.Series,
    *,
    horizon: int,
    pre_periods: int,
    min_treated: int,
    min_comparison: int,
) -> Estimate:
    """`panel`: unit, period (0..T-1), value, manager. `cohorts`: unit -> first treated
    period (missing: not treated within the data).

    Each sub-experiment's outcome is the long difference from the reference period g - 1
    (Callaway & Sant'Anna's ATT(g, t) compares exactly these between the cohort and its
    comparisons); the difference removes the person effect, sub-experiment x period
    dummies remove common shocks such as rating drift, and manager-change terms are the
    manager fixed effects. One OLS (statsmodels) gives all event-time effects with errors
    clustered by manager, so leads and post effects share one covariance matrix."""
    naive = naive_difference(panel, cohorts)
    stacked = _stack(panel, cohorts, horizon, pre_periods)
    if stacked.empty:
        return Estimate(naive_difference=naive, note="no cohort has a period before and after completion")
    n_treated = int(stacked.loc[stacked["treated"], "unit"].nunique())
    n_comparison = int(stacked.loc[~stacked["treated"], "unit"].nunique())
    counts = {"n_treated": n_treated, "n_comparison": n_comparison, "naive_difference": naive}
    if n_treated < min_treated or n_comparison < min_comparison:
        return Estimate(**counts, note=f"{n_treated} treated / {n_comparison} comparison people")
    reference = stacked[stacked["period"] == stacked["stack"] - 1].set_index(["stack", "unit"])
    key = pd.MultiIndex.from_arrays([stacked["stack"], stacked["unit"]])
    stacked = stacked.assign(
        change=stacked["value"].to_numpy() - reference["value"].reindex(key).to_numpy(),
        reference_manager=reference["manager"].reindex(key).fillna("none").to_numpy(),
        manager=stacked["manager"].fillna("none"),
    )
    stacked = stacked[stacked["period"] != stacked["stack"] - 1].reset_index(drop=True)
    events = [e for e in range(-pre_periods, horizon + 1) if e != -1]
    design = pd.DataFrame(
        {f"event_{e}".replace("-", "m"): (stacked["event"] == e).astype(float) for e in events},
        index=stacked.index,
    )
    design = design.loc[:, design.sum() > 0]
    post = [c for c in design.columns if not c.startswith("event_m")]
    leads = [c for c in design.columns if c.startswith("event_m")]
    if not post:
        return Estimate(**counts, note="no treated observation after completion")
    periods = pd.get_dummies(
        stacked["stack"].astype(str) + "|" + stacked["period"].astype(str), prefix="period", dtype=float
    )
    exog = pd.concat([design, periods, _manager_changes(stacked)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # QR rather than the default pseudo-inverse: the design has full rank by construction.
        fit = sm.OLS(stacked["change"].astype(float), exog, hasconst=False).fit(
            method="qr", cov_type="cluster", cov_kwds={"groups": pd.Categorical(stacked["manager"]).codes}
        )
    params, cov = fit.params, fit.cov_params()
    weights = design.loc[stacked["treated"], post].sum()
    weights = weights / weights.sum()
    effect = float(weights @ params[post])
    se = float(math.sqrt(max(weights @ cov.loc[post, post] @ weights, 0.0)))
    pretrend = None
    if leads:
        b = params[leads].to_numpy()
        v = cov.loc[leads, leads].to_numpy()
        try:
            pretrend = float(stats.chi2.sf(float(b @ np.linalg.solve(v, b)), len(leads)))
        except np.linalg.LinAlgError:
            pretrend = None
    return Estimate.from_effect(effect, se, pretrend_p_value=pretrend, **counts)


def _match(frame: pd.DataFrame, strata: str) -> pd.DataFrame:
    """Nearest-neighbour matching on the logit propensity, with replacement, within
    `strata`; returns treated rows and matched controls with a `weight` column (each
    treated person weighs 1, shared across its matches)."""
    sd = frame["logit"].std()
    caliper = CALIPER_SD * (sd if sd and math.isfinite(sd) else 1.0)
    parts = []
    for _, group in frame.groupby(strata, sort=False):
        treated = group[group["treated"]]
        controls = group[~group["treated"]]
        if treated.empty or controls.empty:
            continue
        control_logit = controls["logit"].to_numpy()
        k = min(NEIGHBOURS, len(controls))
        weights = np.zeros(len(controls))
        kept = []
        for index, value in zip(treated.index, treated["logit"].to_numpy(), strict=True):
            distance = np.abs(control_logit - value)
            nearest = np.argpartition(distance, k - 1)[:k]
            nearest = nearest[distance[nearest] <= caliper]
            if len(nearest) == 0:
                continue
            weights[nearest] += 1.0 / len(nearest)
            kept.append(index)
        if not kept:
            continue
        matched_treated = group.loc[kept].assign(weight=1.0)
        matched_controls = controls.assign(weight=weights)[weights > 0]
        parts.append(pd.concat([matched_treated, matched_controls]))
    return pd.concat(parts) if parts else pd.DataFrame()


def _propensity(frame: pd.DataFrame, covariates: list[str], categorical: list[str]) -> pd.Series:
    """Logit of the propensity to be treated, from a statsmodels logistic regression."""
    numeric = frame[covariates].astype(float)
    dummies = pd.get_dummies(frame[categorical].astype(str), drop_first=True, dtype=float)
    exog = sm.add_constant(pd.concat([numeric, dummies], axis=1), has_constant="add")
    exog = exog.loc[:, exog.std() > 0].assign(const=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(frame["treated"].astype(float), exog, family=sm.families.Binomial())
        fit = model.fit_regularized(alpha=1e-4, L1_wt=0.0) if len(frame) < 5 * exog.shape[1] else model.fit()
    linear = exog @ fit.params
    return pd.Series(np.clip(linear, -30, 30), index=frame.index)


def _weighted_difference(frame: pd.DataFrame, column: str) -> tuple[float, float] | None:
    """Treated minus matched-control mean of `column` and its standard error, from a
    weighted regression on a treated indicator, errors clustered by manager."""
    rows = frame[frame[column].notna()]
    if rows["treated"].nunique() < 2:
        return None
    exog = sm.add_constant(rows["treated"].astype(float))
    groups = pd.Categorical(rows["manager"].fillna("none").astype(str)).codes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.WLS(rows[column].astype(float), exog, weights=rows["weight"]).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
    return float(fit.params["treated"]), float(fit.bse["treated"])


def psm_matched(
    candidates: pd.DataFrame,
    *,
    outcome: str,
    placebo: str | None,
    covariates: list[str],
    categorical: list[str],
    strata: str,
    min_treated: int,
    min_comparison: int,
    naive: float | None = None,
) -> Estimate:
    """`candidates`: one row per treated person and per comparison candidate, with
    `treated`, `manager`, the baseline covariates, the `outcome` column (a change or a
    level) and optionally a `placebo` column (the same change one period earlier, whose
    matched difference should be zero: the pre-trend test)."""
    frame = candidates.dropna(subset=[outcome]).copy()
    n_treated_all = int(frame["treated"].sum())
    if n_treated_all < min_treated or int((~frame["treated"]).sum()) < min_comparison:
        return Estimate(
            n_treated=n_treated_all,
            n_comparison=int((~frame["treated"]).sum()),
            naive_difference=naive,
            note="too few people before matching",
        )
    for column in covariates:
        frame[column] = frame[column].astype(float)
        missing = frame[column].isna()
        if missing.any():
            frame[f"{column}_missing"] = missing.astype(float)
            frame[column] = frame[column].fillna(frame[column].mean())
    covariates = covariates + [f"{c}_missing" for c in covariates if f"{c}_missing" in frame]
    frame["logit"] = _propensity(frame, covariates, categorical + [strata])
    matched = _match(frame, strata)
    if matched.empty:
        return Estimate(naive_difference=naive, note="no treated person found a match")
    n_treated = int(matched["treated"].sum())
    n_comparison = int((~matched["treated"]).sum())
    counts = {"n_treated": n_treated, "n_comparison": n_comparison, "naive_difference": naive}
    if n_treated < min_treated or n_comparison < min_comparison:
        return Estimate(**counts, note=f"{n_treated} treated / {n_comparison} comparison people after matching")
    result = _weighted_difference(matched, outcome)
    if result is None:
        return Estimate(**counts, note="no variation in the matched sample")
    pretrend = None
    if placebo is not None and matched[placebo].notna().sum() > 2 * min_treated:
        placebo_result = _weighted_difference(matched, placebo)
        if placebo_result is not None and placebo_result[1] > 0:
            pretrend = float(2 * stats.norm.sf(abs(placebo_result[0] / placebo_result[1])))
    return Estimate.from_effect(result[0], result[1], pretrend_p_value=pretrend, **counts)
