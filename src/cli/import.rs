//! `golive import`: a markdown checklist as golive TOML.

use super::output::emit;
use crate::checklist;
use std::path::Path;

/// `golive import`: the markdown checklist as TOML, to stdout or a new file.
pub fn run(file: &Path, output: Option<&Path>, force: bool) -> anyhow::Result<u8> {
    let text = crate::located::read_text(file)?;
    let toml = checklist::import::to_toml(&file.display().to_string(), &text)?;
    // What is written must load: the same check `--checklist` makes.
    let parsed = checklist::parse(&file.display().to_string(), &toml)?;
    match output {
        None => emit(&toml)?,
        Some(out) => {
            if out.exists() && !force {
                anyhow::bail!("{} exists; pass --force to replace it", out.display());
            }
            crate::atomic::write_output(out, toml.as_bytes())?;
            crate::text::tell(&format!(
                "{} items in {} sections written to {}",
                parsed.items.len(),
                parsed.sections.len(),
                out.display()
            ));
        }
    }
    Ok(0)
}
