"""Hot-path queries written out once, with model instances loaded the way the ORM does.

Building a QuerySet and compiling it to SQL costs more CPU than PostgreSQL spends
answering the query: for the token lookup every API request makes, about 0.5 ms of a
list request's 3.4 ms (``python -m bench.profile``). The few queries on every request's
path are therefore written as SQL once per process (table and column names taken from
the models, values always parameters) and their rows turned into model instances with
``Model.from_db`` after the database's own converters (SQLite returns text for UUIDs and
datetimes), which is what the ORM does after its compiler. Everything else stays ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True, slots=True)
class Columns(Generic[M]):
    """Every concrete column of ``model`` under a table ``alias`` in a SELECT."""

    model: type[M]
    alias: str

    @property
    def fields(self) -> Sequence[Field[Any, Any]]:
        return self.model._meta.concrete_fields

    def table(self) -> str:
        """``"table" alias`` for the FROM or JOIN clause."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def field(self, name: str) -> Field[Any, Any]:
        field = self.model._meta.get_field(name)
        assert isinstance(field, Field) and field.column is not None, name
        return field

    def column(self, name: str) -> str:
        """``alias."column"`` of the field called ``name``."""
        return f"{self.alias}.{connection.ops.quote_name(self.field(name).column or '')}"

    def select(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column or '')}" for field in self.fields)

    def load(self, values: Sequence[Any]) -> M:
        """The instance these values (in :meth:`select`'s order) describe."""
        converted = [
            _convert(value, converters, field)
            for value, (field, converters) in zip(values, _converters(self.model), strict=True)
        ]
        return self.model.from_db(  # type: ignore[return-value]
            connection.alias, [field.attname for field in self.fields], converted
        )


def _convert(value: Any, converters: Sequence[Converter], field: Any) -> Any:
    for converter in converters:
        value = converter(value, field, connection)
    return value


@functools.cache
def _converters(model: type[Model]) -> list[tuple[Any, list[Converter]]]:
    """Per concrete field: the expression converters see and the database's converters."""
    out = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        out.append((column, converters))
    return out


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()  # type: ignore[no-any-return]


def db_value(model: type[Model], value: Any) -> Any:
    """``value`` of ``model``'s primary key as this database's driver takes it."""
    return model._meta.pk.get_db_prep_value(value, connection)  # type: ignore[union-attr]
