"""The protocol as a Rich tree: phases → components → How / Why / answer fields."""

from rich.text import Text
from rich.tree import Tree

from backcoach.protocol import Protocol


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
    return root
