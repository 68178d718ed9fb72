-- Fully loaded training spend per year x programme (course) x cost type (vendor,
-- instructor, venue, participant_time), from marts.fct_training_spend.
-- Aggregate only (HR privacy rule): a programme's spend in a year is shown only when at
-- least 5 people took it that year (marts.mart_learning_alignment), since the
-- participant-time cost of fewer people would reveal their pay. Spend without a
-- programme (e.g. a general licence) is kept, under its own label.
with spend as (
    select
        year_number,
        programme_id,
        cost_type,
        currency_code,
        amount
    from marts.fct_training_spend
),

participants as (
    select
        cast(extract(year from month_start_on) as integer) as year_number,
        course_id as programme_id,
        count(distinct employee_id) as participant_count
    from marts.mart_learning_alignment
    group by 1, 2
),

grouped as (
    select
        year_number,
        programme_id,
        cost_type,
        currency_code,
        sum(amount) as spend_amount
    from spend
    group by year_number, programme_id, cost_type, currency_code
)

select
    make_date(grouped.year_number, 1, 1) as year_start_on,
    grouped.year_number,
    grouped.programme_id,
    case
        when grouped.programme_id is null then 'Not tied to a programme'
        else coalesce(course.course_name, grouped.programme_id)
    end as programme_name,
    grouped.cost_type,
    grouped.currency_code,
    grouped.spend_amount,
    cast(coalesce(participants.participant_count, 0) as bigint) as participant_count
from grouped
left join participants
    on grouped.year_number = participants.year_number
    and grouped.programme_id = participants.programme_id
left join marts.dim_course as course
    on grouped.programme_id = course.course_id
where grouped.programme_id is null
    or participants.participant_count >= 5
