"""What the safety rules raise when they say no (the base: config.errors.HandoffError)."""

from config.errors import HandoffError
from safety.guard import message_for


class SafetyError(HandoffError):
    """A safety rule said no. The message is for the user and already translated."""


class LinkRefused(SafetyError):
    """The body links to or names a site it may not (safety.links), or has too many links
    or images for a new member. The message names the site and says what to do."""


class SecretRefused(SafetyError):
    """The text holds a recovery phrase or a private key: nothing was saved.

    `kinds` says which (safety.guard.Kind); the message says why and what to do now,
    and never quotes the secret.
    """

    def __init__(self, kinds):
        self.kinds = frozenset(kinds)
        super().__init__(str(message_for(self.kinds)))
