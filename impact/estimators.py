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

Propensity-score matching is exact on cohort x org unit and, within that, picks the
nearest comparisons on the numeric covariates (Mahalanobis distance) among those within
a caliper of the propensity score: nearest neighbours on the propensity alone left
chance imbalance in most matched samples of this size (docs/DECISIONS.md). It reports
its own diagnostics, because a matched comparison is only as good as the balance it
achieves: the standardized mean difference (SMD) of every matching covariate
before and after matching (`standardized_differences`), the share of treated people
outside the comparison group's propensity range (trimmed before matching: common
support), and the engine runs the same design with a fake completion date one period
earlier (a placebo, whose effect should be zero).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

Z_95 = stats.norm.ppf(0.975)
# Minimum detectable effect at 5% two-sided and 80% power: (z_0.975 + z_0.8) x SE.
MDE_FACTOR = Z_95 + stats.norm.ppf(0.8)
CALIPER_SD = 0.2  # matches further than 0.2 SD of the logit propensity are dropped
NEIGHBOURS = 3
# A matched comparison is balanced when no covariate's |SMD| after matching exceeds 0.1
# (a tenth of a pooled standard deviation: Austin 2009, Stuart 2010).
MAX_ABS_SMD = 0.1


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
    # Matching only: balance (covariate, smd_before, smd_after), its largest |SMD| before
    # and after, the share of treated people off the comparison group's propensity range,
    # and the p-value of the fake-date placebo (set by the engine).
    balance: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    max_abs_smd_before: float | None = None
    max_abs_smd_after: float | None = None
    share_off_support: float | None = None
    placebo_p_value: float | None = None

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


def _common_support(frame: pd.DataFrame, cells: str) -> tuple[pd.DataFrame, int]:
    """Drop treated people whose logit propensity lies outside the range of the comparison
    candidates of their cell, or whose cell has none (no comparable person exists for
    them); returns the kept rows and the number of treated dropped."""
    controls = frame[~frame["treated"]].groupby(cells)["logit"].agg(["min", "max"])
    low = frame[cells].map(controls["min"])
    high = frame[cells].map(controls["max"])
    off = frame["treated"] & ~((frame["logit"] >= low) & (frame["logit"] <= high))
    return frame[~off], int(off.sum())


def _match(frame: pd.DataFrame, cells: str, covariates: list[str]) -> pd.DataFrame:
    """Nearest-neighbour matching with replacement, exact on `cells`: among the
    comparison candidates of the same cell whose logit propensity lies within the caliper
    (0.2 SD of the logit), the NEIGHBOURS nearest by Mahalanobis distance on `covariates`
    (Rubin & Thomas 2000: Mahalanobis matching within propensity calipers). Returns
    treated rows and matched controls with a `weight` column (each treated person weighs
    1, shared across its matches)."""
    sd = frame["logit"].std()
    caliper = CALIPER_SD * (sd if sd and math.isfinite(sd) else 1.0)
    covariates = [c for c in covariates if frame[c].std() > 0]
    precision = (
        np.linalg.pinv(np.atleast_2d(np.cov(frame[covariates].to_numpy(dtype=float), rowvar=False)))
        if covariates
        else None
    )
    parts = []
    for _, group in frame.groupby(cells, sort=False):
        is_treated = group["treated"].to_numpy(dtype=bool)
        if is_treated.all() or not is_treated.any():
            continue
        logit = group["logit"].to_numpy()
        # treated x comparison: inside the caliper, and the Mahalanobis distance there
        inside = np.abs(logit[is_treated][:, None] - logit[~is_treated][None, :]) <= caliper
        if precision is not None:
            x = group[covariates].to_numpy(dtype=float)
            diff = x[is_treated][:, None, :] - x[~is_treated][None, :, :]
            distance = np.einsum("tcj,jk,tck->tc", diff, precision, diff)
        else:
            distance = np.abs(logit[is_treated][:, None] - logit[~is_treated][None, :])
        distance = np.where(inside, distance, np.inf)
        order = np.argsort(distance, axis=1, kind="stable")[:, :NEIGHBOURS]
        chosen = np.take_along_axis(distance, order, axis=1) < np.inf
        found = chosen.any(axis=1)
        if not found.any():
            continue
        weights = np.zeros((~is_treated).sum())
        share = chosen / np.maximum(chosen.sum(axis=1, keepdims=True), 1)
        np.add.at(weights, order[chosen], share[chosen])
        matched_treated = group[is_treated][found].assign(weight=1.0)
        controls = group[~is_treated]
        matched_controls = controls.assign(weight=weights)[weights > 0]
        parts.append(pd.concat([matched_treated, matched_controls]))
    return pd.concat(parts) if parts else pd.DataFrame()


def _indicators(frame: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    """One 0/1 column per level of each categorical covariate, named `column=level`."""
    columns = {}
    for name in categorical:
        values = frame[name].astype(str)
        for level in sorted(values.unique()):
            columns[f"{name}={level}"] = (values == level).astype(float)
    return pd.DataFrame(columns, index=frame.index)


def standardized_differences(
    before: pd.DataFrame, after: pd.DataFrame, covariates: list[str], categorical: list[str] = ()
) -> pd.DataFrame:
    """Standardized mean difference of each covariate, treated minus comparison, before
    and after matching: (mean_treated - mean_comparison) / s, with s = sqrt((var_treated +
    var_comparison) / 2) from the sample before matching (variances with n - 1), so that
    the two columns differ only by the means matching moved. After matching the means are
    weighted by `after["weight"]` (a control matched to several treated people counts
    that often). Categorical covariates enter as one indicator per level
    (`org_unit_id=Finance`). Covariates constant in both groups before matching are
    left out (their SMD is undefined and matching cannot unbalance them).

    `before`: `treated` and the covariates; `after`: the same plus `weight`.
    Returns covariate, smd_before, smd_after."""
    categorical = list(categorical)
    x_before = pd.concat([before[covariates].astype(float), _indicators(before, categorical)], axis=1)
    x_after = pd.concat([after[covariates].astype(float), _indicators(after, categorical)], axis=1)
    x_after = x_after.reindex(columns=x_before.columns, fill_value=0.0)
    t_before = before["treated"].to_numpy(dtype=bool)
    t_after = after["treated"].to_numpy(dtype=bool)
    weight = after["weight"].to_numpy(dtype=float)
    rows = []
    for name in x_before.columns:
        values = x_before[name].to_numpy()
        treated, control = values[t_before], values[~t_before]
        var_t = treated.var(ddof=1) if len(treated) > 1 else 0.0
        var_c = control.var(ddof=1) if len(control) > 1 else 0.0
        scale = math.sqrt((var_t + var_c) / 2)
        if not scale > 0:
            continue
        matched = x_after[name].to_numpy()
        mean_t = np.average(matched[t_after], weights=weight[t_after]) if t_after.any() else np.nan
        mean_c = np.average(matched[~t_after], weights=weight[~t_after]) if (~t_after).any() else np.nan
        rows.append(
            {
                "covariate": name,
                "smd_before": float((treated.mean() - control.mean()) / scale),
                "smd_after": float((mean_t - mean_c) / scale),
            }
        )
    return pd.DataFrame(rows, columns=["covariate", "smd_before", "smd_after"])


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
    covariates: list[str],
    categorical: list[str],
    strata: str,
    min_treated: int,
    min_comparison: int,
    naive: float | None = None,
) -> Estimate:
    """`candidates`: one row per treated person and per comparison candidate, with
    `treated`, `manager`, the baseline covariates, the `outcome` column (a change or a
    level) and the `strata` column.

    The propensity model (logistic, statsmodels) takes every covariate; matching is exact
    on the cell (`strata` x each categorical covariate: cohort x org unit), and within it
    picks the nearest comparisons by Mahalanobis distance on the numeric covariates among
    those inside the propensity caliper. Treated people outside their cell's comparison
    propensity range are trimmed first (`share_off_support`). The result carries the
    balance table of every covariate (numeric, missing-value indicators, each level of the
    categorical ones and of the strata) before and after matching."""
    frame = candidates.dropna(subset=[outcome]).copy()
    n_treated_all = int(frame["treated"].sum())
    if n_treated_all < min_treated or int((~frame["treated"]).sum()) < min_comparison:
        return Estimate(
            n_treated=n_treated_all,
            n_comparison=int((~frame["treated"]).sum()),
            naive_difference=naive,
            note="too few people before matching",
        )
    observed = []
    for column in covariates:
        frame[column] = frame[column].astype(float)
        missing = frame[column].isna()
        if missing.all():
            continue  # e.g. no period before the placebo's baseline: nothing to match on
        observed.append(column)
        if missing.any():
            frame[f"{column}_missing"] = missing.astype(float)
            frame[column] = frame[column].fillna(frame[column].mean())
    covariates = observed + [f"{c}_missing" for c in observed if f"{c}_missing" in frame]
    frame["logit"] = _propensity(frame, covariates, categorical + [strata])
    # Exact on the strata (cohort) and every categorical covariate (org unit): a treated
    # person is compared only with people of the same cohort and org unit.
    cells = frame[strata].astype(str)
    for column in categorical:
        cells = cells + "|" + frame[column].astype(str)
    frame["_cell"] = cells
    supported, off_support = _common_support(frame, "_cell")
    share_off_support = off_support / n_treated_all
    matched = _match(supported, "_cell", covariates)
    if matched.empty:
        return Estimate(
            naive_difference=naive, share_off_support=share_off_support, note="no treated person found a match"
        )
    n_treated = int(matched["treated"].sum())
    n_comparison = int((~matched["treated"]).sum())
    balance = standardized_differences(frame, matched, covariates, categorical + [strata])
    diagnostics = {
        "naive_difference": naive,
        "balance": balance,
        "max_abs_smd_before": float(balance["smd_before"].abs().max()) if len(balance) else None,
        "max_abs_smd_after": float(balance["smd_after"].abs().max()) if len(balance) else None,
        "share_off_support": share_off_support,
    }
    counts = {"n_treated": n_treated, "n_comparison": n_comparison, **diagnostics}
    if n_treated < min_treated or n_comparison < min_comparison:
        return Estimate(**counts, note=f"{n_treated} treated / {n_comparison} comparison people after matching")
    result = _weighted_difference(matched, outcome)
    if result is None:
        return Estimate(**counts, note="no variation in the matched sample")
    return Estimate.from_effect(result[0], result[1], **counts)
