-- One row per LMS login (lower-cased), resolved to an employee by work email.
-- An email shared by two HRIS employees resolves to nobody rather than to a guess.

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

actors as (

    select distinct
        actor_email

    from statements
    where actor_email is not null

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
        actors.actor_email,
        unique_work_emails.employee_id,
        unique_work_emails.employee_id is not null as is_resolved

    from actors
    left join unique_work_emails
        on actors.actor_email = unique_work_emails.work_email

)

select * from resolved
