-- Allocation never invents or loses spend: in fct_training_spend
--   * each cost type of the finance exports sums to the sum of its source lines
--     (vendor invoices, instructor fees, venue bookings), and every source line is there;
--   * the shares of every line add up to 1 and its rows to the line's amount;
--   * participant time covers the hours of every learning activity with hours by a
--     resolved employee on a course, once.
-- Tolerance: a cent per comparison (amounts are split in double precision).

with

spend as (

    select * from {{ ref('fct_training_spend') }}

),

source_totals as (

    select 'vendor' as cost_type, count(*) as line_count, sum(cast(invoice_amount as double precision)) as total
    from {{ ref('stg_finance__vendor_invoices') }}
    union all
    select 'instructor', count(*), sum(cast(cost_amount as double precision))
    from {{ ref('stg_finance__instructor_costs') }}
    union all
    select 'venue', count(*), sum(cast(cost_amount as double precision))
    from {{ ref('stg_finance__venue_costs') }}
    union all
    select 'participant_time', count(*), sum(learning_hours)
    from {{ ref('int_learning__activities_unified') }}
    where employee_id is not null
        and course_id is not null
        and learning_hours > 0

),

spend_totals as (

    select
        cost_type,
        count(distinct spend_line_id) as line_count,
        sum(case when cost_type = 'participant_time' then learning_hours else amount end) as total

    from spend
    group by cost_type

),

type_mismatches as (

    select
        source_totals.cost_type as checked,
        'total or line count differs from the source' as problem

    from source_totals
    left join spend_totals
        on source_totals.cost_type = spend_totals.cost_type
    where coalesce(spend_totals.line_count, 0) <> source_totals.line_count
        or abs(coalesce(spend_totals.total, 0) - coalesce(source_totals.total, 0)) > 0.01

),

line_mismatches as (

    select
        spend_line_id as checked,
        'shares of the line do not add up to the line' as problem

    from spend
    group by spend_line_id
    having abs(sum(allocation_share) - 1) > 0.000001
        or abs(sum(amount) - max(line_amount)) > 0.01

)

select * from type_mismatches
union all
select * from line_mismatches
