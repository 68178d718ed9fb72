-- Every person identifier seen in each source system, with how (and whether) it
-- resolves to an employee of the HR system of record (int_people__hr_employees: BambooHR,
-- Workday or the HR file drop, macro hr_system_of_record). Unmatched and ambiguous
-- identifiers stay here as rows, so the match report can be traced back to the records
-- behind each count.
--   hris:        the system of record's people, by employee number; `ambiguous` when the
--                work email is shared with another employee (other systems then cannot
--                match that person by email), `unmatched` when there is no work email to
--                match on.
--   lms:         xAPI account name (the LMS login, lower-cased) by work email.
--   performance: Lattice user by external_user_id (a known employee number), else by
--                email; `ambiguous` when the email belongs to several employees.
--   culture_amp: Culture Amp employee by the HRIS number it syncs, else by email.
--   fifteen_five: 15Five user by email.
--   learnupon:   LearnUpon user by the HRIS number of its `employee_number` custom field,
--                else by email (int_identity__learnupon_users).
--   workday:     Workday worker by its legacy HRIS number, else by work email; not listed
--                when Workday is the system of record (its workers are the `hris` rows).
-- A system switched off with DISABLED_SOURCES contributes no rows (and no dependency).

with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

lms_actors as (

    select * from {{ ref('int_identity__lms_actors') }}

),

performance_users as (

    select * from {{ ref('stg_performance__users') }}

),

resolved_performance_users as (

    select * from {{ ref('int_identity__performance_users') }}

),

work_email_counts as (

    select
        work_email,
        count(*) as employee_count

    from employees
    where work_email is not null
    group by work_email

),

hris as (

    select
        cast('hris' as {{ dbt.type_string() }}) as source_system,
        employees.employee_id as source_identifier,
        cast('employee_number' as {{ dbt.type_string() }}) as identifier_type,
        employees.employee_id,
        cast('employee_number' as {{ dbt.type_string() }}) as match_method,
        case
            when employees.work_email is null then 'unmatched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'matched'
        end as match_status

    from employees
    left join work_email_counts
        on employees.work_email = work_email_counts.work_email

),

lms as (

    select
        cast('lms' as {{ dbt.type_string() }}) as source_system,
        lms_actors.actor_email as source_identifier,
        cast('xapi_account_name' as {{ dbt.type_string() }}) as identifier_type,
        lms_actors.employee_id,
        case when lms_actors.is_resolved then 'email' end as match_method,
        case
            when lms_actors.is_resolved then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from lms_actors
    left join work_email_counts
        on lms_actors.actor_email = work_email_counts.work_email

),

performance as (

    select
        cast('performance' as {{ dbt.type_string() }}) as source_system,
        performance_users.user_id as source_identifier,
        cast('lattice_user_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_performance_users.employee_id,
        resolved_performance_users.match_method,
        case
            when resolved_performance_users.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from performance_users
    inner join resolved_performance_users
        on performance_users.user_id = resolved_performance_users.user_id
    left join work_email_counts
        on performance_users.email = work_email_counts.work_email

),

{% if source_enabled('culture_amp') %}
culture_amp_employees as (

    select * from {{ ref('stg_culture_amp__employees') }}

),

resolved_culture_amp_employees as (

    select * from {{ ref('int_identity__culture_amp_employees') }}

),

culture_amp as (

    select
        cast('culture_amp' as {{ dbt.type_string() }}) as source_system,
        culture_amp_employees.culture_amp_employee_id as source_identifier,
        cast('culture_amp_employee_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_culture_amp_employees.employee_id,
        resolved_culture_amp_employees.match_method,
        case
            when resolved_culture_amp_employees.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from culture_amp_employees
    inner join resolved_culture_amp_employees
        on culture_amp_employees.culture_amp_employee_id = resolved_culture_amp_employees.culture_amp_employee_id
    left join work_email_counts
        on culture_amp_employees.email = work_email_counts.work_email

),
{% endif %}

{% if source_enabled('fifteen_five') %}
fifteen_five_users as (

    select * from {{ ref('stg_fifteen_five__users') }}

),

resolved_fifteen_five_users as (

    select * from {{ ref('int_identity__fifteen_five_users') }}

),

fifteen_five as (

    select
        cast('fifteen_five' as {{ dbt.type_string() }}) as source_system,
        fifteen_five_users.fifteen_five_user_id as source_identifier,
        cast('fifteen_five_user_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_fifteen_five_users.employee_id,
        resolved_fifteen_five_users.match_method,
        case
            when resolved_fifteen_five_users.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from fifteen_five_users
    inner join resolved_fifteen_five_users
        on fifteen_five_users.fifteen_five_user_id = resolved_fifteen_five_users.fifteen_five_user_id
    left join work_email_counts
        on fifteen_five_users.email = work_email_counts.work_email

),
{% endif %}

{% if source_enabled('learnupon') %}
resolved_learnupon_users as (

    select * from {{ ref('int_identity__learnupon_users') }}

),

learnupon as (

    select
        cast('learnupon' as {{ dbt.type_string() }}) as source_system,
        resolved_learnupon_users.learnupon_user_id as source_identifier,
        cast('learnupon_user_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_learnupon_users.employee_id,
        resolved_learnupon_users.match_method,
        case
            when resolved_learnupon_users.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from resolved_learnupon_users
    left join work_email_counts
        on resolved_learnupon_users.email = work_email_counts.work_email

),
{% endif %}

{% if source_enabled('workday') and hr_system_of_record() != 'workday' %}
resolved_workday_workers as (

    select * from {{ ref('int_identity__workday_workers') }}

),

workday as (

    select
        cast('workday' as {{ dbt.type_string() }}) as source_system,
        resolved_workday_workers.workday_worker_id as source_identifier,
        cast('workday_worker_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_workday_workers.employee_id,
        resolved_workday_workers.match_method,
        case
            when resolved_workday_workers.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from resolved_workday_workers
    left join work_email_counts
        on resolved_workday_workers.work_email = work_email_counts.work_email

),
{% endif %}

source_identities as (

    select * from hris
    union all
    select * from lms
    union all
    select * from performance
    {% if source_enabled('culture_amp') %}
    union all
    select * from culture_amp
    {% endif %}
    {% if source_enabled('fifteen_five') %}
    union all
    select * from fifteen_five
    {% endif %}
    {% if source_enabled('learnupon') %}
    union all
    select * from learnupon
    {% endif %}
    {% if source_enabled('workday') and hr_system_of_record() != 'workday' %}
    union all
    select * from workday
    {% endif %}

)

select * from source_identities
