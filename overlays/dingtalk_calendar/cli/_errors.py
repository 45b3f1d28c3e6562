"""The CLI's own errors: bad command lines and files, and a bulk job stopped by Ctrl-C."""


class UsageError(Exception):
    """The command line or a file it names cannot be used (exit code 2)."""


class JobInterrupted(Exception):
    """Raised inside a bulk job's workers once Ctrl-C asked the job to stop."""
