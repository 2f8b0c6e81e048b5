"""One cog per feature; each owns its commands, its buttons and its background loop."""
