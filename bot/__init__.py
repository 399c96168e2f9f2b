"""The composition root: configuration, dispatcher wiring, middlewares, update inbox, notifier, HTTP API, CLI, demo."""
