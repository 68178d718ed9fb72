-- The impact engine's estimates, read from `marts.mart_learning_impact`. That table is
-- written by a Python asset (impact/), not by dbt, after the main dbt build; the models
-- tagged `impact_downstream` (this one and its readers) run in a second dbt step after it.
-- When the table does not exist yet (a first build, a fresh PostgreSQL database) the
-- model returns no rows, with the same column types, so readers show "not yet evaluated".
-- The table is found with adapter.get_relation rather than source(): dbt must not treat
-- the engine's output as an input of the main build (the engine reads that build).
--
-- Materialised as a table (a copy), so the engine can drop and rewrite its table on
-- PostgreSQL without a dependent view blocking it.
--
-- is_latest marks, per programme x outcome x method, the newest estimate (estimated_at,
-- then run_id, then the longest horizon, then plan version): what ROI reads.
{{ config(materialized='table', tags=['impact_downstream']) }}

{%- set impact_relation = none -%}
{%- if execute -%}
    {%- set impact_relation = adapter.get_relation(
        database=target.database,
        schema=generate_schema_name('marts', model) | trim,
        identifier='mart_learning_impact'
    ) -%}
{%- endif %}

{%- set columns = [
    ('plan_id', 'text'),
    ('plan_version', 'text'),
    ('programme_id', 'text'),
    ('outcome', 'text'),
    ('outcome_unit', 'text'),
    ('method', 'text'),
    ('estimate', 'double precision'),
    ('std_error', 'double precision'),
    ('ci_low', 'double precision'),
    ('ci_high', 'double precision'),
    ('p_value', 'double precision'),
    ('p_value_adjusted', 'double precision'),
    ('significant', 'boolean'),
    ('n_treated', 'integer'),
    ('n_comparison', 'integer'),
    ('pretrend_p_value', 'double precision'),
    ('mde', 'double precision'),
    ('min_effect_of_interest', 'double precision'),
    ('status', 'text'),
    ('status_reason', 'text'),
    ('conclusion', 'text'),
    ('horizon_periods', 'integer'),
    ('comparison_rule', 'text'),
    ('estimated_at', 'timestamp'),
    ('run_id', 'text'),
] %}

with

{% if impact_relation is not none %}

impact as (

    select
        {%- for name, data_type in columns %}
        cast({{ adapter.quote(name) }} as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}

    from {{ impact_relation }}

),

{% else %}

impact as (

    select
        {%- for name, data_type in columns %}
        cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}

    where 1 = 0

),

{% endif %}

ranked as (

    select
        impact.*,
        row_number() over (
            partition by programme_id, outcome, method
            order by
                estimated_at desc nulls last,
                run_id desc nulls last,
                horizon_periods desc nulls last,
                plan_version desc nulls last
        ) = 1 as is_latest

    from impact

)

select * from ranked
