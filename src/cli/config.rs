//! `golive config`: the settings this run would use, and where each came from.

use super::open::Loading;
use crate::config::{Config, Given, Origin, table};
use crate::session;
use std::path::Path;

pub fn run(settings: &Config, given: &Given, session_path: &Path, checklist: Loading) -> anyhow::Result<u8> {
    let checklist = checklist.into_inner()?;
    let session = session::load(session_path, &checklist)?;
    let mut rows = Vec::new();
    let mut row = |name: &str, value: String, from: Origin| rows.push((name.to_string(), value, from));
    match &settings.checklist {
        Some(c) => row("checklist", c.value.display().to_string(), c.from.clone()),
        None => row("checklist", format!("embedded: {}", checklist.name), Origin::Default),
    }
    let exists = if session.is_some() { "" } else { " (not created yet)" };
    let from = settings.session.as_ref().map_or(Origin::Default, |s| s.from.clone());
    row("session", format!("{}{exists}", session_path.display()), from);
    row("who", settings.who.value.clone(), settings.who.from.clone());
    let n = &settings.max_parallel;
    row("max_parallel", n.value.to_string(), n.from.clone());
    let t = &settings.probe_timeout;
    row("probe_timeout", format!("{} s", t.value), t.from.clone());
    let m = &settings.mouse;
    row("mouse", if m.value { "on" } else { "off" }.into(), m.from.clone());
    let gate_from = match &settings.project {
        Some((file, p)) if p.gate.is_some() => Origin::Project(file.clone()),
        _ => Origin::Checklist,
    };
    let mut gate = checklist.gate.clone();
    if let Some(g) = settings.project.as_ref().and_then(|(_, p)| p.gate.clone()) {
        gate = g;
    }
    row("gate", gate.describe(), gate_from);
    let layers = settings.target_layers(given)?;
    let (target, origins) = layers.traced(session.as_ref().map(|s| &s.target));
    let fields = toml::Table::try_from(&target)?;
    for (key, value) in &fields {
        match value {
            toml::Value::Table(names) => {
                for (name, v) in names {
                    let key = format!("{key}.{name}");
                    let from = origins.get(&key).cloned().unwrap_or(Origin::Default);
                    row(&format!("target.{key}"), shown(v), from);
                }
            }
            v => {
                row(&format!("target.{key}"), shown(v), origins.get(key).cloned().unwrap_or(Origin::Default))
            }
        }
    }
    if fields.is_empty() {
        row(
            "target",
            "nothing set: probes use the AWS SDK's defaults and judge nothing".into(),
            Origin::Default,
        );
    }
    super::output::emit(&table(&rows))?;
    Ok(0)
}

fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(a) => a.iter().map(shown).collect::<Vec<_>>().join(", "),
        v => v.to_string(),
    }
}
