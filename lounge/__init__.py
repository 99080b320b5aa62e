"""The bot's Discord-side core: settings, logging, the bot class and the channel write pacer."""

# The one place the version is written (pyproject.toml's matches it; a test checks they agree).
VERSION = "0.1.0"
