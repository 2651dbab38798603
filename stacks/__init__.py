"""The platform's stacks and the per-account stages that group them."""
