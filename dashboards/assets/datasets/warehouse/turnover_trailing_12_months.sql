-- Company turnover over the trailing 12 months, voluntary and involuntary, from
-- marts.mart_turnover: leavers over all employment periods / average daily headcount.
-- One row per month the 12-month window ends with. Windows cut short by the data's as-of
-- date are left out (a shorter window reads as lower turnover), and so is a company the
-- mart suppressed (an average under 5 people).
select
    period_end_on,
    period_start_on,
    leaver_count,
    voluntary_leaver_count,
    involuntary_leaver_count,
    unclassified_leaver_count,
    average_headcount,
    turnover_rate,
    turnover_cost_amount
from marts.mart_turnover
where period_grain = 'trailing_12_months'
    and org_unit_id is null
    and not is_partial_period
    and not is_suppressed
