"""Writes `churn.csv`, a small synthetic churn dataset for trying the model-build pipeline.

Every value comes from a fixed-seed `random.Random` and is formatted explicitly, so a rerun (on any
Python 3) reproduces the committed file byte for byte. The PII columns are fake but realistic in
shape, so that tests can prove preprocessing removes them.

    python pipelines/data/generate_sample.py
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

OUTPUT = Path(__file__).with_name("churn.csv")
ROWS = 600
SEED = 20261122

PII_COLUMNS = ("customer_name", "email", "phone")
FEATURE_COLUMNS = (
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "contract",
    "payment_method",
    "internet_service",
    "support_calls",
    "is_senior",
)
LABEL_COLUMN = "churned"

_FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemi")
_LAST_NAMES = ("Adams", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova")
_CONTRACTS = ("month-to-month", "one-year", "two-year")
_PAYMENT_METHODS = ("bank-transfer", "card", "electronic-check", "mailed-check")
_INTERNET_SERVICES = ("dsl", "fiber", "none")


def _customer(rng: random.Random, index: int) -> dict[str, object]:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    contract = rng.choices(_CONTRACTS, weights=(5, 3, 2))[0]
    internet = rng.choices(_INTERNET_SERVICES, weights=(4, 4, 2))[0]
    payment = rng.choice(_PAYMENT_METHODS)
    tenure = rng.randint(1, 72)
    monthly = round(18.0 + {"none": 0.0, "dsl": 30.0, "fiber": 55.0}[internet] + rng.uniform(0.0, 30.0), 2)
    support_calls = min(9, int(rng.expovariate(0.6)))
    senior = int(rng.random() < 0.18)
    # Churn risk: short tenure, monthly contracts, fiber, electronic checks and support calls.
    logit = (
        -1.5
        - 0.07 * tenure
        + {"month-to-month": 2.4, "one-year": 0.3, "two-year": -1.5}[contract]
        + (1.0 if internet == "fiber" else 0.0)
        + (0.9 if payment == "electronic-check" else 0.0)
        + 0.5 * support_calls
        + 0.6 * senior
    )
    churned = int(rng.random() < 1.0 / (1.0 + math.exp(-logit)))
    return {
        "customer_name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{index}@example.com",
        "phone": f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "tenure_months": tenure,
        "monthly_charges": f"{monthly:.2f}",
        "total_charges": f"{monthly * tenure:.2f}",
        "contract": contract,
        "payment_method": payment,
        "internet_service": internet,
        "support_calls": support_calls,
        "is_senior": senior,
        LABEL_COLUMN: churned,
    }


def render(rows: int = ROWS, seed: int = SEED) -> str:
    """The dataset as CSV text (header first, `\\n` line ends)."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    columns = (*PII_COLUMNS, *FEATURE_COLUMNS, LABEL_COLUMN)
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_customer(rng, index) for index in range(rows))
    return buffer.getvalue()


def main() -> None:
    OUTPUT.write_text(render(), encoding="utf-8", newline="")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
