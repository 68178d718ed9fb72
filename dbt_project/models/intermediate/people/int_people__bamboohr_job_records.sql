{{ config(enabled=source_enabled('bamboohr')) }}

-- BambooHR job history in the shape of the HR interface (int_people__hr_job_records): one
-- row per employee and effective date.
--   * Two job records on the same date: the later record (higher numeric id) wins; ids
--     arrive as text, so they are ordered by length, then text.
--   * `reportsTo` is a display name (`Last, First`): it becomes manager_employee_id only
--     when exactly one employee has that display name (case-insensitive); otherwise the
--     manager stays unknown and manager_match_status says why (`ambiguous`, `unknown`).

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

job_info as (

    select * from {{ ref('stg_hris__job_info') }}

),

display_name_counts as (

    select
        lower(display_name) as display_name_key,
        min(employee_id) as employee_id,
        count(*) as employee_count

    from employees
    where display_name is not null
    group by lower(display_name)

),

job_records as (

    select
        employees.employee_id,
        job_info.job_info_id,
        job_info.effective_on,
        job_info.job_title,
        job_info.department_name,
        job_info.division_name,
        job_info.location_name,
        job_info.reports_to_display_name as manager_name,
        case when managers.employee_count = 1 then managers.employee_id end as manager_employee_id,
        case
            when job_info.reports_to_display_name is null then null
            when managers.employee_count = 1 then 'matched'
            when managers.employee_count > 1 then 'ambiguous'
            else 'unknown'
        end as manager_match_status

    from job_info
    inner join employees
        on job_info.employee_bamboo_id = employees.employee_bamboo_id
    left join display_name_counts as managers
        on lower(job_info.reports_to_display_name) = managers.display_name_key

),

job_records_ranked as (

    select
        job_records.*,
        row_number() over (
            partition by employee_id, effective_on
            order by length(job_info_id) desc, job_info_id desc
        ) as same_day_rank

    from job_records

),

final as (

    select
        employee_id,
        effective_on,
        job_title,
        department_name,
        division_name,
        location_name,
        manager_employee_id,
        manager_name,
        cast(manager_match_status as {{ dbt.type_string() }}) as manager_match_status,
        job_info_id as source_record_id

    from job_records_ranked
    where same_day_rank = 1

)

select * from final
