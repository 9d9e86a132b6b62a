"""The one exception type of the credential module: its message is the reason shown to people."""


class CredentialError(Exception):
    """A credential (or a file meant to hold one) cannot be accepted; str() is the reason."""
