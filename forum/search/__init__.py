"""Forum search: one module, a backend per database (forum/search/backends.py).

Callers use:
- `search(query, *, user, filters=None, limit=20, offset=0)` → `Results` (ranked `Hit`s,
  one per thread, with highlighted title and snippet HTML, a count, paging);
- `similar(text, *, user, limit=5)` → `Hit`s, cheap, for a question being typed;
- `Filters` (category, solved, answered by the support team, asked between two instants);
- `forum.search.index` to keep the index in step (the forum's services do) and rebuild it.
"""

from forum.search.backends import Filters
from forum.search.engine import Hit, Query, Results, parse, search, similar

__all__ = ["Filters", "Hit", "Query", "Results", "parse", "search", "similar"]
