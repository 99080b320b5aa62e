"""Discord-facing commands, one module per area. Cogs parse options and reply; rules and storage decide."""
