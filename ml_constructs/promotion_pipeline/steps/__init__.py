"""Scripts the promotion pipeline's CodeBuild actions run from the source artifact.

Each runs as `python3 steps/<script>.py`, needs only the standard library and boto3, and imports
`common` as a sibling module, so the folder works on its own in CodeBuild as well as imported as
this package in tests.
"""
