-- Effective-dated base pay from the HR file drop, where an export gives it (pay_amount,
-- pay_currency, pay_frequency, fte or weekly_hours): one row per employee and date the pay
-- took effect (the row's effective date, hire date or snapshot date; a snapshot repeating
-- the same pay starts nothing). BambooHR and Workday send no pay, so without file rows this
-- is empty and participant time keeps the pay_bands seed.
--   * pay_amount is what the person is paid per pay_frequency for the fte they work
--     (payroll's view: a half-time employee on 27 000 a year has fte 0.5); fte is the
--     file's, else weekly_hours / var('full_time_weekly_hours'), else 1;
--   * annual full-time pay = pay_amount x periods a year (annual 1, monthly 12,
--     semimonthly 24, biweekly 26, weekly 52) / fte; hourly pay = that / var('working_hours_per_year'),
--     or pay_amount itself when paid by the hour;
--   * a row with a frequency not listed above is left out (a monthly salary read as
--     annual would be priced twelve times too low); a row without a currency is in
--     var('reporting_currency').
-- Rows are keyed by the file's employee number, the canonical key when the files are the
-- system of record; with another system of record they apply to the people whose number
-- the files carry.
{{ config(materialized='table') }}

{%- set periods_a_year = {
    'annual': 1, 'annually': 1, 'yearly': 1, 'year': 1,
    'monthly': 12, 'month': 12,
    'semimonthly': 24, 'semi-monthly': 24,
    'biweekly': 26, 'bi-weekly': 26, 'fortnightly': 26,
    'weekly': 52, 'week': 52,
} %}
{%- set hourly = ['hourly', 'hour'] %}

{% if source_enabled('hr_files') -%}
with

records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

pay_rows as (

    select
        employee_id,
        observed_on as valid_from,
        pay_amount,
        lower(trim(pay_frequency)) as pay_frequency,
        coalesce(pay_currency_code, {{ dbt.string_literal(var('reporting_currency')) }}) as currency_code,
        coalesce(
            nullif(fte, 0),
            weekly_hours / {{ var('full_time_weekly_hours') }},
            1.0
        ) as fte,
        record_id

    from records
    where pay_amount is not null
        and lower(trim(pay_frequency)) in (
            {%- for name in (periods_a_year.keys() | list) + hourly %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor -%}
        )

),

changes as (

    select
        pay_rows.*,
        case
            when lag(valid_from) over employee_pay is null then 1
            when lag(pay_amount) over employee_pay <> pay_amount then 1
            when lag(pay_frequency) over employee_pay <> pay_frequency then 1
            when lag(currency_code) over employee_pay <> currency_code then 1
            when lag(fte) over employee_pay <> fte then 1
            else 0
        end as is_change

    from pay_rows
    window employee_pay as (partition by employee_id order by valid_from)

),

annualised as (

    select
        employee_id,
        valid_from,
        pay_amount,
        pay_frequency,
        currency_code,
        fte,
        case pay_frequency
            {%- for name, count in periods_a_year.items() %}
            when '{{ name }}' then pay_amount * {{ count }} / fte
            {%- endfor %}
        end as annual_full_time_pay_amount,
        record_id

    from changes
    where is_change = 1

),

final as (

    select
        employee_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'lead(valid_from) over (partition by employee_id order by valid_from)') }} as date)
            as valid_to,
        cast(pay_amount as double precision) as pay_amount,
        cast(pay_frequency as {{ dbt.type_string() }}) as pay_frequency,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(fte as double precision) as fte,
        cast(annual_full_time_pay_amount as double precision) as annual_full_time_pay_amount,
        cast(
            case
                when pay_frequency in ('hourly', 'hour') then pay_amount
                else annual_full_time_pay_amount / {{ var('working_hours_per_year') }}
            end
            as double precision
        ) as hourly_pay_amount,
        record_id as source_record_id

    from annualised

)

select * from final
{%- else -%}
-- the file drop is switched off: no pay from files
select
    cast(null as {{ dbt.type_string() }}) as employee_id,
    cast(null as date) as valid_from,
    cast(null as date) as valid_to,
    cast(null as double precision) as pay_amount,
    cast(null as {{ dbt.type_string() }}) as pay_frequency,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as double precision) as fte,
    cast(null as double precision) as annual_full_time_pay_amount,
    cast(null as double precision) as hourly_pay_amount,
    cast(null as {{ dbt.type_string() }}) as source_record_id
where 1 = 0
{%- endif %}
