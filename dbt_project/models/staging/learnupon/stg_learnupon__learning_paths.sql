{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_learning_paths', [
        'id', 'name', 'status', '_dlt_id',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as learning_path_id,
        {{ to_text('name') }} as learning_path_name,
        {{ to_text('status') }} as learning_path_status,
        {{ to_text(column_or_null('raw_lms', 'learnupon_learning_paths', 'description')) }} as description,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'learnupon_learning_paths', 'created_at')) }} as created_at,
        {{ to_text('_dlt_id') }} as learning_path_dlt_id

    from source

)

select * from renamed
