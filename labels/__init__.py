"""Ground-truth labels of prod predictions, for Model Monitor's model-quality and bias checks: the
format (`format.py`) and the operator command that validates and uploads them (`cli.py`)."""
