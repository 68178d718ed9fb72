-- A course's hours are split over its capabilities, never invented or lost: for every
-- learning activity in the alignment model, the split hours add up to the activity's
-- hours, and aligned hours never exceed learning hours in the mart.

with

split as (

    select
        learning_activity_id,
        sum(learning_hours) as split_hours

    from {{ ref('int_learning__activity_capability_gaps') }}
    group by learning_activity_id

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

split_mismatches as (

    select
        split.learning_activity_id,
        'split hours differ from the activity' as problem

    from split
    inner join activities
        on split.learning_activity_id = activities.learning_activity_id
    where abs(split.split_hours - activities.learning_hours) > 0.000001

),

share_out_of_range as (

    select
        {{ dbt.concat(['employee_id', "'-'", 'course_id', "'-'", 'capability_id']) }} as learning_activity_id,
        'aligned hours outside 0..learning hours' as problem

    from {{ ref('mart_learning_alignment') }}
    where aligned_learning_hours < 0
        or aligned_learning_hours > learning_hours + 0.000001
        or alignment_share < 0
        or alignment_share > 1.000001

)

select * from split_mismatches
union all
select * from share_out_of_range
