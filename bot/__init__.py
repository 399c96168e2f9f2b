"""Process wiring: configuration, dispatcher, middlewares, sandbox Bot API server, CLI."""
