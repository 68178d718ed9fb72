{{ config(enabled=source_enabled('workday')) }}

-- One row per Workday worker (across all snapshots) with the employee_id it has in the
-- warehouse, from the worker's latest snapshot.
--   * Workday is the HR system of record: the worker's own key, i.e. the HRIS number the
--     tenant keeps (`Legacy_Employee_Number`) when exactly one worker has it, else the
--     Workday worker id (match_method `workday_worker_id`). Every worker resolves.
--   * Another system is the system of record: the employee that HRIS number names, else
--     the one employee with the worker's work email; null when neither resolves.

{%- set workday_is_system_of_record = hr_system_of_record() == 'workday' %}

with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

{% if not workday_is_system_of_record -%}
employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

{% endif -%}

latest_snapshots as (

    select
        workers.*,
        row_number() over (
            partition by workday_worker_id
            order by snapshot_on desc
        ) as recency

    from workers

),

latest as (

    select
        workday_worker_id,
        hris_employee_number,
        work_email

    from latest_snapshots
    where recency = 1

),

{% if workday_is_system_of_record -%}
legacy_number_counts as (

    select
        hris_employee_number,
        count(*) as worker_count

    from latest
    where hris_employee_number is not null
    group by hris_employee_number

),

resolved as (

    select
        latest.workday_worker_id,
        latest.work_email,
        case
            when legacy_number_counts.worker_count = 1 then latest.hris_employee_number
            else latest.workday_worker_id
        end as employee_id,
        case
            when legacy_number_counts.worker_count = 1 then 'employee_number'
            else 'workday_worker_id'
        end as match_method

    from latest
    left join legacy_number_counts
        on latest.hris_employee_number = legacy_number_counts.hris_employee_number

)
{%- else -%}
unique_work_emails as (

    select
        work_email,
        min(employee_id) as employee_id

    from employees
    where work_email is not null
    group by work_email
    having count(*) = 1

),

matched as (

    select
        latest.workday_worker_id,
        latest.work_email,
        by_number.employee_id as employee_id_by_number,
        unique_work_emails.employee_id as employee_id_by_email

    from latest
    left join employees as by_number
        on latest.hris_employee_number = by_number.employee_id
    left join unique_work_emails
        on latest.work_email = unique_work_emails.work_email

),

resolved as (

    select
        workday_worker_id,
        work_email,
        coalesce(employee_id_by_number, employee_id_by_email) as employee_id,
        case
            when employee_id_by_number is not null then 'employee_number'
            when employee_id_by_email is not null then 'email'
        end as match_method

    from matched

)
{%- endif %},

final as (

    select
        workday_worker_id,
        work_email,
        employee_id,
        cast(match_method as {{ dbt.type_string() }}) as match_method

    from resolved

)

select * from final
