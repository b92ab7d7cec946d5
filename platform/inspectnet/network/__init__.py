"""Offices (the tenants) and the links between them."""
