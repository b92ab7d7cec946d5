"""Metrics (Prometheus), structured logs (structlog) and request ids."""
