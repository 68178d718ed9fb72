-- Training cost per employee and per learning hour, per year: fully loaded spend
-- (marts.fct_training_spend) over the year's headcount and formal learning hours
-- (marts.mart_learning_effectiveness: employees employed at any time in the year, hours
-- logged in the LMS) and the year's distinct learners (marts.mart_learning_alignment).
-- Company-wide totals; a year with fewer than 5 learners is left out (HR privacy rule).
with spend as (
    select
        year_number,
        sum(amount) as spend_amount,
        sum(case when cost_type = 'participant_time' then amount else 0 end) as participant_time_amount
    from marts.fct_training_spend
    group by year_number
),

learning as (
    select
        year_number,
        max(employee_count) as employee_count,
        sum(learning_hours) as learning_hours
    from marts.mart_learning_effectiveness
    group by year_number
),

participants as (
    select
        cast(extract(year from month_start_on) as integer) as year_number,
        count(distinct employee_id) as participant_count
    from marts.mart_learning_alignment
    group by 1
)

select
    make_date(spend.year_number, 1, 1) as year_start_on,
    spend.year_number,
    spend.spend_amount,
    spend.spend_amount - spend.participant_time_amount as direct_spend_amount,
    spend.participant_time_amount,
    cast(learning.employee_count as bigint) as employee_count,
    learning.learning_hours,
    cast(participants.participant_count as bigint) as participant_count
from spend
inner join participants
    on spend.year_number = participants.year_number
left join learning
    on spend.year_number = learning.year_number
where participants.participant_count >= 5
