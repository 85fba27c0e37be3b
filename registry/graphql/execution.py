"""GraphQL execution with plain attribute fields answered directly.

Why: the whole record of 2,000 activities resolves about 200,000 fields, three quarters of them plain leaves (a
name, a code, an enum) that strawberry marks *basic*: no resolver, no extension, no permission, no argument. For
each one graphql-core builds a resolve-info object, calls strawberry's wrapper, which calls `getattr`, and walks
the completion steps for a scalar. That machinery was most of the read's time once the records are in memory.

What changes: when an object's fields are executed, each basic leaf field is answered by reading the attribute
and coercing it with the same `complete_leaf_value` graphql-core uses. A basic leaf that is null where the schema
forbids it, or whose read or coercion fails, is handed to graphql-core's own path, so errors and their locations
are exactly graphql-core's. And a resolver marked `reads_context_only` (registry/graphql/prefetch.py: a related
record shown from what the request has read) is called with the context alone, without strawberry's per-field
wrapper (its `Info`, argument conversion and extension chain, which such a field does not use); its value is
then completed by graphql-core as any other. Everything else (resolvers with arguments or extensions, objects,
lists, `__typename`) takes graphql-core's own path. `tests/api/test_execution.py` compares answers with the
stock executor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import GraphQLField, GraphQLNonNull, GraphQLObjectType, is_leaf_type
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class _Leaf(NamedTuple):
    """A basic leaf field: the attribute it shows, its coercion, and whether null is refused."""

    attribute: str
    complete: Callable[[Any], Any]
    non_null: bool


class _Related(NamedTuple):
    """A field marked `reads_context_only`: its definition and its resolver (the source, an object with `context`)."""

    field_def: GraphQLField
    resolve: Callable[[Any, Any], Any]


class _ContextOnly:
    """What a `reads_context_only` resolver is given as its `info`."""

    __slots__ = ("context",)

    def __init__(self, context: Any):
        self.context = context


class RegistryExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with basic leaf fields read and coerced in one step."""

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
            if getattr(func, "__registry_context_only__", False) and not resolver.arguments \
                    and not resolver.is_async and resolver.self_parameter is not None:
                return _Related(field_def, func)
            return None
        if not getattr(field_def.resolve, "_is_default", False) or definition.default_resolver is not getattr:
            return None
        return_type = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if not is_leaf_type(inner):
            return None
        complete = self.complete_leaf_value
        return _Leaf(definition.python_name, lambda value: complete(inner, value), non_null)

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
                                                   field.field_def, field.resolve)
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
                         position_context: Any, field_def: GraphQLField, func: Callable[[Any, Any], Any]) -> Any:
        """graphql-core's `execute_field`, with the resolver called directly."""
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(details), parent_type, path)
        try:
            result = func(source, self._context)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(return_type, details, info, path, result, position_context)
            completed = self.complete_value(return_type, details, info, path, result, position_context)
            if self.is_awaitable(completed):
                return self._settled(completed, return_type, details, path)
        except Exception as raw_error:  # noqa: BLE001 - reported in the answer, as graphql-core does
            self.handle_field_error(raw_error, return_type, details, path)
            return None
        return completed

    async def _settled(self, completed: Any, return_type: Any, details: Any, path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    async def _gathered(self, results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        """graphql-core's own `get_results` of `execute_fields`."""
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results
