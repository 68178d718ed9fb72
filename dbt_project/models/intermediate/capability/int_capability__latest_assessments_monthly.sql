-- The latest assessment per employee x capability x rater type (self, manager, peer,
-- upward, test; harmonised 1-5 levels) as of each month end.
-- Within one month the latest assessment wins (assessed_on, then submission time, then
-- id); each month's winner holds until a later month has an assessment.
{{ config(materialized='table') }}

with

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

months as (

    select * from {{ ref('int_calendar__months') }}

),

assessments_by_month as (

    select
        assessment_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        assessed_on,
        submitted_at,
        cast({{ dbt.date_trunc('month', 'assessed_on') }} as date) as assessed_month_start_on

    from assessments
    where employee_id is not null
        and assessed_level is not null

),

ranked_within_month as (

    select
        assessments_by_month.*,
        row_number() over (
            partition by employee_id, capability_id, rater_type, assessed_month_start_on
            order by assessed_on desc, submitted_at desc nulls last, assessment_id desc
        ) as recency_rank

    from assessments_by_month

),

latest_within_month as (

    select
        assessment_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        assessed_on,
        assessed_month_start_on,
        lead(assessed_month_start_on) over (
            partition by employee_id, capability_id, rater_type
            order by assessed_month_start_on
        ) as next_assessed_month_start_on

    from ranked_within_month
    where recency_rank = 1

),

monthly as (

    select
        months.month_start_on,
        months.month_end_on,
        latest_within_month.employee_id,
        latest_within_month.capability_id,
        latest_within_month.rater_type,
        latest_within_month.assessed_level,
        latest_within_month.assessed_on,
        latest_within_month.assessment_id

    from latest_within_month
    inner join months
        on months.month_start_on >= latest_within_month.assessed_month_start_on
        and (
            latest_within_month.next_assessed_month_start_on is null
            or months.month_start_on < latest_within_month.next_assessed_month_start_on
        )

)

select * from monthly
