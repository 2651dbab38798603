"""Commands around the synthesized cloud assembly: reading it, linting it, summarising it."""
