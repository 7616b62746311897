//! EC2 networking and EBS: private subnets, security groups, VPC endpoints, EBS encryption by
//! default. aws-sdk-ec2 costs ~8 minutes of release build and ~8 GB of compiler memory, so this code
//! is compiled only with the `ec2` cargo feature; without it the kinds stay known (checklists load)
//! and say which build they need.

use crate::probe::Verdict;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Kind, Param, ParamType};
use std::sync::Arc;

pub const PRIVATE_SUBNETS: Kind = Kind::aws(
    "aws.ec2.private-subnets",
    "EC2 DescribeSubnets and DescribeRouteTables: every subnet in scope (Name tag prefix or tags) \
     does not map public IPs on launch and routes to no internet gateway.",
    |ctx, p| Box::pin(run(ctx, Check::PrivateSubnets, p)),
)
.under_feature("ec2")
.meaning(
    "no subnet in scope maps public IPs or routes to an internet gateway",
    "which subnets the service runs in",
);

pub const SECURITY_GROUPS: Kind = Kind::aws(
    "aws.ec2.security-groups",
    "EC2 DescribeSecurityGroups: no security group in scope (name prefix or tags) allows ingress \
     from 0.0.0.0/0 or ::/0, except TCP 80/443 on a group a load balancer uses.",
    |ctx, p| Box::pin(run(ctx, Check::SecurityGroups, p)),
)
.under_feature("ec2")
.meaning("no group in scope is open to the internet except 80/443 on a load balancer's", "egress rules");

pub const VPC_ENDPOINTS: Kind = Kind::aws(
    "aws.ec2.vpc-endpoints",
    "EC2 DescribeVpcEndpoints: an available endpoint exists for each service (default dynamodb and \
     bedrock-runtime), so that traffic stays off the internet.",
    |ctx, p| Box::pin(run(ctx, Check::VpcEndpoints, p)),
)
.with_params(&[Param {
    name: "services",
    ty: ParamType::StrList,
    doc: "endpoint service names without the com.amazonaws.REGION. prefix",
}])
.under_feature("ec2")
.meaning("an available endpoint exists for each named AWS service", "that the service's traffic uses it");

pub const EBS_ENCRYPTION: Kind = Kind::aws(
    "aws.ec2.ebs-encryption",
    "EC2 GetEbsEncryptionByDefault: new EBS volumes in the region are encrypted by default.",
    |ctx, p| Box::pin(run(ctx, Check::EbsEncryption, p)),
)
.under_feature("ec2")
.meaning("new EBS volumes in the region are encrypted by default", "volumes that already exist");

#[derive(Debug, Clone, Copy)]
enum Check {
    PrivateSubnets,
    SecurityGroups,
    VpcEndpoints,
    EbsEncryption,
}

#[cfg(not(feature = "ec2"))]
async fn run(_: Arc<Ctx>, _: Check, _: toml::Table) -> Verdict {
    // The engine answers for kinds this build lacks before calling them; this is the same answer.
    crate::probe::kind::not_built("ec2")
}

#[cfg(feature = "ec2")]
async fn run(ctx: Arc<Ctx>, check: Check, params: toml::Table) -> Verdict {
    let client = crate::aws_client!(aws_sdk_ec2, "ec2", &super::session(&ctx).config);
    let result = match check {
        Check::PrivateSubnets => imp::private_subnets(&ctx, &client).await,
        Check::SecurityGroups => {
            let elb = crate::aws_client!(
                aws_sdk_elasticloadbalancingv2,
                "elasticloadbalancing",
                &super::session(&ctx).config
            );
            imp::security_groups(&ctx, &client, &elb).await
        }
        Check::VpcEndpoints => {
            let mut services = crate::probe::kind::list(&params, "services");
            if services.is_empty() {
                services = vec!["dynamodb".into(), "bedrock-runtime".into()];
            }
            imp::vpc_endpoints(&client, &services).await
        }
        Check::EbsEncryption => imp::ebs_encryption(&client).await,
    };
    result.unwrap_or_else(|v| v)
}

#[cfg(feature = "ec2")]
mod imp {
    use super::super::scope::scope_tagged;
    use super::super::{arn, describe, nothing_in_scope};
    use crate::probe::ctx::Ctx;
    use crate::probe::evidence::finding;
    use crate::probe::{Outcome, Verdict};
    use aws_sdk_ec2::Client;
    use aws_sdk_ec2::types::{IpPermission, RouteTable, SecurityGroup, Subnet, Tag};
    use std::collections::HashSet;

    fn name_tag(tags: &[Tag]) -> Option<&str> {
        tags.iter().find(|t| t.key() == Some("Name")).and_then(|t| t.value())
    }

    /// Subnets and groups of the whole region would hold the default VPC to the service's rules.
    fn needs_scope(ctx: &Ctx, what: &str) -> Result<(), Verdict> {
        if ctx.target.name_prefix.is_none() && ctx.target.tags.is_empty() {
            return Err(Verdict::new(
                Outcome::NeedsConfig,
                format!("set name_prefix or tags in the target to say which {what} are the service's"),
                vec![],
            ));
        }
        Ok(())
    }

    /// Every subnet of the region, every page.
    async fn subnets(client: &Client) -> Result<Vec<Subnet>, Verdict> {
        client
            .describe_subnets()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("EC2 DescribeSubnets", &e)))
    }

    async fn route_tables(client: &Client) -> Result<Vec<RouteTable>, Verdict> {
        client
            .describe_route_tables()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("EC2 DescribeRouteTables", &e)))
    }

    /// What makes a subnet public: public IPs on launch, a route to an internet gateway.
    fn exposure(s: &Subnet, tables: &[RouteTable]) -> Vec<String> {
        let id = s.subnet_id().unwrap_or_default();
        // A subnet without its own association uses its VPC's main route table.
        let table = tables
            .iter()
            .find(|t| t.associations().iter().any(|a| a.subnet_id() == Some(id)))
            .or_else(|| {
                tables.iter().find(|t| {
                    t.vpc_id() == s.vpc_id() && t.associations().iter().any(|a| a.main() == Some(true))
                })
            });
        let igw = table.and_then(|t| {
            t.routes()
                .iter()
                .find_map(|r| r.gateway_id().filter(|g| g.starts_with("igw-")).map(str::to_string))
        });
        let mut problems = Vec::new();
        if s.map_public_ip_on_launch() == Some(true) {
            problems.push("maps public IPs on launch".to_string());
        }
        if let Some(g) = &igw {
            problems.push(format!("routes to internet gateway {g}"));
        }
        problems
    }

    /// The subnets named (by id) that are public, with why.
    pub async fn public_subnets(ctx: &Ctx, ids: &[String]) -> Result<Vec<(String, Vec<String>)>, Verdict> {
        let client = crate::aws_client!(aws_sdk_ec2, "ec2", &super::super::session(ctx).config);
        let tables = route_tables(&client).await?;
        Ok(subnets(&client)
            .await?
            .iter()
            .filter(|s| s.subnet_id().is_some_and(|id| ids.iter().any(|i| i == id)))
            .map(|s| (s.subnet_id().unwrap_or_default().to_string(), exposure(s, &tables)))
            .filter(|(_, p)| !p.is_empty())
            .collect())
    }

    pub async fn private_subnets(ctx: &Ctx, client: &Client) -> Result<Verdict, Verdict> {
        needs_scope(ctx, "subnets")?;
        let subnets = subnets(client).await?;
        let label = |s: &Subnet| name_tag(s.tags()).unwrap_or(s.subnet_id().unwrap_or("?")).to_string();
        let names: Vec<String> = subnets.iter().map(label).collect();
        let ids: Vec<(String, String)> =
            subnets.iter().map(|s| (label(s), s.subnet_id().unwrap_or_default().to_string())).collect();
        let id_of = |n: &str| ids.iter().find(|(l, _)| l == n).map(|(_, id)| id.clone()).unwrap_or_default();
        let scope =
            scope_tagged(ctx, &[], names, |n| arn(ctx, "ec2", &format!("subnet/{}", id_of(n)))).await?;
        let subnets: Vec<&Subnet> = subnets.iter().filter(|s| scope.contains(&label(s))).collect();
        if subnets.is_empty() {
            return Err(nothing_in_scope(&ctx.target, "subnets", "name_prefix"));
        }
        let tables = route_tables(client).await?;
        let mut evidence = Vec::new();
        let mut bad = Vec::new();
        for s in subnets {
            let id = s.subnet_id().unwrap_or_default();
            let problems = exposure(s, &tables);
            let what = if problems.is_empty() { "private".to_string() } else { problems.join(", ") };
            let name = format!("{} ({id}, {})", label(s), s.availability_zone().unwrap_or("?"));
            evidence.push(finding(problems.is_empty(), "subnet", &name, what));
            if !problems.is_empty() {
                bad.push(label(s));
            }
        }
        let ok = format!("all {} subnets in scope are private", evidence.len());
        Ok(Verdict::unless(&bad, Outcome::Fail, ok, "public subnets", evidence))
    }

    /// The security groups load balancers use: they may take 80/443 from anywhere.
    async fn load_balancer_groups(
        elb: &aws_sdk_elasticloadbalancingv2::Client,
    ) -> Result<HashSet<String>, Verdict> {
        let lbs: Vec<_> = elb
            .describe_load_balancers()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("ELBv2 DescribeLoadBalancers", &e)))?;
        Ok(lbs.iter().flat_map(|lb| lb.security_groups()).cloned().collect())
    }

    fn open_to_world(p: &IpPermission) -> bool {
        p.ip_ranges().iter().any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            || p.ipv6_ranges().iter().any(|r| r.cidr_ipv6() == Some("::/0"))
    }

    fn ports(p: &IpPermission) -> String {
        match (p.ip_protocol(), p.from_port(), p.to_port()) {
            (Some("-1"), _, _) => "all traffic".into(),
            (proto, Some(a), Some(b)) if a == b => format!("{} {a}", proto.unwrap_or("?")),
            (proto, Some(a), Some(b)) => format!("{} {a}-{b}", proto.unwrap_or("?")),
            (proto, _, _) => proto.unwrap_or("?").to_string(),
        }
    }

    fn web_only(p: &IpPermission) -> bool {
        p.ip_protocol() == Some("tcp")
            && p.from_port() == p.to_port()
            && matches!(p.from_port(), Some(80 | 443))
    }

    pub async fn security_groups(
        ctx: &Ctx,
        client: &Client,
        elb: &aws_sdk_elasticloadbalancingv2::Client,
    ) -> Result<Verdict, Verdict> {
        needs_scope(ctx, "security groups")?;
        let groups: Vec<SecurityGroup> = client
            .describe_security_groups()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("EC2 DescribeSecurityGroups", &e)))?;
        let names: Vec<String> = groups.iter().filter_map(|g| g.group_name().map(str::to_string)).collect();
        let id_of = |n: &str| {
            groups
                .iter()
                .find(|g| g.group_name() == Some(n))
                .and_then(|g| g.group_id())
                .unwrap_or("")
                .to_string()
        };
        let scope =
            scope_tagged(ctx, &[], names, |n| arn(ctx, "ec2", &format!("security-group/{}", id_of(n))))
                .await?;
        let groups: Vec<&SecurityGroup> =
            groups.iter().filter(|g| g.group_name().is_some_and(|n| scope.iter().any(|s| s == n))).collect();
        if groups.is_empty() {
            return Err(nothing_in_scope(&ctx.target, "security groups", "name_prefix"));
        }
        let lb_groups = load_balancer_groups(elb).await?;
        let mut evidence = Vec::new();
        let mut bad = Vec::new();
        for g in groups {
            let (name, id) = (g.group_name().unwrap_or("?"), g.group_id().unwrap_or("?"));
            let on_lb = lb_groups.contains(id);
            let open: Vec<String> = g
                .ip_permissions()
                .iter()
                .filter(|p| open_to_world(p) && !(on_lb && web_only(p)))
                .map(ports)
                .collect();
            let lb = if on_lb { ", used by a load balancer" } else { "" };
            let label = format!("{name} ({id})");
            if open.is_empty() {
                evidence.push(finding(
                    true,
                    "security group",
                    &label,
                    format!("no ingress from anywhere{lb}"),
                ));
            } else {
                let detail = format!("open to the internet on {}{lb}", open.join(", "));
                evidence.push(finding(false, "security group", &label, detail));
                bad.push(name.to_string());
            }
        }
        let ok = format!("no security group of {} in scope is open to the internet", evidence.len());
        Ok(Verdict::unless(&bad, Outcome::Fail, ok, "open to the internet", evidence))
    }

    pub async fn vpc_endpoints(client: &Client, services: &[String]) -> Result<Verdict, Verdict> {
        let endpoints: Vec<_> = client
            .describe_vpc_endpoints()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("EC2 DescribeVpcEndpoints", &e)))?;
        let mut evidence = Vec::new();
        for e in &endpoints {
            // moto answers the state in lower case, which the SDK reads as an unknown variant.
            let state = e.state().map(|s| s.as_str().to_ascii_lowercase()).unwrap_or_default();
            evidence.push(format!(
                "endpoint {} in {}: {} ({state})",
                e.vpc_endpoint_id().unwrap_or("?"),
                e.vpc_id().unwrap_or("?"),
                e.service_name().unwrap_or("?")
            ));
        }
        let missing: Vec<&String> = services
            .iter()
            .filter(|svc| {
                !endpoints.iter().any(|e| {
                    e.service_name().is_some_and(|n| n.ends_with(&format!(".{svc}")))
                        && e.state().is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
                })
            })
            .collect();
        let names: Vec<&str> = services.iter().map(String::as_str).collect();
        let ok = format!("VPC endpoints available for {}", names.join(", "));
        Ok(Verdict::unless(&missing, Outcome::Fail, ok, "no available VPC endpoint for", evidence))
    }

    pub async fn ebs_encryption(client: &Client) -> Result<Verdict, Verdict> {
        let out = client
            .get_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| Verdict::error(describe("EC2 GetEbsEncryptionByDefault", &e)))?;
        Ok(if out.ebs_encryption_by_default() == Some(true) {
            Verdict::new(Outcome::Pass, "EBS encryption by default is on", vec![])
        } else {
            Verdict::new(
                Outcome::Fail,
                "EBS encryption by default is off: new volumes are unencrypted",
                vec![],
            )
        })
    }

    /// The zone of each target: instance ids by DescribeInstances, IPv4 addresses by the subnet
    /// whose CIDR holds them. Targets neither places are left out.
    pub async fn zones_of(
        ctx: &Ctx,
        targets: &[String],
    ) -> Result<std::collections::HashMap<String, String>, Verdict> {
        let client = crate::aws_client!(aws_sdk_ec2, "ec2", &super::super::session(ctx).config);
        let mut zones = std::collections::HashMap::new();
        let instances: Vec<String> = targets.iter().filter(|t| t.starts_with("i-")).cloned().collect();
        if !instances.is_empty() {
            let reservations: Vec<_> = client
                .describe_instances()
                .set_instance_ids(Some(instances))
                .into_paginator()
                .items()
                .send()
                .collect::<Result<_, _>>()
                .await
                .map_err(|e| Verdict::error(describe("EC2 DescribeInstances", &e)))?;
            for i in reservations.iter().flat_map(|r| r.instances()) {
                if let (Some(id), Some(zone)) =
                    (i.instance_id(), i.placement().and_then(|p| p.availability_zone()))
                {
                    zones.insert(id.to_string(), zone.to_string());
                }
            }
        }
        let ips: Vec<(&String, std::net::Ipv4Addr)> =
            targets.iter().filter_map(|t| Some((t, t.parse().ok()?))).collect();
        if !ips.is_empty() {
            let subnets = subnets(&client).await?;
            for (target, ip) in ips {
                let holder = subnets.iter().find(|s| s.cidr_block().is_some_and(|c| holds(c, ip)));
                if let Some(zone) = holder.and_then(|s| s.availability_zone()) {
                    zones.insert(target.clone(), zone.to_string());
                }
            }
        }
        Ok(zones)
    }

    /// The zone of each subnet named.
    pub async fn subnet_zones(
        ctx: &Ctx,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, Verdict> {
        let client = crate::aws_client!(aws_sdk_ec2, "ec2", &super::super::session(ctx).config);
        Ok(subnets(&client)
            .await?
            .iter()
            .filter(|s| s.subnet_id().is_some_and(|id| ids.iter().any(|i| i == id)))
            .filter_map(|s| Some((s.subnet_id()?.to_string(), s.availability_zone()?.to_string())))
            .collect())
    }

    /// Whether `cidr` (a.b.c.d/n) holds `ip`.
    fn holds(cidr: &str, ip: std::net::Ipv4Addr) -> bool {
        let Some((net, bits)) = cidr.split_once('/') else { return false };
        let (Ok(net), Ok(bits)) = (net.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>()) else {
            return false;
        };
        let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits.min(32)) };
        u32::from(net) & mask == u32::from(ip) & mask
    }
}

#[cfg(feature = "ec2")]
pub use imp::{public_subnets, security_groups, subnet_zones, vpc_endpoints, zones_of};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances",
    "ec2:DescribeVpcEndpoints",
    "ec2:GetEbsEncryptionByDefault",
];
