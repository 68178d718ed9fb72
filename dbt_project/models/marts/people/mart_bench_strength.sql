-- Bench strength per critical role (the critical job profiles of the succession_paths
-- seed that exist in the framework) as of the latest month of data.
--   incumbents: current employees holding the critical profile at that month end;
--   candidates: current employees holding one of its feeder profiles;
--   ready now:  a candidate whose latest manager-assessed level (as of the month end)
--               meets the critical role's required level on every capability that role
--               requires;
--   ready soon: not ready now, every required capability assessed, and at most 2
--               levels short in total (sum of the shortfalls);
--   needs assessment: meets every bar it has been assessed on but lacks a manager
--               assessment on some capability the role requires (typically the
--               leadership capabilities of a manager role, which individual
--               contributors' reviews do not rate): a candidate to assess, not to count.
-- bench_strength_ratio = ready-now candidates per incumbent (null without incumbents).
-- The job each person holds at the month end comes from int_people__employee_months
-- (shared with mart_capability_gap); people who leave by the month end hold nothing.

with

succession_paths as (

    select * from {{ ref('succession_paths') }}

),

months as (

    select * from {{ ref('int_calendar__months') }}

),

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

latest_assessments as (

    select * from {{ ref('int_capability__latest_assessments_monthly') }}

),

latest_month as (

    select
        month_start_on,
        month_end_on

    from months
    where month_start_on = (select max(month_start_on) from months)

),

holders as (

    select
        employee_months.employee_id,
        employee_months.job_profile_id

    from employee_months
    inner join latest_month
        on employee_months.month_start_on = latest_month.month_start_on
    where employee_months.is_employed_after_month_end

),

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

critical_roles as (

    select distinct succession_paths.critical_job_profile_id

    from succession_paths
    inner join job_profiles
        on succession_paths.critical_job_profile_id = job_profiles.job_profile_id

),

incumbents as (

    select
        critical_roles.critical_job_profile_id,
        count(holders.employee_id) as incumbent_count

    from critical_roles
    left join holders
        on critical_roles.critical_job_profile_id = holders.job_profile_id
    group by critical_roles.critical_job_profile_id

),

candidates as (

    select distinct
        succession_paths.critical_job_profile_id,
        holders.employee_id

    from succession_paths
    inner join holders
        on succession_paths.feeder_job_profile_id = holders.job_profile_id

),

role_bars as (

    select
        required_levels.job_profile_id as critical_job_profile_id,
        required_levels.capability_id,
        required_levels.required_level

    from required_levels
    inner join latest_month
        on required_levels.effective_from <= latest_month.month_end_on
        and (
            required_levels.effective_to is null
            or required_levels.effective_to >= latest_month.month_end_on
        )

),

candidate_capabilities as (

    select
        candidates.critical_job_profile_id,
        candidates.employee_id,
        role_bars.capability_id,
        role_bars.required_level,
        latest_assessments.assessed_level,
        case
            when latest_assessments.assessed_level is null then null
            when role_bars.required_level > latest_assessments.assessed_level
                then role_bars.required_level - latest_assessments.assessed_level
            else 0
        end as shortfall_levels

    from candidates
    inner join role_bars
        on candidates.critical_job_profile_id = role_bars.critical_job_profile_id
    cross join latest_month
    left join latest_assessments
        on candidates.employee_id = latest_assessments.employee_id
        and role_bars.capability_id = latest_assessments.capability_id
        and latest_assessments.rater_type = 'manager'
        and latest_assessments.month_start_on = latest_month.month_start_on

),

candidate_readiness as (

    select
        critical_job_profile_id,
        employee_id,
        count(*) - count(shortfall_levels) as unassessed_capability_count,
        sum(shortfall_levels) as total_shortfall_levels

    from candidate_capabilities
    group by critical_job_profile_id, employee_id

),

readiness as (

    select
        critical_job_profile_id,
        employee_id,
        case
            when unassessed_capability_count > 0 and coalesce(total_shortfall_levels, 0) = 0
                then 'needs_assessment'
            when unassessed_capability_count > 0 then 'not_assessed'
            when total_shortfall_levels = 0 then 'ready_now'
            when total_shortfall_levels <= 2 then 'ready_soon'
            else 'not_ready'
        end as readiness

    from candidate_readiness

),

bench as (

    select
        critical_job_profile_id,
        count(*) as candidate_count,
        sum(case when readiness = 'ready_now' then 1 else 0 end) as ready_now_count,
        sum(case when readiness = 'ready_soon' then 1 else 0 end) as ready_soon_count,
        sum(case when readiness in ('not_assessed', 'needs_assessment') then 1 else 0 end) as not_assessed_count,
        sum(case when readiness = 'needs_assessment' then 1 else 0 end) as needs_assessment_count

    from readiness
    group by critical_job_profile_id

),

final as (

    select
        latest_month.month_start_on as as_of_month_start_on,
        incumbents.critical_job_profile_id as job_profile_id,
        cast(incumbents.incumbent_count as integer) as incumbent_count,
        cast(coalesce(bench.candidate_count, 0) as integer) as candidate_count,
        cast(coalesce(bench.ready_now_count, 0) as integer) as ready_now_count,
        cast(coalesce(bench.ready_soon_count, 0) as integer) as ready_soon_count,
        cast(coalesce(bench.not_assessed_count, 0) as integer) as not_assessed_candidate_count,
        cast(coalesce(bench.needs_assessment_count, 0) as integer) as needs_assessment_count,
        case
            when incumbents.incumbent_count > 0
                then cast(coalesce(bench.ready_now_count, 0) as double precision) / incumbents.incumbent_count
        end as bench_strength_ratio,
        coalesce(bench.ready_now_count, 0) > 0 as has_ready_successor

    from incumbents
    cross join latest_month
    left join bench
        on incumbents.critical_job_profile_id = bench.critical_job_profile_id

)

select * from final
