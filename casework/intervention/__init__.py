"""The intervention: the plan and approach, the family team, letters, bottom
lines, enabling commitments, treatment lined up, the rehearsal, readiness,
and the day's outcome."""
