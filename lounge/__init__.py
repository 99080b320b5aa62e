"""The shell of the bot: the client, settings, logging, host guards and interaction replies."""

# The one place the version is written (pyproject.toml's matches it; a test checks they agree).
VERSION = "0.1.0"
