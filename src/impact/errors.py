"""Domain exceptions: each message is one line a user can act on."""


class ImpactError(Exception):
    """Base of every error the CLI reports as one line with a non-zero exit."""

    exit_code = 1


class ConfigError(ImpactError):
    exit_code = 2


class InputError(ImpactError):
    """A file or argument that cannot be used as given."""

    exit_code = 3
