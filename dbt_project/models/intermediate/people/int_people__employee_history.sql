-- Employee history as SCD2 versions, one per employee per effective job record.
--   * valid_from is the job record's effective date; the first version starts at the
--     hire date when HRIS dates the first job record later than the hire.
--   * valid_to is the day before the next version starts; null on the last version,
--     which is the current one (also for terminated employees: it holds their last state).
--   * Two job records on the same date: the later record (higher numeric id) wins.
--   * reports_to is a display name; it becomes manager_employee_id only when exactly one
--     employee has that display name, otherwise the manager is left unknown (null).
--   * An employee without any job record gets one version from the current HRIS record
--     (manager from supervisor_e_id), starting at the hire date.
{{ config(materialized='table') }}

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

job_info as (

    select * from {{ ref('stg_hris__job_info') }}

),

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

unique_display_names as (

    select
        lower(display_name) as display_name_key,
        min(employee_id) as employee_id

    from employees
    where display_name is not null
    group by lower(display_name)
    having count(*) = 1

),

job_records as (

    select
        employees.employee_id,
        job_info.job_info_id,
        job_info.effective_on,
        job_info.job_title,
        job_info.department_name,
        job_info.division_name,
        managers.employee_id as manager_employee_id

    from job_info
    inner join employees
        on job_info.employee_bamboo_id = employees.employee_bamboo_id
    left join unique_display_names as managers
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

job_records_deduplicated as (

    select
        employee_id,
        effective_on,
        job_title,
        department_name,
        division_name,
        manager_employee_id

    from job_records_ranked
    where same_day_rank = 1

),

employees_without_job_records as (

    select
        employees.employee_id,
        employees.hire_date as effective_on,
        employees.job_title,
        employees.department_name,
        employees.division_name,
        supervisors.employee_id as manager_employee_id

    from employees
    left join employees as supervisors
        on employees.supervisor_bamboo_id = supervisors.employee_bamboo_id
    where not exists (
        select 1
        from job_info
        where job_info.employee_bamboo_id = employees.employee_bamboo_id
    )

),

versions as (

    select * from job_records_deduplicated
    union all
    select * from employees_without_job_records

),

versions_ordered as (

    select
        versions.*,
        row_number() over (
            partition by employee_id
            order by effective_on
        ) as version_number,
        lead(effective_on) over (
            partition by employee_id
            order by effective_on
        ) as next_effective_on

    from versions

),

versions_windowed as (

    select
        versions_ordered.employee_id,
        versions_ordered.job_title,
        versions_ordered.department_name,
        versions_ordered.division_name,
        versions_ordered.manager_employee_id,
        case
            when versions_ordered.version_number = 1
                and employees.hire_date < versions_ordered.effective_on
                then employees.hire_date
            else versions_ordered.effective_on
        end as valid_from,
        cast({{ dbt.dateadd('day', -1, 'versions_ordered.next_effective_on') }} as date) as valid_to,
        versions_ordered.next_effective_on is null as is_current,
        concat_ws(' ', employees.first_name, employees.last_name) as full_name,
        employees.work_email,
        employees.hire_date,
        employees.termination_date,
        case
            when versions_ordered.next_effective_on is null then employees.employment_status
            else 'Active'
        end as employment_status

    from versions_ordered
    inner join employees
        on versions_ordered.employee_id = employees.employee_id

),

job_profiles_by_title as (

    select
        lower(job_title) as job_title_key,
        job_profile_id,
        job_level

    from job_profiles

),

final as (

    select
        {{ dbt.concat([
            'versions_windowed.employee_id',
            "'-'",
            'cast(versions_windowed.valid_from as ' ~ dbt.type_string() ~ ')',
        ]) }} as employee_key,
        versions_windowed.employee_id,
        versions_windowed.full_name,
        versions_windowed.work_email,
        {{ org_unit_id('versions_windowed.division_name', 'versions_windowed.department_name') }} as org_unit_id,
        versions_windowed.department_name,
        versions_windowed.division_name,
        versions_windowed.job_title,
        job_profiles_by_title.job_profile_id,
        job_profiles_by_title.job_level,
        versions_windowed.manager_employee_id,
        versions_windowed.employment_status,
        versions_windowed.hire_date,
        versions_windowed.termination_date,
        versions_windowed.valid_from,
        versions_windowed.valid_to,
        versions_windowed.is_current

    from versions_windowed
    left join job_profiles_by_title
        on lower(versions_windowed.job_title) = job_profiles_by_title.job_title_key

)

select * from final
