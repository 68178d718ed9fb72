-- One row per performance-tool user, resolved to an employee: by external_user_id (the
-- HRIS employee number) when it is set and names a known employee, else by email.

with

users as (

    select * from {{ ref('stg_performance__users') }}

),

employees as (

    select * from {{ ref('int_people__hr_employees') }}

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
        users.user_id,
        users.email,
        users.external_user_id,
        by_external_id.employee_id as employee_id_by_external_id,
        unique_work_emails.employee_id as employee_id_by_email

    from users
    left join employees as by_external_id
        on users.external_user_id = by_external_id.employee_id
    left join unique_work_emails
        on users.email = unique_work_emails.work_email

),

resolved as (

    select
        user_id,
        coalesce(employee_id_by_external_id, employee_id_by_email) as employee_id,
        case
            when employee_id_by_external_id is not null then 'external_user_id'
            when employee_id_by_email is not null then 'email'
        end as match_method

    from matched

)

select * from resolved
