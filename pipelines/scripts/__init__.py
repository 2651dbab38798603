"""The scripts the pipeline's processing jobs run, a package only so that tests can import them.

Each stands alone in its container: the CDK stack uploads them to the project's CodeUri prefix.
"""
