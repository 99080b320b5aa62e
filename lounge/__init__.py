"""The bot's Discord-side core: settings, logging, the bot class and the channel write pacer."""
