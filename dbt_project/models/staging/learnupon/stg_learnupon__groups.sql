{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_groups', [
        'id', 'name',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as group_id,
        {{ to_text('name') }} as group_name,
        {{ to_text(column_or_null('raw_lms', 'learnupon_groups', 'description')) }} as description,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'learnupon_groups', 'created_at')) }} as created_at

    from source

)

select * from renamed
