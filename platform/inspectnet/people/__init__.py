"""Persons (cadres), their careers, kin and interest ties, and the pools they are drawn from."""
