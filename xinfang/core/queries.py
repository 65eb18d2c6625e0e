"""Query expressions the ORM does not offer."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    """``lhs IN (values)`` whose SQL does not change with how many values there are (issue 14).

    On PostgreSQL the values go as one array parameter (``lhs = ANY(%s)``): a statement run again
    with another number of values is the same prepared statement, so PostgreSQL may keep one plan
    instead of planning it again every time (and psycopg does not parse it again either: it caches
    only statements of at most 50 parameters). Elsewhere it is the usual ``IN`` list.

    Used as an expression, not registered on fields: ``qs.filter(AnyOf(F("petitioner_id"), ids))``.
    Like ``__in``, None among the values matches nothing; unlike ``exclude(col__in=…)``, an
    ``exclude()`` of it also leaves out the rows whose column is NULL (use it on NOT NULL columns).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):
            raise TypeError("AnyOf takes a list of values, not a query or an expression.")
        return list(dict.fromkeys(v for v in self.rhs if v is not None))  # once each, as IN would match

    def as_sql(self, compiler, connection):
        values = [self.lhs.output_field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]
        if not values:
            raise EmptyResultSet  # nothing matches (what Django's own "__in=[]" does)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
