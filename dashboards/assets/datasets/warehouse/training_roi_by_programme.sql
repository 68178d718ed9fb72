-- Return on investment per programme (course) x completion cohort, from
-- marts.mart_training_roi: a cohort is the people who first completed the programme in a
-- year (people who never completed sit in the year they started), and its cost and
-- benefit are those same people's. Phillips' five cost categories (delivery and
-- participants' time actual; design and development, L&D staff and administration,
-- evaluation allocated), the impact engine's gate (status, adjusted significance) and the
-- reason when there is no ROI, the value of a rating point and the benefit years used,
-- and the benefit, benefit-cost ratio and ROI % with their low/high bounds. year_number
-- is the cohort year. Programme title from marts.dim_course.
-- Aggregate only (HR privacy rule): cohorts with fewer than 5 participants are left out.
select
    make_date(roi.cohort_year_number, 1, 1) as year_start_on,
    roi.cohort_year_number as year_number,
    roi.programme_id,
    coalesce(course.course_name, roi.programme_id) as programme_name,
    coalesce(course.course_name, roi.programme_id) || ' (' || cast(roi.cohort_year_number as varchar) || ')'
        as programme_year,
    roi.participant_count,
    roi.completer_count,
    roi.non_completer_count,
    roi.delivery_cost_amount,
    roi.participant_time_cost_amount,
    roi.design_development_cost_amount,
    roi.ld_staff_admin_cost_amount,
    roi.evaluation_cost_amount,
    roi.fully_loaded_cost_amount,
    roi.cost_per_participant_amount,
    roi.currency_code,
    roi.is_evaluated,
    coalesce(roi.evaluation_reason, 'evaluated') as evaluation_reason,
    roi.impact_status,
    roi.impact_conclusion,
    roi.impact_estimate,
    roi.impact_ci_low,
    roi.impact_ci_high,
    roi.impact_p_value_adjusted,
    roi.value_per_rating_point_amount,
    roi.benefit_years,
    roi.benefit_amount,
    roi.benefit_low_amount,
    roi.benefit_high_amount,
    roi.benefit_cost_ratio,
    roi.benefit_cost_ratio_low,
    roi.benefit_cost_ratio_high,
    roi.roi_pct,
    roi.roi_low_pct,
    roi.roi_high_pct,
    roi.roi_band
from marts.mart_training_roi as roi
left join marts.dim_course as course
    on roi.programme_id = course.course_id
where roi.participant_count >= 5
