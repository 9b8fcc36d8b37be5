"""Post-intervention support: follow-up pathways, check-ins, measures over time, the family's own recovery, and closing well."""
