"""The data map in Graphviz's DOT language, for the static picture (`data-map.svg`) that reports embed.

Graphviz's `dot` lays it out (layered, left to right: activities, recipients, destinations); this module only
writes the graph, with each edge's kind and footing as SVG classes so a report's stylesheet or a test can find
them. Pure: running `dot` is the caller's business.
"""

from __future__ import annotations

from registry.services.data_map import DataMap, EdgeKind, Footing, NodeKind

FOOTING_COLOURS = {Footing.ADEQUATE: "#1b7f3b", Footing.SAFEGUARDED: "#1f5fbf", Footing.DEROGATION: "#c77700",
                   Footing.MISSING: "#c62828"}
"""The same colours as the page's legend: green, blue, amber, red."""
NODE_STYLE = {NodeKind.ORGANIZATION: 'shape=box style="rounded,filled" fillcolor="#e8e0f5"',
              NodeKind.ACTIVITY: 'shape=box style="rounded,filled" fillcolor="#eaf1fb"',
              NodeKind.RECIPIENT: 'shape=box style="filled" fillcolor="#f3f3f3"',
              NodeKind.DESTINATION: 'shape=ellipse style="filled" fillcolor="#fff4d6"'}
RANK = {NodeKind.ORGANIZATION: 0, NodeKind.ACTIVITY: 0, NodeKind.RECIPIENT: 1, NodeKind.DESTINATION: 2}


def _q(text: str) -> str:
    """A DOT string literal (quotes and backslashes escaped; no HTML labels, so no markup gets through)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_dot(m: DataMap) -> str:
    lines = [f"digraph {_q('data map of ' + m.name)} {{",
             "  graph [rankdir=LR ranksep=1.6 nodesep=0.12 fontname=\"Helvetica\" "
             f"label={_q('Data map of ' + m.name + ': activities, recipients, destinations')} labelloc=t];",
             '  node [fontname="Helvetica" fontsize=10 height=0.3 margin="0.1,0.03"];',
             '  edge [arrowsize=0.6 color="#8a94a3"];']
    for rank in sorted(set(RANK.values())):
        members = " ".join(_q(n.id) for n in m.nodes if RANK[n.kind] == rank)
        if members:
            lines.append(f"  {{ rank=same; {members} }}")
    for n in m.nodes:
        tooltip = "; ".join(f"{d.label}: {d.value}" for d in n.details)
        lines.append(f"  {_q(n.id)} [id={_q(n.id)} class={_q(n.kind.value.lower())} "
                     f"label={_q(_short(n.label))} tooltip={_q(_short(tooltip, 400))} {NODE_STYLE[n.kind]}];")
    for e in m.edges:
        if e.kind == EdgeKind.TRANSFERS_TO and e.footing is not None:
            colour = FOOTING_COLOURS[e.footing]
            lines.append(f"  {_q(e.source)} -> {_q(e.target)} [id={_q(e.id)} "
                         f"class={_q('transfer footing-' + e.footing.value.lower())} color={_q(colour)} "
                         f"penwidth=2 tooltip={_q(f'{e.label}: {e.footing.value.lower()}')}];")
        else:
            lines.append(f"  {_q(e.source)} -> {_q(e.target)} [id={_q(e.id)} class=\"shares\"];")
    lines.append("}")
    return "\n".join(lines) + "\n"
