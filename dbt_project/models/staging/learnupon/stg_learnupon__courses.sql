{{ config(enabled=source_enabled('learnupon')) }}

-- course_id is the portal's course code (`reference_code`), the warehouse's course key
-- (the one a framework course map or a finance export names); a course without a code
-- gets `learnupon-<id>`. Versions of one course share the code.

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_courses', [
        'id', 'name', 'reference_code', 'version', 'status', 'price', 'duration_minutes', 'created_at',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as learnupon_course_id,
        coalesce({{ to_text('reference_code') }}, concat('learnupon-', {{ to_text('id') }})) as course_id,
        {{ to_text('reference_code') }} as reference_code,
        {{ to_text('name') }} as course_name,
        {{ to_integer('version') }} as course_version,
        {{ to_text('status') }} as course_status,
        cast({{ to_text('price') }} as {{ dbt.type_numeric() }}) as list_price_amount,
        {{ to_text(column_or_null('raw_lms', 'learnupon_courses', 'currency')) }} as currency_code,
        {{ to_double('duration_minutes') }} / 60.0 as duration_hours,
        {{ to_text(column_or_null('raw_lms', 'learnupon_courses', 'keywords')) }} as keywords,
        {{ to_utc_timestamp('created_at') }} as created_at

    from source

)

select * from renamed
