-- Training ROI per programme (LMS course) x completion cohort (Phillips ROI methodology).
--   cohort      the people of a programme grouped by the year they first completed it;
--               people who never completed sit in the cohort of the year they started
--               (int_finance__cohort_costs). Cost and benefit are those of the same people:
--               never one year's starters' cost against another year's completers.
--   cost        Phillips' five categories, each labelled with its basis:
--                 delivery (vendor + instructor + venue), `actual`: finance exports;
--                 participants' time, `actual`: learning hours x loaded pay;
--                 design and development, L&D staff and administration, evaluation,
--                 `allocated`: a declared share of delivery cost (vars
--                 roi_design_development_share_of_delivery,
--                 roi_ld_staff_admin_share_of_delivery, roi_evaluation_share_of_delivery),
--                 as the finance exports carry no such lines;
--               fully loaded = the sum of the five;
--   benefit     only from a gated estimate: the latest estimate of the programme's effect
--               on the overall review rating by staggered difference-in-differences
--               (int_impact__estimates) whose status is `estimated` and which is
--               significant after the run's multiplicity adjustment:
--                 benefit = estimate x var('roi_value_per_rating_point')
--                           x var('roi_benefit_years') x the cohort's completers,
--               low / high the same with the 95% interval's bounds. Otherwise every benefit
--               and ROI column is null and evaluation_reason says why (macro
--               roi_evaluation_reason: no_plan, insufficient_evidence, pre_trend_failed,
--               placebo_failed, imbalanced, underpowered, no_evidence_of_effect,
--               no_completers);
--   ROI         benefit_cost_ratio = benefit / cost; roi_pct = (benefit - cost) / cost x 100,
--               with low / high bounds; roi_band `loss` / `positive` only when the whole
--               interval is on one side of 0, else `break-even range`.
-- Amounts are in var('reporting_currency').
{{ config(tags=['impact_downstream']) }}

with

cohort_costs as (

    select * from {{ ref('int_finance__cohort_costs') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

impact_estimates as (

    select * from {{ ref('int_impact__estimates') }}

),

costs as (

    select
        programme_id,
        cohort_year_number,
        sum(case when cost_type = 'vendor' then amount else 0 end) as vendor_cost_amount,
        sum(case when cost_type = 'instructor' then amount else 0 end) as instructor_cost_amount,
        sum(case when cost_type = 'venue' then amount else 0 end) as venue_cost_amount,
        sum(case when cost_type = 'participant_time' then amount else 0 end) as participant_time_cost_amount

    from cohort_costs
    where programme_id is not null
    group by programme_id, cohort_year_number

),

learners as (

    select
        course_id as programme_id,
        learner_login,
        min(employee_id) as employee_id,
        min(activity_on) as started_on,
        min(case when is_completion then activity_on end) as completed_on

    from activities
    where course_id is not null
    group by course_id, learner_login

),

cohort_people as (

    select
        programme_id,
        cast(extract(year from coalesce(completed_on, started_on)) as integer) as cohort_year_number,
        count(*) as participant_count,
        count(distinct case when completed_on is not null then employee_id end) as completer_count,
        sum(case when completed_on is null then 1 else 0 end) as non_completer_count

    from learners
    group by programme_id, cast(extract(year from coalesce(completed_on, started_on)) as integer)

),

programme_cohorts as (

    select programme_id, cohort_year_number from costs
    union
    select programme_id, cohort_year_number from cohort_people

),

primary_estimates as (

    select
        programme_id,
        status,
        estimate,
        ci_low,
        ci_high,
        p_value,
        p_value_adjusted,
        significant,
        conclusion,
        n_treated,
        run_id,
        estimated_at

    from impact_estimates
    where is_latest
        and outcome = 'review_rating'
        and method = 'did_staggered'

),

combined as (

    select
        programme_cohorts.programme_id,
        programme_cohorts.cohort_year_number,
        coalesce(cohort_people.participant_count, 0) as participant_count,
        coalesce(cohort_people.completer_count, 0) as completer_count,
        coalesce(cohort_people.non_completer_count, 0) as non_completer_count,
        coalesce(costs.vendor_cost_amount, 0) as vendor_cost_amount,
        coalesce(costs.instructor_cost_amount, 0) as instructor_cost_amount,
        coalesce(costs.venue_cost_amount, 0) as venue_cost_amount,
        coalesce(costs.vendor_cost_amount, 0) + coalesce(costs.instructor_cost_amount, 0)
            + coalesce(costs.venue_cost_amount, 0) as delivery_cost_amount,
        coalesce(costs.participant_time_cost_amount, 0) as participant_time_cost_amount,
        primary_estimates.status as impact_status,
        primary_estimates.estimate as impact_estimate,
        primary_estimates.ci_low as impact_ci_low,
        primary_estimates.ci_high as impact_ci_high,
        primary_estimates.p_value as impact_p_value,
        primary_estimates.p_value_adjusted as impact_p_value_adjusted,
        primary_estimates.significant as is_impact_significant,
        primary_estimates.conclusion as impact_conclusion,
        primary_estimates.n_treated as impact_n_treated,
        primary_estimates.run_id as impact_run_id,
        primary_estimates.estimated_at as impact_estimated_at

    from programme_cohorts
    left join costs
        on programme_cohorts.programme_id = costs.programme_id
        and programme_cohorts.cohort_year_number = costs.cohort_year_number
    left join cohort_people
        on programme_cohorts.programme_id = cohort_people.programme_id
        and programme_cohorts.cohort_year_number = cohort_people.cohort_year_number
    left join primary_estimates
        on programme_cohorts.programme_id = primary_estimates.programme_id

),

categorised as (

    select
        combined.*,
        delivery_cost_amount * {{ var('roi_design_development_share_of_delivery') }}
            as design_development_cost_amount,
        delivery_cost_amount * {{ var('roi_ld_staff_admin_share_of_delivery') }}
            as ld_staff_admin_cost_amount,
        delivery_cost_amount * {{ var('roi_evaluation_share_of_delivery') }}
            as evaluation_cost_amount,
        {{ roi_evaluation_reason('impact_status', 'is_impact_significant', 'completer_count') }}
            as evaluation_reason

    from combined

),

benefits as (

    select
        categorised.*,
        delivery_cost_amount + participant_time_cost_amount + design_development_cost_amount
            + ld_staff_admin_cost_amount + evaluation_cost_amount as fully_loaded_cost_amount,
        cast({{ var('roi_value_per_rating_point') }} as double precision) as value_per_rating_point_amount,
        cast({{ var('roi_benefit_years') }} as double precision) as benefit_years,
        case
            when evaluation_reason is null
                then impact_estimate * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_amount,
        case
            when evaluation_reason is null
                then impact_ci_low * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_low_amount,
        case
            when evaluation_reason is null
                then impact_ci_high * {{ var('roi_value_per_rating_point') }} * {{ var('roi_benefit_years') }}
                    * completer_count
        end as benefit_high_amount

    from categorised

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
        cast(cohort_year_number as integer) as cohort_year_number,
        cast(participant_count as integer) as participant_count,
        cast(completer_count as integer) as completer_count,
        cast(non_completer_count as integer) as non_completer_count,
        cast(vendor_cost_amount as double precision) as vendor_cost_amount,
        cast(instructor_cost_amount as double precision) as instructor_cost_amount,
        cast(venue_cost_amount as double precision) as venue_cost_amount,
        cast(delivery_cost_amount as double precision) as delivery_cost_amount,
        cast('actual' as {{ dbt.type_string() }}) as delivery_cost_basis,
        cast(participant_time_cost_amount as double precision) as participant_time_cost_amount,
        cast('actual' as {{ dbt.type_string() }}) as participant_time_cost_basis,
        cast(design_development_cost_amount as double precision) as design_development_cost_amount,
        cast('allocated' as {{ dbt.type_string() }}) as design_development_cost_basis,
        cast(ld_staff_admin_cost_amount as double precision) as ld_staff_admin_cost_amount,
        cast('allocated' as {{ dbt.type_string() }}) as ld_staff_admin_cost_basis,
        cast(evaluation_cost_amount as double precision) as evaluation_cost_amount,
        cast('allocated' as {{ dbt.type_string() }}) as evaluation_cost_basis,
        cast(fully_loaded_cost_amount as double precision) as fully_loaded_cost_amount,
        case
            when participant_count > 0 then cast(fully_loaded_cost_amount as double precision) / participant_count
        end as cost_per_participant_amount,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code,
        evaluation_reason is null as is_evaluated,
        cast(evaluation_reason as {{ dbt.type_string() }}) as evaluation_reason,
        impact_status,
        impact_estimate,
        impact_ci_low,
        impact_ci_high,
        impact_p_value,
        impact_p_value_adjusted,
        is_impact_significant,
        impact_conclusion,
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
        end as roi_band

    from ratios

)

select * from final
