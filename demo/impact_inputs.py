"""The impact engine's input frames built straight from a generated demo company.

The pipeline reads these frames from the marts (`impact.inputs.ImpactInputs.from_warehouse`).
Validating the engine over 50 companies through connectors and dbt would take hours, so
`python -m impact validate` builds the same frames here, from what each source system
exports (xAPI completions, Lattice downward reviews with calibrated ratings, Lattice
goals, BambooHR job history), without the planted bad records the connectors quarantine.
The end-to-end test checks that both routes give the engine the same estimates.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from demo.generator import AS_OF, DemoCompany, review_cycles
from demo.vendors import lattice_goals_feedback, lattice_user_id
from impact.inputs import ImpactInputs


def impact_inputs(company: DemoCompany) -> ImpactInputs:
    people = company.people
    by_email = {p.email: p.employee_number for p in people}
    completions = pd.DataFrame(
        [
            {
                "employee_id": by_email.get(s["actor"]["account"]["name"]),
                "programme_id": s["object"]["id"].rsplit("/", 1)[-1],
                "completed_on": s["timestamp"][:10],
            }
            for s in company.statements
            if s["verb"]["display"]["en-US"] == "completed"
        ]
    ).dropna(subset=["employee_id"])
    completions = completions.groupby(["employee_id", "programme_id"], as_index=False)["completed_on"].min()

    cycles = dict(zip(company.cycle_ids, review_cycles(), strict=True))
    reviews, capability = [], []
    for review in company.reviews:
        if review["review_type"] != "downward" or not 1 <= review["rating"] <= 5:
            continue
        employee = people[review["reviewee"]].employee_number
        manager = people[review["reviewer"]].employee_number
        cycle = cycles[review["cycle_id"]]
        common = {"employee_id": employee, "period_id": review["cycle_id"], "period_end_on": cycle["end"]}
        reviews.append({**common, "value": float(review["calibrated_rating"]), "manager_id": manager})
        for rating in review["competency_ratings"]:
            capability.append(
                {
                    **common,
                    "capability_id": rating["competency"],
                    "value": float(rating["rating"]),
                    "manager_id": manager,
                }
            )

    owners = {lattice_user_id(p): p.employee_number for p in people}
    goals = pd.DataFrame(
        [
            {
                "employee_id": owners[g["ownerId"]],
                "goal_year": int(g["startDate"][:4]),
                "start_on": g["startDate"],
                "attainment": g["currentValue"] / g["targetValue"],
            }
            for g in lattice_goals_feedback(company)["goals"]
            if g["ownerId"] in owners and isinstance(g["currentValue"], float) and g["targetValue"]
        ]
    )
    goals = goals.groupby(["employee_id", "goal_year"], as_index=False).agg(
        start_on=("start_on", "min"), value=("attainment", "mean")
    )

    level_by_title = {row["job_title"]: int(row["job_level"]) for row in company.framework.profiles.values()}
    jobs, spells = [], []
    for p in people:
        for n, h in enumerate(p.history):
            following = p.history[n + 1]["date"] if n + 1 < len(p.history) else None
            jobs.append(
                {
                    "employee_id": p.employee_number,
                    "valid_from": h["date"],
                    "valid_to": following,
                    "org_unit_id": h["department"],
                    "job_level": level_by_title[h["job_title"]],
                    "manager_id": people[h["manager"]].employee_number if h["manager"] is not None else None,
                }
            )
        for start, end in [*p.previous_periods, (p.hire_date, p.termination_date)]:
            if start <= AS_OF:
                spells.append({"employee_id": p.employee_number, "hire_date": start, "termination_date": end})

    programme_capabilities = pd.DataFrame(
        [
            {"programme_id": course, "capability_id": cap}
            for course, caps in company.framework.course_capabilities.items()
            for cap, _ in caps
        ]
    )
    return ImpactInputs(
        completions=completions,
        reviews=pd.DataFrame(reviews),
        capability=pd.DataFrame(capability),
        goals=goals,
        jobs=pd.DataFrame(jobs),
        spells=pd.DataFrame(spells),
        programme_capabilities=programme_capabilities,
        as_of=date.fromisoformat(AS_OF.isoformat()),
    )
