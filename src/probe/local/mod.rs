//! Probes of the service's own repository and environment: files that must exist, commands that
//! must succeed, environment variables that must be set, secrets that must not be in the code.

pub mod command;
pub mod env;
pub mod files;
pub mod secrets;

use super::engine::Ctx;
use super::{Outcome, Verdict};
use std::path::PathBuf;

/// The repository the target names, or why there is none to look at.
pub fn repo(ctx: &Ctx) -> Result<PathBuf, Verdict> {
    let Some(repo) = &ctx.target.repo else {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no repository: set its path in the target (t) or with --repo",
            vec![],
        ));
    };
    let path = PathBuf::from(repo);
    if !path.is_dir() {
        return Err(Verdict::error(format!("repository {repo} is not a directory")));
    }
    Ok(path)
}

/// The repository's files as the checks see them: .gitignore respected, hidden directories such as
/// .github included, .git itself never.
pub fn files(root: &std::path::Path) -> impl Iterator<Item = ignore::DirEntry> {
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
}
