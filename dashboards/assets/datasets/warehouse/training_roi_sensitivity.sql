-- ROI % per programme x completion cohort under each value of a rating point and each
-- benefit-years assumption (marts.mart_training_roi_sensitivity), with the programme
-- title from marts.dim_course. Cohorts without an ROI keep their reason and no number
-- under any assumption. year_number is the cohort year.
-- Aggregate only (HR privacy rule): cohorts with fewer than 5 participants
-- (marts.mart_training_roi) are left out.
select
    make_date(sensitivity.cohort_year_number, 1, 1) as year_start_on,
    sensitivity.cohort_year_number as year_number,
    sensitivity.programme_id,
    coalesce(course.course_name, sensitivity.programme_id) as programme_name,
    sensitivity.value_per_rating_point_amount,
    sensitivity.benefit_years,
    sensitivity.is_base_case,
    coalesce(sensitivity.evaluation_reason, 'evaluated') as evaluation_reason,
    sensitivity.fully_loaded_cost_amount,
    sensitivity.benefit_amount,
    sensitivity.roi_pct,
    sensitivity.roi_low_pct,
    sensitivity.roi_high_pct,
    sensitivity.currency_code
from marts.mart_training_roi_sensitivity as sensitivity
inner join marts.mart_training_roi as roi
    on sensitivity.programme_id = roi.programme_id
    and sensitivity.cohort_year_number = roi.cohort_year_number
left join marts.dim_course as course
    on sensitivity.programme_id = course.course_id
where roi.participant_count >= 5
