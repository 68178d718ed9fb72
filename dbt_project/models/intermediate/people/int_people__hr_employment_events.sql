-- The HR interface, employment events: hires, re-hires, status changes and terminations of
-- the HR system of record's people (read by int_people__employee_history, which splits
-- each person's versions into employment periods: a period starts at the first event or
-- at the first non-termination after a termination, and ends at the next termination).
-- A termination's date is the last day employed. event_sequence orders one employee's
-- events (by date, then the source's own order).
{{ config(materialized='table') }}

{%- set system = hr_system_of_record() %}

with

events as (

    {% if system == 'bamboohr' -%}
    select * from {{ ref('int_people__bamboohr_employment_events') }}
    {%- elif system == 'workday' -%}
    select * from {{ ref('int_people__workday_employment_events') }}
    {%- else -%}
    select * from {{ ref('int_people__hr_file_employment_events') }}
    {%- endif %}

),

final as (

    select
        employee_id,
        effective_on,
        is_termination,
        employment_status,
        termination_reason,
        termination_type,
        event_sequence,
        source_record_id

    from events

)

select * from final
