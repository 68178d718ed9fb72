{{ config(enabled=source_enabled('fifteen_five')) }}

-- 15Five weekly check-ins with the person resolved to an employee by email
-- (int_identity__fifteen_five_users) and their 15Five reviewer (the manager who reads the
-- check-in) resolved the same way. reviewed_at is when the reviewer reviewed it, where
-- 15Five sends it (`reviewed_ts`).

with

check_ins as (

    select * from {{ ref('stg_fifteen_five__check_ins') }}

),

users as (

    select * from {{ ref('stg_fifteen_five__users') }}

),

resolved_users as (

    select * from {{ ref('int_identity__fifteen_five_users') }}

),

resolved as (

    select
        check_ins.check_in_id,
        people.employee_id,
        reviewers.employee_id as reviewer_employee_id,
        check_ins.week_start_on,
        check_ins.week_end_on,
        check_ins.submitted_at,
        check_ins.pulse_rating,
        check_ins.is_reviewed,
        check_ins.reviewed_at

    from check_ins
    left join resolved_users as people
        on check_ins.fifteen_five_user_id = people.fifteen_five_user_id
    left join users
        on check_ins.fifteen_five_user_id = users.fifteen_five_user_id
    left join resolved_users as reviewers
        on users.reviewer_user_id = reviewers.fifteen_five_user_id

)

select * from resolved
