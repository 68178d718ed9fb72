-- ROI % per programme x completion cohort with its low/high bound as points for an error-bar view
-- (Superset's box plot with min/max whiskers): roi_low_pct, roi_pct three times,
-- roi_high_pct, so the box collapses onto the ROI and the whiskers end at the bounds
-- carried from the impact estimate's 95% interval, from marts.mart_training_roi; year_number
-- is the completion cohort.
-- Only cohorts with an ROI (a gated, significant estimate) and at least 5 participants
-- (HR privacy rule).
with roi as (
    select
        programme_id,
        cohort_year_number as year_number,
        coalesce(evaluation_reason, 'evaluated') as evaluation_reason,
        roi_band,
        roi_pct,
        roi_low_pct,
        roi_high_pct
    from marts.mart_training_roi
    where roi_pct is not null
        and roi_low_pct is not null
        and roi_high_pct is not null
        and participant_count >= 5
),

points as (
    select 1 as point_order, 'roi_low_pct' as interval_point
    union all
    select 2, 'roi_pct'
    union all
    select 3, 'roi_pct (2)'
    union all
    select 4, 'roi_pct (3)'
    union all
    select 5, 'roi_high_pct'
)

select
    make_date(roi.year_number, 1, 1) as year_start_on,
    roi.year_number,
    roi.programme_id,
    coalesce(course.course_name, roi.programme_id) as programme_name,
    coalesce(course.course_name, roi.programme_id) || ' (' || cast(roi.year_number as varchar) || ')'
        as programme_year,
    roi.evaluation_reason,
    roi.roi_band,
    points.point_order,
    points.interval_point,
    case points.interval_point
        when 'roi_low_pct' then roi.roi_low_pct
        when 'roi_high_pct' then roi.roi_high_pct
        else roi.roi_pct
    end as point_value
from roi
cross join points
left join marts.dim_course as course
    on roi.programme_id = course.course_id
