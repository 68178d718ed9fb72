"""From the engine's input frames to what an estimator takes, for one programme.

Panel outcomes (review rating, capability level, goal attainment) become one value per
person and period with the manager who gave it, periods numbered 0..T-1 in time order,
and each person's first treated period: the first period whose anchor date is on or
after the completion (a review cycle's anchor is its period end, because the review
judges that period; a goal year's anchor is the day before its goals are set, because a
programme finished later cannot have shaped them).

12-month retention becomes one row per person and calendar month: the month's
completers and, as candidates for comparison, everyone employed at the month's end who
had not completed the programme by then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.inputs import ImpactInputs

DAYS_PER_YEAR = 365.25


@dataclass
class Panel:
    data: pd.DataFrame  # unit, period, value, manager (+ covariates at the period anchor)
    cohorts: pd.Series  # unit -> first treated period; absent/NaN: not treated in the data
    anchors: pd.Series  # period -> anchor date


def _periods(frame: pd.DataFrame, key: str, anchor: pd.Series) -> pd.DataFrame:
    periods = (
        pd.DataFrame({"key": frame[key], "anchor": anchor})
        .groupby("key", as_index=False)["anchor"]
        .max()
        .sort_values(["anchor", "key"])
        .reset_index(drop=True)
    )
    periods["period"] = np.arange(len(periods))
    return periods


def _job_at(inputs: ImpactInputs, rows: pd.DataFrame, on: str) -> pd.DataFrame:
    """Job level, org unit, manager and tenure of each row's employee on date `on`."""
    jobs = inputs.jobs.dropna(subset=["valid_from"]).sort_values("valid_from")
    left = rows.reset_index()
    left[on] = left[on].astype("datetime64[ns]")
    left = left.sort_values(on)
    merged = pd.merge_asof(
        left,
        jobs.rename(columns={"manager_id": "job_manager_id"}),
        left_on=on,
        right_on="valid_from",
        by="employee_id",
        direction="backward",
    )
    spells = inputs.spells.sort_values("hire_date")
    merged = pd.merge_asof(
        merged.sort_values(on), spells, left_on=on, right_on="hire_date", by="employee_id", direction="backward"
    )
    merged["tenure_years"] = (merged[on] - merged["hire_date"]).dt.days / DAYS_PER_YEAR
    return merged.set_index("index").sort_index()


def _cohorts(inputs: ImpactInputs, programme_id: str, periods: pd.DataFrame) -> pd.Series:
    done = inputs.completions[inputs.completions["programme_id"] == programme_id]
    done = done.groupby("employee_id")["completed_on"].min()
    anchors = periods["anchor"].to_numpy()
    first = np.searchsorted(anchors, done.to_numpy(), side="left").astype(float)
    first[first >= len(anchors)] = np.nan  # completed after the last period: never treated here
    return pd.Series(first, index=done.index, dtype=float)


def _panel(
    inputs: ImpactInputs, values: pd.DataFrame, key: str, anchor: pd.Series, programme_id: str, cache_key: str
) -> Panel:
    """The panel of one outcome; the person-period rows are the same for every programme
    (only the cohorts differ), so they are built once per inputs and outcome."""
    cache = inputs.cache.setdefault("panels", {})
    if cache_key not in cache:
        periods = _periods(values, key, anchor)
        data = values.merge(periods[["key", "period", "anchor"]], left_on=key, right_on="key")
        data = _job_at(inputs, data, "anchor")
        if "manager_id" not in data or data["manager_id"].isna().all():
            data["manager_id"] = data["job_manager_id"]
        data["manager_id"] = data["manager_id"].fillna(data["job_manager_id"])
        data = data.rename(columns={"employee_id": "unit", "manager_id": "manager"})
        data = data[["unit", "period", "value", "manager", "job_level", "org_unit_id", "tenure_years"]]
        data = data.groupby(["unit", "period"], as_index=False).agg(
            value=("value", "mean"),
            manager=("manager", "first"),
            job_level=("job_level", "first"),
            org_unit_id=("org_unit_id", "first"),
            tenure_years=("tenure_years", "first"),
        )
        cache[cache_key] = (data, periods)
    data, periods = cache[cache_key]
    return Panel(
        data=data, cohorts=_cohorts(inputs, programme_id, periods), anchors=periods.set_index("period")["anchor"]
    )


def review_rating_panel(inputs: ImpactInputs, programme_id: str) -> Panel:
    reviews = inputs.reviews
    return _panel(inputs, reviews, "period_id", reviews["period_end_on"], programme_id, "review_rating")


def capability_panel(inputs: ImpactInputs, programme_id: str) -> Panel | None:
    """The manager-assessed level averaged over the programme's capabilities that the
    person is assessed on; None when the programme maps to no capability."""
    caps = inputs.programme_capabilities
    caps = set(caps.loc[caps["programme_id"] == programme_id, "capability_id"])
    if not caps:
        return None
    rows = inputs.capability[inputs.capability["capability_id"].isin(caps)]
    rows = rows.groupby(["employee_id", "period_id", "period_end_on"], as_index=False).agg(
        value=("value", "mean"), manager_id=("manager_id", "first")
    )
    return _panel(inputs, rows, "period_id", rows["period_end_on"], programme_id, f"capability:{sorted(caps)}")


def goal_panel(inputs: ImpactInputs, programme_id: str) -> Panel:
    goals = inputs.goals.assign(manager_id=None)
    anchor = goals["start_on"] - pd.Timedelta(days=1)
    return _panel(inputs, goals, "goal_year", anchor, programme_id, "goal_attainment")


def change_frame(panel: Panel, horizon: int, shift: int = 0) -> pd.DataFrame:
    """Matching input for a panel outcome: per cohort g, the cohort's people and the
    not-yet-treated (by g + horizon) candidates, with baseline covariates from period
    g - 1, the change from g - 1 to the mean over g .. g + horizon, and `previous`, the
    value in g - 2 (the pre-period performance the propensity model uses).

    `shift` > 0 builds the placebo: the same people and comparison candidates, but as if
    the cohort had completed `shift` periods earlier, at f = g - shift: baseline in f - 1,
    previous in f - 2, and the change from f - 1 to the mean over f .. min(f + horizon,
    g - 1), periods that all lie before the real completion, so the true effect is zero."""
    data = panel.data
    wide = data.pivot(index="unit", columns="period", values="value")
    base = data.set_index(["unit", "period"])
    first = panel.cohorts
    rows = []
    last = int(data["period"].max())
    for g in sorted(int(c) for c in first.dropna().unique()):
        if g < 1 or g > last:
            continue
        start = g - shift  # the (possibly fake) first treated period
        end = g + horizon if shift == 0 else min(start + horizon, g - 1)
        post_periods = [p for p in range(start, end + 1) if p in wide.columns]
        if start - 1 not in wide.columns or not post_periods:
            continue
        units = wide.index
        unit_first = first.reindex(units)
        treated = unit_first == g
        control = unit_first.isna() | (unit_first > g + horizon)
        chosen = units[(treated | control).to_numpy()]
        frame = pd.DataFrame(index=chosen)
        frame["treated"] = treated[chosen].to_numpy()
        frame["baseline"] = wide.loc[chosen, start - 1]
        frame["previous"] = wide.loc[chosen, start - 2] if start - 2 in wide.columns else np.nan
        frame["change"] = wide.loc[chosen, post_periods].mean(axis=1) - frame["baseline"]
        frame = frame.dropna(subset=["baseline"])
        at_base = base.reindex(pd.MultiIndex.from_arrays([frame.index, np.full(len(frame), start - 1)]))
        frame["manager"] = at_base["manager"].to_numpy()
        frame["job_level"] = at_base["job_level"].to_numpy()
        frame["tenure_years"] = at_base["tenure_years"].to_numpy()
        frame["org_unit_id"] = at_base["org_unit_id"].fillna("unknown").to_numpy()
        frame["cohort"] = g
        rows.append(frame.reset_index(names="unit"))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _employed_at(inputs: ImpactInputs, month_end: pd.Timestamp, months: int) -> pd.DataFrame:
    """Everyone employed at `month_end` with job, tenure, latest manager rating and
    whether they were still employed `months` later; the same for every programme."""
    cache = inputs.cache.setdefault("employed", {})
    if (month_end, months) not in cache:
        spells = inputs.spells
        employed = spells[
            (spells["hire_date"] <= month_end)
            & (spells["termination_date"].isna() | (spells["termination_date"] > month_end))
        ].drop_duplicates("employee_id")
        horizon_end = month_end + pd.DateOffset(months=months)
        leave = employed["termination_date"]
        frame = pd.DataFrame(
            {
                "employee_id": employed["employee_id"].to_numpy(),
                "retained": (leave.isna() | (leave > horizon_end)).astype(float).to_numpy(),
                "anchor": month_end,
            }
        )
        frame = _job_at(inputs, frame, "anchor")
        ratings = inputs.reviews.sort_values("period_end_on")
        latest = pd.merge_asof(
            frame[["employee_id", "anchor"]].reset_index().sort_values("anchor"),
            ratings[["employee_id", "period_end_on", "value"]].rename(columns={"value": "last_rating"}),
            left_on="anchor",
            right_on="period_end_on",
            by="employee_id",
            direction="backward",
        ).set_index("index")
        frame["last_rating"] = latest["last_rating"].reindex(frame.index)
        cache[(month_end, months)] = frame.reset_index(drop=True)
    return cache[(month_end, months)]


def retention_frame(inputs: ImpactInputs, programme_id: str, months: int) -> pd.DataFrame:
    """Per completion month: completers employed at the month's end whose horizon ended
    before the as-of date, and comparison candidates employed then who had not completed
    the programme by the end of the follow-up (`months` after the month's end): someone
    who completes it during the follow-up is partly treated and would dilute the
    comparison, so they are left out, as the not-yet-treated rule does for the panels.
    `retained` = still employed `months` later (no termination between)."""
    as_of = pd.Timestamp(inputs.as_of)
    done = inputs.completions[inputs.completions["programme_id"] == programme_id]
    done = done.groupby("employee_id")["completed_on"].min()
    month_ends = pd.date_range("2000-01-31", as_of, freq="ME").astype("datetime64[ns]")
    month_ends = month_ends[(month_ends + pd.DateOffset(months=months)) <= as_of]
    if done.empty or month_ends.empty:
        return pd.DataFrame()
    completion_month = done.dt.to_period("M").dt.to_timestamp("M")
    months_with_completions = sorted(set(completion_month) & set(month_ends))
    all_done = inputs.completions.sort_values("completed_on")
    frames = []
    for month_end in months_with_completions:
        base = _employed_at(inputs, month_end, months)
        completed = done.reindex(base["employee_id"]).to_numpy()
        treated = (completion_month.reindex(base["employee_id"]) == month_end).to_numpy()
        # Comparison candidates had not completed the programme by the end of the follow-up.
        follow_up_end = (month_end + pd.DateOffset(months=months)).to_datetime64()
        keep = treated | pd.isna(completed) | (completed > follow_up_end)
        frame = base[keep].copy()
        frame["treated"] = treated[keep]
        window = all_done[
            (all_done["completed_on"] > month_end - pd.Timedelta(days=365)) & (all_done["completed_on"] <= month_end)
        ]
        other = window[window["programme_id"] != programme_id].groupby("employee_id").size()
        frame["other_programmes_12m"] = frame["employee_id"].map(other).fillna(0).to_numpy()
        frame["cohort"] = month_end.strftime("%Y-%m")
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True)
    result["manager"] = result["job_manager_id"]
    result["org_unit_id"] = result["org_unit_id"].fillna("unknown")
    return result.rename(columns={"employee_id": "unit"})
