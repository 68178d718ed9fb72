{{ config(enabled=source_enabled('hr_files')) }}

-- HR file drop job history in the shape of the HR interface (int_people__hr_job_records):
-- the deduplicated rows (int_people__hr_file_records) of each person in date order, one
-- record where the job, department, division, location, manager or employment period
-- changes, dated by the first row showing it (for snapshots: the first snapshot, as dbt
-- snapshots and the Workday branch do). Rows that describe a person on or after their
-- termination (a leaver still listed, a termination row) carry no job and are left out.
-- The manager is the manager's employee number when the file gives one (`unknown` when no
-- row carries that number), else the manager's name, matched case-insensitively against
-- every person's `First Last`, `Last, First` and full name as the files give them: only a
-- name exactly one person has resolves; a shared name is `ambiguous`, a name nobody has
-- `unknown` (both stay null, mart_hr_data_health counts them).

with

records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

employment_events as (

    select * from {{ ref('int_people__hr_file_employment_events') }}

),

people as (

    select distinct employee_id

    from records

),

latest_named_records as (

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

name_forms as (

    select employee_id, lower(trim(full_name)) as name_key from latest_named_records where recency = 1
    union
    select employee_id, lower(trim(concat_ws(' ', first_name, last_name))) as name_key
    from latest_named_records where recency = 1 and first_name is not null and last_name is not null
    union
    select employee_id, lower(trim(concat_ws(', ', last_name, first_name))) as name_key
    from latest_named_records where recency = 1 and first_name is not null and last_name is not null

),

name_key_counts as (

    select
        name_key,
        min(employee_id) as employee_id,
        count(distinct employee_id) as employee_count

    from name_forms
    where name_key is not null
    group by name_key

),

periods as (

    {{ employment_periods('employment_events') }}

),

observations as (

    select
        records.record_id,
        records.employee_id,
        records.observed_on,
        records.job_title,
        records.department_name,
        records.division_name,
        records.location_name,
        records.manager_name,
        case
            when records.manager_employee_id is not null then managers_by_number.employee_id
            when records.manager_name is not null and managers_by_name.employee_count = 1
                then managers_by_name.employee_id
        end as manager_employee_id,
        case
            when records.manager_employee_id is not null then
                case when managers_by_number.employee_id is not null then 'matched' else 'unknown' end
            when records.manager_name is not null then
                case
                    when managers_by_name.employee_count = 1 then 'matched'
                    when managers_by_name.employee_count > 1 then 'ambiguous'
                    else 'unknown'
                end
        end as manager_match_status

    from records
    left join people as managers_by_number
        on records.manager_employee_id = managers_by_number.employee_id
    left join name_key_counts as managers_by_name
        on lower(trim(records.manager_name)) = managers_by_name.name_key
    where not records.is_termination_status
        and not (
            records.termination_date is not null
            and records.observed_on >= records.termination_date
            and (records.hire_date is null or records.hire_date <= records.termination_date)
        )

),

observation_periods as (

    -- the employment period an observation falls in: the latest one started on or before it
    select
        observations.record_id,
        coalesce(max(periods.period_number), 1) as period_number

    from observations
    left join periods
        on observations.employee_id = periods.employee_id
        and periods.period_start_on <= observations.observed_on
    group by observations.record_id

),

changes as (

    select
        observations.*,
        observation_periods.period_number,
        case
            when lag(observations.observed_on) over person_rows is null then 1
            when lag(observation_periods.period_number) over person_rows <> observation_periods.period_number then 1
            when lag(observations.job_title) over person_rows is distinct from observations.job_title then 1
            when lag(observations.department_name) over person_rows is distinct from observations.department_name then 1
            when lag(observations.division_name) over person_rows is distinct from observations.division_name then 1
            when lag(observations.location_name) over person_rows is distinct from observations.location_name then 1
            when lag(observations.manager_employee_id) over person_rows
                is distinct from observations.manager_employee_id then 1
            else 0
        end as is_change

    from observations
    inner join observation_periods
        on observations.record_id = observation_periods.record_id
    window person_rows as (partition by observations.employee_id order by observations.observed_on)

),

final as (

    select
        employee_id,
        observed_on as effective_on,
        job_title,
        department_name,
        division_name,
        location_name,
        manager_employee_id,
        manager_name,
        cast(manager_match_status as {{ dbt.type_string() }}) as manager_match_status,
        record_id as source_record_id

    from changes
    where is_change = 1

)

select * from final
