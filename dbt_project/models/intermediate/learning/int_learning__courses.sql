-- Courses known to the warehouse: every course in LMS statements, in a LearnUpon catalogue
-- or in the framework's course map or course catalogue, one row per course_id.
--   * course_name: LearnUpon's catalogue title for its courses; else the latest name the
--     LMS sent in xAPI statements (by stored time); null for a course only mapped.
--   * provider: the learning system that delivers the course: `learnupon` for a course in
--     its catalogue, `lms` for one seen in xAPI statements (the source_system of its
--     activities), null for a course only in the framework's course map.
--   * duration_hours, list_price_amount, currency_code: from the LearnUpon catalogue; null
--     for other courses (xAPI sends no catalogue: see DECISIONLOG.md).
--   * modality: how the course is delivered (seed course_modalities): as L&D declares it in
--     the framework's course catalogue, else from the xAPI activity type most statements
--     about the course object carry, through seed course_modality_map. Null when no source
--     says (LearnUpon's course API has no course type), never guessed; modality_source
--     names which said it. language_code, audience and cost_model come from the catalogue.
-- Versions of a LearnUpon course share its code (course_id): the highest version (then the
-- highest LearnUpon id) gives the name, duration and price.

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

catalogue as (

    select * from {{ ref('stg_framework__course_catalogue') }}

),

{% if source_enabled('learnupon') -%}
learnupon_courses as (

    select * from {{ ref('stg_learnupon__courses') }}

),

learnupon_versions as (

    select
        course_id,
        course_name,
        duration_hours,
        list_price_amount,
        currency_code,
        row_number() over (
            partition by course_id
            order by
                coalesce(course_version, 0) desc,
                length(learnupon_course_id) desc,
                learnupon_course_id desc
        ) as version_rank

    from learnupon_courses

),

learnupon_catalogue as (

    select
        course_id,
        course_name,
        cast(duration_hours as double precision) as duration_hours,
        cast(list_price_amount as double precision) as list_price_amount,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code

    from learnupon_versions
    where version_rank = 1

),

{%- else -%}
learnupon_catalogue as (

    select
        cast(null as {{ dbt.type_string() }}) as course_id,
        cast(null as {{ dbt.type_string() }}) as course_name,
        cast(null as double precision) as duration_hours,
        cast(null as double precision) as list_price_amount,
        cast(null as {{ dbt.type_string() }}) as currency_code

    where 1 = 0

),

{%- endif %}

modality_map as (

    select * from {{ ref('course_modality_map') }}

),

xapi_activity_types as (

    select
        course_id,
        object_definition_type,
        count(*) as statement_count

    from statements
    where course_id is not null
        and object_definition_type is not null
    group by course_id, object_definition_type

),

xapi_modalities as (

    select
        ranked.course_id,
        modality_map.modality

    from (
        select
            course_id,
            object_definition_type,
            row_number() over (
                partition by course_id
                order by statement_count desc, object_definition_type
            ) as type_rank

        from xapi_activity_types
    ) as ranked
    inner join modality_map
        on modality_map.source_system = 'xapi'
        and ranked.object_definition_type = modality_map.source_value
    where ranked.type_rank = 1

),

named_mentions as (

    select
        course_id,
        object_name as course_name,
        row_number() over (
            partition by course_id
            order by stored_at desc, occurred_at desc, statement_id desc
        ) as recency_rank

    from statements
    where course_id is not null
        and object_name is not null

),

latest_names as (

    select
        course_id,
        course_name

    from named_mentions
    where recency_rank = 1

),

xapi_course_ids as (

    select distinct course_id from statements where course_id is not null

),

course_ids as (

    select course_id from xapi_course_ids
    union
    select course_id from learnupon_catalogue
    union
    select course_id from course_capabilities
    union
    select course_id from catalogue

),

courses as (

    select
        course_ids.course_id,
        coalesce(learnupon_catalogue.course_name, latest_names.course_name) as course_name,
        cast(
            case
                when learnupon_catalogue.course_id is not null then 'learnupon'
                when xapi_course_ids.course_id is not null then 'lms'
            end
            as {{ dbt.type_string() }}
        ) as provider,
        learnupon_catalogue.duration_hours,
        learnupon_catalogue.list_price_amount,
        learnupon_catalogue.currency_code,
        cast(coalesce(catalogue.modality, xapi_modalities.modality) as {{ dbt.type_string() }}) as modality,
        cast(
            case
                when catalogue.modality is not null then 'framework'
                when xapi_modalities.modality is not null then 'xapi'
            end
            as {{ dbt.type_string() }}
        ) as modality_source,
        catalogue.language_code,
        catalogue.audience,
        catalogue.cost_model

    from course_ids
    left join latest_names
        on course_ids.course_id = latest_names.course_id
    left join xapi_course_ids
        on course_ids.course_id = xapi_course_ids.course_id
    left join learnupon_catalogue
        on course_ids.course_id = learnupon_catalogue.course_id
    left join xapi_modalities
        on course_ids.course_id = xapi_modalities.course_id
    left join catalogue
        on course_ids.course_id = catalogue.course_id

)

select * from courses
