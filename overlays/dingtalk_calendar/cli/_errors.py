"""The CLI's own errors: bad command lines and files."""


class UsageError(Exception):
    """The command line or a file it names cannot be used (exit code 2)."""
