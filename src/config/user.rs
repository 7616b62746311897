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
