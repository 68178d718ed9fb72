-- Fully loaded training spend per year x org unit x cost type (vendor, instructor, venue,
-- participant_time), from marts.fct_training_spend (lines allocated to the org units of
-- their participants).
-- Aggregate only (HR privacy rule): an org unit's spend in a year is shown only when at
-- least 5 of its people learned that year (marts.mart_learning_alignment), since the
-- participant-time cost of fewer people would reveal their pay. Spend not allocated to an
-- org unit is kept, under its own label.
with spend as (
    select
        year_number,
        org_unit_id,
        cost_type,
        currency_code,
        amount
    from marts.fct_training_spend
),

participants as (
    select
        cast(extract(year from month_start_on) as integer) as year_number,
        org_unit_id,
        count(distinct employee_id) as participant_count
    from marts.mart_learning_alignment
    group by 1, 2
),

grouped as (
    select
        year_number,
        org_unit_id,
        cost_type,
        currency_code,
        sum(amount) as spend_amount
    from spend
    group by year_number, org_unit_id, cost_type, currency_code
)

select
    make_date(grouped.year_number, 1, 1) as year_start_on,
    grouped.year_number,
    grouped.org_unit_id,
    coalesce(org_unit.org_unit_name, 'Not allocated to an org unit') as org_unit_name,
    org_unit.division_name,
    grouped.cost_type,
    grouped.currency_code,
    grouped.spend_amount,
    cast(coalesce(participants.participant_count, 0) as bigint) as participant_count
from grouped
left join participants
    on grouped.year_number = participants.year_number
    and grouped.org_unit_id = participants.org_unit_id
left join marts.dim_org_unit as org_unit
    on grouped.org_unit_id = org_unit.org_unit_id
where grouped.org_unit_id is null
    or participants.participant_count >= 5
