"""Who may write the knowledge base: a moderator or an agent acting as staff, that is with
a second factor verified in this session (the one predicate, accounts/powers.py)."""

from accounts import powers


def can_edit_articles(user) -> bool:
    return powers.acts_as_agent(user) or powers.acts_as_moderator(user)
