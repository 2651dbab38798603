"""The IAM evaluator against the rules AWS documents: patterns, conditions, and the decision between
identity policies, permissions boundaries, resource policies and SCPs (each test names its rule)."""

from __future__ import annotations

import pytest

from compliance.iam.conditions import conditions_hold
from compliance.iam.evaluate import Outcome, Principal, Request, Resource, evaluate
from compliance.iam.patterns import action_matches, arn_matches, matches, patterns_overlap
from compliance.iam.statements import UnsupportedPolicy

ACCOUNT, OTHER = "111111111111", "222222222222"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/team/analyst"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/analyst/session"
BUCKET = "arn:aws:s3:::data"
OBJECT = f"{BUCKET}/reports/q1.csv"


def allow(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def decide(
    principal: Principal,
    action="s3:GetObject",
    resource=OBJECT,
    *,
    account=None,
    policy=None,
    required=False,
    context=None,
    scps=(),
) -> Outcome:
    request = Request(action, Resource(resource, account, policy, required), context or {})
    return evaluate(principal, request, scps=scps).outcome


def role(*identity: dict, boundary: dict | None = None, arn: str = ROLE) -> Principal:
    """A role whose identity policy holds these statements."""
    return Principal(arn, identity=(doc(*identity),) if identity else (), boundary=boundary)


ALLOW, DENY, IMPLICIT = Outcome.ALLOW, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY


# --- patterns -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("a*", "a", True),  # * matches nothing too
        ("a?c", "abc", True),
        ("a?c", "ac", False),  # ? is exactly one character
        ("bucket[1]", "bucket[1]", True),  # [ is literal in IAM, unlike fnmatch
        ("bucket[1]", "bucket1", False),
        ("arn:aws:s3:::data/*", "arn:aws:s3:::data/a/b:c", True),  # * in a resource spans / and :
        ("arn:aws:s3:::Data/*", "arn:aws:s3:::data/x", False),  # ARNs are case-sensitive
    ],
)
def test_wildcards(pattern, value, expected):
    assert matches(pattern, value) is expected


def test_actions_match_case_insensitively():
    assert action_matches("SageMaker:list*", "sagemaker:ListModelPackages")
    assert not action_matches("sagemaker:List*", "sagemaker:DescribeModelPackage")


def test_arn_operators_match_each_of_the_six_parts_on_its_own():
    """ArnLike: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN"""
    assert arn_matches(
        "arn:aws:iam::*:role/mlplatform-*-model", "arn:aws:iam::222222222222:role/mlplatform-churn-model"
    )
    assert not arn_matches("arn:aws:iam::*", "arn:aws:iam::222222222222:role/x")  # five parts never match six
    assert matches("arn:aws:iam::*", "arn:aws:iam::222222222222:role/x")  # while StringLike does


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("sagemaker:*", "sagemaker:UpdateModelPackage", True),
        ("sagemaker:U*", "sagemaker:*Package", True),
        ("sagemaker:Describe*", "sagemaker:Update*", False),
        ("s3:Get?bject", "S3:GETOBJECT", True),
    ],
)
def test_action_patterns_overlap(a, b, expected):
    assert patterns_overlap(a, b) is expected


# --- conditions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, False),  # a missing key: no match
        ({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, True),  # ...unless the operator is negated
        ({"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::x"}}, True),
        ({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, True),  # IfExists: true when absent
        ({"Null": {"aws:SourceVpc": "true"}}, True),
        ({"Null": {"aws:SourceVpc": "false"}}, False),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}, True),  # vacuously true
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}, False),
    ],
)
def test_a_key_missing_from_the_request(condition, expected):
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert conditions_hold(condition, {}) is expected


@pytest.mark.parametrize(
    ("tag_keys", "expected"),
    [(["key1:legal"], False), (["key1:hr", "key1:personnel"], False), (["key2:audit"], True), (None, True)],
)
def test_for_all_values_with_a_negated_operator(tag_keys, expected):
    """The documented table for ForAllValues:StringNotLike on aws:TagKeys:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html"""
    context = {} if tag_keys is None else {"aws:tagkeys": tag_keys}
    assert conditions_hold({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, context) is expected


def test_for_any_value_needs_one_match():
    condition = {"ForAnyValue:StringEquals": {"sagemaker:VpcSubnets": ["subnet-a", "subnet-b"]}}
    assert conditions_hold(condition, {"sagemaker:vpcsubnets": ["subnet-x", "subnet-b"]})
    assert not conditions_hold(condition, {"sagemaker:vpcsubnets": ["subnet-x"]})


def test_values_are_ored_keys_and_operators_anded_and_negation_is_none_of():
    context = {"aws:principalarn": "arn:aws:iam::1:role/b", "aws:sourceaccount": "1"}
    assert conditions_hold(
        {"StringEquals": {"aws:PrincipalArn": ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]}}, context
    )
    assert not conditions_hold(
        {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/b", "aws:SourceAccount": "2"}}, context
    )
    assert not conditions_hold(
        {"StringNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]}}, context
    )


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:securetransport": True}, False),
        ({"Bool": {"kms:GrantIsForAWSResource": True}}, {"kms:grantisforawsresource": "true"}, True),
        ({"NumericLessThan": {"s3:TlsVersion": 1.2}}, {"s3:tlsversion": "1.3"}, False),
        ({"NumericLessThan": {"s3:TlsVersion": 1.2}}, {"s3:tlsversion": 1.0}, True),
        ({"StringEqualsIgnoreCase": {"aws:PrincipalTag/Team": "ML"}}, {"aws:principaltag/team": "ml"}, True),
        ({"StringLike": {"s3:prefix": ["churn/*"]}}, {"s3:prefix": "churn/input/a.csv"}, True),
        ({"StringLike": {"s3:prefix": ["churn/*"]}}, {"s3:prefix": "Churn/input"}, False),
        (
            {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
            {"aws:currenttime": "2025-12-31T23:59:59Z"},
            True,
        ),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}, {"aws:sourceip": "10.0.3.4"}, True),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/16"}}, {"aws:sourceip": "10.0.3.4"}, False),
    ],
)
def test_operators(condition, context, expected):
    assert conditions_hold(condition, context) is expected


@pytest.mark.parametrize(
    ("condition", "context"),
    [
        (
            {"StringEquals": {"aws:TagKeys": "a"}},
            {"aws:tagkeys": ["a", "b"]},
        ),  # multivalued key, no set operator
        ({"BinaryEquals": {"aws:UserAgent": "QmluYXJ5"}}, {"aws:useragent": "x"}),
        ({"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}, {"aws:principaltag/team": "x"}),
    ],
    ids=["multivalued", "binary", "policy-variable"],
)
def test_what_is_not_modelled_is_refused_not_guessed(condition, context):
    with pytest.raises(UnsupportedPolicy):
        conditions_hold(condition, context)


def test_a_policy_variable_in_a_resource_is_refused():
    with pytest.raises(UnsupportedPolicy):
        decide(role(allow("s3:GetObject", "arn:aws:s3:::data/${aws:username}/*")))


# --- the decision ---------------------------------------------------------------------------------


def test_an_explicit_deny_anywhere_wins():
    assert decide(role(allow("s3:*"), deny("s3:GetObject"))) is DENY
    assert decide(role(allow("s3:*"), boundary=doc(allow("s3:*"), deny("s3:Get*")))) is DENY
    bucket_deny = doc({**deny("s3:*", [BUCKET, f"{BUCKET}/*"]), "Principal": "*"})
    assert decide(role(allow("s3:*")), policy=bucket_deny) is DENY


def test_nothing_allows_means_implicit_deny():
    assert decide(role()) is IMPLICIT
    assert decide(role(allow("s3:PutObject"))) is IMPLICIT


def test_a_boundary_caps_identity_policies_and_grants_nothing_itself():
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    assert decide(role(allow("s3:*"), boundary=doc(allow("s3:GetObject")))) is ALLOW
    principal = role(allow("s3:*"), boundary=doc(allow("sagemaker:*")))
    assert decide(principal) is IMPLICIT
    assert "boundary" in evaluate(principal, Request("s3:GetObject", Resource(OBJECT))).reason
    assert decide(role(boundary=doc(allow()))) is IMPLICIT


def test_scps_cap_every_principal_even_past_a_resource_policy():
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    full = doc(allow())
    assert decide(role(allow()), scps=[full, full]) is ALLOW
    assert decide(role(allow()), scps=[full, doc(allow("sagemaker:*"))]) is IMPLICIT  # every level must allow
    assert decide(role(allow()), scps=[doc(allow(), deny("s3:GetObject"))]) is DENY
    granted = doc({**allow("s3:GetObject", OBJECT), "Principal": {"AWS": ROLE}})
    assert decide(role(), policy=granted, scps=[doc(allow("sagemaker:*"))]) is IMPLICIT


@pytest.mark.parametrize(
    ("named", "boundary", "expected"),
    [
        (ROLE, None, ALLOW),  # same account: a resource policy naming the role is enough
        (ROLE, doc(allow("sagemaker:*")), IMPLICIT),  # ...within its permissions boundary
        (SESSION, doc(allow("sagemaker:*")), ALLOW),  # naming the session passes the boundary
        ("*", None, ALLOW),
        (f"arn:aws:iam::{ACCOUNT}:root", None, IMPLICIT),  # naming the account delegates to IAM policies
        (ACCOUNT, None, IMPLICIT),
        (f"arn:aws:iam::{OTHER}:root", None, IMPLICIT),
    ],
)
def test_same_account_resource_policies(named, boundary, expected):
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"""
    policy = doc({**allow("s3:GetObject", OBJECT), "Principal": named if named == "*" else {"AWS": named}})
    assert decide(role(boundary=boundary), policy=policy, account=ACCOUNT) is expected


@pytest.mark.parametrize(
    ("identity", "named", "expected"),
    [
        (True, f"arn:aws:iam::{ACCOUNT}:root", ALLOW),
        (True, ROLE, ALLOW),
        (False, ROLE, IMPLICIT),  # the caller's account must allow too
        (True, None, IMPLICIT),  # and the resource's account must admit the caller
        (True, f"arn:aws:iam::{OTHER}:root", IMPLICIT),
    ],
)
def test_cross_account_needs_both_sides(identity, named, expected):
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    policy = doc({**allow("s3:GetObject", OBJECT), "Principal": {"AWS": named}}) if named else None
    principal = role(allow("s3:GetObject", OBJECT)) if identity else role()
    assert decide(principal, policy=policy, account=OTHER) is expected


def test_key_and_trust_policies_must_admit_the_caller_even_in_its_own_account():
    """https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam"""
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"
    principal = role(allow("kms:Decrypt", key))
    no_root = doc({**allow("kms:*"), "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"}})
    root = doc({**allow("kms:*"), "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}})
    assert decide(principal, "kms:Decrypt", key, policy=no_root, required=True) is IMPLICIT
    assert decide(principal, "kms:Decrypt", key, policy=root, required=True) is ALLOW
    assert decide(principal, "kms:Decrypt", key, policy=no_root) is ALLOW  # an ordinary resource policy


def test_a_resource_policy_deny_on_principal_arn_binds_admins_of_the_account():
    """The registry's guard: deny unless aws:PrincipalArn is an approver (a request's aws:PrincipalArn
    is the role's ARN, not the session's)."""
    group = doc(
        {
            **deny(
                "sagemaker:UpdateModelPackage", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/g/*"
            ),
            "Principal": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/team/*"}},
        }
    )
    args = ("sagemaker:UpdateModelPackage", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/g/1")
    assert decide(role(allow()), *args, policy=group) is ALLOW
    assert decide(role(allow(), arn=f"arn:aws:iam::{ACCOUNT}:role/Admin"), *args, policy=group) is DENY


def test_not_principal_deny():
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""

    def policy(*listed: str) -> dict:
        return doc(
            allow("s3:*", OBJECT, Principal={"AWS": ROLE}),
            {**deny("s3:*"), "NotPrincipal": {"AWS": list(listed)}},
        )

    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert decide(role(), policy=policy(SESSION, root)) is ALLOW  # session and account listed: exempt
    assert decide(role(), policy=policy(ROLE, root)) is DENY  # the role's ARN does not exempt its sessions
    assert decide(role(), policy=policy(SESSION)) is DENY  # nor the session without its account
    assert (
        decide(role(boundary=doc(allow())), policy=policy(SESSION, root)) is DENY
    )  # a boundary: always denied


def test_not_action_and_not_resource():
    assert decide(role({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})) is ALLOW
    assert decide(role({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})) is IMPLICIT
    assert (
        decide(role({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/reports/*"})) is IMPLICIT
    )
    assert decide(role({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::other/*"})) is ALLOW


def test_conditions_see_the_principal_and_the_request():
    by_tag = allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "ml"}})
    assert decide(Principal(ROLE, identity=(doc(by_tag),), tags={"team": "ml"})) is ALLOW
    assert decide(Principal(ROLE, identity=(doc(by_tag),), tags={"team": "ops"})) is IMPLICIT
    prefix = allow("s3:ListBucket", BUCKET, Condition={"StringLike": {"s3:prefix": "churn/*"}})
    assert decide(role(prefix), "s3:ListBucket", BUCKET, context={"s3:prefix": "churn/x"}) is ALLOW
    assert decide(role(prefix), "s3:ListBucket", BUCKET, context={"s3:prefix": "other/x"}) is IMPLICIT
