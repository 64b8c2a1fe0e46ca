"""Policy around the core: what a newsroom decides about findings.

config (settings files), options (config merged with the command line), suppress
(mtcheck-disable comments in the checked file), baseline (accepted findings) and gate
(when a document fails). The pipeline applies them; the core never sees them.
"""

# What `fail_on` takes, lowest first; kept here, free of imports, so that `--help` stays light.
FAIL_ON = ("info", "warning", "error", "never")


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message is one line naming it. (Raised by
    `baseline`; defined here so that a command can catch it without loading pydantic.)"""
