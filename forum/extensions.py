"""Places on forum pages that other apps fill in, so the forum need not know them.

An app registers a function in its AppConfig.ready(); the forum calls it while
rendering and shows whatever HTML it returns (an empty string shows nothing). The
escalation app uses the thread sidebar for "Ask the support team" and a ticket's status.
"""

from collections.abc import Callable

ThreadPanel = Callable[..., str]

_thread_panels: list[ThreadPanel] = []


def register_thread_panel(panel: ThreadPanel) -> ThreadPanel:
    """`panel(request=…, thread=…) -> str`: HTML for the thread page's sidebar, or ""."""
    if panel not in _thread_panels:
        _thread_panels.append(panel)
    return panel


def thread_panels(*, request, thread) -> list[str]:
    return [html for panel in _thread_panels if (html := panel(request=request, thread=thread))]
