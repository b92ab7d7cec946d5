"""Fieldwork casework (巡视工作方式): interviews, other methods' records, clues, findings."""
