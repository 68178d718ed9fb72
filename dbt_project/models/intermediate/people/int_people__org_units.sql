-- Every department (within its division) that appears in job history or in the
-- current HRIS record, keyed by the slug of division + department.

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

job_info as (

    select * from {{ ref('stg_hris__job_info') }}

),

department_mentions as (

    select
        division_name,
        department_name

    from job_info

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
