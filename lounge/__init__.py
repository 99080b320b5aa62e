"""The shell of the bot: the client, settings, logging, host guards and interaction replies."""
