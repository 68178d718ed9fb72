-- Bench strength per critical role (the critical job profiles of the succession_paths
-- seed that exist in the framework) as of the latest month of data, counted from
-- mart_succession_candidates (one readiness per candidate and role):
--   incumbents: current employees holding the critical profile at that month end
--     (int_people__employee_months; people who leave by the month end hold nothing);
--   candidates: current employees holding one of its feeder profiles;
--   ready now / ready soon (1-2 years) / ready in 3+ years / not assessed: the
--     candidates' readiness (rules in mart_succession_candidates);
--   needs assessment: not assessed yet meeting every bar they have been assessed on
--     (a candidate to assess, not to count).
-- bench_strength_ratio = ready-now candidates per incumbent (null without incumbents).

with

succession_paths as (

    select * from {{ ref('succession_paths') }}

),

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

succession_candidates as (

    select * from {{ ref('mart_succession_candidates') }}

),

latest_month as (

    select max(month_start_on) as month_start_on

    from {{ ref('int_calendar__months') }}

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

bench as (

    select
        critical_job_profile_id,
        count(*) as candidate_count,
        sum(case when readiness = 'ready_now' then 1 else 0 end) as ready_now_count,
        sum(case when readiness = 'ready_1_2_years' then 1 else 0 end) as ready_soon_count,
        sum(case when readiness = 'ready_3_plus_years' then 1 else 0 end) as ready_later_count,
        sum(case when readiness = 'not_assessed' then 1 else 0 end) as not_assessed_count,
        sum(case when readiness = 'not_assessed' and gap_count = 0 then 1 else 0 end) as needs_assessment_count,
        sum(case when readiness in ('ready_now', 'ready_1_2_years') and flight_risk_band = 'high' then 1 else 0 end)
            as ready_high_flight_risk_count

    from succession_candidates
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
        cast(coalesce(bench.ready_later_count, 0) as integer) as ready_later_count,
        cast(coalesce(bench.not_assessed_count, 0) as integer) as not_assessed_candidate_count,
        cast(coalesce(bench.needs_assessment_count, 0) as integer) as needs_assessment_count,
        cast(coalesce(bench.ready_high_flight_risk_count, 0) as integer) as ready_high_flight_risk_count,
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
