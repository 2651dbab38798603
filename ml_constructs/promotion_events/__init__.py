"""The functions that act on promotion events: the trigger that starts a promotion when a version is
approved, and the audit trail that records every registry decision and gate answer.

Both deploy the one folder `runtime/` (plain Python, no CDK) with different handlers, so each asset
holds the validation they share (`runtime/registry_events.py`).
"""

from ml_constructs.promotion_events.audit_trail import AuditTrail
from ml_constructs.promotion_events.patterns import GATE_ACTION
from ml_constructs.promotion_events.projects import PromotedProject, PromotionProjects
from ml_constructs.promotion_events.trigger import PromotionTrigger

__all__ = ["GATE_ACTION", "AuditTrail", "PromotedProject", "PromotionProjects", "PromotionTrigger"]
