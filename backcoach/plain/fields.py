"""One prompt (or small loop of prompts) per field type, each answer saved the moment it is given.

Values are built in the shapes `model.normalise_answer` documents, so a session answered here is the same session
the TUI would store. Every label, prompt and hint comes from the protocol pack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, assert_never

from questionary import Choice
from rich.console import Console

from backcoach.consultation import Consultation
from backcoach.model import GoalState, new_id
from backcoach.plain import prompts
from backcoach.plain.prompts import SKIP
from backcoach.plain.show import goal_lines, say, shorten, warning_sign_lines
from backcoach.protocol import Component, Field, FieldType
from backcoach.summary.build import rating_text

Goal = dict[str, Any]
# what the menu of a list answer returns: add an entry, done, or change, remove (or keep, removal declined) entry i
ListAction = Literal["add", "done"] | tuple[Literal["change", "remove", "keep"], int]


class FieldPrompts:
    """Asks the fields of a component through a Consultation."""

    def __init__(self, consultation: Consultation, console: Console):
        self.c = consultation
        self.protocol = consultation.protocol
        self.console = console

    def ask(self, comp: Component, spec: Field) -> None:
        self.console.print()
        if spec.help:
            say(self.console, spec.help, style="italic")
        self._asker(spec.type)(comp, spec)

    def _asker(self, field_type: FieldType) -> Callable[[Component, Field], None]:
        """The prompt (or loop of prompts) for a field of this type."""
        match field_type:
            case "text":
                return self._ask_text
            case "choice":
                return self._ask_choice
            case "multi":
                return self._ask_multi
            case "scale":
                return self._ask_scale
            case "stage":
                return self._ask_stage
            case "goal_list":
                return self._ask_goal_list
            case "goal_review":
                return self._ask_goal_review
            case "rating_list":
                return self._ask_rating_list
            case _:
                assert_never(field_type)

    # --- storing --------------------------------------------------------------------------------------------
    def _current(self, comp: Component, spec: Field) -> Any:
        return self.c.session.answer(comp.id, spec.id)

    def _save(self, comp: Component, spec: Field, value: Any) -> None:
        """Save now (only when something changed): an empty value removes the answer, never stores a blank."""
        if value != self._current(comp, spec):
            self.c.set(comp.id, spec.id, value)

    def _save_item(self, comp: Component, spec: Field, item: dict[str, Any], key: str = "id") -> None:
        """Replace (or append) one entry of a list answer, matched by `key`, and save the list."""
        items = list(self._current(comp, spec) or [])
        at = next((i for i, old in enumerate(items) if old[key] == item[key]), None)
        if at is None:
            items.append(item)
        else:
            items[at] = item
        self._save(comp, spec, items)

    def _remove_item(self, comp: Component, spec: Field, item_id: str) -> None:
        self._save(comp, spec, [i for i in self._current(comp, spec) or [] if i["id"] != item_id])

    def _list_action(self, message: str, titles: list[str], add: str) -> ListAction:
        """The menu of a list answer: "add", "done", ("change", i) or ("remove", i) (removal confirmed first)."""
        choices = [Choice(add, "add")]
        choices += [Choice(f"Change {shorten(title)}", ("change", i)) for i, title in enumerate(titles)]
        choices += [Choice(f"Remove {shorten(title)}", ("remove", i)) for i, title in enumerate(titles)]
        choices.append(Choice("Done", "done"))
        action = prompts.select(message, choices, default="done" if titles else "add")
        if action[0] == "remove":
            title = shorten(titles[action[1]])
            no, yes = Choice("No, keep it", False), Choice(f"Yes, remove {title}", True)
            if not prompts.select(f"Remove {title}?", [no, yes], default=False):
                return ("keep", action[1])
        return action

    # --- simple types ---------------------------------------------------------------------------------------
    def _ask_text(self, comp: Component, spec: Field) -> None:
        given = self._current(comp, spec) or ""
        self._save(comp, spec, prompts.text(spec.label, given, keep=lambda draft: self._save(comp, spec, draft)))

    def _ask_choice(self, comp: Component, spec: Field) -> None:
        choices = [Choice(o.label, o.id) for o in self.protocol.options(spec)] + [Choice("(skip)", SKIP)]
        picked = prompts.select(spec.label, choices, default=self._current(comp, spec))
        if picked != SKIP:
            self._save(comp, spec, picked)

    def _ask_multi(self, comp: Component, spec: Field) -> None:
        given = self._current(comp, spec) or []
        if spec.options_from == "red_flags":
            self.console.print(warning_sign_lines(self.protocol))
        choices = [Choice(o.label, o.id, checked=o.id in given) for o in self.protocol.options(spec)]
        self._save(comp, spec, prompts.checkbox(spec.label, choices))

    def _number(self, spec: Field, message: str, given: int | None, before: str = "") -> int | None:
        """A number on the field's scale, its ends named as the pack names them; None when skipped."""
        ends = f"{spec.min} = {spec.min_label}, {spec.max} = {spec.max_label}" if spec.min_label else ""
        hint = f"({before}{ends or f'{spec.min}–{spec.max}'}; Enter to skip)"
        return prompts.number(message, spec.min, spec.max, given, instruction=hint)

    def _ask_scale(self, comp: Component, spec: Field) -> None:
        given = self._current(comp, spec)
        picked = self._number(spec, spec.label, given)
        if picked is not None or given is not None:
            self._save(comp, spec, picked)

    def _ask_stage(self, comp: Component, spec: Field) -> None:
        stages = self.protocol.guidance.stages
        for stage in stages:
            say(self.console, f"  {stage.label}: {stage.description}")
        choices = [Choice(s.label, s.id) for s in stages] + [Choice("(skip)", SKIP)]
        picked = prompts.select(spec.label, choices, default=self._current(comp, spec))
        if picked == SKIP:
            return
        self._save(comp, spec, picked)
        stage = self.protocol.guidance.stage(picked)
        say(self.console, f"{stage.label}: {stage.address}")

    # --- goals ----------------------------------------------------------------------------------------------
    def edit_goal(self, goal: Goal, title: str, store: Callable[[Goal], None]) -> None:
        """The goal in the patient's words (with the pain-focus hint), then its SMART parts; `store` after each."""
        goal = {"id": goal["id"], "text": goal.get("text", ""), "parts": dict(goal.get("parts") or {})}
        pain = self.protocol.guidance.pain_focus
        while True:
            goal["text"] = prompts.text(title, goal["text"], keep=lambda t: store({**goal, "text": t}))
            if not goal["text"].strip() and not any(p.strip() for p in goal["parts"].values()):
                return
            store(goal)
            flagged = pain.flags(goal["text"])
            if not flagged:
                break
            say(self.console, pain.message(flagged), style="italic")
            again = [Choice("Rephrase the goal", True), Choice("Keep it as it is", False)]
            if not prompts.select(title, again, default=True):
                break
        for part in self.protocol.guidance.smart_parts:

            def keep(draft: str, part_id: str = part.id) -> None:
                store({**goal, "parts": {**goal["parts"], part_id: draft}})

            say(self.console, f"{part.label}: {part.prompt}", style="italic")
            answer = prompts.text(part.label, goal["parts"].get(part.id, ""), keep=keep)
            if answer != goal["parts"].get(part.id, ""):
                goal["parts"][part.id] = answer
                store(goal)

    def _ask_goal_list(self, comp: Component, spec: Field) -> None:
        def store(goal: Goal) -> None:
            self._save_item(comp, spec, goal)

        while True:
            goals = self._current(comp, spec) or []
            for n, goal in enumerate(goals, 1):
                say(self.console, f"  Goal {n}: " + "\n    ".join(goal_lines(self.protocol, goal)))
            action = self._list_action(
                spec.label, [f"goal {n}: {g['text']}" for n, g in enumerate(goals, 1)], "Add a goal"
            )
            if action == "done":
                return
            if action == "add":
                self.edit_goal({"id": new_id()}, f"Goal {len(goals) + 1}", store)
            elif action[0] == "change":
                self.edit_goal(goals[action[1]], f"Goal {action[1] + 1}", store)
            elif action[0] == "remove":
                self._remove_item(comp, spec, goals[action[1]]["id"])

    def _ask_goal_review(self, comp: Component, spec: Field) -> None:
        earlier = self.c.earlier_goals()
        if not earlier:
            say(self.console, "No goals from earlier sessions to evaluate.")
        for n, state in enumerate(earlier, 1):
            self._review_goal(comp, spec, n, state)

    def _review_goal(self, comp: Component, spec: Field, n: int, state: GoalState) -> None:
        """Attainment (with the pack's question for it), then keep / adjust / close; adjusting edits the goal."""
        say(self.console, f"Goal {n}: " + "\n  ".join(goal_lines(self.protocol, state.goal)), style="bold")
        given = next((r for r in self._current(comp, spec) or [] if r["goal_id"] == state.id), None)
        review = dict(given or {"goal_id": state.id, "attainment": None, "note": "", "decision": None})

        def store(change: dict[str, Any]) -> None:
            review.update(change)
            self._save_item(comp, spec, dict(review), key="goal_id")

        choices = [Choice(o.label, o.id) for o in spec.attainment] + [Choice("(skip this goal)", SKIP)]
        attainment = prompts.select(f"Goal {n}", choices, default=review["attainment"])
        if attainment == SKIP:
            return
        asked = next(o.prompt for o in spec.attainment if o.id == attainment)
        store({"attainment": attainment})  # an earlier note stays: it is the clinician's text
        if asked:
            note = prompts.text(asked, review["note"], keep=lambda draft: store({"note": draft}))
            store({"note": note})
        choices = [Choice(o.label, o.id) for o in spec.decisions]
        store({"decision": prompts.select(f"Goal {n}", choices, default=review["decision"] or "keep")})
        if review["decision"] == "adjust":
            revised = review.get("revised") or state.goal
            self.edit_goal(revised, f"Goal {n}", lambda goal: store({"revised": goal}))

    # --- rated list -----------------------------------------------------------------------------------------
    def _rerate(self, comp: Component, spec: Field) -> None:
        """At a follow-up: the activities rated last time, each re-rated now (or left out)."""
        for old in self.c.previous_answer(comp.id, spec.id) or []:
            rating = self._number(spec, shorten(old["item"]), None, before=f"last time {rating_text(old['rating'])}; ")
            if rating is not None:
                self._save_item(comp, spec, {**old, "rating": rating})

    def _ask_rating_list(self, comp: Component, spec: Field) -> None:
        if not self._current(comp, spec):
            self._rerate(comp, spec)
        while True:
            items = self._current(comp, spec) or []
            titles = [f"{i['item']} ({rating_text(i['rating'])})" for i in items]
            action = self._list_action(spec.label, titles, f"Add: {spec.item_label or spec.label}")
            if action == "done":
                return
            if action == "add":
                name = prompts.text(spec.item_label or spec.label)
                if name.strip():
                    item = {"id": new_id(), "item": name, "rating": None}
                    self._save_item(comp, spec, item)  # kept even if the rating is never given
                    rating = self._number(spec, shorten(name), None)
                    if rating is not None:
                        self._save_item(comp, spec, {**item, "rating": rating})
            elif action[0] == "change":
                item = items[action[1]]
                rating = self._number(spec, shorten(item["item"]), item["rating"])
                if rating is not None:
                    self._save_item(comp, spec, {**item, "rating": rating})
            elif action[0] == "remove":
                self._remove_item(comp, spec, items[action[1]]["id"])
