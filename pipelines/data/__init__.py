"""Sample data for trying the model-build pipeline; importable so tests can regenerate it."""
