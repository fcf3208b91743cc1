"""Every field type a pack may declare is handled by every front end.

`make lint` checks this statically: `FieldType` is a Literal and every dispatch on a field's type ends in
`assert_never`, so a new type fails mypy until each place handles it. These tests are the runtime half: each type
has a TUI widget and a plain prompt, and an answer of each type is checked, shown as lines, put in the clinician
summary and the handout, and given its guidance, without an error.
"""

from typing import Any, get_args

import pytest

from backcoach.model import Patient, PatientRecord, normalise_answer
from backcoach.plain.fields import FieldPrompts
from backcoach.plain.show import answer_lines
from backcoach.protocol import FIELD_TYPES, Field, FieldType, Protocol
from backcoach.summary import clinician_summary, patient_handout, render
from backcoach.tui.widgets.fields import AnswerField
from backcoach.tui.widgets.form import field_widget
from backcoach.tui.widgets.guidance import guidance_for


def test_the_runtime_tuple_is_the_literal():
    assert get_args(FieldType) == FIELD_TYPES
    assert len(set(FIELD_TYPES)) == len(FIELD_TYPES)


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_each_field_type_has_a_widget_and_a_plain_prompt(field_type):
    assert issubclass(field_widget(field_type), AnswerField)
    prompts = FieldPrompts.__new__(FieldPrompts)  # only its dispatch is asked for: no consultation needed
    assert callable(prompts._asker(field_type))


def _sample(protocol: Protocol, spec: Field) -> Any:
    """An answer of the field's type, as a front end would give it."""
    match spec.type:
        case "text":
            return "Walking the dog every morning"
        case "choice":
            return protocol.options(spec)[0].id
        case "multi":
            return [o.id for o in protocol.options(spec)[:2]]
        case "scale":
            return spec.max
        case "stage":
            return protocol.guidance.stages[-1].id
        case "goal_list":
            return [{"id": "g1", "text": "Walk 2 km to the shop", "parts": {}}]
        case "rating_list":
            return [{"id": "r1", "item": "Lifting a box", "rating": spec.min}]
        case "goal_review":
            return [{"goal_id": "g1", "attainment": "partly", "note": "Halfway", "decision": "keep"}]
    raise AssertionError(f"no sample answer for field type {spec.type!r}: add one here")


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_an_answer_of_each_field_type_is_shown_everywhere(protocol, field_type):
    comp, spec = protocol.fields_of_type(field_type)[0]  # the shipped pack uses every type
    record = PatientRecord(Patient("p1", "Test Patient"))
    session = record.new_session(protocol)
    assert session.set_answer(protocol, comp.id, spec.id, _sample(protocol, spec))
    value = session.answer(comp.id, spec.id)
    assert normalise_answer(protocol, spec, value, stored=True) == value
    assert answer_lines(protocol, spec, value, {})
    assert spec.label in render(clinician_summary(record, session, protocol), "text")
    render(patient_handout(record, session, protocol), "text")
    guidance_for(protocol, comp, session)
