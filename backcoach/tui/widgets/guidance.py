"""Contextual guidance beside the form, all from the pack: stage tips, SMART prompts, key messages, strategies,
red flags and attainment prompts, for the fields of the component on screen."""

from __future__ import annotations

from typing import assert_never

from textual.content import Content

from backcoach.model import Session
from backcoach.protocol import Component, Protocol
from backcoach.tui.display import literal


def _item(label: str, text: str, chosen: bool = False) -> Content:
    head = literal(("✓ " if chosen else "") + label, "bold")
    return head + ("\n" + literal(text) if text else Content(""))


def _detail(text: str) -> Content:
    return "\n  " + literal(text, "dim") if text else Content("")


def _warning_signs(protocol: Protocol, chosen: list[str]) -> list[Content]:
    """Each tier (most urgent first) with what to do when one of its signs is present, then its signs, those gone
    through marked; then the sources the signs cite."""
    g = protocol.guidance
    blocks = []
    for tier, flags in g.red_flags_by_tier():
        style = "bold reverse" if tier is g.red_flag_tiers[0] else "bold"
        head = literal(f" {tier.marker} ", style) + literal(f" {tier.label}", "bold") + "\n" + literal(tier.action)
        signs = [literal(("✓ " if f.id in chosen else "• ") + f.label, "bold") + _detail(f.detail) for f in flags]
        blocks.append(Content("\n").join([head, *signs]))
    blocks.append(literal(g.red_flags_source, "dim"))
    blocks += [literal(s.cite(), "dim") for s in g.red_flag_sources()]
    return blocks


def guidance_for(protocol: Protocol, component: Component, session: Session) -> Content:
    """Everything the pack offers for this component's fields, current choices marked."""
    g = protocol.guidance
    blocks: list[Content] = []
    for spec in component.fields:
        answer = session.answer(component.id, spec.id)
        match spec.type:
            case "stage":
                blocks += [_item(s.label, s.address, s.id == answer) for s in g.stages]
                blocks.append(literal(g.stages_source, "dim"))
            case "goal_list":
                blocks += [_item(p.label, p.prompt) for p in g.smart_parts]
                blocks.append(literal(g.smart_source, "dim"))
            case "goal_review":
                blocks += [_item(o.label, o.prompt) for o in spec.attainment]
            case "multi" if spec.options_from == "red_flags":
                blocks += _warning_signs(protocol, answer or [])
            case "multi" if spec.options_from:
                chosen = answer or []
                blocks += [_item(o.label, o.text, o.id in chosen) + _detail(o.source) for o in protocol.options(spec)]
            case "multi" | "text" | "choice" | "scale" | "rating_list":  # the pack has no guidance for these
                pass
            case _:
                assert_never(spec.type)
    if not blocks:
        blocks = [literal("Why?", "bold"), *(literal(line) for line in component.why)]
    return Content("\n\n").join(blocks)
