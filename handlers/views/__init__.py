"""Presentation: message templates and their rendering, labels, and what every outgoing message must fit."""
