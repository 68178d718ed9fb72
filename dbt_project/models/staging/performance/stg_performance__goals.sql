with

source as (

    select * from {{ optional_source('raw_performance', 'goals', [
        'id', 'owner_id', 'title', 'target_value', 'current_value', 'status', 'start_date', 'due_date', 'updated_at',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as goal_id,
        {{ to_text('owner_id') }} as owner_user_id,
        {{ to_text('title') }} as goal_title,
        {{ to_double(column_or_null('raw_performance', 'goals', 'target_value')) }} as target_value,
        {{ to_double(column_or_null('raw_performance', 'goals', 'current_value')) }} as current_value,
        lower({{ to_text('status') }}) as goal_status,
        {{ to_date(column_or_null('raw_performance', 'goals', 'start_date')) }} as start_on,
        {{ to_date(column_or_null('raw_performance', 'goals', 'due_date')) }} as due_on,
        {{ to_utc_timestamp(column_or_null('raw_performance', 'goals', 'updated_at')) }} as updated_at

    from source

)

select * from renamed
