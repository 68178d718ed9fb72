-- Direct training spend (vendor, instructor, venue) per programme (course) x calendar
-- year against the latest approved budget, from marts.mart_training_budget, with the
-- programme title from marts.dim_course. A cash view by the year spend is allocated to;
-- ROI is by completion cohort in training_roi_by_programme.
-- Aggregate only (HR privacy rule): a programme's year is shown only when at least 5
-- people took it that year (marts.mart_learning_alignment), as for spend by programme.
with participants as (
    select
        cast(extract(year from month_start_on) as integer) as year_number,
        course_id as programme_id,
        count(distinct employee_id) as participant_count
    from marts.mart_learning_alignment
    group by 1, 2
)

select
    make_date(budget.year_number, 1, 1) as year_start_on,
    budget.year_number,
    budget.programme_id,
    coalesce(course.course_name, budget.programme_id) as programme_name,
    budget.direct_cost_amount,
    budget.budget_plan_version,
    budget.budget_amount,
    budget.budget_variance_amount,
    budget.budget_used_share,
    budget.currency_code
from marts.mart_training_budget as budget
inner join participants
    on budget.year_number = participants.year_number
    and budget.programme_id = participants.programme_id
left join marts.dim_course as course
    on budget.programme_id = course.course_id
where participants.participant_count >= 5
