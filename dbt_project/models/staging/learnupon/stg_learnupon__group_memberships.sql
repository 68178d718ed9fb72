{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_group_memberships', [
        'group_id', 'user_id', 'membership_type',
    ]) }}

),

renamed as (

    select
        concat({{ to_text('group_id') }}, ':', {{ to_text('user_id') }}) as group_membership_id,
        {{ to_text('group_id') }} as group_id,
        {{ to_text('user_id') }} as learnupon_user_id,
        {{ to_text(column_or_null('raw_lms', 'learnupon_group_memberships', 'id')) }} as learnupon_membership_id,
        lower({{ to_text('membership_type') }}) as membership_type,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'learnupon_group_memberships', 'created_at')) }} as created_at

    from source

)

select * from renamed
