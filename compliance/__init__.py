"""The security checks every synthesis must pass."""
