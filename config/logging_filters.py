"""Filters for the LOGGING setting."""

import logging

from django.conf import settings


class SkipStaticRequests(logging.Filter):
    """Drop the development server's lines for static files that were served.

    runserver logs every request, and a page brings a dozen stylesheets, scripts and
    icons with it: the lines that matter (pages, posts, errors) scroll away. A static
    file that fails (404, 500) is still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) < 2:
            return True
        request_line, status = str(args[0]), str(args[1])
        parts = request_line.split()
        path = parts[1] if len(parts) > 1 else ""
        is_static = path.startswith((settings.STATIC_URL, "/favicon.ico"))
        return not (is_static and status[:1] in ("2", "3"))
