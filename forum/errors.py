from django.utils.translation import gettext as _

from forum.secrets import message_for


class ForumError(Exception):
    """A rule said no. The message is for the user and already translated."""


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


class SecretRefused(ForumError):
    """The text holds a recovery phrase or a private key: nothing was saved.

    `kinds` says which (forum.secrets.Kind); the message says why and what to do now,
    and never quotes the secret.
    """

    def __init__(self, kinds):
        self.kinds = frozenset(kinds)
        super().__init__(str(message_for(self.kinds)))
