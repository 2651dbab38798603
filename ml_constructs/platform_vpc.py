"""An account's VPC, where Studio, jobs and endpoints run: no internet path unless NAT is asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Acknowledgment, ArnFormat, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from ml_constructs.platform_key import platform_key
from platform_config.cidr import EGRESS_SUBNET_MASK, JOBS_SUBNET_MASK


@dataclass(frozen=True)
class NetworkPlacement:
    """Where the platform's workloads run: what Studio, jobs, models and monitors are given."""

    vpc_id: str
    vpc_arn: str
    subnet_ids: list[str]
    security_group_ids: list[str]


@dataclass(frozen=True)
class VpcProps:
    cidr: str
    zones: Sequence[str]  # given, so synthesis never looks them up
    with_nat: bool  # internet egress through one NAT gateway, instead of no route out
    interface_endpoints: Sequence[str]  # `ec2.InterfaceVpcEndpointAwsService` names
    endpoint_zones: int = 1  # how many of `zones` (the first ones) each interface endpoint spans


class PlatformVpc(Construct):
    """Isolated subnets plus the interface endpoints the account's workflows call (default), or
    private subnets behind one NAT gateway (`with_nat`), which costs less than the endpoint set when
    internet egress is acceptable. Flow logs to an encrypted log group kept a year."""

    def __init__(self, scope: Construct, construct_id: str, *, props: VpcProps) -> None:
        super().__init__(scope, construct_id)
        self.vpc = self._vpc(props, self._flow_logs())
        self._acknowledge(self.vpc)
        # Outbound is open: without NAT the subnets have no route out of the VPC, so it reaches only
        # the VPC endpoints; with NAT it is the internet egress the config asked for.
        jobs = ec2.SecurityGroup(
            self,
            "JobsSecurityGroup",
            vpc=self.vpc,
            description="Studio apps and SageMaker jobs",
            allow_all_outbound=True,
        )
        # Studio's EFS home directories (NFS) and its apps' and distributed jobs' high ports.
        for port, purpose in (
            (ec2.Port.tcp(2049), "NFS to Studio's EFS"),
            (ec2.Port.tcp_range(8192, 65535), "Studio apps and distributed job containers"),
        ):
            jobs.add_ingress_rule(jobs, port, purpose)
        if props.interface_endpoints:
            self._interface_endpoints(props.interface_endpoints, props.zones[: props.endpoint_zones], jobs)
        self.placement = NetworkPlacement(
            vpc_id=self.vpc.vpc_id,
            vpc_arn=self.vpc.vpc_arn,
            subnet_ids=self.vpc.select_subnets(subnet_group_name="Jobs").subnet_ids,
            security_group_ids=[jobs.security_group_id],
        )

    def _flow_logs(self) -> logs.LogGroup:
        key = platform_key(self, "FlowLogsKey", description="Encrypts the VPC's flow logs")
        group = logs.LogGroup(
            self,
            "FlowLogs",
            encryption_key=key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.RETAIN,
        )
        stack = Stack.of(self)
        # Any log group of this account: naming the group itself would make key and group depend on
        # each other.
        groups = stack.format_arn(
            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        key.grant_encrypt_decrypt(
            iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com").with_conditions(
                {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": groups}}
            )
        )
        return group

    def _vpc(self, props: VpcProps, flow_logs: logs.LogGroup) -> ec2.Vpc:
        jobs = ec2.SubnetConfiguration(
            name="Jobs",
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
            if props.with_nat
            else ec2.SubnetType.PRIVATE_ISOLATED,
            cidr_mask=JOBS_SUBNET_MASK,
        )
        public = ec2.SubnetConfiguration(
            name="Egress",
            subnet_type=ec2.SubnetType.PUBLIC,
            cidr_mask=EGRESS_SUBNET_MASK,
            map_public_ip_on_launch=False,
        )
        return ec2.Vpc(
            self,
            "Default",  # the VPC is this construct's main resource: its logical ids are the construct's
            ip_addresses=ec2.IpAddresses.cidr(props.cidr),
            availability_zones=list(props.zones),
            subnet_configuration=[jobs, public] if props.with_nat else [jobs],
            nat_gateways=1 if props.with_nat else 0,
            restrict_default_security_group=True,
            flow_logs={
                "All": ec2.FlowLogOptions(destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs))
            },
            # Free: S3 for data, models and captures; DynamoDB for the audit trail the CLI reads.
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDB": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.DYNAMODB),
            },
        )

    @staticmethod
    def _acknowledge(vpc: ec2.Vpc) -> None:
        zones = "Zones are named in config on purpose: synthesis must not look them up."
        for subnet in vpc.isolated_subnets + vpc.private_subnets + vpc.public_subnets:
            subnet.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3010"]}})
        Validations.of(vpc).acknowledge(Acknowledgment(id="CloudFormation-Validate::W3010", reason=zones))
        for subnet in vpc.public_subnets:  # only with nat-gateway egress
            Validations.of(subnet).acknowledge(
                Acknowledgment(
                    id="NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
                    reason="Internet egress was chosen in config (network.<account>.egress = nat-gateway); "
                    "these subnets hold only the NAT gateway, and nothing in them has a public address.",
                )
            )
        Validations.of(vpc.node.find_child("All")).acknowledge(
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy",
                reason="CDK's flow-log delivery role has one inline policy, limited to writing this VPC's "
                "flow-log group; it has no other use.",
            ),
        )

    def _interface_endpoints(
        self, services: Sequence[str], zones: Sequence[str], clients: ec2.SecurityGroup
    ) -> None:
        """Private DNS endpoints in the job subnets of `zones`, reachable from Studio and jobs on HTTPS
        only (from the other zones too: an endpoint serves its whole VPC)."""
        security_group = ec2.SecurityGroup(
            self,
            "EndpointsSecurityGroup",
            vpc=self.vpc,
            description="Interface VPC endpoints, reachable from Studio and jobs on HTTPS only",
            allow_all_outbound=False,
        )
        security_group.add_ingress_rule(clients, ec2.Port.HTTPS, "HTTPS from Studio and jobs")
        for service in services:
            self.vpc.add_interface_endpoint(
                service.replace(".", "-").title().replace("-", ""),
                service=ec2.InterfaceVpcEndpointAwsService(service),
                subnets=ec2.SubnetSelection(subnet_group_name="Jobs", availability_zones=list(zones)),
                security_groups=[security_group],
                open=False,
                private_dns_enabled=True,
            )
