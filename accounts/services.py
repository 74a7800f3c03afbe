from accounts.models import LANGUAGE_CODES, User


def update_settings(
    *, actor: User, display_name: str, bio: str, timezone: str, language: str
) -> User:
    """Save the actor's own profile settings (already validated by SettingsForm)."""
    actor.display_name = display_name
    actor.bio = bio
    actor.timezone = timezone
    actor.language = language
    actor.save(update_fields=["display_name", "bio", "timezone", "language"])
    return actor


def set_language(*, actor: User, language: str) -> None:
    if language in LANGUAGE_CODES and actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
