"""The protocol as a Rich tree: phases → components → How / Why / answer fields; then the guidance lists a
clinician offers (key messages, strategies), each item with what it says and its source."""

from rich.text import Text
from rich.tree import Tree

from backcoach.protocol import Option, Protocol


def _guidance(node: Tree, title: str, options: tuple[Option, ...]) -> None:
    branch = node.add(Text(title, style="bold cyan"))
    for option in options:
        item = branch.add(Text.assemble((option.label, "bold"), f"  [{option.id}]"))
        if option.text:
            item.add(Text(option.text))
        if option.source:
            item.add(Text(option.source, style="dim"))


def protocol_tree(pack: Protocol) -> Tree:
    root = Tree(Text.assemble((pack.title, "bold"), f"  ({pack.id} {pack.version}, {pack.language})"))
    for phase in pack.phases:
        phase_node = root.add(Text(phase.title, style="bold cyan"))
        for comp in phase.components:
            node = phase_node.add(Text.assemble((f"{comp.number}. ", "bold"), (comp.title, "bold"), f"  [{comp.id}]"))
            how = node.add(Text("How?", style="green"))
            for line in comp.how:
                how.add(Text(line))
            why = node.add(Text("Why?", style="yellow"))
            for line in comp.why:
                why.add(Text(line))
            fields = node.add(Text("Answer fields", style="magenta"))
            for field in comp.fields:
                fields.add(Text.assemble((field.label, ""), (f"  {field.id}: {field.type}", "dim")))
    guidance = root.add(Text("Guidance", style="bold"))
    _guidance(guidance, "Key messages", pack.guidance.key_messages)
    _guidance(guidance, "Strategies for pain and emotions", pack.guidance.strategies)
    return root
