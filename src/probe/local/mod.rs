//! Probes of the service's own repository and environment: files that must exist, commands that
//! must succeed, environment variables that must be set, secrets that must not be in the code.

pub mod command;
pub mod env;
pub mod files;
pub mod secrets;

use super::Verdict;
use super::ctx::Ctx;
use std::path::{Component, Path, PathBuf};

/// The repository the sweep vetted, or why there is none to look at.
pub fn repo(ctx: &Ctx) -> Result<PathBuf, Verdict> {
    ctx.repo.clone()
}

pub use super::ctx::no_repo;

/// The checkout a session file belongs to: the nearest directory above it holding `.git`, else the
/// directory the session is in. A repository path from the session is taken relative to it.
pub fn checkout_of(session: &Path) -> PathBuf {
    let abs = std::path::absolute(session).unwrap_or_else(|_| session.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = dir.canonicalize().unwrap_or(dir);
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf).unwrap_or(dir)
}

/// Directories no check may read, confirmed or not: the whole disk, the home directory (keys,
/// cloud credentials, shell history) and the kernel's own trees.
fn forbidden(dir: &Path) -> bool {
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| h.canonicalize().ok());
    dir == Path::new("/")
        || home.as_deref() == Some(dir)
        || ["/proc", "/sys", "/dev"].iter().any(|k| dir.starts_with(k))
}

/// The directory a target's repository names, vetted. A path from a session file is someone
/// else's word: it must stay inside the session's `checkout` (relative, no `..`, no link out of
/// it), unless the person at the keyboard confirmed that directory on this machine (`confirmed`,
/// from `--repo` or the target form). `/`, the home directory, `/proc`, `/sys` and `/dev` are
/// refused whatever.
pub fn resolve_repo(repo: Option<&str>, checkout: &Path, confirmed: &[PathBuf]) -> Result<PathBuf, Verdict> {
    let Some(repo) = repo else { return Err(no_repo()) };
    let given = Path::new(repo);
    let candidate = if given.is_absolute() { given.to_path_buf() } else { checkout.join(given) };
    let dir = match candidate.canonicalize() {
        Ok(d) if d.is_dir() => d,
        _ => return Err(Verdict::error(format!("repository {repo} is not a directory"))),
    };
    if forbidden(&dir) {
        return Err(Verdict::error(format!("repository {repo} is {}: golive never scans it", dir.display())));
    }
    let inside = !given.is_absolute()
        && given.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && dir.starts_with(checkout.canonicalize().unwrap_or(checkout.to_path_buf()));
    let vouched = confirmed.iter().any(|c| c.canonicalize().is_ok_and(|c| c == dir));
    if inside || vouched {
        Ok(dir)
    } else {
        let (checkout, dir) = (checkout.display(), dir.display());
        Err(Verdict::error(format!(
            "repository {repo} is outside this session's checkout ({checkout}); a session file's path is \
        relative to its checkout: to use {dir} anyway, give --repo {dir} yourself (or set it with t)"
        )))
    }
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
