-- Impact estimates with their 95% confidence interval as points for an error-bar view
-- (Superset's box plot with min/max whiskers): per programme x outcome x method, five
-- points: ci_low, the estimate three times, ci_high. The box's quartiles and median then
-- all equal the estimate and the whiskers end at the interval bounds.
-- Only estimated rows with at least 5 treated and 5 comparison people (HR privacy rule);
-- the latest estimate of each programme x outcome x method, from marts.mart_learning_impact.
with ranked as (
    select
        programme_id,
        outcome,
        method,
        status,
        estimate,
        ci_low,
        ci_high,
        n_treated,
        n_comparison,
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

impact as (
    select
        programme_id,
        outcome,
        method,
        status,
        estimate,
        ci_low,
        ci_high
    from ranked
    where recency_rank = 1
        and estimate is not null
        and ci_low is not null
        and ci_high is not null
        and n_treated >= 5
        and n_comparison >= 5
),

points as (
    select 1 as point_order, 'ci_low' as interval_point
    union all
    select 2, 'estimate'
    union all
    select 3, 'estimate (2)'
    union all
    select 4, 'estimate (3)'
    union all
    select 5, 'ci_high'
)

select
    impact.programme_id,
    course.course_name as programme_name,
    impact.outcome,
    impact.method,
    impact.status,
    coalesce(course.course_name, impact.programme_id)
    || ' · '
    || case impact.method when 'did_staggered' then 'DiD' when 'psm_matched' then 'PSM' else impact.method end
    || case when impact.status = 'estimated' then '' else ' (' || impact.status || ')' end
        as estimate_label,
    points.point_order,
    points.interval_point,
    case points.interval_point
        when 'ci_low' then impact.ci_low
        when 'ci_high' then impact.ci_high
        else impact.estimate
    end as point_value
from impact
cross join points
left join marts.dim_course as course
    on impact.programme_id = course.course_id
