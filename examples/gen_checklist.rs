//! Synthetic checklists and sessions for benchmarks:
//! `gen_checklist N CHECKLIST.toml [SESSION.toml]` writes a checklist of N items (and a session
//! answering every item with a status, notes, evidence and history);
//! `gen_checklist --answer CHECKLIST.toml SESSION.toml` answers an existing checklist the same way.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::path::Path;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, checklist, session] if flag == "--answer" => {
            let checklist = golive::checklist::load_file(Path::new(checklist))?;
            golive::session::save(Path::new(session), &synthetic::session(&checklist))?;
        }
        [n, checklist_path, rest @ ..] => {
            let text = synthetic::checklist_toml(n.parse()?);
            std::fs::write(checklist_path, &text)?;
            if let Some(session) = rest.first() {
                let checklist = golive::checklist::parse(checklist_path, &text)?;
                golive::session::save(Path::new(session), &synthetic::session(&checklist))?;
            }
        }
        _ => anyhow::bail!(
            "usage: gen_checklist N CHECKLIST.toml [SESSION.toml] | --answer CHECKLIST.toml SESSION.toml"
        ),
    }
    Ok(())
}
