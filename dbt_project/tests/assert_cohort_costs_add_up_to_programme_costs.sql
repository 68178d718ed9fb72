-- Attributing spend to completion cohorts never invents or loses any: per source line,
-- int_finance__cohort_costs sums to int_finance__programme_costs (a cent of tolerance,
-- amounts are split in double precision), and every line is in both.

with

by_month as (

    select
        spend_line_id,
        sum(coalesce(amount, 0)) as amount

    from {{ ref('int_finance__programme_costs') }}
    group by spend_line_id

),

by_cohort as (

    select
        spend_line_id,
        sum(coalesce(amount, 0)) as amount

    from {{ ref('int_finance__cohort_costs') }}
    group by spend_line_id

)

select
    coalesce(by_month.spend_line_id, by_cohort.spend_line_id) as spend_line_id,
    by_month.amount as programme_cost_amount,
    by_cohort.amount as cohort_cost_amount

from by_month
full outer join by_cohort
    on by_month.spend_line_id = by_cohort.spend_line_id
where by_month.spend_line_id is null
    or by_cohort.spend_line_id is null
    or abs(by_month.amount - by_cohort.amount) > 0.01
