//! The project file, `.golive.toml` in the service's repository (found from the working
//! directory upward): the checklist, target, gate rule and defaults the team keeps under review
//! with its code. A session comes from whichever branch; `golive check --strict` takes its target
//! from here only. It is someone else's word as much as a session is: every path in it stays
//! inside the repository it sits in, and nothing in it runs a command without consent.

use crate::gate::Policy;
use crate::located::Located;
use crate::probe::target::Target;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".golive.toml";

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The checklist, relative to the project file (TOML or markdown).
    #[serde(default)]
    pub checklist: Option<PathBuf>,
    /// Where probes look, beneath the session's own target (which it fills in field by field)
    /// and the flags; under `--strict` the session's is skipped.
    #[serde(default)]
    pub target: Option<Target>,
    /// The gate's rule, in place of the checklist's (the whole table: omitted keys take the
    /// defaults, not the checklist's values).
    #[serde(default)]
    pub gate: Option<Policy>,
    /// Defaults for flags.
    #[serde(default)]
    pub defaults: Defaults,
    /// `golive watch`: where changes are sent.
    #[serde(default)]
    pub watch: WatchSettings,
}

/// Where `golive watch` sends each change (used once the person has given each on this machine).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchSettings {
    /// Webhooks taking Slack-compatible JSON (`{"text": ...}`).
    #[serde(default)]
    pub webhooks: Vec<String>,
    /// Seconds between sweeps.
    pub interval: Option<u64>,
}

/// What a flag would say when it is not given.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// A session name in the data dir, or a path relative to the project file.
    pub session: Option<PathBuf>,
    pub max_parallel: Option<u16>,
    pub probe_timeout: Option<u64>,
}

impl Project {
    /// A path the project file names, taken relative to the directory it is in, and refused when
    /// it would leave it: a file from a branch does not get to read the home directory.
    pub fn inside(file: &Path, given: &Path, key: &str) -> anyhow::Result<PathBuf> {
        use std::path::Component;
        let dir = file.parent().unwrap_or(Path::new("."));
        if !given.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
            anyhow::bail!(
                "{}: `{key}` is {}: a path in the project file is relative to it and stays inside its \
                 directory",
                file.display(),
                given.display()
            );
        }
        Ok(dir.join(given))
    }

    /// The checklist file it names, resolved.
    pub fn checklist_path(&self, file: &Path) -> anyhow::Result<Option<PathBuf>> {
        self.checklist.as_deref().map(|c| Project::inside(file, c, "checklist")).transpose()
    }

    /// Its target, with a relative `repo` taken from the project file's directory (and one that
    /// would leave it refused).
    pub fn target_from(&self, file: &Path) -> anyhow::Result<Option<Target>> {
        let Some(mut target) = self.target.clone() else { return Ok(None) };
        if let Some(repo) = target.repo.as_deref() {
            let dir = Project::inside(file, Path::new(repo), "target.repo")?;
            target.repo = Some(dir.display().to_string());
        }
        Ok(Some(target))
    }
}

/// The project file that governs `dir`: the nearest `.golive.toml` at or above it.
pub fn find(dir: &Path) -> anyhow::Result<Option<(PathBuf, Project)>> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for d in dir.ancestors() {
        let path = d.join(FILE_NAME);
        if path.is_file() {
            let project = read(&path)?;
            return Ok(Some((path, project)));
        }
    }
    Ok(None)
}

pub fn read(path: &Path) -> anyhow::Result<Project> {
    let text = crate::located::read_text(path)?;
    let name = path.display().to_string();
    Ok(toml::from_str(&text).map_err(|e| Located::from_toml(&name, &text, &e))?)
}

/// The project file of the working directory, or none; a broken one is an error, never ignored.
pub fn current() -> anyhow::Result<Option<(PathBuf, Project)>> {
    find(&std::env::current_dir()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_project_file_governs_and_a_bad_one_names_its_line() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(find(&deep).unwrap().is_none() || !root.path().join(FILE_NAME).exists());
        std::fs::write(
            root.path().join(FILE_NAME),
            "[target]\nregion = \"eu-west-1\"\n\n[gate]\nrequire = \"all\"\nsignoffs = false\n",
        )
        .unwrap();
        let (path, p) = find(&deep).unwrap().expect("found from a subdirectory");
        assert_eq!(path, root.path().join(FILE_NAME));
        assert_eq!(p.target.unwrap().region.as_deref(), Some("eu-west-1"));
        let gate = p.gate.unwrap();
        assert_eq!(
            (gate.require, gate.signoffs, gate.final_approval),
            (crate::gate::Require::All, false, true)
        );
        std::fs::write(root.path().join(FILE_NAME), "[gate]\nrequire = \"all\"\nsign_offs = false\n")
            .unwrap();
        let err = format!("{:#}", find(&deep).unwrap_err());
        assert!(err.contains(".golive.toml:3:1") && err.contains("sign_offs"), "{err}");
    }
}
