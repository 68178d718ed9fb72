{{ config(enabled=source_enabled('fifteen_five')) }}

-- One row per 15Five user, resolved to an HRIS employee by email (15Five holds no HRIS
-- number): only a work email exactly one employee has resolves; anything else stays null.

with

users as (

    select * from {{ ref('stg_fifteen_five__users') }}

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

resolved as (

    select
        users.fifteen_five_user_id,
        unique_work_emails.employee_id,
        case when unique_work_emails.employee_id is not null then 'email' end as match_method

    from users
    left join unique_work_emails
        on users.email = unique_work_emails.work_email

)

select * from resolved
