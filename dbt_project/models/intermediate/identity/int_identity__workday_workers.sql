{{ config(enabled=source_enabled('workday')) }}

-- One row per Workday worker (across all snapshots), resolved to an HRIS employee: by the
-- HRIS number the tenant keeps (`Legacy_Employee_Number`) when it names a known employee,
-- else by the work email of the worker's latest snapshot, when one employee has it.

with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

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

select * from resolved
