"""Where did this prediction come from? The lineage of a prod endpoint, in one command.

    mlp-lineage --config config/mine.toml --project churn
    mlp-lineage --config config/mine.toml --endpoint mlplatform-churn-prod --json

prints, one link per line, the chain from a prod endpoint back to the code that built its model:

    endpoint -> endpoint config -> model                                  (prod account)
      -> model package (approved by whom, when, why)                      (dev account: registry)
      -> pipeline execution -> training job -> training data -> code version   (dev account)

A link that cannot be followed (a missing permission, a deleted resource, an API not available) is
printed as `unknown: <reason>` and the walk goes on; only an endpoint that cannot be found stops it.
`chain` is the walk (boto3 clients in, `Link`s out), one function a hop in `hops`; `render` the text
and JSON; `cli` the command, on the operators' CLI core (`operator_cli`).
"""
