-- What the HR system of record gave the people model, for the Data Health dashboard: one
-- row. People and job records; managers given by a name several people share
-- (`ambiguous`) or that names nobody (`unknown`), which stay null in dim_employee; and how
-- deep the history is. Workday reports and snapshot-only HR files carry no effective
-- dates: their history starts at the first snapshot loaded (is_snapshot_history), so a
-- change is dated by the first snapshot showing it and earlier changes are not known.

{%- set system = hr_system_of_record() %}

with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

job_records as (

    select * from {{ ref('int_people__hr_job_records') }}

),

{% if system == 'workday' -%}
snapshots as (

    select distinct snapshot_on

    from {{ ref('stg_workday__workers') }}

),

dated_history as (

    select false as has_effective_dated_records

),
{%- elif system == 'files' -%}
file_records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

snapshots as (

    select distinct observed_on as snapshot_on

    from file_records
    where record_kind = 'snapshot'

),

dated_history as (

    select coalesce({{ dbt.bool_or("record_kind <> 'snapshot'") }}, false) as has_effective_dated_records

    from file_records

),
{%- else -%}
snapshots as (

    select cast(null as date) as snapshot_on
    where 1 = 0

),

dated_history as (

    select true as has_effective_dated_records

),
{%- endif %}

people as (

    select
        count(*) as employee_count,
        sum(case when employment_status = 'Active' then 1 else 0 end) as active_employee_count

    from employees

),

records as (

    select
        count(*) as job_record_count,
        sum(case when manager_match_status is not null then 1 else 0 end) as manager_given_count,
        sum(case when manager_match_status = 'ambiguous' then 1 else 0 end) as manager_ambiguous_count,
        sum(case when manager_match_status = 'unknown' then 1 else 0 end) as manager_unknown_count,
        min(effective_on) as job_history_starts_on

    from job_records

),

snapshot_summary as (

    select
        count(*) as snapshot_count,
        min(snapshot_on) as first_snapshot_on,
        max(snapshot_on) as last_snapshot_on

    from snapshots

),

final as (

    select
        cast({{ dbt.string_literal(system) }} as {{ dbt.type_string() }}) as hr_system_of_record,
        cast(people.employee_count as integer) as employee_count,
        cast(coalesce(people.active_employee_count, 0) as integer) as active_employee_count,
        cast(records.job_record_count as integer) as job_record_count,
        cast(coalesce(records.manager_given_count, 0) as integer) as manager_given_count,
        cast(coalesce(records.manager_ambiguous_count, 0) as integer) as manager_ambiguous_count,
        cast(coalesce(records.manager_unknown_count, 0) as integer) as manager_unknown_count,
        records.job_history_starts_on,
        cast(snapshot_summary.snapshot_count as integer) as snapshot_count,
        snapshot_summary.first_snapshot_on,
        snapshot_summary.last_snapshot_on,
        (snapshot_summary.snapshot_count > 0 and not dated_history.has_effective_dated_records)
            as is_snapshot_history

    from people
    cross join records
    cross join snapshot_summary
    cross join dated_history

)

select * from final
