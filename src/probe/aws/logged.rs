//! The HTTP client every AWS call goes through, wrapped to log one line per call: method, host,
//! operation (the X-Amz-Target header where the protocol has one), status, request id and
//! latency. Never bodies or headers that could carry credentials.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::time::Instant;

#[derive(Debug)]
pub struct Logged(pub SharedHttpClient);

/// The client the SDK would pick by itself (hyper 1, rustls with aws-lc, proxies from the
/// environment), built here so it can be wrapped.
pub fn default_client() -> SharedHttpClient {
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig, tls};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

#[derive(Debug)]
struct LoggedConnector(SharedHttpConnector);

impl HttpClient for Logged {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(LoggedConnector(self.0.http_connector(settings, components)))
    }
}

/// The operation a request calls: the X-Amz-Target header (JSON protocols) or the form body's
/// `Action` (query protocols: STS, IAM, CloudWatch, ELB); REST protocols name it in the path.
fn operation(request: &HttpRequest) -> String {
    if let Some(target) = request.headers().get("x-amz-target") {
        return target.to_string();
    }
    let body = request.body().bytes().unwrap_or_default();
    let body = std::str::from_utf8(body).unwrap_or_default();
    body.split('&').find_map(|kv| kv.strip_prefix("Action=")).unwrap_or_default().to_string()
}

impl HttpConnector for LoggedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let method = request.method().to_string();
        // Host and path only: a presigned query string would carry a signature.
        let uri = request.uri().split('?').next().unwrap_or_default().to_string();
        let op = operation(&request);
        let inner = self.0.call(request);
        HttpConnectorFuture::new(async move {
            let start = Instant::now();
            let result = inner.await;
            let ms = start.elapsed().as_millis() as u64;
            match &result {
                Ok(resp) => {
                    let h = resp.headers();
                    let id = h
                        .get("x-amzn-requestid")
                        .or_else(|| h.get("x-amz-request-id"))
                        .or_else(|| h.get("x-amzn-request-id"))
                        .unwrap_or("-");
                    tracing::info!(
                        target: "golive::aws",
                        "{method} {uri} {op} -> {} request_id={id} {ms} ms",
                        resp.status().as_u16()
                    );
                }
                Err(e) => {
                    tracing::warn!(target: "golive::aws", "{method} {uri} {op} -> failed after {ms} ms: {e}")
                }
            }
            result
        })
    }
}

/// Names each call by the IAM action it needs (`s3:GetEncryptionConfiguration`), in the log: the
/// HTTP line above cannot, for REST protocols, and the IAM policy test reads these lines.
#[derive(Debug)]
pub struct Action {
    /// The service's IAM prefix (`s3`, `logs`, `elasticloadbalancing`).
    pub prefix: &'static str,
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Action {
    fn name(&self) -> &'static str {
        "golive::Action"
    }

    // Not `read_before_execution`: a client's interceptors run that before the operation's
    // configuration (its name) is in the bag.
    fn read_before_serialization(
        &self,
        _: &aws_sdk_sts::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _: &aws_sdk_sts::config::RuntimeComponents,
        cfg: &mut aws_sdk_sts::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            let action = super::policy::action(self.prefix, m.name());
            if super::policy::allows(&action) {
                tracing::info!(target: "golive::aws", "call {action}");
            } else {
                tracing::warn!(target: "golive::aws", "call {action}: not in golive's IAM policy (golive iam-policy)");
            }
        }
        Ok(())
    }
}

/// A service client whose calls are named by IAM action in the log (see [`Action`]).
#[macro_export]
macro_rules! aws_client {
    ($sdk:ident, $prefix:literal, $config:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .interceptor($crate::probe::aws::logged::Action { prefix: $prefix })
                .build(),
        )
    };
}
