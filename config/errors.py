"""The one base of every domain error: a rule said no, in words for the user.

Each app raises its own kinds (forum.errors, safety.errors); a view that shows the
message next to a form catches HandoffError, whichever rule it was.
"""


class HandoffError(Exception):
    """A rule said no. The message is for the user and already translated."""
