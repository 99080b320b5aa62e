"""`make bench`: the bot under load, measured against the local sandbox; see BENCHMARKS.md."""
