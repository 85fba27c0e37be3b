"""GraphQL execution with plain attribute fields answered directly.

Why: the whole record of 2,000 activities resolves about 200,000 fields, three quarters of them plain leaves (a
name, a code, an enum) that strawberry marks *basic*: no resolver, no extension, no permission, no argument. For
each one graphql-core builds a resolve-info object, calls strawberry's wrapper, which calls `getattr`, and walks
the completion steps for a scalar. That machinery was most of the read's time once the records are in memory.

What changes: when an object's fields are executed, each basic leaf field is answered by reading the attribute
and coercing it with the same `complete_leaf_value` graphql-core uses. A basic leaf that is null where the schema
forbids it, or whose read or coercion fails, is handed to graphql-core's own path, so errors and their locations
are exactly graphql-core's. And a resolver of the object alone (no argument, no `info`), or marked
`reads_context_only` (registry/graphql/prefetch.py: a related record shown from what the request has read) is
called with the object (and the context), without strawberry's per-field wrapper (its `Info`, argument conversion
and extension chain, which such a field does not use); its value is
then completed directly when it is an object or a list of objects of the exact class the schema names: each
object's fields are executed with the selection graphql-core collected, skipping its completion steps (the
non-null, list, leaf, abstract and stream checks, its resolve-info object), which repeat for each of the ~60,000
related records of the record. Anything unexpected there (a null, another class, a nested list, `@defer`) is
completed by graphql-core instead. Everything else (resolvers with arguments or extensions, `__typename`) takes
graphql-core's own path. `tests/api/test_execution.py` compares answers and errors with the stock executor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    is_leaf_type,
)
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE


class _Leaf(NamedTuple):
    """A basic leaf field: the attribute it shows, its coercion, and whether null is refused."""

    attribute: str
    complete: Callable[[Any], Any]
    non_null: bool


class _Objects(NamedTuple):
    """How a related field's value is completed directly: an object type (or a list of it) and the class its
    values are."""

    object_type: GraphQLObjectType
    cls: type
    is_list: bool
    non_null: bool
    """The field refuses null."""
    item_type: Any
    """The list's item type (non-null or not)."""


class _Related(NamedTuple):
    """A field whose resolver reads the object alone, or the object and the context (marked `reads_context_only`):
    its definition and its resolver (called with the object and an object holding the context)."""

    field_def: GraphQLField
    resolve: Callable[[Any, Any], Any]
    objects: _Objects | None


_LATER = object()
"""Returned by the direct completion when graphql-core must complete the value instead."""


class _ContextOnly:
    """What a `reads_context_only` resolver is given as its `info`."""

    __slots__ = ("context",)

    def __init__(self, context: Any):
        self.context = context


class RegistryExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with basic leaf fields read and coerced in one step, and related records'
    resolvers called and their objects completed directly (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._context = _ContextOnly(self.context_value)
        self._plans: dict[int, tuple[Any, GraphQLObjectType, dict[str, _Leaf | _Related]]] = {}

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> dict[str, _Leaf | _Related]:
        """The fields of a selection answered here, by response name. graphql-core memoizes the selection per
        parent type and field nodes, so siblings in a list share one plan."""
        plan = self._plans.get(id(grouped_field_set))
        if plan is not None and plan[0] is grouped_field_set and plan[1] is parent_type:
            return plan[2]
        fields: dict[str, _Leaf | _Related] = {}
        # A middleware (a strawberry extension with a `resolve` hook) must see every field: none is answered here then.
        if not (self.middleware_manager and self.middleware_manager.middlewares):
            for response_name, details in grouped_field_set.items():
                field = self._field(parent_type, details)
                if field is not None:
                    fields[response_name] = field
        self._plans[id(grouped_field_set)] = (grouped_field_set, parent_type, fields)
        return fields

    def _field(self, parent_type: GraphQLObjectType, details: Any) -> _Leaf | _Related | None:
        node = details[0].node
        if node.arguments or len(details) != 1 or node.directives:
            return None
        field_def = self.schema.get_field(parent_type, node.name.value)
        if field_def is None or field_def.args:
            return None
        definition = (field_def.extensions or {}).get("strawberry-definition")
        if definition is None or definition.extensions:
            return None
        resolver = definition.base_resolver
        if resolver is not None:
            func = resolver.wrapped_func
            if resolver.arguments or resolver.is_async or resolver.self_parameter is None:
                return None
            if getattr(func, "__registry_context_only__", False):
                return _Related(field_def, func, _objects(field_def))
            if resolver.info_parameter is None and resolver.root_parameter is None \
                    and resolver.parent_parameter is None:  # a resolver of the object alone
                return _Related(field_def, lambda source, _context: func(source), _objects(field_def))
            return None
        if not getattr(field_def.resolve, "_is_default", False) or definition.default_resolver is not getattr:
            return None
        return_type = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if not is_leaf_type(inner):
            return None
        return _Leaf(definition.python_name, self._coercion(inner), non_null)

    def _coercion(self, leaf_type: Any) -> Callable[[Any], Any]:
        """graphql-core's leaf completion. What it gives back unchanged (a str for String and ID, a bool for
        Boolean) is taken as it is; for an enum of Python members, the member's name is looked up (strawberry's
        enum type searches its values for each one)."""
        complete = self.complete_leaf_value
        if leaf_type is GraphQLString or leaf_type is GraphQLID:
            return lambda value: value if type(value) is str else complete(leaf_type, value)
        if leaf_type is GraphQLBoolean:
            return lambda value: value if type(value) is bool else complete(leaf_type, value)
        members = getattr(leaf_type, "wrapped_cls", None)
        if isinstance(leaf_type, GraphQLEnumType) and members is not None:
            names = {members(v.value): name for name, v in leaf_type.values.items()}
            return lambda value: names[value] if type(value) is members else complete(leaf_type, value)
        return lambda value: complete(leaf_type, value)

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       grouped_field_set: Any, position_context: Any) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if not plan:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, details in grouped_field_set.items():
                field = plan.get(response_name)
                if isinstance(field, _Leaf):
                    try:
                        value = getattr(source_value, field.attribute)
                        if value is not None:
                            results[response_name] = field.complete(value)
                            continue
                        if not field.non_null:
                            results[response_name] = None
                            continue
                    except Exception:  # noqa: BLE001, S110 - graphql-core's own path reports it, below
                        pass
                field_path = Path(path, response_name, parent_type.name)
                if isinstance(field, _Related):
                    result = self._execute_related(parent_type, source_value, details, field_path, position_context,
                                                   field)
                else:
                    result = self.execute_field(parent_type, source_value, details, field_path, position_context)
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gathered(results, awaitable_fields)

    def _execute_related(self, parent_type: GraphQLObjectType, source: Any, details: Any, path: Path,
                         position_context: Any, field: _Related) -> Any:
        """graphql-core's `execute_field`, with the resolver called directly and, where it can be, the value
        completed directly."""
        field_def = field.field_def
        return_type = field_def.type
        try:
            result = field.resolve(source, self._context)
            awaitable = self.is_awaitable(result)
            if not awaitable and field.objects is not None and position_context is None:
                completed = self._complete_objects(field.objects, details, path, result)
                if completed is not _LATER:
                    if self.is_awaitable(completed):
                        return self._settled(completed, return_type, details, path)
                    return completed
            info = self.build_resolve_info(field_def, to_nodes(details), parent_type, path)
            if awaitable:
                return self.complete_awaitable_value(return_type, details, info, path, result, position_context)
            completed = self.complete_value(return_type, details, info, path, result, position_context)
            if self.is_awaitable(completed):
                return self._settled(completed, return_type, details, path)
        except Exception as raw_error:  # noqa: BLE001 - reported in the answer, as graphql-core does
            self.handle_field_error(raw_error, return_type, details, path)
            return None
        return completed

    def _complete_objects(self, objects: _Objects, details: Any, path: Path, result: Any) -> Any:
        """The value of a related field: its objects' fields executed with graphql-core's collected selection. A
        null, a value of another class or a selection with deferred parts is left to graphql-core (`_LATER`),
        before anything is executed."""
        if result is None:
            return _LATER if objects.non_null else None
        cls, cast = objects.cls, objects.object_type.is_type_of is not None
        items = result if objects.is_list else (result,)
        if objects.is_list and type(result) is not list:
            return _LATER
        for item in items:
            # strawberry's `is_type_of` accepts an object of the type's own class unless it was cast to another.
            if type(item) is not cls or (cast and getattr(item, TYPE_CAST_ATTRIBUTE, None) is not None):
                return _LATER
        grouped_field_set, defer_usages, _ = self.collect_subfields(objects.object_type, details)
        if defer_usages:
            return _LATER
        if not objects.is_list:
            return self.execute_fields(objects.object_type, result, path, grouped_field_set, None)
        out: list[Any] = []
        awaitable_indices: list[int] = []
        item_type = objects.item_type
        try:
            for index, item in enumerate(result):
                item_path = path.add_key(index, None)
                try:
                    completed = self.execute_fields(objects.object_type, item, item_path, grouped_field_set, None)
                except Exception as raw_error:  # noqa: BLE001 - as graphql-core's `complete_list_item_value`
                    self.handle_field_error(raw_error, item_type, details, item_path)  # raises for a non-null item
                    completed = None
                else:
                    if self.is_awaitable(completed):
                        completed = self._settled(completed, item_type, details, item_path)
                        awaitable_indices.append(index)
                out.append(completed)
        except Exception:
            if awaitable_indices:
                self.settle_in_background([out[i] for i in awaitable_indices])
            raise
        if not awaitable_indices:
            return out
        return self._gathered(out, awaitable_indices)

    async def _settled(self, completed: Any, return_type: Any, details: Any, path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    @staticmethod
    async def _gathered(results: Any, pending: list[Any]) -> Any:
        """graphql-core's own `get_results`: the awaitable entries of a field map or a list (by name or index)
        awaited together."""
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
        else:
            awaited = await gather_with_cancel(*(results[k] for k in pending))
            for k, value in zip(pending, awaited, strict=True):
                results[k] = value
        return results


def _objects(field_def: GraphQLField) -> _Objects | None:
    """How the field's value may be completed directly: when it is an object type of a strawberry class, or a
    list of one; None otherwise (scalars, abstract types, nested lists)."""
    tp: Any = field_def.type
    non_null = isinstance(tp, GraphQLNonNull)
    tp = tp.of_type if isinstance(tp, GraphQLNonNull) else tp
    is_list = isinstance(tp, GraphQLList)
    item_non_null = False
    if is_list:
        tp = tp.of_type
        item_non_null = isinstance(tp, GraphQLNonNull)
        tp = tp.of_type if isinstance(tp, GraphQLNonNull) else tp
    if not isinstance(tp, GraphQLObjectType):
        return None
    definition = (tp.extensions or {}).get("strawberry-definition")
    cls = getattr(definition, "origin", None)
    if not isinstance(cls, type):
        return None
    return _Objects(tp, cls, is_list, non_null, GraphQLNonNull(tp) if item_non_null else tp)
