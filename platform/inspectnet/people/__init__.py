"""Persons (干部), their careers, kin and interest ties, and the pools they are drawn from."""
