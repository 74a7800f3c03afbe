"""Role names. Roles are Django groups so admins manage them in one familiar place."""

MODERATORS = "Moderators"
AGENTS = "Agents"
ALL_GROUPS = (MODERATORS, AGENTS)
