"""What every face's test tenant shares: its own company, and direct reads and writes of its rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from tests.conftest import LiveServer


@dataclass
class CompanyRows:
    """One test's company on the live server's database."""

    server: LiveServer
    company_id: int

    def add(self, model: type[Any], **values: Any) -> int:
        """Inserts one row of `model` for this company; returns its primary key."""
        with self.server.db.transaction(write=True) as session:
            row = model(company_id=self.company_id, **values)
            session.add(row)
            session.flush()
            return int(row.__mapper__.primary_key_from_instance(row)[0])

    def count(self, model: type[Any], **where: Any) -> int:
        """How many rows of `model` this company has that match `where` (column=value)."""
        conditions = [model.company_id == self.company_id, *(getattr(model, c) == v for c, v in where.items())]
        with self.server.db.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)

    def rows(self, model: type[Any], **where: Any) -> list[dict[str, Any]]:
        """This company's rows of `model` matching `where`, as column -> Python value, by primary key."""
        table = model.__table__
        conditions = [table.c.company_id == self.company_id, *(table.c[c] == v for c, v in where.items())]
        with self.server.db.transaction() as session:
            result = session.execute(select(table).where(*conditions).order_by(*table.primary_key.columns))
            return [dict(row) for row in result.mappings()]


T = TypeVar("T")


def in_parallel(count: int, work: Callable[[int], T]) -> list[T]:
    """`work(i)` for every i in range(count), each on its own thread, all released at the same moment."""
    start = threading.Barrier(count)
    results: list[T | None] = [None] * count

    def run(index: int) -> None:
        start.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]
