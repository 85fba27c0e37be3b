"""The data map in GraphQL: the same nodes and edges the registry's own picture draws, for tools that draw
their own."""

from __future__ import annotations

import strawberry

from registry.graphql.enums import expose
from registry.services import data_map as dm

DataMapNodeKind = expose(dm.NodeKind, name="DataMapNodeKind",
                         description="What a node of the data map stands for.")
DataMapEdgeKind = expose(dm.EdgeKind, name="DataMapEdgeKind", description="What an edge of the data map says.")
TransferFooting = expose(dm.Footing, name="TransferFooting",
                         description="What a transfer rests on under GDPR Chapter V, derived from its mechanism's "
                         "kind and the destination's adequacy decision in the reference data.")


@strawberry.type(description="One line of a record's details on the data map.")
class DataMapDetail:
    label: str = strawberry.field(description="What the line says, e.g. 'Mechanism'.")
    value: str = strawberry.field(description="Its value, in words.")


def _details(items: list[dm.Detail]) -> list[DataMapDetail]:
    return [DataMapDetail(label=d.label, value=d.value) for d in items]


@strawberry.type(description="A node of the data map: an activity, a recipient, a destination or the organisation.")
class DataMapNode:
    id: str = strawberry.field(description="The node's id on this map, e.g. `activity:payments` (edges refer to it).")
    kind: DataMapNodeKind = strawberry.field(description="What the node stands for.")  # type: ignore[valid-type]
    label: str = strawberry.field(description="The record's name.")
    record: str | None = strawberry.field(
        description="The record's id (`slug/key`, or a country code); null for a destination not named.")
    details: list[DataMapDetail] = strawberry.field(description="What the map shows on hover or click.")
    purposes: list[str] = strawberry.field(description="For an activity: its purposes' keys.")
    data_categories: list[str] = strawberry.field(description="For an activity: its data categories' keys.")

    @classmethod
    def from_domain(cls, n: dm.Node) -> DataMapNode:
        return cls(id=n.id, kind=n.kind, label=n.label, record=n.record, details=_details(n.details),
                   purposes=n.purposes, data_categories=n.data_categories)


@strawberry.type(description="An edge of the data map: an activity sharing with a recipient, or a transfer.")
class DataMapEdge:
    id: str = strawberry.field(description="The edge's id on this map (`transfer:<key>` for a transfer).")
    kind: DataMapEdgeKind = strawberry.field(description="What the edge says.")  # type: ignore[valid-type]
    source: str = strawberry.field(description="The id of the node the data comes from.")
    target: str = strawberry.field(description="The id of the node the data goes to.")
    footing: TransferFooting | None = strawberry.field(  # type: ignore[valid-type]
        description="For a transfer: what it rests on (ADEQUATE, SAFEGUARDED, DEROGATION, MISSING).")
    transfer: str | None = strawberry.field(description="For a transfer: the transfer record's id (`slug/key`).")
    label: str | None = strawberry.field(description="For a transfer: its mechanism's title.")
    activities: list[str] = strawberry.field(description="The ids of the activity nodes whose data takes this edge.")
    details: list[DataMapDetail] = strawberry.field(description="What the map shows on hover or click.")

    @classmethod
    def from_domain(cls, e: dm.Edge) -> DataMapEdge:
        return cls(id=e.id, kind=e.kind, source=e.source, target=e.target, footing=e.footing, transfer=e.transfer,
                   label=e.label, activities=e.activities, details=_details(e.details))


@strawberry.type(description="A value a data-map filter can take.")
class DataMapChoice:
    key: str = strawberry.field(description="Its key (a purpose key, a data-category key, a destination node id).")
    name: str = strawberry.field(description="Its name.")


@strawberry.type(description="An organisation's data map: its activities, the recipients they share with and the "
                 "destinations data is transferred to, each transfer with its footing.")
class DataMap:
    nodes: list[DataMapNode] = strawberry.field(description="Every node of the map.")
    edges: list[DataMapEdge] = strawberry.field(description="Every edge of the map.")
    purposes: list[DataMapChoice] = strawberry.field(description="The purposes the activities on the map serve.")
    data_categories: list[DataMapChoice] = strawberry.field(
        description="The data categories the activities on the map process.")
    destinations: list[DataMapChoice] = strawberry.field(description="The destinations on the map.")

    @classmethod
    def from_domain(cls, d: dm.DataMap) -> DataMap:
        def choices(xs: list[dm.Choice]) -> list[DataMapChoice]:
            return [DataMapChoice(key=c.key, name=c.name) for c in xs]

        return cls(nodes=[DataMapNode.from_domain(n) for n in d.nodes],
                   edges=[DataMapEdge.from_domain(e) for e in d.edges], purposes=choices(d.purposes),
                   data_categories=choices(d.data_categories), destinations=choices(d.destinations))
