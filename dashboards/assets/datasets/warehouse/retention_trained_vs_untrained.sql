-- Turnover of employees trained in the 12 months before each year vs the others, per
-- year x hire-year cohort, from marts.mart_retention. The mart already blanks groups of
-- fewer than 5 people (is_suppressed); they are left out here, and any group under 5 is
-- dropped again as a guard (HR privacy rule).
select
    make_date(year_number, 1, 1) as year_start_on,
    year_number,
    hire_year_cohort,
    is_trained,
    case when is_trained then 'Trained (prior 12 months)' else 'Not trained' end as training_group,
    headcount,
    leaver_count
from marts.mart_retention
where not is_suppressed
    and headcount >= 5
