"""config/urls.py tries the forum first: no path of another app may be one the forum's match."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve

SAMPLES = {"int": "7", "slug": "a-slug", "str": "some-name", "path": "a/b", "uuid": None}


def _paths(patterns, prefix=""):
    """A concrete path for each pattern, its converters filled with sample values."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("^") or "(?P" in route:  # the admin's regex routes
                continue
            path = route
            for name, sample in SAMPLES.items():
                while f"<{name}:" in path:
                    start = path.index(f"<{name}:")
                    path = path[:start] + (sample or "x") + path[path.index(">", start) + 1 :]
            yield "/" + path, entry.callback


def test_every_path_resolves_to_its_own_view():
    paths = list(_paths(get_resolver().url_patterns))

    assert len(paths) > 50
    wrong = [
        (path, resolve(path).func, view)
        for path, view in paths
        if "<" not in path and resolve(path).func is not view
    ]
    assert wrong == []
