//! The S3 object a shared session lives in, and the participants' presence records beside it.
//! Blocking calls on a runtime of their own: the saver's thread and the pipelines wait for them,
//! never the UI thread.

use super::Location;
use anyhow::Context;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What a conditional write did.
#[derive(Debug, PartialEq, Eq)]
pub enum Put {
    /// Written; the object's new ETag.
    Written(String),
    /// Someone else wrote first (or removed the object): nothing was written.
    Refused,
}

/// A version of the object: its ETag and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub etag: String,
    pub text: String,
}

pub struct Bucket {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_s3::Client,
    pub location: Location,
}

/// A call that hangs must not hold a save: the working copy has it, the next save retries.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

impl Bucket {
    /// A client for `location` with the standard credential chain (`profile`, `region` when
    /// given). Credentials are looked for at the first call.
    pub fn connect(
        location: Location,
        profile: Option<&str>,
        region: Option<&str>,
    ) -> anyhow::Result<Bucket> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_timeout(CALL_TIMEOUT)
                    .build(),
            )
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2));
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_string()));
        }
        if let Ok(app) = aws_config::AppName::new(concat!("golive-", env!("CARGO_PKG_VERSION"))) {
            loader = loader.app_name(app);
        }
        let config = rt.block_on(loader.load());
        Ok(Bucket::with_config(rt, location, &config))
    }

    /// A client for `location` made from `config` (tests: an endpoint and credentials of their own).
    pub fn with_config(
        rt: tokio::runtime::Runtime,
        location: Location,
        config: &aws_config::SdkConfig,
    ) -> Bucket {
        // Not through the probes' client: the session's calls write, and are no probe's.
        let client = aws_sdk_s3::Client::new(config);
        Bucket { rt, client, location }
    }

    /// The object now, or `None` when there is none yet.
    pub fn get(&self) -> anyhow::Result<Option<Remote>> {
        let l = &self.location;
        let got = self.rt.block_on(self.client.get_object().bucket(&l.bucket).key(&l.key).send());
        let out = match got {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(failed("GetObject", l, &e)),
        };
        let etag = out.e_tag().unwrap_or_default().to_string();
        let bytes =
            self.rt.block_on(out.body.collect()).with_context(|| format!("reading {l}"))?.into_bytes();
        if bytes.len() as u64 > crate::located::MAX_FILE {
            anyhow::bail!("{l} is larger than a session golive reads");
        }
        let text = String::from_utf8(bytes.to_vec()).with_context(|| format!("{l} is not UTF-8 text"))?;
        Ok(Some(Remote { etag, text }))
    }

    /// The object's ETag now (a HEAD: cheap enough to ask every few seconds).
    pub fn etag(&self) -> anyhow::Result<Option<String>> {
        let l = &self.location;
        match self.rt.block_on(self.client.head_object().bucket(&l.bucket).key(&l.key).send()) {
            Ok(out) => Ok(Some(out.e_tag().unwrap_or_default().to_string())),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(failed("HeadObject", l, &e)),
        }
    }

    /// Writes `text` only over the version `over` names (its ETag), or only where there is no
    /// object when `over` is `None`.
    pub fn put(&self, text: &str, over: Option<&str>) -> anyhow::Result<Put> {
        let l = &self.location;
        let req = self
            .client
            .put_object()
            .bucket(&l.bucket)
            .key(&l.key)
            .content_type("application/toml")
            .body(ByteStream::from(text.as_bytes().to_vec()));
        let req = match over {
            Some(etag) => req.if_match(etag),
            None => req.if_none_match("*"),
        };
        match self.rt.block_on(req.send()) {
            Ok(out) => Ok(Put::Written(out.e_tag().unwrap_or_default().to_string())),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                // 412: another version is there; 409: a write raced ours; 404 (If-Match on a
                // removed object): nothing is there any more. Each is "someone else changed it".
                if matches!(status, Some(412 | 409 | 404))
                    || matches!(
                        e.code(),
                        Some("PreconditionFailed" | "ConditionalRequestConflict" | "NoSuchKey")
                    )
                {
                    Ok(Put::Refused)
                } else {
                    Err(failed("PutObject", l, &e))
                }
            }
        }
    }

    /// Says `who` is in the session now: a small record under the presence prefix, whose
    /// last-modified time is the last-seen time.
    pub fn here(&self, who: &str) -> anyhow::Result<()> {
        let l = &self.location;
        let key = format!("{}{}", l.presence_prefix(), presence_name(who));
        let body = format!("who = {}\n", toml::Value::String(who.to_string()));
        self.rt
            .block_on(
                self.client
                    .put_object()
                    .bucket(&l.bucket)
                    .key(key)
                    .body(ByteStream::from(body.into_bytes()))
                    .send(),
            )
            .map_err(|e| failed("PutObject", l, &e))?;
        Ok(())
    }

    /// Everyone with a presence record, and when each was last seen.
    pub fn present(&self) -> anyhow::Result<Vec<(String, DateTime<Utc>)>> {
        let l = &self.location;
        let prefix = l.presence_prefix();
        let out = self
            .rt
            .block_on(self.client.list_objects_v2().bucket(&l.bucket).prefix(&prefix).send())
            .map_err(|e| failed("ListObjectsV2", l, &e))?;
        Ok(out
            .contents()
            .iter()
            .filter_map(|o| {
                let name = o.key()?.strip_prefix(&prefix)?.to_string();
                let at = o.last_modified()?;
                Some((name, DateTime::from_timestamp(at.secs(), 0)?))
            })
            .collect())
    }
}

/// A name as it can sit in a key: what is not a plain character becomes `_`.
pub fn presence_name(who: &str) -> String {
    who.chars().map(|c| if c.is_ascii_alphanumeric() || "._-@".contains(c) { c } else { '_' }).collect()
}

/// An S3 error as the probes describe AWS errors (code and message, or why there was no answer).
fn failed<E>(
    op: &str,
    l: &Location,
    e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    anyhow::anyhow!("{l}: {}", crate::probe::aws::describe(op, e))
}
