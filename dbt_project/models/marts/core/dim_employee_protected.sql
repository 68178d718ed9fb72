-- RESTRICTED: protected characteristics (gender, age band, ethnicity, birth year) of the
-- HR system of record's people, kept out of dim_employee so that the learning dashboards,
-- which read dim_employee, never carry them. Grant it only to the roles that run pay-gap
-- or adverse-impact analysis; no Superset dataset reads it.
-- Sources, for employees of the system of record (int_people__hr_employees):
--   bamboohr  when BambooHR is the system of record (HR_SYSTEM_OF_RECORD, macro
--             hr_system_of_record): its `gender`, `ethnicity` and `dateOfBirth` fields
--             (int_people__bamboohr_protected_records). BambooHR reports current values
--             only: one version per person, from their first hire.
--   hr_files  the HR file drop, for everyone BambooHR gives no value for (all the people
--             of a Workday or files-only system of record), matched on the employee number.
-- Effective-dated like dim_employee: a new version where a row of the files gives other
-- values, dated by that row (its effective date, hire date or snapshot date); valid_to the
-- day before the next version. age_band is the file's, else derived from birth_year as of
-- the row's date (`under 25`, `25-34`, `35-44`, `45-54`, `55-64`, `65 and over`). Both
-- loaders keep a birth year, never a date of birth.

{%- set from_bamboohr = hr_system_of_record() == 'bamboohr' %}
{%- set from_files = source_enabled('hr_files') %}

{% if from_bamboohr or from_files -%}
with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),
{%- if from_bamboohr %}

bamboohr_records as (

    select * from {{ ref('int_people__bamboohr_protected_records') }}

),
{%- endif %}
{%- if from_files %}

file_records as (

    select * from {{ ref('int_people__hr_file_records') }}

),
{%- endif %}

records as (

    {%- if from_bamboohr %}
    select
        employee_id,
        observed_on,
        gender,
        age_band,
        ethnicity,
        birth_year,
        source_record_id as record_id,
        cast('bamboohr' as {{ dbt.type_string() }}) as source_system

    from bamboohr_records
    {%- endif %}
    {%- if from_bamboohr and from_files %}

    union all
    {% endif %}
    {%- if from_files %}
    select
        employee_id,
        observed_on,
        gender,
        age_band,
        ethnicity,
        birth_year,
        record_id,
        cast('hr_files' as {{ dbt.type_string() }}) as source_system

    from file_records
    where (gender is not null
        or age_band is not null
        or ethnicity is not null
        or birth_year is not null)
    {%- if from_bamboohr %}
        -- the system of record's own values win; the file fills in for the others
        and employee_id not in (select employee_id from bamboohr_records)
    {%- endif %}
    {%- endif %}

),

observations as (

    select
        records.employee_id,
        records.observed_on,
        records.gender,
        coalesce(
            records.age_band,
            {{ age_band_from_birth_year('records.birth_year', 'records.observed_on') }}
        ) as age_band,
        records.ethnicity,
        records.birth_year,
        records.record_id,
        records.source_system

    from records
    inner join employees
        on records.employee_id = employees.employee_id

),

changes as (

    select
        observations.*,
        case
            when lag(observed_on) over person_rows is null then 1
            when lag(gender) over person_rows is distinct from gender then 1
            when lag(age_band) over person_rows is distinct from age_band then 1
            when lag(ethnicity) over person_rows is distinct from ethnicity then 1
            when lag(birth_year) over person_rows is distinct from birth_year then 1
            else 0
        end as is_change

    from observations
    window person_rows as (partition by employee_id order by observed_on)

),

versions as (

    select
        employee_id,
        observed_on as valid_from,
        lead(observed_on) over (partition by employee_id order by observed_on) as next_valid_from,
        gender,
        age_band,
        ethnicity,
        birth_year,
        record_id,
        source_system

    from changes
    where is_change = 1

),

final as (

    select
        {{ dbt.concat(['employee_id', "'-'", 'cast(valid_from as ' ~ dbt.type_string() ~ ')']) }}
            as employee_protected_key,
        employee_id,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
        cast(birth_year as integer) as birth_year,
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(record_id as {{ dbt.type_string() }}) as source_record_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'next_valid_from') }} as date) as valid_to,
        next_valid_from is null as is_current

    from versions

)

select * from final
{%- else -%}
-- HR file drop switched off and BambooHR not the system of record: no source of protected characteristics
select
    cast(null as {{ dbt.type_string() }}) as employee_protected_key,
    cast(null as {{ dbt.type_string() }}) as employee_id,
    cast(null as {{ dbt.type_string() }}) as gender,
    cast(null as {{ dbt.type_string() }}) as age_band,
    cast(null as {{ dbt.type_string() }}) as ethnicity,
    cast(null as integer) as birth_year,
    cast(null as {{ dbt.type_string() }}) as source_system,
    cast(null as {{ dbt.type_string() }}) as source_record_id,
    cast(null as date) as valid_from,
    cast(null as date) as valid_to,
    cast(null as boolean) as is_current
where 1 = 0
{%- endif %}
