//! Documents and configuration that must exist in the repository: runbooks, recovery procedures,
//! diagrams, API docs, CI workflows.

use super::repo;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, list, text};
use crate::probe::{Outcome, Verdict};
use globset::{GlobBuilder, GlobSetBuilder};
use std::sync::Arc;

pub const EXISTS: Kind = Kind::local(
    "file",
    "A file in the repository matches one of the globs (paths; the target's files.NAME overrides \
     them), and, with pattern, one of them contains a match of that regular expression. \
     .gitignore is respected.",
    |ctx, p| {
        judged(async move {
            let (name, paths, pattern) =
                (text(&p, "name", "files").to_string(), list(&p, "paths"), p.get("pattern"));
            let pattern = pattern.and_then(toml::Value::as_str).map(str::to_string);
            let ctx = ctx.clone();
            // Walking a large repository is blocking work.
            tokio::task::spawn_blocking(move || exists(&ctx, &name, paths, pattern.as_deref()))
                .await
                .unwrap_or_else(|e| Ok(Verdict::error(format!("file check stopped: {e}"))))
        })
    },
)
.with_params(&[
    Param {
        name: "name",
        ty: ParamType::Str,
        doc: "what the files are, and their key in the target's files",
    },
    Param {
        name: "paths",
        ty: ParamType::StrList,
        doc: "globs relative to the repository, case-insensitive",
    },
    Param { name: "pattern", ty: ParamType::Str, doc: "a regular expression a matching file must contain" },
])
.meaning(
    "a file matching the globs (and pattern) exists in the repository",
    "that its content is right or current",
);

/// The largest file a pattern is looked for in.
const MAX_PATTERN_FILE: u64 = 8 << 20;

/// How many matching files the evidence lists.
const SHOWN: usize = 10;

fn exists(ctx: &Arc<Ctx>, name: &str, paths: Vec<String>, pattern: Option<&str>) -> Judged {
    let root = repo(ctx)?;
    let globs = ctx.target.files.get(name).cloned().unwrap_or(paths);
    if globs.is_empty() {
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            format!("say where the {name} are: files.{name} in the target"),
            vec![],
        ));
    }
    let mut set = GlobSetBuilder::new();
    for g in &globs {
        match GlobBuilder::new(g).case_insensitive(true).literal_separator(true).build() {
            Ok(glob) => set.add(glob),
            Err(e) => return Ok(Verdict::error(format!("bad glob {g:?}: {e}"))),
        };
    }
    let set = match set.build() {
        Ok(s) => s,
        Err(e) => return Ok(Verdict::error(format!("bad globs: {e}"))),
    };
    let regex = match pattern.map(|p| regex::RegexBuilder::new(p).case_insensitive(true).build()).transpose()
    {
        Ok(r) => r,
        Err(e) => return Ok(Verdict::error(format!("bad pattern: {e}"))),
    };
    let mut found = Vec::new();
    let mut without = 0;
    for entry in super::files(&root) {
        let Ok(rel) = entry.path().strip_prefix(&root) else { continue };
        if !set.is_match(rel) {
            continue;
        }
        if let Some(re) = &regex {
            // Bounded, regular files only: what the walk finds is the repository's to choose.
            let text = crate::fsx::read_bounded(entry.path(), MAX_PATTERN_FILE).unwrap_or_default();
            if !re.is_match(&String::from_utf8_lossy(&text)) {
                without += 1;
                continue;
            }
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        found.push(format!("{} ({size} bytes)", rel.display()));
    }
    found.sort();
    let looked = format!("{} in {}", globs.join(", "), root.display());
    if found.is_empty() {
        let why = match (pattern, without) {
            (Some(p), n) if n > 0 => format!("{n} files match {looked} but none contains /{p}/"),
            _ => format!("no file matches {looked}"),
        };
        return Ok(Verdict::new(Outcome::Fail, format!("no {name}: {why}"), vec![]));
    }
    let n = found.len();
    let mut evidence: Vec<String> = found.into_iter().take(SHOWN).collect();
    if n > SHOWN {
        evidence.push(format!("and {} more", n - SHOWN));
    }
    Ok(Verdict::new(Outcome::Pass, format!("{n} {name} found ({looked})"), evidence))
}
