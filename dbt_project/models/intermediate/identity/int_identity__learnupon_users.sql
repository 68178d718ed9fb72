{{ config(enabled=source_enabled('learnupon')) }}

-- One row per LearnUpon user, resolved to an employee of the HR system of record: by the
-- HRIS employee number the portal keeps in its `employee_number` custom user field when
-- it names a known employee, else by email against a work email only one employee has
-- (the rule Culture Amp employees follow). Anything else stays null: a contractor or an
-- email two employees share resolves to nobody rather than to a guess.

with

users as (

    select * from {{ ref('stg_learnupon__users') }}

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
        users.learnupon_user_id,
        users.email,
        by_number.employee_id as employee_id_by_number,
        unique_work_emails.employee_id as employee_id_by_email

    from users
    left join employees as by_number
        on users.hris_employee_number = by_number.employee_id
    left join unique_work_emails
        on users.email = unique_work_emails.work_email

),

resolved as (

    select
        learnupon_user_id,
        email,
        coalesce(employee_id_by_number, employee_id_by_email) as employee_id,
        cast(
            case
                when employee_id_by_number is not null then 'employee_number'
                when employee_id_by_email is not null then 'email'
            end
            as {{ dbt.type_string() }}
        ) as match_method

    from matched

)

select * from resolved
