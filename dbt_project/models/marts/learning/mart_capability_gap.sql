-- Capability gaps: employee x required capability x month, for every month of the
-- data's range in which the employee was employed (hired on or before the month end,
-- not terminated before the month start). The employee's job is the one held at the
-- month end (or on the termination date when they left during the month; both from
-- int_people__employee_months, shared with mart_bench_strength); the bar is
-- the required level in force at the month end for that job profile; assessments are
-- the latest manager and self assessments as of the month end (peer and LMS test
-- levels are shown beside them; the gap is judged on the manager's).
-- Fair-gap rules (see docs/DECISIONS.md):
--   * a rating older than var('capability_rating_validity_days') at the month end counts
--     as not assessed (its date and age stay visible: assessed_on, assessment_age_days);
--   * peer ratings of one cycle are averaged (peer_assessed_level, peer_rating_count);
--   * during var('new_in_role_grace_days') after a promotion or transfer to another job
--     profile (is_new_in_role) the gap against the new bar is shown, with its band, but
--     is not an open gap.

with

employee_months as (

    select * from {{ ref('int_capability__employee_months_in_role') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

latest_assessments as (

    select * from {{ ref('int_capability__latest_assessments_monthly') }}

),

valid_assessments as (

    select
        latest_assessments.*,
        {{ dbt.datediff('latest_assessments.assessed_on', 'latest_assessments.month_end_on', 'day') }}
            as assessment_age_days,
        coalesce(
            {{ dbt.datediff('latest_assessments.assessed_on', 'latest_assessments.month_end_on', 'day') }}
                > {{ var('capability_rating_validity_days') }},
            false
        ) as is_expired

    from latest_assessments

),

required_capabilities as (

    select
        employee_months.month_start_on,
        employee_months.month_end_on,
        employee_months.employee_id,
        required_levels.capability_id,
        employee_months.org_unit_id,
        employee_months.job_profile_id,
        employee_months.job_level,
        employee_months.role_started_on,
        employee_months.is_new_in_role,
        required_levels.required_level

    from employee_months
    inner join required_levels
        on employee_months.job_profile_id = required_levels.job_profile_id
        and required_levels.effective_from <= employee_months.month_end_on
        and (
            required_levels.effective_to is null
            or required_levels.effective_to >= employee_months.month_end_on
        )

),

with_assessments as (

    select
        required_capabilities.*,
        case when not manager_assessments.is_expired then manager_assessments.assessed_level end
            as manager_assessed_level,
        manager_assessments.assessed_on,
        manager_assessments.assessment_age_days,
        coalesce(manager_assessments.is_expired, false) as is_assessment_expired,
        case when not self_assessments.is_expired then self_assessments.assessed_level end as self_assessed_level,
        case when not peer_assessments.is_expired then peer_assessments.mean_assessed_level end as peer_assessed_level,
        case when not peer_assessments.is_expired then peer_assessments.rating_count end as peer_rating_count,
        case when not test_assessments.is_expired then test_assessments.assessed_level end as test_assessed_level

    from required_capabilities
    left join valid_assessments as manager_assessments
        on required_capabilities.employee_id = manager_assessments.employee_id
        and required_capabilities.capability_id = manager_assessments.capability_id
        and required_capabilities.month_start_on = manager_assessments.month_start_on
        and manager_assessments.rater_type = 'manager'
    left join valid_assessments as self_assessments
        on required_capabilities.employee_id = self_assessments.employee_id
        and required_capabilities.capability_id = self_assessments.capability_id
        and required_capabilities.month_start_on = self_assessments.month_start_on
        and self_assessments.rater_type = 'self'
    left join valid_assessments as peer_assessments
        on required_capabilities.employee_id = peer_assessments.employee_id
        and required_capabilities.capability_id = peer_assessments.capability_id
        and required_capabilities.month_start_on = peer_assessments.month_start_on
        and peer_assessments.rater_type = 'peer'
    left join valid_assessments as test_assessments
        on required_capabilities.employee_id = test_assessments.employee_id
        and required_capabilities.capability_id = test_assessments.capability_id
        and required_capabilities.month_start_on = test_assessments.month_start_on
        and test_assessments.rater_type = 'test'

),

gaps as (

    select
        with_assessments.*,
        required_level - manager_assessed_level as gap_levels,
        self_assessed_level - manager_assessed_level as perception_gap

    from with_assessments

),

final as (

    select
        month_start_on,
        employee_id,
        capability_id,
        org_unit_id,
        job_profile_id,
        job_level,
        required_level,
        manager_assessed_level,
        self_assessed_level,
        gap_levels,
        {{ capability_gap_band('gap_levels') }} as gap_band,
        perception_gap,
        coalesce(gap_levels >= 1 and not is_new_in_role, false) as is_open_gap,
        cast(peer_assessed_level as double precision) as peer_assessed_level,
        test_assessed_level,
        is_new_in_role,
        role_started_on,
        cast(assessed_on as date) as assessed_on,
        cast(assessment_age_days as integer) as assessment_age_days,
        is_assessment_expired,
        cast(peer_rating_count as integer) as peer_rating_count

    from gaps

)

select * from final
