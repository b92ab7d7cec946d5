"""Optional OpenTelemetry tracing (off by default): spans for HTTP requests and SQL statements,
exported over OTLP/HTTP to where the standard OTEL_EXPORTER_OTLP_* variables point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.engine import Engine

    from inspectnet.settings import Settings

UNTRACED_URLS = "healthz,readyz,metrics"


def configure_tracing(
    app: FastAPI, settings: Settings, engine: Engine, span_exporter: Any = None
) -> None:
    """Instrument ``app`` and ``engine`` when INSPECTNET_OTEL_ENABLED is set.

    The packages come with the ``otel`` extra; they are imported only when tracing is on.
    """
    if not settings.otel_enabled:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name})
    )
    if span_exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=UNTRACED_URLS)
    SQLAlchemyInstrumentor().instrument(engine=engine, tracer_provider=provider)
