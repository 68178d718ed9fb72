-- The training portfolio headline from marts.mart_training_portfolio: one row per
-- completion cohort year and one for all years (year_start_on null, period_label
-- `all years`): fully loaded spend, the spend with an ROI (a gated, significant impact
-- estimate) and its share, the ROI of that evaluated spend with its low/high range from
-- the estimates' intervals, the unevaluated spend by reason, and the value of a rating
-- point and the benefit years behind every benefit. Sums over programmes: no person or
-- small group is identifiable.
select
    case when cohort_year_number is not null then make_date(cohort_year_number, 1, 1) end as year_start_on,
    cohort_year_number,
    period_label,
    programme_count,
    evaluated_programme_count,
    total_spend_amount,
    evaluated_spend_amount,
    evaluated_spend_share,
    unevaluated_spend_amount,
    roi_pct,
    roi_low_pct,
    roi_high_pct,
    spend_no_plan_amount,
    spend_insufficient_evidence_amount,
    spend_pre_trend_failed_amount,
    spend_placebo_failed_amount,
    spend_imbalanced_amount,
    spend_underpowered_amount,
    spend_no_evidence_of_effect_amount,
    spend_no_completers_amount,
    value_per_rating_point_amount,
    benefit_years,
    currency_code
from marts.mart_training_portfolio
