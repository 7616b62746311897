//! A session that lives in S3, so a launch team works one session from several machines without
//! a server of its own (issue 21). Each machine keeps a working copy in its state dir, written
//! first on every save (the journal: nothing typed waits on the network), and the version of the
//! object it last saw (the base both sides started from). A save is published with a conditional
//! write: If-Match on the ETag last seen, If-None-Match for the first. When someone else saved
//! first, their version is fetched and merged item by item (`session::merge`) and the write tried
//! again, so no write is ever lost to a concurrent one.

mod bucket;
mod sync;

pub use bucket::{Bucket, Put, Remote, presence_name};
pub use sync::{Published, Shared};

use anyhow::Context;
use std::path::{Path, PathBuf};

/// `s3://bucket/key`: where a shared session lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    pub key: String,
}

impl Location {
    /// `None` when `arg` is no S3 URL; an error when it is one golive cannot use.
    pub fn parse(arg: &Path) -> Option<Result<Location, String>> {
        let text = arg.to_str()?;
        let rest = text.strip_prefix("s3://")?;
        Some(Location::parse_rest(rest).map_err(|why| format!("--session {text}: {why}")))
    }

    fn parse_rest(rest: &str) -> Result<Location, String> {
        let (bucket, key) = rest.split_once('/').ok_or("expected s3://BUCKET/KEY")?;
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok {
            return Err(format!("{bucket:?} is not an S3 bucket name"));
        }
        // The key names the working copy's path too: no component may climb out of it.
        let parts: Vec<&str> = key.split('/').collect();
        let part_ok = |p: &&str| {
            !p.is_empty()
                && *p != "."
                && *p != ".."
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-=+@,".contains(&b))
        };
        if key.is_empty() || !parts.iter().all(part_ok) {
            return Err(format!(
                "{key:?} is not a key golive uses (letters, digits, ._-=+@, between slashes)"
            ));
        }
        Ok(Location { bucket: bucket.to_string(), key: key.to_string() })
    }

    /// This machine's copy of the session: `STATE_DIR/shared/BUCKET/KEY`.
    pub fn working_copy(&self) -> anyhow::Result<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "golive")
            .context("no home directory to keep the shared session's working copy in")?;
        let state = dirs.state_dir().unwrap_or(dirs.data_local_dir());
        Ok(state.join("shared").join(&self.bucket).join(&self.key))
    }

    /// The prefix under which each participant's presence record lives.
    pub fn presence_prefix(&self) -> String {
        format!("{}.presence/", self.key)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_parse_and_keys_that_climb_out_are_refused() {
        let l = Location::parse(Path::new("s3://launch-team/golive/eu.toml")).unwrap().unwrap();
        assert_eq!((l.bucket.as_str(), l.key.as_str()), ("launch-team", "golive/eu.toml"));
        assert!(Location::parse(Path::new("launch.toml")).is_none());
        for bad in ["s3://b", "s3://Bucket/k", "s3://bucket/../x", "s3://bucket/a//b", "s3://bucket/"] {
            assert!(Location::parse(Path::new(bad)).unwrap().is_err(), "{bad}");
        }
    }
}
