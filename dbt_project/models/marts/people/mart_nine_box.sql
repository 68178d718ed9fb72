-- The 9-box (performance x potential) and flight risk per employee and month, for the
-- people employed at the month end (int_people__employee_months). No performance tool we
-- read carries a potential or readiness field, so both axes follow declared rules (dbt
-- vars; docs/DECISIONS.md):
--   performance band: the latest valid overall rating (a manager's review on the 1-5
--     scale, submitted by the month end): >= nine_box_high_performance_min_rating high,
--     <= nine_box_low_performance_max_rating low, moderate between;
--   potential band: points for capability headroom in the own role (the mean of
--     manager-assessed level - required level over the role's bars in force at the month
--     end: >= potential_high_min_margin_levels 2 points, >= 0 1 point) plus 1 point for a
--     rising rating (latest above the previous cycle's); 3 points high, 1-2 moderate, 0
--     low. It leaves out the rating's level, which is the other axis, so every box can
--     be reached. Not rated (null) without a valid rating, without any assessed
--     capability of the role, or in the first potential_min_months_in_role months in the
--     role (the ratings still judge the old role);
--   box 1-9 = 3 x (potential index - 1) + performance index (low 1, moderate 2, high 3);
--     labels from the nine_box_labels seed;
--   flight risk: 1 point each for tenure below flight_risk_short_tenure_months, a drop
--     of the latest valid rating below the previous cycle's, and a new manager within
--     flight_risk_manager_change_months of the month end; 2-3 high, 1 medium, 0 low.
-- Months count calendar-month boundaries (dbt.datediff 'month').

with

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

reviews as (

    select * from {{ ref('fct_review') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

latest_assessments as (

    select * from {{ ref('int_capability__latest_assessments_monthly') }}

),

box_labels as (

    select * from {{ ref('nine_box_labels') }}

),

people as (

    select
        month_start_on,
        month_end_on,
        employee_id,
        as_of_on,
        org_unit_id,
        job_profile_id

    from employee_months
    where is_employed_after_month_end

),

-- One valid rating per employee and review period: the latest submitted manager review.
valid_reviews as (

    select
        employee_id,
        period_end_on,
        overall_rating,
        submitted_at,
        row_number() over (
            partition by employee_id, period_end_on
            order by submitted_at desc, review_id desc
        ) as rank_in_period

    from reviews
    where rater_type = 'manager'
        and overall_rating between 1 and 5
        and submitted_at is not null

),

rating_sequence as (

    select
        employee_id,
        period_end_on,
        overall_rating,
        cast(submitted_at as date) as submitted_on,
        lag(overall_rating) over (partition by employee_id order by period_end_on) as previous_rating

    from valid_reviews
    where rank_in_period = 1

),

ratings_by_month as (

    select
        people.month_start_on,
        people.employee_id,
        rating_sequence.period_end_on,
        rating_sequence.overall_rating,
        rating_sequence.previous_rating,
        row_number() over (
            partition by people.employee_id, people.month_start_on
            order by rating_sequence.period_end_on desc, rating_sequence.submitted_on desc
        ) as recency_rank

    from people
    inner join rating_sequence
        on people.employee_id = rating_sequence.employee_id
        and rating_sequence.submitted_on <= people.month_end_on

),

latest_rating as (

    select * from ratings_by_month where recency_rank = 1

),

-- Job history versions with what changed: a new role (or a new employment period) and a
-- new manager within the same employment period.
history_changes as (

    select
        employee_id,
        hire_date,
        valid_from,
        job_profile_id,
        manager_employee_id,
        lag(job_profile_id) over (
            partition by employee_id, hire_date order by valid_from
        ) as previous_job_profile_id,
        lag(manager_employee_id) over (
            partition by employee_id, hire_date order by valid_from
        ) as previous_manager_employee_id,
        row_number() over (
            partition by employee_id, hire_date order by valid_from
        ) as version_number

    from employee_history
    where hire_date is not null

),

tenure as (

    select
        people.month_start_on,
        people.employee_id,
        max(history_changes.hire_date) as hire_date,
        max(
            case
                when history_changes.version_number = 1
                    or history_changes.job_profile_id <> history_changes.previous_job_profile_id
                    or (history_changes.job_profile_id is null) <> (history_changes.previous_job_profile_id is null)
                    then history_changes.valid_from
            end
        ) as role_started_on,
        max(
            case
                when history_changes.version_number > 1
                    and history_changes.manager_employee_id is not null
                    and (
                        history_changes.previous_manager_employee_id is null
                        or history_changes.manager_employee_id <> history_changes.previous_manager_employee_id
                    )
                    then history_changes.valid_from
            end
        ) as manager_changed_on

    from people
    inner join history_changes
        on people.employee_id = history_changes.employee_id
        and history_changes.valid_from <= people.as_of_on
    group by people.month_start_on, people.employee_id

),

own_role_capabilities as (

    select
        people.month_start_on,
        people.employee_id,
        count(latest_assessments.assessed_level) as assessed_capability_count,
        avg(cast(latest_assessments.assessed_level - required_levels.required_level as double precision))
            as capability_margin_levels

    from people
    inner join required_levels
        on people.job_profile_id = required_levels.job_profile_id
        and required_levels.effective_from <= people.month_end_on
        and (required_levels.effective_to is null or required_levels.effective_to >= people.month_end_on)
    left join latest_assessments
        on people.employee_id = latest_assessments.employee_id
        and required_levels.capability_id = latest_assessments.capability_id
        and people.month_start_on = latest_assessments.month_start_on
        and latest_assessments.rater_type = 'manager'
    group by people.month_start_on, people.employee_id

),

measures as (

    select
        people.month_start_on,
        people.employee_id,
        people.org_unit_id,
        people.job_profile_id,
        latest_rating.overall_rating as latest_rating,
        latest_rating.period_end_on as latest_rating_period_end_on,
        latest_rating.previous_rating,
        coalesce(own_role_capabilities.assessed_capability_count, 0) as assessed_capability_count,
        own_role_capabilities.capability_margin_levels,
        tenure.hire_date,
        {{ dbt.datediff('tenure.hire_date', 'people.month_end_on', 'month') }} as tenure_months,
        {{ dbt.datediff('tenure.role_started_on', 'people.month_end_on', 'month') }} as months_in_role,
        coalesce(
            tenure.manager_changed_on > {{ dbt.dateadd('month', -1 * var('flight_risk_manager_change_months'), 'people.month_end_on') }},
            false
        ) as has_recent_manager_change,
        coalesce(latest_rating.overall_rating < latest_rating.previous_rating, false) as has_recent_rating_drop

    from people
    left join latest_rating
        on people.employee_id = latest_rating.employee_id
        and people.month_start_on = latest_rating.month_start_on
    left join own_role_capabilities
        on people.employee_id = own_role_capabilities.employee_id
        and people.month_start_on = own_role_capabilities.month_start_on
    left join tenure
        on people.employee_id = tenure.employee_id
        and people.month_start_on = tenure.month_start_on

),

banded as (

    select
        measures.*,
        case
            when latest_rating >= {{ var('nine_box_high_performance_min_rating') }} then 'high'
            when latest_rating <= {{ var('nine_box_low_performance_max_rating') }} then 'low'
            when latest_rating is not null then 'moderate'
        end as performance_band,
        case
            when latest_rating is null
                or assessed_capability_count = 0
                or months_in_role is null
                or months_in_role < {{ var('potential_min_months_in_role') }}
                then null
            else
                case
                    when capability_margin_levels >= {{ var('potential_high_min_margin_levels') }} then 2
                    when capability_margin_levels >= 0 then 1
                    else 0
                end
                + case when latest_rating > previous_rating then 1 else 0 end
        end as potential_points,
        case when tenure_months < {{ var('flight_risk_short_tenure_months') }} then 1 else 0 end
        + case when has_recent_rating_drop then 1 else 0 end
        + case when has_recent_manager_change then 1 else 0 end as flight_risk_points

    from measures

),

with_potential as (

    select
        banded.*,
        case
            when potential_points = 3 then 'high'
            when potential_points >= 1 then 'moderate'
            when potential_points = 0 then 'low'
        end as potential_band

    from banded

),

final as (

    select
        banded.month_start_on,
        banded.employee_id,
        banded.org_unit_id,
        banded.job_profile_id,
        cast(banded.latest_rating as double precision) as latest_rating,
        banded.latest_rating_period_end_on,
        cast(banded.previous_rating as double precision) as previous_rating,
        cast(banded.performance_band as {{ dbt.type_string() }}) as performance_band,
        cast(banded.assessed_capability_count as integer) as assessed_capability_count,
        cast(banded.capability_margin_levels as double precision) as capability_margin_levels,
        cast(banded.months_in_role as integer) as months_in_role,
        cast(banded.potential_points as integer) as potential_points,
        cast(banded.potential_band as {{ dbt.type_string() }}) as potential_band,
        cast(box_labels.box_number as integer) as nine_box_number,
        cast(box_labels.box_label as {{ dbt.type_string() }}) as nine_box_label,
        banded.hire_date,
        cast(banded.tenure_months as integer) as tenure_months,
        banded.has_recent_rating_drop,
        banded.has_recent_manager_change,
        cast(banded.flight_risk_points as integer) as flight_risk_points,
        cast(
            case
                when banded.flight_risk_points >= 2 then 'high'
                when banded.flight_risk_points = 1 then 'medium'
                else 'low'
            end as {{ dbt.type_string() }}
        ) as flight_risk_band

    from with_potential as banded
    left join box_labels
        on banded.performance_band = box_labels.performance_band
        and banded.potential_band = box_labels.potential_band

)

select * from final
