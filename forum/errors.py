class ForumError(Exception):
    """A rule said no. The message is for the user and already translated."""


class NotAllowed(ForumError):
    pass


class InvalidTransition(ForumError):
    pass
