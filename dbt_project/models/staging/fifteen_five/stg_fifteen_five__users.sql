{{ config(enabled=source_enabled('fifteen_five')) }}

with

source as (

    select * from {{ optional_source('raw_performance', 'fifteen_five_users', [
        'id', 'email', 'first_name', 'last_name', 'is_active', 'reviewer_id',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as fifteen_five_user_id,
        lower({{ to_text('email') }}) as email,
        {{ to_text('first_name') }} as first_name,
        {{ to_text('last_name') }} as last_name,
        {{ to_boolean('is_active') }} as is_active,
        {{ to_text(column_or_null('raw_performance', 'fifteen_five_users', 'reviewer_id')) }} as reviewer_user_id

    from source

)

select * from renamed
