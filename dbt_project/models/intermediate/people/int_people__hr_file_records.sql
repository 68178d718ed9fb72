{{ config(enabled=source_enabled('hr_files')) }}

-- HR file drop rows, one per employee and date they describe, the first step of the file
-- branch of the HR interface. Every row is an observation of a person on a date:
--   * `change`   a history row with an effective date: the values from that date;
--   * `spell`    a history row without one (one row per employment spell): the values
--                from the spell's hire date (else original hire, else termination date);
--   * `snapshot` a row of a snapshot file: the values as of the file's date (as_of_on).
-- A customer may drop overlapping exports: rows for the same employee and date collapse
-- to one. When they disagree the row of the later as-of date wins, then the later load,
-- then the file whose name sorts last (exports named by date), then the content hash and
-- line (so the choice never depends on the order rows are read). Rows with no date at all
-- cannot be placed in time and are left out (mart_hr_data_health counts them).

with

records as (

    select * from {{ ref('stg_hr_files__records') }}

),

classified as (

    select
        records.*,
        case
            when records.shape = 'snapshot' then 'snapshot'
            when records.effective_on is not null then 'change'
            else 'spell'
        end as record_kind,
        case
            when records.shape = 'snapshot' then coalesce(records.as_of_on, records.effective_on)
            when records.effective_on is not null then records.effective_on
            else coalesce(records.hire_date, records.original_hire_date, records.termination_date)
        end as observed_on,
        {{ to_double('records.dlt_load_id') }} as load_order

    from records

),

ranked as (

    select
        classified.*,
        row_number() over (
            partition by classified.employee_id, classified.observed_on
            order by
                classified.as_of_on desc nulls last,
                classified.load_order desc nulls last,
                classified.source_file desc nulls last,
                classified.file_sha256 desc,
                classified.source_line desc
        ) as precedence

    from classified
    where classified.observed_on is not null

),

final as (

    select
        {{ dbt.concat(['file_sha256', "':'", 'cast(source_line as ' ~ dbt.type_string() ~ ')']) }} as record_id,
        employee_id,
        cast(record_kind as {{ dbt.type_string() }}) as record_kind,
        observed_on,
        as_of_on,
        shape,
        first_name,
        last_name,
        full_name,
        work_email,
        effective_on,
        hire_date,
        original_hire_date,
        termination_date,
        termination_reason,
        case
            when lower(termination_type) in ('voluntary', 'involuntary') then lower(termination_type)
        end as termination_type,
        employment_status,
        coalesce(lower(employment_status) in ('terminated', 'inactive', 'left', 'leaver'), false)
            as is_termination_status,
        job_title,
        job_code,
        department_name,
        division_name,
        cost_centre,
        location_name,
        manager_employee_id,
        manager_name,
        fte,
        weekly_hours,
        pay_amount,
        pay_currency_code,
        pay_frequency,
        gender,
        age_band,
        ethnicity,
        birth_year,
        source_file,
        file_sha256,
        source_line,
        load_order

    from ranked
    where precedence = 1

)

select * from final
