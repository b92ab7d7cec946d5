"""Parse and validate a document once, before any SQL, and hand the result to strawberry.

The endpoint refuses a document here (syntax, token limit, shape limits, the specification's
validation rules, introspection outside development) before it signs the caller in. Both steps
are cached by the document's text (the parser and validation caches). ``PreparedDocument``, a
schema extension, then gives strawberry the parsed and validated document so that execution
does not parse or validate it a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    parse,
    recommended_rules,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from inspectnet.http.limits import ShapeLimits, check_shape
from inspectnet.http.refusals import Refusal
from inspectnet.settings import Settings

T = TypeVar("T")
# Documents longer than this are prepared every time rather than cached, so that the caches'
# memory stays bounded (maxsize × this) whatever clients send.
CACHEABLE_LENGTH = 20_000
MAX_FIELD_REPEATS = 20


@dataclass(frozen=True)
class Prepared:
    """A document that parsed and passed every check, ready to execute."""

    query: str
    document: DocumentNode


_prepared: ContextVar[Prepared | None] = ContextVar("inspectnet_prepared_document", default=None)


class Documents:
    """Parsing and validation with the limits in force, cached by document text."""

    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self.schema = schema
        self.max_tokens = settings.graphql_max_tokens
        self.max_length = settings.graphql_max_body_bytes
        self.limits = ShapeLimits(
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            max_field_repeats=MAX_FIELD_REPEATS,
        )
        self.hide_suggestions = not settings.development
        rules = [
            *specified_rules,
            *recommended_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        ]
        if not settings.development:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)
        size = settings.graphql_document_cache_size
        self._parse_cached = _bounded_cache(self._parse, size)
        self._validate_cached = _bounded_cache(self._validate, size)

    def parse(self, query: str) -> DocumentNode:
        """The document, or a GRAPHQL_PARSE_FAILED / TOO_MANY_TOKENS refusal."""
        result = self._parse_cached(query)
        if isinstance(result, GraphQLError):
            raise Refusal.from_graphql_errors([result], result.extensions["code"])
        return result

    def validate(self, query: str, document: DocumentNode) -> Prepared:
        """The document ready to run, or a refusal naming the first rule it breaks."""
        errors = self._validate_cached(query)
        if errors:
            raise Refusal.from_graphql_errors(list(errors), "GRAPHQL_VALIDATION_FAILED")
        return Prepared(query, document)

    def _parse(self, query: str) -> DocumentNode | GraphQLError:
        try:
            return parse(
                query,
                max_lexical_tokens=self.max_tokens,
                max_comments=self.max_tokens,
                max_source_length=self.max_length,
            )
        except GraphQLError as error:
            # graphql-core stops lexing at the limit, so a huge document costs no more than this.
            code = (
                "TOO_MANY_TOKENS" if "Parsing aborted" in error.message else "GRAPHQL_PARSE_FAILED"
            )
            return _with_code(error, code)

    def _validate(self, query: str) -> tuple[GraphQLError, ...]:
        document = self.parse(query)
        shape_errors = check_shape(document, self.limits)
        if shape_errors:
            return tuple(shape_errors)
        return tuple(
            validate(self.schema, document, self.rules, hide_suggestions=self.hide_suggestions)
        )


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


def _bounded_cache(function: Callable[[str], T], size: int) -> Callable[[str], T]:
    cached = lru_cache(maxsize=size)(function)

    def call(query: str) -> T:
        return cached(query) if len(query) <= CACHEABLE_LENGTH else function(query)

    return call


def executing(prepared: Prepared) -> object:
    """Mark ``prepared`` as the document the current task is about to execute."""
    return _prepared.set(prepared)


def done_executing(token: object) -> None:
    _prepared.reset(token)  # type: ignore[arg-type]


class PreparedDocument(SchemaExtension):
    """Give strawberry the endpoint's parsed and validated document instead of redoing both.

    Outside the endpoint (scripts, tests calling ``schema.execute``) nothing is prepared and
    strawberry parses and validates as usual.
    """

    def _mine(self) -> Prepared | None:
        prepared = _prepared.get()
        if prepared is not None and prepared.query == self.execution_context.query:
            return prepared
        return None

    def on_parse(self) -> Iterator[None]:
        prepared = self._mine()
        if prepared is not None:
            self.execution_context.graphql_document = prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        if self._mine() is not None:
            self.execution_context.pre_execution_errors = []  # validated before sign-in
        yield
