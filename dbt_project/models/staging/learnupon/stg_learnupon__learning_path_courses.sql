{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_learning_paths__courses', [
        '_dlt_id', '_dlt_parent_id', 'course_id', 'position',
    ]) }}

),

renamed as (

    select
        {{ to_text('_dlt_id') }} as learning_path_course_id,
        {{ to_text('_dlt_parent_id') }} as learning_path_dlt_id,
        {{ to_text('course_id') }} as learnupon_course_id,
        {{ to_integer('position') }} as position_number

    from source

)

select * from renamed
