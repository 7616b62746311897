//! Consent to run a command is the person's, given on their own machine: never data that travels
//! with a session or a checklist (a session from someone else's branch could otherwise carry a
//! command and its own approval). It is kept in the user's state dir (`consent.toml`, 0600),
//! keyed by the exact command text, the repository it runs in and the session it was given for:
//! change any of them and golive asks again.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One command a person allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Exactly as it will run.
    pub command: String,
    /// The repository it runs in, as the target names it (`None`: none set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The session file, as an absolute path.
    pub session: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A repository outside the session's checkout that a person confirmed for the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoGrant {
    /// Absolute, as confirmed.
    pub path: String,
    pub session: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "allowed")]
    grants: Vec<Grant>,
    #[serde(default, rename = "repo")]
    repos: Vec<RepoGrant>,
    /// Commands a person said no to: a sweep does not ask again (`r` on the item does).
    #[serde(default, rename = "refused")]
    refusals: Vec<Grant>,
    /// Places a person let golive send to: a shared session's bucket, a webhook.
    #[serde(default, rename = "destination")]
    destinations: Vec<Destination>,
}

/// A place data may be sent to (`s3://bucket/key`, a webhook URL), as the person typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    pub url: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Whether a person on this machine let golive send to `url`.
pub fn sends_to(path: &Path, url: &str) -> anyhow::Result<bool> {
    Ok(read(path)?.destinations.iter().any(|d| d.url == url))
}

/// Keeps that the person let golive send to `url` (they typed it in a flag or variable).
pub fn allow_destination(path: &Path, url: &str, by: &str) -> anyhow::Result<()> {
    let mut file = read(path)?;
    if file.destinations.iter().any(|d| d.url == url) {
        return Ok(());
    }
    file.destinations.push(Destination { url: url.to_string(), by: by.to_string(), at: Utc::now() });
    write(path, &file)
}

/// A destination a committed file names (`.golive.toml`) is used only once the person has
/// given it themselves on this machine (`given`: in a flag or a variable now; recorded so).
/// Otherwise an error saying how.
pub fn vet_destination(url: &str, given: bool, by: &str, flag: &str) -> anyhow::Result<()> {
    let store = store()?;
    if given {
        return allow_destination(&store, url, by);
    }
    if sends_to(&store, url)? {
        return Ok(());
    }
    anyhow::bail!(
        "the project file names {url} to send to; golive sends nowhere a committed file says \
         until you say so on this machine: run once with {flag} {url}"
    )
}

/// Where consent is kept: `~/.local/state/golive/consent.toml` on Linux.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")?;
    Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).join("consent.toml"))
}

pub use crate::session::key as session_key;

/// The store at [`default_path`], or why there is none.
pub fn store() -> anyhow::Result<PathBuf> {
    default_path().context("no home directory to keep consent in")
}

/// The grants given for `session` (see [`session_key`]) in the store at `path`.
pub fn for_session(path: &Path, session: &str) -> anyhow::Result<Vec<Grant>> {
    Ok(read(path)?.grants.into_iter().filter(|g| g.session == session).collect())
}

/// The commands allowed to run for `session` in `repo`.
pub fn allowed(grants: &[Grant], repo: Option<&str>) -> Vec<String> {
    grants.iter().filter(|g| g.repo.as_deref() == repo).map(|g| g.command.clone()).collect()
}

/// Adds `grant` to the store at `path` (once); an earlier no to the same command is forgotten.
pub fn add(path: &Path, grant: &Grant) -> anyhow::Result<()> {
    let mut file = read(path)?;
    let same = |g: &Grant| g.command == grant.command && g.repo == grant.repo && g.session == grant.session;
    file.refusals.retain(|g| !same(g));
    if !file.grants.iter().any(same) {
        file.grants.push(grant.clone());
    }
    write(path, &file)
}

/// The commands a person said no to for `session`.
pub fn refusals_for(path: &Path, session: &str) -> anyhow::Result<Vec<Grant>> {
    Ok(read(path)?.refusals.into_iter().filter(|g| g.session == session).collect())
}

/// Remembers a no (once), so a restart does not ask again.
pub fn refuse(path: &Path, no: &Grant) -> anyhow::Result<()> {
    let mut file = read(path)?;
    let same = |g: &Grant| g.command == no.command && g.repo == no.repo && g.session == no.session;
    if file.refusals.iter().any(same) {
        return Ok(());
    }
    file.refusals.push(no.clone());
    write(path, &file)
}

/// The repositories outside its checkout a person confirmed for `session`.
pub fn repos_for(path: &Path, session: &str) -> anyhow::Result<Vec<PathBuf>> {
    Ok(read(path)?
        .repos
        .into_iter()
        .filter(|r| r.session == session)
        .map(|r| PathBuf::from(r.path))
        .collect())
}

/// Adds `grant` to the store at `path` (once).
pub fn add_repo(path: &Path, grant: &RepoGrant) -> anyhow::Result<()> {
    let mut file = read(path)?;
    if file.repos.iter().any(|r| r.path == grant.path && r.session == grant.session) {
        return Ok(());
    }
    file.repos.push(grant.clone());
    write(path, &file)
}

fn write(path: &Path, file: &File) -> anyhow::Result<()> {
    let text = toml::to_string(file).context("serialising consent")?;
    // Written through a 0600 temp file: consent is nobody else's to read or change.
    crate::atomic::write_atomic(path, text.as_bytes())
}

fn read(path: &Path) -> anyhow::Result<File> {
    if !path.exists() {
        return Ok(File::default());
    }
    let text = crate::located::read_text(path)?;
    toml::from_str(&text)
        .map_err(|e| crate::located::Located::from_toml(&path.display().to_string(), &text, &e).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_no_is_kept_until_the_same_command_is_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("consent.toml");
        let no = Grant {
            command: "make test".into(),
            repo: Some(".".into()),
            session: "/srv/s.toml".into(),
            by: "alice".into(),
            at: chrono::Utc::now(),
        };
        refuse(&store, &no).unwrap();
        refuse(&store, &no).unwrap();
        assert_eq!(refusals_for(&store, "/srv/s.toml").unwrap(), std::slice::from_ref(&no));
        assert!(refusals_for(&store, "/srv/other.toml").unwrap().is_empty());
        add(&store, &no).unwrap();
        assert!(refusals_for(&store, "/srv/s.toml").unwrap().is_empty());
        assert_eq!(allowed(&for_session(&store, "/srv/s.toml").unwrap(), Some(".")), ["make test"]);
    }

    #[test]
    fn a_grant_holds_for_its_command_repo_and_session_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("state/consent.toml");
        let grant = |command: &str, repo: Option<&str>, session: &str| Grant {
            command: command.into(),
            repo: repo.map(str::to_string),
            session: session.into(),
            by: "alice".into(),
            at: DateTime::UNIX_EPOCH,
        };
        assert!(for_session(&store, "/s.toml").unwrap().is_empty());
        add(&store, &grant("make test", Some("/repo"), "/s.toml")).unwrap();
        add(&store, &grant("make test", Some("/repo"), "/s.toml")).unwrap();
        add(&store, &grant("make lint", Some("/repo"), "/other.toml")).unwrap();
        let mine = for_session(&store, "/s.toml").unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(allowed(&mine, Some("/repo")), ["make test"]);
        assert!(allowed(&mine, Some("/elsewhere")).is_empty());
        assert!(allowed(&mine, None).is_empty());
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&store).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
