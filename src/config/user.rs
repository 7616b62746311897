//! The user file, `config.toml` in the platform config dir (`~/.config/golive/` on Linux): one
//! person's defaults on their own machine, beneath everything else.

use crate::located::Located;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The name recorded with every change.
    pub who: Option<String>,
    /// The AWS profile and region probes use when nothing else names one.
    pub profile: Option<String>,
    pub region: Option<String>,
    /// `false`: leave the mouse to the terminal, as `--no-mouse`.
    pub mouse: Option<bool>,
}

/// Where the user file is on this machine (`GOLIVE_CONFIG` names another).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOLIVE_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "golive").map(|d| d.config_dir().join("config.toml"))
}

/// The user file, when there is one; a broken one is an error naming its line, never ignored.
pub fn load() -> anyhow::Result<Option<(PathBuf, User)>> {
    let Some(path) = path() else { return Ok(None) };
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some((path.clone(), read(&path)?)))
}

pub fn read(path: &Path) -> anyhow::Result<User> {
    let text = crate::located::read_text(path)?;
    let name = path.display().to_string();
    Ok(toml::from_str(&text).map_err(|e| Located::from_toml(&name, &text, &e))?)
}

/// The name of the person at the keyboard when nothing names them: their login name.
pub fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(passwd_name)
        .unwrap_or_else(|| "unknown".into())
}

/// The account name of this process's user, for shells (cron, some SSH and tmux setups) that do
/// not set $USER.
fn passwd_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.get(2) == Some(&uid.as_str()))
        .map(|f| f[0].to_string())
}
