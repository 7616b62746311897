//! An AWS connection as the probes get it: the SDK configuration and who the credentials are.
//! A leaf, so the sweep context can hold one without importing the AWS probes.

use aws_config::SdkConfig;

/// Who the credentials belong to, from STS GetCallerIdentity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub region: String,
}

#[derive(Debug, Clone)]
pub struct AwsConn {
    pub config: SdkConfig,
    pub identity: Identity,
}
