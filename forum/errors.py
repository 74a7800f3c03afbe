from forum.secrets import message_for


class ForumError(Exception):
    """A rule said no. The message is for the user and already translated."""


class NotAllowed(ForumError):
    pass


class InvalidTransition(ForumError):
    pass


class SecretRefused(ForumError):
    """The text holds a recovery phrase or a private key: nothing was saved.

    `kinds` says which (forum.secrets.Kind); the message says why and what to do now,
    and never quotes the secret.
    """

    def __init__(self, kinds):
        self.kinds = frozenset(kinds)
        super().__init__(str(message_for(self.kinds)))
