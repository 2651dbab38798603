"""The personas of the platform: their Studio execution roles, the boundary every one of them has,
and what each may do (`policies`)."""

from ml_constructs.personas.boundary import PersonaBoundary
from ml_constructs.personas.policies import PERSONAS, POLICIES, PersonaScope, studio_basics
from ml_constructs.personas.role import PersonaRole

__all__ = ["PERSONAS", "POLICIES", "PersonaBoundary", "PersonaRole", "PersonaScope", "studio_basics"]
