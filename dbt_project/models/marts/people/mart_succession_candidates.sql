-- Successor candidates per critical role as of the latest month of data: every employee
-- who holds one of the role's feeder profiles (succession_paths seed) at that month end,
-- measured against the critical role's bars in force then.
--   gaps: per capability the critical role requires, the candidate's latest manager-
--     assessed level (int_capability__latest_assessments_monthly); gap_count = capabilities
--     assessed below the bar, gap_levels = the sum of those shortfalls, and
--     unassessed_capability_count = bars with no manager assessment. The
--     succession_assessed_capabilities seed declares which of the critical role's
--     capabilities the feeder role's reviews rate, so those are expected to be assessed.
--   readiness (declared rule, docs/DECISIONS.md):
--     not_assessed        a required capability has no assessment, or there is no valid
--                         rating (performance band): the evidence cannot say;
--     ready_now           no gap, performance and potential both moderate or high;
--     ready_1_2_years     otherwise at most succession_ready_soon_max_gap_levels levels
--                         short in total and performance not low;
--     ready_3_plus_years  everything else (larger gaps or low performance).
--   performance band, potential band, 9-box and flight risk: mart_nine_box, same month.

with

succession_paths as (

    select * from {{ ref('succession_paths') }}

),

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

nine_box as (

    select * from {{ ref('mart_nine_box') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

latest_assessments as (

    select * from {{ ref('int_capability__latest_assessments_monthly') }}

),

latest_month as (

    select
        max(month_start_on) as month_start_on,
        max(month_end_on) as month_end_on

    from {{ ref('int_calendar__months') }}

),

paths as (

    select
        succession_paths.critical_job_profile_id,
        succession_paths.feeder_job_profile_id

    from succession_paths
    inner join job_profiles
        on succession_paths.critical_job_profile_id = job_profiles.job_profile_id

),

candidates as (

    select
        paths.critical_job_profile_id,
        nine_box.employee_id,
        nine_box.job_profile_id as feeder_job_profile_id,
        nine_box.org_unit_id,
        nine_box.month_start_on,
        latest_month.month_end_on,
        nine_box.performance_band,
        nine_box.potential_band,
        nine_box.nine_box_number,
        nine_box.nine_box_label,
        nine_box.tenure_months,
        nine_box.has_recent_rating_drop,
        nine_box.has_recent_manager_change,
        nine_box.flight_risk_band

    from nine_box
    inner join latest_month
        on nine_box.month_start_on = latest_month.month_start_on
    inner join paths
        on nine_box.job_profile_id = paths.feeder_job_profile_id

),

candidate_capabilities as (

    select
        candidates.critical_job_profile_id,
        candidates.employee_id,
        required_levels.required_level,
        latest_assessments.assessed_level

    from candidates
    inner join required_levels
        on candidates.critical_job_profile_id = required_levels.job_profile_id
        and required_levels.effective_from <= candidates.month_end_on
        and (required_levels.effective_to is null or required_levels.effective_to >= candidates.month_end_on)
    left join latest_assessments
        on candidates.employee_id = latest_assessments.employee_id
        and required_levels.capability_id = latest_assessments.capability_id
        and candidates.month_start_on = latest_assessments.month_start_on
        and latest_assessments.rater_type = 'manager'

),

gaps as (

    select
        critical_job_profile_id,
        employee_id,
        count(*) as required_capability_count,
        count(*) - count(assessed_level) as unassessed_capability_count,
        sum(case when assessed_level < required_level then 1 else 0 end) as gap_count,
        sum(case when assessed_level < required_level then required_level - assessed_level else 0 end) as gap_levels

    from candidate_capabilities
    group by critical_job_profile_id, employee_id

),

measured as (

    select
        candidates.*,
        coalesce(gaps.required_capability_count, 0) as required_capability_count,
        coalesce(gaps.unassessed_capability_count, 0) as unassessed_capability_count,
        coalesce(gaps.gap_count, 0) as gap_count,
        coalesce(gaps.gap_levels, 0) as gap_levels

    from candidates
    left join gaps
        on candidates.critical_job_profile_id = gaps.critical_job_profile_id
        and candidates.employee_id = gaps.employee_id

),

final as (

    select
        month_start_on as as_of_month_start_on,
        critical_job_profile_id,
        employee_id,
        feeder_job_profile_id,
        org_unit_id,
        cast(required_capability_count as integer) as required_capability_count,
        cast(unassessed_capability_count as integer) as unassessed_capability_count,
        cast(gap_count as integer) as gap_count,
        cast(gap_levels as integer) as gap_levels,
        performance_band,
        potential_band,
        nine_box_number,
        nine_box_label,
        cast(
            case
                when unassessed_capability_count > 0 or performance_band is null then 'not_assessed'
                when gap_count = 0
                    and performance_band in ('moderate', 'high')
                    and potential_band in ('moderate', 'high')
                    then 'ready_now'
                when gap_levels <= {{ var('succession_ready_soon_max_gap_levels') }}
                    and performance_band <> 'low'
                    then 'ready_1_2_years'
                else 'ready_3_plus_years'
            end as {{ dbt.type_string() }}
        ) as readiness,
        tenure_months,
        has_recent_rating_drop,
        has_recent_manager_change,
        flight_risk_band

    from measured

)

select * from final
