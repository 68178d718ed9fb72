-- Every employee has exactly one current version in dim_employee, and it is the one
-- without a valid_to.

with

employees as (

    select * from {{ ref('dim_employee') }}

),

per_employee as (

    select
        employee_id,
        sum(case when is_current then 1 else 0 end) as current_versions,
        sum(case when is_current and valid_to is not null then 1 else 0 end) as current_versions_with_end,
        sum(case when not is_current and valid_to is null then 1 else 0 end) as past_versions_without_end

    from employees
    group by employee_id

)

select *
from per_employee
where current_versions <> 1
    or current_versions_with_end > 0
    or past_versions_without_end > 0
