"""The in-memory store mirrors every kind of row access the services have (``matters.rows.Rows``):
a method it inherited would silently reach the database in the middle of the fast run."""

from xinfang.demo.generator.memory import MemoryStore
from xinfang.matters.rows import Rows


def test_the_store_overrides_every_row_access():
    public = {name for name in vars(Rows) if not name.startswith("_") and callable(getattr(Rows, name))}
    assert public >= {"save", "create", "running", "link", "find_duplicates"}  # the list is real
    inherited = sorted(name for name in public if name not in vars(MemoryStore))
    assert inherited == [], f"MemoryStore does not mirror: {inherited}"
