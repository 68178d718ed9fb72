{{ config(enabled=source_enabled('culture_amp')) }}

-- One row per Culture Amp employee, resolved to an HRIS employee: by the HRIS employee
-- number Culture Amp syncs from the HRIS (`employeeId`) when it names a known employee,
-- else by email against a work email only one employee has (the rule Lattice users follow).

with

culture_amp_employees as (

    select * from {{ ref('stg_culture_amp__employees') }}

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
        culture_amp_employees.culture_amp_employee_id,
        by_number.employee_id as employee_id_by_number,
        unique_work_emails.employee_id as employee_id_by_email

    from culture_amp_employees
    left join employees as by_number
        on culture_amp_employees.hris_employee_number = by_number.employee_id
    left join unique_work_emails
        on culture_amp_employees.email = unique_work_emails.work_email

),

resolved as (

    select
        culture_amp_employee_id,
        coalesce(employee_id_by_number, employee_id_by_email) as employee_id,
        case
            when employee_id_by_number is not null then 'employee_number'
            when employee_id_by_email is not null then 'email'
        end as match_method

    from matched

)

select * from resolved
