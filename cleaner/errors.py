"""The settings' error, apart from `cleaner.config` so that what the config reads (the site-rules
file format, `cleaner.sites`) can raise it without importing the config: the config depends on
the site rules, never the other way round."""


class ConfigError(ValueError):
    """A configuration value or file is invalid; the message names the key or file."""

    __module__ = "cleaner.config"  # its public path: shown, and pickled, as cleaner.config.ConfigError
