from accounts import timezones
from accounts.models import LANGUAGE_CODES, User
from safety.models import SecretRefusal
from safety.services import refuse_secrets


def update_settings(
    *, actor: User, display_name: str, bio: str, timezone: str, language: str
) -> User:
    """Save the actor's own profile settings (already validated by SettingsForm).

    Raises SecretRefused if the name or the bio holds a recovery phrase or private key.
    """
    refuse_secrets(where=SecretRefusal.Where.PROFILE, texts=[display_name, bio])
    actor.display_name = display_name
    actor.bio = bio
    actor.timezone = timezone
    actor.language = language
    actor.save(update_fields=["display_name", "bio", "timezone", "language"])
    return actor


def set_timezone(*, actor: User, timezone: str) -> bool:
    """Show the actor's times in `timezone` from now on. False (and nothing saved) for a
    zone we do not know."""
    if not timezones.is_known(timezone):
        return False
    if actor.timezone != timezone:
        actor.timezone = timezone
        actor.save(update_fields=["timezone"])
    return True


def set_language(*, actor: User, language: str) -> None:
    if language in LANGUAGE_CODES and actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
