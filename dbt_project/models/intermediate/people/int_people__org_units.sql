-- Every department (within its division) that appears in the job history or in the
-- current record of the HR system of record, keyed by the slug of division + department.

with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

job_records as (

    select * from {{ ref('int_people__hr_job_records') }}

),

department_mentions as (

    select
        division_name,
        department_name

    from job_records

    union all

    select
        division_name,
        department_name

    from employees

),

keyed as (

    select
        {{ org_unit_id('division_name', 'department_name') }} as org_unit_id,
        department_name,
        division_name

    from department_mentions

),

org_units as (

    select
        org_unit_id,
        min(department_name) as org_unit_name,
        min(division_name) as division_name

    from keyed
    where org_unit_id is not null
    group by org_unit_id

)

select * from org_units
