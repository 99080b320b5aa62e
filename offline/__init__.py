"""Running the real bot against the local Discord-compatible sandbox, for tests, benchmarks and the demo.

Nothing here is used when the bot runs against Discord.
"""
