"""Developer-only management commands; see apps.DevtoolsConfig."""
