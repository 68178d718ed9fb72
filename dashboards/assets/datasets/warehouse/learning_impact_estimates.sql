-- Learning-impact estimates per programme x outcome x method (latest estimate of each),
-- from marts.mart_learning_impact, with the programme title from marts.dim_course.
-- The impact engine reports "insufficient evidence" (no number) below its plan's minimum
-- group sizes; as a second guard, an estimate resting on fewer than 5 treated or 5
-- comparison people is blanked here (HR privacy rule) and shown as suppressed.
with impact as (
    select
        programme_id,
        outcome,
        outcome_unit,
        method,
        estimate,
        std_error,
        ci_low,
        ci_high,
        p_value,
        n_treated,
        n_comparison,
        pretrend_p_value,
        mde,
        min_effect_of_interest,
        status,
        horizon_periods,
        comparison_rule,
        plan_id,
        plan_version,
        estimated_at,
        -- the newest estimate per programme x outcome x method, as
        -- intermediate.int_impact__estimates.is_latest picks it
        row_number() over (
            partition by programme_id, outcome, method
            order by
                estimated_at desc nulls last,
                run_id desc nulls last,
                horizon_periods desc nulls last,
                plan_version desc nulls last
        ) as recency_rank
    from marts.mart_learning_impact
),

latest as (
    select
        *,
        coalesce(n_treated >= 5 and n_comparison >= 5, false) as is_reportable
    from impact
    where recency_rank = 1
)

select
    latest.programme_id,
    course.course_name as programme_name,
    latest.outcome,
    case latest.outcome
        when 'review_rating' then 'Review rating'
        when 'capability_level' then 'Capability level'
        when 'goal_attainment' then 'Goal attainment'
        when 'retention_12m' then 'Retention at 12 months'
        else latest.outcome
    end as outcome_name,
    latest.outcome_unit,
    latest.method,
    case latest.method
        when 'did_staggered' then 'DiD (staggered)'
        when 'psm_matched' then 'Propensity matching'
        else latest.method
    end as method_name,
    latest.status,
    case when latest.is_reportable then latest.status else 'suppressed (fewer than 5 people)' end
        as evidence_status,
    case when latest.is_reportable then latest.estimate end as estimate,
    case when latest.is_reportable then latest.std_error end as std_error,
    case when latest.is_reportable then latest.ci_low end as ci_low,
    case when latest.is_reportable then latest.ci_high end as ci_high,
    case when latest.is_reportable then latest.p_value end as p_value,
    latest.n_treated,
    latest.n_comparison,
    latest.pretrend_p_value,
    latest.mde,
    latest.min_effect_of_interest,
    latest.horizon_periods,
    latest.comparison_rule,
    latest.plan_id,
    latest.plan_version,
    latest.estimated_at
from latest
left join marts.dim_course as course
    on latest.programme_id = course.course_id
