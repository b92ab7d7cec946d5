"""Input rules declared once: the text kinds, and that inputs and columns cannot disagree."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, get_named_type

from inspectnet import validation
from inspectnet.db import Base
from inspectnet.errors import ValidationFailed
from inspectnet.network.models import Office
from inspectnet.people.models import EmploymentRecord, InterestTie, Person
from inspectnet.schema import build_schema
from inspectnet.targets.models import LeadershipPost, Target
from inspectnet.validation import CODE, FREE_TEXT, NAME, REGION_CODE, Inputs


def _text(attribute: Any, value: str | None) -> Any:
    inputs = Inputs()
    stored = inputs.text(attribute, value)
    inputs.done()
    return stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("  张三  ", "张三"),
        ("\u3000张三\u3000", "张三"),  # ideographic spaces are spaces under NFKC
        ("ＡＢＣ", "ABC"),
        ("\u2f08", "人"),  # a Kangxi radical is the ideograph
        ("e\u0301", "é"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
    ],
)
def test_names_are_nfkc_normalised_and_trimmed(value: str, stored: str) -> None:
    assert _text(Person.name, value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "张\x00三", "张\ud800三", "张\udfff", "张\u202a三", "张\u202e三", "张\u2066三",
        "张\u2069三", "张\u200b三", "张\u200d三", "\ufeff张三", "张\u2028三", "张三\n",
        "张\t三", "张\x7f三", "张\x85三", "张\x9f三",
    ],
)  # fmt: skip
def test_names_refuse_control_format_surrogate_and_separator_characters(value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _text(Person.name, value)
    assert (refused.value.code, refused.value.field) == ("INVALID_CHARACTERS", "name")


@pytest.mark.parametrize(
    "value", ["１５０２００", "١٥٠٢٠٠", "۱۵۰۲۰۰", "15020", "1502000", "15 200"]
)
def test_region_codes_refuse_anything_but_six_ascii_digits(value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _text(Person.home_region_code, value)
    assert (refused.value.code, refused.value.field) == ("INVALID_REGION_CODE", "homeRegionCode")


def test_an_empty_optional_region_code_is_none_and_an_empty_required_one_is_refused() -> None:
    assert _text(EmploymentRecord.region_code, "  ") is None
    assert _text(EmploymentRecord.region_code, None) is None
    with pytest.raises(ValidationFailed) as refused:
        _text(Person.home_region_code, "")
    assert refused.value.code == "REQUIRED"


def test_free_text_keeps_lines_and_tabs_but_refuses_other_controls_and_bidi() -> None:
    assert validation.normalise(FREE_TEXT, "一\r\n二\r三") == "一\n二\n三"
    assert validation.text_problem(FREE_TEXT, "一\n\t二", field="f", max_length=10) is None
    for bad in ("一\x00", "一\x1b", "一\u202e", "一\ud800"):
        problem = validation.text_problem(FREE_TEXT, bad, field="f", max_length=10)
        assert problem is not None and problem.code == "INVALID_CHARACTERS"


def test_the_length_limit_is_the_columns_counted_after_normalisation() -> None:
    assert _text(Person.rank, "级" * 40) == "级" * 40
    with pytest.raises(ValidationFailed) as refused:
        _text(Person.rank, "㍿" * 11)  # 11 characters typed, 44 stored
    assert (refused.value.code, refused.value.message) == ("TOO_LONG", "不能超过40个字符")


def test_every_problem_of_an_input_is_raised_at_once_in_order() -> None:
    inputs = Inputs()
    inputs.text(Person.name, "")
    inputs.text(Person.unit, "单" * 201)
    inputs.period(date(2020, 1, 1), date(2019, 1, 1))
    inputs.date(date(9999, 1, 1), "since")
    with pytest.raises(ValidationFailed) as refused:
        inputs.done()
    assert refused.value.code == "VALIDATION"
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("name", "REQUIRED"),
        ("unit", "TOO_LONG"),
        ("endedOn", "INVALID_PERIOD"),
        ("since", "DATE_OUT_OF_RANGE"),
    ]


def test_combining_refusals_flattens_them_and_one_stays_itself() -> None:
    one = ValidationFailed("a", code="A", field="a")
    assert ValidationFailed.of([one]) is one
    nested = ValidationFailed.of([one, ValidationFailed("b", code="B", field="b")])
    again = ValidationFailed.of([nested, ValidationFailed("c", code="C", field="c")])
    assert [e.code for e in again.errors] == ["A", "B", "C"]


def test_a_column_without_a_declared_kind_cannot_be_checked_as_text() -> None:
    from inspectnet.audit.models import AuditEntry

    with pytest.raises(TypeError, match="declares no text kind"):
        Inputs().text(AuditEntry.action, "x")


# Every String field of these inputs is stored in the column of the same (snake_case) name,
# which declares its kind: the input's rules are the column's, by construction.
INPUTS = [
    ("CreatePersonInput", Person),
    ("AddEmploymentRecordInput", EmploymentRecord),
    ("AddInterestTieInput", InterestTie),
    ("CreateTargetInput", Target),
    ("AddLeadershipPostInput", LeadershipPost),
    ("CreateOfficeInput", Office),
    ("UpdateOfficeInput", Office),
]


@pytest.mark.parametrize(("input_name", "model"), INPUTS, ids=[name for name, _ in INPUTS])
def test_every_string_input_is_stored_in_a_column_that_declares_its_kind(
    input_name: str, model: type[Base]
) -> None:
    schema = build_schema(development=True)._schema
    input_type = schema.type_map[input_name]
    assert isinstance(input_type, GraphQLInputObjectType)
    strings = [
        name
        for name, field in input_type.fields.items()
        if get_named_type(field.type).name == "String"
    ]
    assert strings
    for name in strings:
        key = re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)
        assert validation.camel(key) == name
        column = model.__table__.columns[key]
        assert validation.kind_of(column) in (NAME, CODE, REGION_CODE, FREE_TEXT), name


def test_a_combined_refusal_lists_every_field_in_its_one_line_message() -> None:
    combined = ValidationFailed.of(
        [
            ValidationFailed("此项不能为空", code="REQUIRED", field="name"),
            ValidationFailed("不能超过200个字符", code="TOO_LONG", field="unit"),
        ]
    )
    assert combined.message == "输入有2处错误：name：此项不能为空；unit：不能超过200个字符"
    assert combined.extensions() == {"code": "VALIDATION"}


def test_an_input_field_describes_the_rule_of_its_column() -> None:
    schema = build_schema(development=True)._schema
    person = schema.type_map["CreatePersonInput"]
    assert isinstance(person, GraphQLInputObjectType)
    assert person.fields["rank"].description == (
        "Rank (职级); one line, at most 40 characters once normalised (最多40字)"
    )
    assert person.fields["homeRegionCode"].description == (
        "Home region code (籍贯); six ASCII digits (6位半角数字)"
    )
