"""Query expressions the ORM does not offer."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import Expression, Field, Lookup


def _distinct(values) -> list:
    """Each value once, None left out: what an ``IN`` list matches."""
    return list(dict.fromkeys(v for v in values if v is not None))


def _prepared(field: Field, values, connection) -> list:
    return [field.get_db_prep_value(v, connection, prepared=False) for v in values]


@dataclass(frozen=True)
class Fill:
    """Where a ``Slot``'s value goes among a compiled statement's parameters (``core.prepared``)."""

    name: str
    field: Field  # prepares the value (``get_db_prep_value``), as the ORM prepares a literal
    form: str = "one"  # "one" value; "array" (PostgreSQL) or "json" (SQLite) of a list: ``AnyOf``

    def value(self, values: dict, connection):
        try:
            given = values[self.name]
        except KeyError:
            raise TypeError(f"No value for the slot {self.name!r}.") from None
        if self.form == "one":
            return self.field.get_db_prep_value(given, connection, prepared=False)
        if isinstance(given, (str, bytes)) or not hasattr(given, "__iter__"):
            raise TypeError(f"The slot {self.name!r} takes a list of values.")
        prepped = _prepared(self.field, _distinct(given), connection)
        return prepped if self.form == "array" else json.dumps(prepped, ensure_ascii=False)


class Slot(Expression):
    """A value given each time a prepared query runs (``core.prepared.Prepared``): ``%s`` in its SQL.

    ``Slot("digest", field)`` where a literal would go (``filter(digest=Slot(...))``), prepared by
    ``field`` at each run; ``AnyOf(F(col), Slot("ids"))`` for a list, prepared by the column's field."""

    def __init__(self, name: str, output_field: Field | None = None):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [Fill(self.name, self.output_field)]


class AnyOf(Lookup):
    """``lhs IN (values)`` whose SQL does not change with how many values there are (issue 14).

    On PostgreSQL the values go as one array parameter (``lhs = ANY(%s)``): a statement run again
    with another number of values is the same prepared statement, so PostgreSQL may keep one plan
    instead of planning it again every time (and psycopg does not parse it again either: it caches
    only statements of at most 50 parameters). Elsewhere it is the usual ``IN`` list.

    Used as an expression, not registered on fields: ``qs.filter(AnyOf(F("petitioner_id"), ids))``.
    With a ``Slot`` for the values (a prepared query's list, given at each run) the statement is the
    same on SQLite too: the list goes as one JSON parameter (``lhs IN (SELECT value FROM json_each(%s))``).
    Like ``__in``, None among the values matches nothing; unlike ``exclude(col__in=…)``, an
    ``exclude()`` of it also leaves out the rows whose column is NULL (use it on NOT NULL columns).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, Slot):
            return self.rhs
        if hasattr(self.rhs, "resolve_expression"):
            raise TypeError("AnyOf takes a list of values, not a query or an expression.")
        return _distinct(self.rhs)

    def as_sql(self, compiler, connection):
        postgres = connection.vendor == "postgresql"
        if isinstance(self.rhs, Slot):  # one parameter, given at each run (core.prepared)
            values = Fill(self.rhs.name, self.lhs.output_field, "array" if postgres else "json")
        else:
            values = _prepared(self.lhs.output_field, self.rhs, connection)
            if not values:
                raise EmptyResultSet  # nothing matches (what Django's own "__in=[]" does)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if postgres:
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if isinstance(values, Fill):
            return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
