{{ config(enabled=source_enabled('hr_files')) }}

-- HR file drop people in the shape of the HR interface (int_people__hr_employees): one row
-- per employee number the files carry.
--   * names and work email from the latest row that gives them;
--   * the current employment period from the events (macro employment_periods); the
--     status is `Inactive` once that period ended on or before the latest date the files
--     describe, else `Active` (a notice period still counts as employed);
--   * job, department, division, location and manager from the latest job record
--     (int_people__hr_file_job_records), else (someone only listed after leaving) from the
--     latest row.

with

records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

job_records as (

    select * from {{ ref('int_people__hr_file_job_records') }}

),

employment_events as (

    select * from {{ ref('int_people__hr_file_employment_events') }}

),

data_as_of as (

    select max(observed_on) as observed_on

    from records

),

latest_records_ranked as (

    select
        records.*,
        row_number() over (
            partition by employee_id
            order by observed_on desc, as_of_on desc nulls last, load_order desc nulls last, record_id desc
        ) as recency

    from records

),

latest_records as (

    select * from latest_records_ranked
    where recency = 1

),

latest_named_records_ranked as (

    select
        employee_id,
        first_name,
        last_name,
        full_name,
        row_number() over (
            partition by employee_id
            order by observed_on desc, as_of_on desc nulls last, load_order desc nulls last, record_id desc
        ) as recency

    from records
    where coalesce(first_name, last_name, full_name) is not null

),

latest_named_records as (

    select * from latest_named_records_ranked
    where recency = 1

),

latest_emails_ranked as (

    select
        employee_id,
        work_email,
        row_number() over (
            partition by employee_id
            order by observed_on desc, as_of_on desc nulls last, load_order desc nulls last, record_id desc
        ) as recency

    from records
    where work_email is not null

),

latest_emails as (

    select * from latest_emails_ranked
    where recency = 1

),

latest_job_records_ranked as (

    select
        job_records.*,
        row_number() over (
            partition by employee_id
            order by effective_on desc
        ) as recency

    from job_records

),

latest_job_records as (

    select * from latest_job_records_ranked
    where recency = 1

),

periods as (

    {{ employment_periods('employment_events') }}

),

current_periods_ranked as (

    select
        periods.*,
        row_number() over (
            partition by employee_id
            order by period_number desc
        ) as recency

    from periods

),

current_periods as (

    select * from current_periods_ranked
    where recency = 1

),

final as (

    select
        latest_records.employee_id,
        cast(null as {{ dbt.type_string() }}) as source_employee_id,
        latest_named_records.first_name,
        latest_named_records.last_name,
        case
            when latest_named_records.first_name is not null and latest_named_records.last_name is not null
                then concat_ws(', ', latest_named_records.last_name, latest_named_records.first_name)
            else latest_named_records.full_name
        end as display_name,
        coalesce(
            latest_named_records.full_name,
            nullif(concat_ws(' ', latest_named_records.first_name, latest_named_records.last_name), '')
        ) as full_name,
        latest_emails.work_email,
        coalesce(current_periods.period_start_on, latest_records.hire_date, latest_records.observed_on) as hire_date,
        current_periods.period_end_on as termination_date,
        case
            when current_periods.period_end_on <= data_as_of.observed_on then 'Inactive'
            else 'Active'
        end as employment_status,
        case when latest_job_records.employee_id is not null then latest_job_records.job_title
            else latest_records.job_title end as job_title,
        case when latest_job_records.employee_id is not null then latest_job_records.department_name
            else latest_records.department_name end as department_name,
        case when latest_job_records.employee_id is not null then latest_job_records.division_name
            else latest_records.division_name end as division_name,
        case when latest_job_records.employee_id is not null then latest_job_records.location_name
            else latest_records.location_name end as location_name,
        latest_job_records.manager_employee_id

    from latest_records
    cross join data_as_of
    left join latest_named_records
        on latest_records.employee_id = latest_named_records.employee_id
    left join latest_emails
        on latest_records.employee_id = latest_emails.employee_id
    left join latest_job_records
        on latest_records.employee_id = latest_job_records.employee_id
    left join current_periods
        on latest_records.employee_id = current_periods.employee_id

)

select * from final
