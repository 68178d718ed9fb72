-- Training ROI per programme (LMS course) x calendar year.
--   cost        fully loaded = direct (vendor + instructor + venue) + participant time at
--               loaded pay, from int_finance__programme_costs, in the year the spend is
--               allocated to (the month participants started);
--   treated     employees whose first completion of the programme fell in the year;
--   benefit     only from an impact estimate, never invented: the latest estimate of the
--               programme's effect on the overall review rating by staggered
--               difference-in-differences (outcome review_rating, method did_staggered)
--               with status `estimated`:
--                 benefit = estimate x var('roi_value_per_rating_point')
--                           x var('roi_benefit_years') x treated employees,
--               and benefit_low / benefit_high the same with the confidence interval's
--               bounds. Otherwise evaluation_status says why there is none (the engine's
--               status, e.g. `insufficient evidence`, or `not yet evaluated`) and every
--               benefit and ROI column is null;
--   ROI         benefit_cost_ratio = benefit / cost; roi_pct = (benefit - cost) / cost x 100,
--               each with its low / high bound from the interval; roi_band = `loss` when the
--               whole ROI interval is below 0, `positive` when it is above 0, else
--               `break-even range`;
--   gaps        gap points closed by the year's completers on the programme's
--               capabilities (int_learning__completion_capability_changes) and the cost
--               per point closed (null unless more than 0 points closed);
--   plan        direct spend against the latest approved budget version for the year
--               (seed training_budget); participant time is not a cash budget item.
-- Amounts are in var('reporting_currency'); a spend line in another currency fails the
-- currency test of fct_training_spend instead of being added.
{{ config(tags=['impact_downstream']) }}

with

programme_costs as (

    select * from {{ ref('int_finance__programme_costs') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

enrolments as (

    select * from {{ ref('int_learning__enrolments') }}

),

completion_changes as (

    select * from {{ ref('int_learning__completion_capability_changes') }}

),

impact_estimates as (

    select * from {{ ref('int_impact__estimates') }}

),

training_budget as (

    select * from {{ ref('training_budget') }}

),

costs as (

    select
        programme_id,
        year_number,
        sum(case when cost_type = 'vendor' then amount else 0 end) as vendor_cost_amount,
        sum(case when cost_type = 'instructor' then amount else 0 end) as instructor_cost_amount,
        sum(case when cost_type = 'venue' then amount else 0 end) as venue_cost_amount,
        sum(case when cost_type = 'participant_time' then amount else 0 end) as participant_time_cost_amount

    from programme_costs
    where programme_id is not null
    group by programme_id, year_number

),

participants as (

    select
        course_id as programme_id,
        cast(extract(year from activity_on) as integer) as year_number,
        count(distinct learner_login) as participant_count

    from activities
    where course_id is not null
    group by course_id, cast(extract(year from activity_on) as integer)

),

completers as (

    select
        course_id as programme_id,
        cast(extract(year from completed_on) as integer) as year_number,
        count(distinct employee_id) as completer_count

    from enrolments
    where is_completed
        and employee_id is not null
    group by course_id, cast(extract(year from completed_on) as integer)

),

gaps_closed as (

    select
        course_id as programme_id,
        year_number,
        count(distinct case when gap_points_closed is not null then employee_id end) as gap_assessed_completer_count,
        sum(gap_points_closed) as gap_points_closed

    from completion_changes
    group by course_id, year_number

),

programme_years as (

    select programme_id, year_number from costs
    union
    select programme_id, year_number from participants

),

primary_estimates as (

    select
        programme_id,
        status,
        estimate,
        ci_low,
        ci_high,
        p_value,
        n_treated,
        run_id,
        estimated_at

    from impact_estimates
    where is_latest
        and outcome = 'review_rating'
        and method = 'did_staggered'

),

plan_versions as (

    select distinct
        budget_year,
        plan_version,
        approved_on

    from training_budget

),

budget_versions as (

    select
        budget_year,
        plan_version,
        row_number() over (
            partition by budget_year
            order by approved_on desc, plan_version desc
        ) as version_rank

    from plan_versions

),

budgets as (

    select
        training_budget.budget_year as year_number,
        training_budget.programme_id,
        training_budget.plan_version,
        cast(training_budget.budget_amount as double precision) as budget_amount

    from training_budget
    inner join budget_versions
        on training_budget.budget_year = budget_versions.budget_year
        and training_budget.plan_version = budget_versions.plan_version
        and budget_versions.version_rank = 1

),

combined as (

    select
        programme_years.programme_id,
        programme_years.year_number,
        coalesce(participants.participant_count, 0) as participant_count,
        coalesce(completers.completer_count, 0) as completer_count,
        coalesce(costs.vendor_cost_amount, 0) as vendor_cost_amount,
        coalesce(costs.instructor_cost_amount, 0) as instructor_cost_amount,
        coalesce(costs.venue_cost_amount, 0) as venue_cost_amount,
        coalesce(costs.vendor_cost_amount, 0) + coalesce(costs.instructor_cost_amount, 0)
            + coalesce(costs.venue_cost_amount, 0) as direct_cost_amount,
        coalesce(costs.participant_time_cost_amount, 0) as participant_time_cost_amount,
        coalesce(costs.vendor_cost_amount, 0) + coalesce(costs.instructor_cost_amount, 0)
            + coalesce(costs.venue_cost_amount, 0) + coalesce(costs.participant_time_cost_amount, 0)
            as fully_loaded_cost_amount,
        budgets.plan_version as budget_plan_version,
        budgets.budget_amount,
        coalesce(primary_estimates.status, 'not yet evaluated') as evaluation_status,
        primary_estimates.estimate as impact_estimate,
        primary_estimates.ci_low as impact_ci_low,
        primary_estimates.ci_high as impact_ci_high,
        primary_estimates.p_value as impact_p_value,
        primary_estimates.n_treated as impact_n_treated,
        primary_estimates.run_id as impact_run_id,
        primary_estimates.estimated_at as impact_estimated_at,
        coalesce(gaps_closed.gap_assessed_completer_count, 0) as gap_assessed_completer_count,
        gaps_closed.gap_points_closed

    from programme_years
    left join costs
        on programme_years.programme_id = costs.programme_id
        and programme_years.year_number = costs.year_number
    left join participants
        on programme_years.programme_id = participants.programme_id
        and programme_years.year_number = participants.year_number
    left join completers
        on programme_years.programme_id = completers.programme_id
        and programme_years.year_number = completers.year_number
    left join gaps_closed
        on programme_years.programme_id = gaps_closed.programme_id
        and programme_years.year_number = gaps_closed.year_number
    left join budgets
        on programme_years.programme_id = budgets.programme_id
        and programme_years.year_number = budgets.year_number
    left join primary_estimates
        on programme_years.programme_id = primary_estimates.programme_id

),

benefits as (

    select
        combined.*,
        cast({{ var('roi_value_per_rating_point') }} as double precision) as value_per_rating_point_amount,
        cast({{ var('roi_benefit_years') }} as double precision) as benefit_years,
        case
            when evaluation_status = 'estimated'
                then impact_estimate * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_amount,
        case
            when evaluation_status = 'estimated'
                then impact_ci_low * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_low_amount,
        case
            when evaluation_status = 'estimated'
                then impact_ci_high * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_high_amount

    from combined

),

ratios as (

    select
        benefits.*,
        case when fully_loaded_cost_amount > 0 then benefit_amount / fully_loaded_cost_amount end
            as benefit_cost_ratio,
        case when fully_loaded_cost_amount > 0 then benefit_low_amount / fully_loaded_cost_amount end
            as benefit_cost_ratio_low,
        case when fully_loaded_cost_amount > 0 then benefit_high_amount / fully_loaded_cost_amount end
            as benefit_cost_ratio_high,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_pct,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_low_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_low_pct,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_high_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_high_pct

    from benefits

),

final as (

    select
        programme_id,
        cast(year_number as integer) as year_number,
        cast(participant_count as integer) as participant_count,
        cast(completer_count as integer) as completer_count,
        cast(vendor_cost_amount as double precision) as vendor_cost_amount,
        cast(instructor_cost_amount as double precision) as instructor_cost_amount,
        cast(venue_cost_amount as double precision) as venue_cost_amount,
        cast(direct_cost_amount as double precision) as direct_cost_amount,
        cast(participant_time_cost_amount as double precision) as participant_time_cost_amount,
        cast(fully_loaded_cost_amount as double precision) as fully_loaded_cost_amount,
        case
            when participant_count > 0 then cast(fully_loaded_cost_amount as double precision) / participant_count
        end as cost_per_participant_amount,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code,
        budget_plan_version,
        budget_amount,
        case when budget_amount is not null then direct_cost_amount - budget_amount end as budget_variance_amount,
        case when budget_amount > 0 then direct_cost_amount / budget_amount end as budget_used_share,
        evaluation_status,
        impact_estimate,
        impact_ci_low,
        impact_ci_high,
        impact_p_value,
        cast(impact_n_treated as integer) as impact_n_treated,
        impact_run_id,
        impact_estimated_at,
        value_per_rating_point_amount,
        benefit_years,
        benefit_amount,
        benefit_low_amount,
        benefit_high_amount,
        benefit_cost_ratio,
        benefit_cost_ratio_low,
        benefit_cost_ratio_high,
        roi_pct,
        roi_low_pct,
        roi_high_pct,
        case
            when roi_low_pct is null or roi_high_pct is null then null
            when roi_high_pct < 0 then 'loss'
            when roi_low_pct > 0 then 'positive'
            else 'break-even range'
        end as roi_band,
        cast(gap_assessed_completer_count as integer) as gap_assessed_completer_count,
        cast(gap_points_closed as double precision) as gap_points_closed,
        case
            when gap_points_closed > 0 then cast(fully_loaded_cost_amount as double precision) / gap_points_closed
        end as cost_per_gap_point_closed_amount

    from ratios

)

select * from final
