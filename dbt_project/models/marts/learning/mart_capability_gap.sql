-- Capability gaps: employee x required capability x month, for every month of the
-- data's range in which the employee was employed (hired on or before the month end,
-- not terminated before the month start). The employee's job is the one held at the
-- month end (or on the termination date when they left during the month; both from
-- int_people__employee_months, shared with mart_bench_strength); the bar is
-- the required level in force at the month end for that job profile; assessments are
-- the latest manager and self assessments as of the month end (peer and LMS test
-- levels are shown beside them; the gap is judged on the manager's).

with

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

latest_assessments as (

    select * from {{ ref('int_capability__latest_assessments_monthly') }}

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
        manager_assessments.assessed_level as manager_assessed_level,
        self_assessments.assessed_level as self_assessed_level,
        peer_assessments.assessed_level as peer_assessed_level,
        test_assessments.assessed_level as test_assessed_level

    from required_capabilities
    left join latest_assessments as manager_assessments
        on required_capabilities.employee_id = manager_assessments.employee_id
        and required_capabilities.capability_id = manager_assessments.capability_id
        and required_capabilities.month_start_on = manager_assessments.month_start_on
        and manager_assessments.rater_type = 'manager'
    left join latest_assessments as self_assessments
        on required_capabilities.employee_id = self_assessments.employee_id
        and required_capabilities.capability_id = self_assessments.capability_id
        and required_capabilities.month_start_on = self_assessments.month_start_on
        and self_assessments.rater_type = 'self'
    left join latest_assessments as peer_assessments
        on required_capabilities.employee_id = peer_assessments.employee_id
        and required_capabilities.capability_id = peer_assessments.capability_id
        and required_capabilities.month_start_on = peer_assessments.month_start_on
        and peer_assessments.rater_type = 'peer'
    left join latest_assessments as test_assessments
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
        coalesce(gap_levels >= 1, false) as is_open_gap,
        peer_assessed_level,
        test_assessed_level

    from gaps

)

select * from final
