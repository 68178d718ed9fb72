-- Business goals of the framework (framework/business_goals.csv), one row per goal x
-- effective period; the loader has already quarantined rows that break its rules
-- (ingestion/framework/goals.py). A warehouse loaded before goals existed has no table:
-- the model is then empty.

with

source as (

    select * from {{ optional_source('raw_framework', 'business_goals', [
        'goal_id', 'goal_name', 'owner', 'priority', 'effective_from', 'effective_to', 'description'
    ]) }}

),

renamed as (

    select
        {{ to_text('goal_id') }} as goal_id,
        {{ to_text('goal_name') }} as goal_name,
        {{ to_text('owner') }} as goal_owner,
        {{ to_integer('priority') }} as priority,
        {{ to_date('effective_from') }} as effective_from,
        {{ to_date('effective_to') }} as effective_to,
        {{ to_text('description') }} as goal_description

    from source

)

select * from renamed
