//! Hard-coded secrets in the repository: AWS keys, private key blocks, `sk-` API keys, bearer
//! tokens and high-entropy `password = "..."` assignments (the rules in `mask`). Findings name
//! FILE:LINE and show the secret masked, never the secret.

use super::repo;
use crate::mask;
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::kind::{Judged, judged};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

pub const SCAN: Kind = Kind::local(
    "secrets",
    "Scans the repository's text files (respecting .gitignore; files over 1 MiB and binary files \
     skipped) for AWS access key ids and secret keys, private key blocks, sk- API keys, bearer \
     tokens and high-entropy api_key / password / secret / token assignments; passes when none is \
     found outside the target's secrets_allow (FILE or FILE:LINE). Evidence: FILE:LINE, the rule \
     and the secret masked.",
    |ctx, _| {
        judged(async move {
            // Reading a whole repository is blocking work.
            tokio::task::spawn_blocking(move || scan(&ctx))
                .await
                .unwrap_or_else(|e| Ok(Verdict::error(format!("secrets scan stopped: {e}"))))
        })
    },
)
.meaning(
    "the repository's files hold no credential-shaped text",
    "history, binaries, or secrets the rules do not know",
);

/// Larger files are data or build output, not hand-written configuration.
const MAX_FILE: u64 = 1 << 20;
/// How many findings the evidence lists.
const SHOWN: usize = 50;

fn scan(ctx: &Arc<Ctx>) -> Judged {
    let root = repo(ctx)?;
    let allowed = |file: &str, line: usize| {
        ctx.target.secrets_allow.iter().any(|a| a == file || *a == format!("{file}:{line}"))
    };
    let mut files = 0;
    let mut findings = Vec::new();
    let mut bad_files: Vec<String> = Vec::new();
    for entry in super::files(&root) {
        let Ok(bytes) = crate::fsx::read_bounded(entry.path(), MAX_FILE) else { continue };
        if bytes.contains(&0) {
            continue;
        }
        files += 1;
        let rel = entry.path().strip_prefix(&root).unwrap_or(entry.path()).display().to_string();
        for (n, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
            for f in mask::find(line).into_iter().filter(|f| f.rule.scan) {
                if allowed(&rel, n + 1) {
                    continue;
                }
                findings.push(format!(
                    "{rel}:{}: {} {}",
                    n + 1,
                    f.rule.what,
                    mask::masked(&line[f.range.clone()])
                ));
                if !bad_files.contains(&rel) {
                    bad_files.push(rel.clone());
                }
            }
        }
    }
    if findings.is_empty() {
        return Ok(Verdict::new(
            Outcome::Pass,
            format!("no hard-coded secret in {files} files of {}", root.display()),
            vec![],
        ));
    }
    let n = findings.len();
    findings.truncate(SHOWN);
    if n > SHOWN {
        findings.push(format!("and {} more", n - SHOWN));
    }
    Ok(Verdict::new(Outcome::Fail, format!("{n} hard-coded secrets in {}", bad_files.join(", ")), findings))
}
