"""Inspections (巡视/巡察) and the team that holds roles in each, one mission at a time."""
