with

source as (

    select * from {{ source('raw_performance', 'reviews') }}

),

renamed as (

    select
        {{ to_text('id') }} as review_id,
        {{ to_text('_dlt_id') }} as review_dlt_id,
        {{ to_text('review_cycle_id') }} as review_cycle_id,
        {{ to_text('reviewee_id') }} as reviewee_user_id,
        {{ to_text('reviewer_id') }} as reviewer_user_id,
        lower({{ to_text('review_type') }}) as review_type,
        {{ to_utc_timestamp(column_or_null('raw_performance', 'reviews', 'submitted_at')) }} as submitted_at,
        {{ to_integer('rating') }} as rating,
        {{ to_integer(column_or_null('raw_performance', 'reviews', 'calibrated_rating')) }} as calibrated_rating

    from source

)

select * from renamed
