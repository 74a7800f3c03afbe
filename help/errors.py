"""What the help app's rules refuse, in words for the user."""

from config.errors import HandoffError


class HelpError(HandoffError):
    pass


class NotAllowed(HelpError):
    """The actor may not do this (writing articles needs the staff predicate)."""


class InvalidArticle(HelpError):
    """An article without a whole question and answer in either language."""
