from django.utils.translation import gettext as _

from config.errors import HandoffError


class ForumError(HandoffError):
    """A forum rule said no. The message is for the user and already translated."""


class NotAllowed(ForumError):
    pass


class InvalidTransition(ForumError):
    pass


class AlreadyPosted(ForumError):
    """The author sent this same text a moment ago (a double click, a form sent again).

    `post` is the one already saved: callers take the author there instead of an error.
    """

    def __init__(self, post):
        self.post = post
        super().__init__(_("You had already posted this, so it was not posted twice. Here it is."))
