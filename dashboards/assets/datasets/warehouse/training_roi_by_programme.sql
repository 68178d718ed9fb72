-- Return on investment per programme (course) x year, from marts.mart_training_roi
-- (Phillips: fully loaded cost, direct spend against the approved budget, the benefit
-- valued from the impact engine's review-rating estimate with low/high bounds from its
-- 95% interval, benefit-cost ratio, ROI % and band, cost per capability-gap point
-- closed), with the programme title from marts.dim_course. Amounts add up over years; the
-- mart's ratios are per programme-year, and charts recompute them from the sums.
-- Aggregate only (HR privacy rule): programme-years with fewer than 5 participants are
-- left out, and gap points closed measured on fewer than 5 completers are blanked.
select
    make_date(roi.year_number, 1, 1) as year_start_on,
    roi.year_number,
    roi.programme_id,
    coalesce(course.course_name, roi.programme_id) as programme_name,
    coalesce(course.course_name, roi.programme_id) || ' (' || cast(roi.year_number as varchar) || ')'
        as programme_year,
    roi.participant_count,
    roi.completer_count,
    roi.direct_cost_amount,
    roi.participant_time_cost_amount,
    roi.fully_loaded_cost_amount,
    roi.cost_per_participant_amount,
    roi.currency_code,
    roi.budget_plan_version,
    roi.budget_amount,
    roi.budget_variance_amount,
    roi.budget_used_share,
    roi.evaluation_status,
    roi.impact_estimate,
    roi.impact_ci_low,
    roi.impact_ci_high,
    roi.benefit_amount,
    roi.benefit_low_amount,
    roi.benefit_high_amount,
    roi.benefit_cost_ratio,
    roi.benefit_cost_ratio_low,
    roi.benefit_cost_ratio_high,
    roi.roi_pct,
    roi.roi_low_pct,
    roi.roi_high_pct,
    roi.roi_band,
    roi.gap_assessed_completer_count,
    case when roi.gap_assessed_completer_count >= 5 then roi.gap_points_closed end as gap_points_closed,
    case when roi.gap_assessed_completer_count >= 5 then roi.cost_per_gap_point_closed_amount end
        as cost_per_gap_point_closed_amount
from marts.mart_training_roi as roi
left join marts.dim_course as course
    on roi.programme_id = course.course_id
where roi.participant_count >= 5
