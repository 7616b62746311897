//! The project file, `.golive.toml` in the service's repository (found from the working
//! directory upward): the target and gate rule the team keeps under review with its code. A
//! session comes from whichever branch; `golive check --strict` takes its target from here only.

use crate::gate::Policy;
use crate::located::Located;
use crate::probe::target::Target;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".golive.toml";

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Where probes look; a session's own target takes its place except under `--strict`.
    #[serde(default)]
    pub target: Option<Target>,
    /// The gate's rule, in place of the checklist's (the whole table: omitted keys take the
    /// defaults, not the checklist's values).
    #[serde(default)]
    pub gate: Option<Policy>,
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
