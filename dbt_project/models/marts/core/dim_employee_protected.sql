-- RESTRICTED: protected characteristics (gender, age band, ethnicity, birth year) of the
-- HR system of record's people, kept out of dim_employee so that the learning dashboards,
-- which read dim_employee, never carry them. Grant it only to the roles that run pay-gap
-- or adverse-impact analysis; no Superset dataset reads it.
-- Source: the HR file drop (BambooHR and Workday connectors load none of these fields),
-- for employees of the system of record (matched on the file's employee number).
-- Effective-dated like dim_employee: a new version where a row of the files gives other
-- values, dated by that row (its effective date, hire date or snapshot date); valid_to the
-- day before the next version. age_band is the file's, else derived from birth_year as of
-- the row's date (`under 25`, `25-34`, `35-44`, `45-54`, `55-64`, `65 and over`). The
-- loader keeps a birth year, never a date of birth.

{% if source_enabled('hr_files') -%}
with

records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

observations as (

    select
        records.employee_id,
        records.observed_on,
        records.gender,
        coalesce(
            records.age_band,
            case
                when records.birth_year is null then null
                when extract(year from records.observed_on) - records.birth_year < 25 then 'under 25'
                when extract(year from records.observed_on) - records.birth_year < 35 then '25-34'
                when extract(year from records.observed_on) - records.birth_year < 45 then '35-44'
                when extract(year from records.observed_on) - records.birth_year < 55 then '45-54'
                when extract(year from records.observed_on) - records.birth_year < 65 then '55-64'
                else '65 and over'
            end
        ) as age_band,
        records.ethnicity,
        records.birth_year,
        records.record_id

    from records
    inner join employees
        on records.employee_id = employees.employee_id
    where records.gender is not null
        or records.age_band is not null
        or records.ethnicity is not null
        or records.birth_year is not null

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
        record_id

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
        cast('hr_files' as {{ dbt.type_string() }}) as source_system,
        cast(record_id as {{ dbt.type_string() }}) as source_record_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'next_valid_from') }} as date) as valid_to,
        next_valid_from is null as is_current

    from versions

)

select * from final
{%- else -%}
-- the file drop is switched off: no source of protected characteristics
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
