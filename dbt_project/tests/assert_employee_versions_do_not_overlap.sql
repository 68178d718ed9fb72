-- SCD2 versions of one employee never overlap and leave no gap: each version ends the
-- day before the next one starts.

with

employees as (

    select * from {{ ref('dim_employee') }}

),

ordered as (

    select
        employee_id,
        employee_key,
        valid_from,
        valid_to,
        lead(valid_from) over (
            partition by employee_id
            order by valid_from
        ) as next_valid_from

    from employees

)

select *
from ordered
where valid_to < valid_from
    or (
        next_valid_from is not null
        and (
            valid_to is null
            or valid_to <> cast({{ dbt.dateadd('day', -1, 'next_valid_from') }} as date)
        )
    )
