"""What other apps show on a member's profile page, without accounts knowing them.

accounts sits below the forum: the profile view asks the panels registered here (the
forum registers its sanctions panel in its AppConfig.ready()) for what they add to the
page's context, as in notifications.visibility.
"""

from collections.abc import Callable

# panel(viewer=..., person=...) -> the context it adds to accounts/profile.html ({} for none).
Panel = Callable[..., dict]
_panels: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def context_for(*, viewer, person) -> dict:
    """What every registered panel adds to `person`'s profile page as `viewer` sees it."""
    context: dict = {}
    for panel in _panels:
        context.update(panel(viewer=viewer, person=person))
    return context
