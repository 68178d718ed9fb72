{{ config(enabled=source_enabled('bamboohr')) }}

-- BambooHR's employment status history in the shape of the HR interface
-- (int_people__hr_employment_events): hires, re-hires, status changes and terminations
-- (`Terminated` rows; the date is the last day employed). event_sequence orders an
-- employee's rows by date, then by row id (numeric text: by length, then text), the order
-- in which int_people__employee_history reads them.

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

employment_status as (

    select * from {{ ref('stg_hris__employment_status') }}

),

events as (

    select
        employees.employee_id,
        employment_status.effective_on,
        employment_status.is_termination,
        employment_status.employment_status,
        cast(null as {{ dbt.type_string() }}) as termination_reason,
        case
            when employment_status.is_termination
                and lower(employment_status.termination_type) in ('voluntary', 'involuntary')
                then lower(employment_status.termination_type)
        end as termination_type,
        employment_status.employment_status_id as source_record_id,
        row_number() over (
            partition by employees.employee_id
            order by
                employment_status.effective_on,
                length(employment_status.employment_status_id),
                employment_status.employment_status_id
        ) as event_sequence

    from employment_status
    inner join employees
        on employment_status.employee_bamboo_id = employees.employee_bamboo_id
    where employment_status.effective_on is not null

),

final as (

    select
        employee_id,
        effective_on,
        is_termination,
        employment_status,
        termination_reason,
        cast(termination_type as {{ dbt.type_string() }}) as termination_type,
        cast(event_sequence as integer) as event_sequence,
        source_record_id

    from events

)

select * from final
