//! Where each setting comes from. Highest first: a flag (this run only), a `GOLIVE_*` variable,
//! the session, the project file (`.golive.toml`, the team's), the user file (one person's
//! defaults), golive's default. `golive config` prints the outcome and each value's origin.

pub mod project;
mod show;
pub mod user;

use crate::probe::target::Target;
use project::Project;
pub use show::table;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use user::User;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    Session,
    Project(PathBuf),
    User(PathBuf),
    /// The checklist's own (its `[gate]`).
    Checklist,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Origin::Flag(name) => write!(f, "flag --{name}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Session => f.write_str("session"),
            Origin::Project(p) => write!(f, "project file {}", p.display()),
            Origin::User(p) => write!(f, "user file {}", p.display()),
            Origin::Checklist => f.write_str("checklist"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub from: Origin,
}

/// How the command line's own values came: typed, or from a `GOLIVE_*` variable (clap reads
/// those). Keyed by the argument's id.
pub type Given = BTreeMap<&'static str, Origin>;

/// What the flags, variables and files say, before a session is opened.
#[derive(Debug, Clone)]
pub struct Config {
    pub project: Option<(PathBuf, Project)>,
    pub user: Option<(PathBuf, User)>,
    pub who: Setting<String>,
    /// `None`: golive's rule (the one saved session, a choice, else `default`).
    pub session: Option<Setting<PathBuf>>,
    /// `None`: the embedded checklist.
    pub checklist: Option<Setting<PathBuf>>,
    pub max_parallel: Setting<u16>,
    pub probe_timeout: Setting<u64>,
    pub mouse: Setting<bool>,
    /// The target the flags and the variables name, one layer each (variables first).
    pub given: Vec<(Origin, Target)>,
}

/// What the command line holds for the settings that layer, and how each came.
pub struct Command<'a> {
    pub who: Option<&'a str>,
    pub session: Option<&'a std::path::Path>,
    pub checklist: Option<&'a std::path::Path>,
    pub max_parallel: Option<u16>,
    pub probe_timeout: Option<u64>,
    pub no_mouse: bool,
    /// The target the flags and variables name, field by field, with the argument ids.
    pub target: Vec<(&'static str, &'static str, String)>,
    pub given: &'a Given,
}

pub const DEFAULT_MAX_PARALLEL: u16 = 16;
pub const DEFAULT_PROBE_TIMEOUT: u64 = 15;

impl Config {
    /// The settings of this run: the command line over the project file of the working
    /// directory over the user file.
    pub fn resolve(
        cmd: &Command,
        project: Option<(PathBuf, Project)>,
        user: Option<(PathBuf, User)>,
    ) -> anyhow::Result<Config> {
        let from = |id: &'static str| cmd.given.get(id).cloned().unwrap_or(Origin::Flag(id));
        let proj = project.as_ref();
        let usr = user.as_ref();
        let who = match (cmd.who, usr.and_then(|(p, u)| Some((p, u.who.clone()?)))) {
            (Some(w), _) => Setting { value: w.to_string(), from: from("who") },
            (None, Some((p, w))) => Setting { value: w, from: Origin::User(p.clone()) },
            (None, None) => Setting { value: user::login_name(), from: Origin::Default },
        };
        let session = match cmd.session {
            Some(s) => Some(Setting { value: s.to_path_buf(), from: from("session") }),
            None => match proj.and_then(|(p, f)| Some((p, f.defaults.session.clone()?))) {
                Some((file, s)) => {
                    // A bare name is a session in the data dir; a path stays inside the project.
                    // An S3 URL (a shared session) is used once the person has said so (consent).
                    let is_name = crate::session::catalog::resolve(&s, std::path::Path::new("")) != s
                        || s.to_str().is_some_and(|t| t.starts_with("s3://"));
                    let value = if is_name { s } else { Project::inside(file, &s, "defaults.session")? };
                    Some(Setting { value, from: Origin::Project(file.clone()) })
                }
                None => None,
            },
        };
        let checklist = match cmd.checklist {
            Some(c) => Some(Setting { value: c.to_path_buf(), from: from("checklist") }),
            None => match proj {
                Some((file, p)) => p
                    .checklist_path(file)?
                    .map(|value| Setting { value, from: Origin::Project(file.clone()) }),
                None => None,
            },
        };
        fn number<T: Copy>(
            flag: Option<T>,
            origin: Origin,
            project: Option<(&PathBuf, Option<T>)>,
            default: T,
        ) -> Setting<T> {
            match (flag, project) {
                (Some(value), _) => Setting { value, from: origin },
                (None, Some((file, Some(value)))) => Setting { value, from: Origin::Project(file.clone()) },
                _ => Setting { value: default, from: Origin::Default },
            }
        }
        let max_parallel = number(
            cmd.max_parallel,
            from("max_parallel"),
            proj.map(|(f, p)| (f, p.defaults.max_parallel)),
            DEFAULT_MAX_PARALLEL,
        );
        if max_parallel.value == 0 {
            anyhow::bail!(
                "max_parallel in {} is 0: at least one probe must run at a time",
                max_parallel.from
            );
        }
        let probe_timeout = number(
            cmd.probe_timeout,
            from("probe_timeout"),
            proj.map(|(f, p)| (f, p.defaults.probe_timeout)),
            DEFAULT_PROBE_TIMEOUT,
        );
        let mouse = match (cmd.no_mouse, usr.and_then(|(p, u)| Some((p, u.mouse?)))) {
            (true, _) => Setting { value: false, from: from("no_mouse") },
            (false, Some((p, m))) => Setting { value: m, from: Origin::User(p.clone()) },
            (false, None) => Setting { value: true, from: Origin::Default },
        };
        let mut env = Target::default();
        let mut flags = Target::default();
        for (id, key, value) in &cmd.target {
            let layer = if matches!(from(id), Origin::Env(_)) { &mut env } else { &mut flags };
            set(layer, key, value)?;
        }
        let mut given = Vec::new();
        for (layer, kind) in [(env, "env"), (flags, "flag")] {
            if !layer.is_empty() {
                // The origin of each field is told apart again in `layered`, by its id.
                given.push((Origin::Flag(kind), layer));
            }
        }
        Ok(Config { project, user, who, session, checklist, max_parallel, probe_timeout, mouse, given })
    }

    /// The target's layers around the session's: the user and project files beneath it, the
    /// variables and flags above.
    pub fn target_layers(&self, given: &Given) -> anyhow::Result<TargetLayers> {
        let mut below = Vec::new();
        if let Some((file, u)) = &self.user {
            let t = Target { profile: u.profile.clone(), region: u.region.clone(), ..Target::default() };
            below.push((Origin::User(file.clone()), t));
        }
        if let Some((file, p)) = &self.project
            && let Some(t) = p.target_from(file)?
        {
            below.push((Origin::Project(file.clone()), t));
        }
        Ok(TargetLayers { below, above: self.given.clone(), given: given.clone() })
    }
}

/// Where probes look is the session's `[target]` with these around it.
#[derive(Debug, Clone, Default)]
pub struct TargetLayers {
    /// Lowest first: the user file, the project file.
    pub below: Vec<(Origin, Target)>,
    /// Lowest first: the variables, the flags (this run's, not saved).
    pub above: Vec<(Origin, Target)>,
    pub given: Given,
}

impl TargetLayers {
    /// The target a run uses: the session's (none under `--strict`) between the layers.
    pub fn over(&self, session: Option<&Target>) -> Target {
        self.traced(session).0
    }

    /// The same, with each field's origin.
    pub fn traced(&self, session: Option<&Target>) -> (Target, BTreeMap<String, Origin>) {
        let mut layers = self.below.clone();
        layers.extend(session.map(|t| (Origin::Session, t.clone())));
        layers.extend(self.above.iter().cloned());
        layered(&layers, &self.given).expect("a target's fields convert to TOML and back")
    }

    /// The session's target with this run's flags and variables written into it (`--save-target`).
    pub fn saved_into(&self, session: &Target) -> Target {
        let mut layers = vec![(Origin::Session, session.clone())];
        layers.extend(self.above.iter().cloned());
        layered(&layers, &self.given).expect("a target's fields convert to TOML and back").0
    }
}

/// Sets one target field the command line names (`key` as in the session's `[target]`).
fn set(t: &mut Target, key: &str, value: &str) -> anyhow::Result<()> {
    let mut table = toml::Table::try_from(&*t)?;
    table.insert(key.to_string(), toml::Value::String(value.to_string()));
    *t = table.try_into()?;
    Ok(())
}

/// The target the layers add up to (lowest first: each field from the highest layer that sets
/// it; `commands` and `files` name by name), and where each field came from.
pub fn layered(
    layers: &[(Origin, Target)],
    given: &Given,
) -> anyhow::Result<(Target, BTreeMap<String, Origin>)> {
    let mut merged = toml::Table::new();
    let mut origins = BTreeMap::new();
    for (origin, target) in layers {
        for (key, value) in toml::Table::try_from(target)? {
            let origin = match origin {
                // Flags and variables: each field's own argument tells which.
                Origin::Flag(_) => FLAG_KEYS
                    .iter()
                    .find(|(_, k)| *k == key)
                    .and_then(|(id, _)| given.get(id).cloned())
                    .unwrap_or_else(|| origin.clone()),
                o => o.clone(),
            };
            match (value, merged.get_mut(&key)) {
                (toml::Value::Table(names), Some(toml::Value::Table(into))) => {
                    for (name, v) in names {
                        origins.insert(format!("{key}.{name}"), origin.clone());
                        into.insert(name, v);
                    }
                }
                (value, _) => {
                    if let toml::Value::Table(names) = &value {
                        for name in names.keys() {
                            origins.insert(format!("{key}.{name}"), origin.clone());
                        }
                    } else {
                        origins.insert(key.clone(), origin.clone());
                    }
                    merged.insert(key, value);
                }
            }
        }
    }
    Ok((merged.try_into()?, origins))
}

/// The command line's target arguments: their ids and the `[target]` key each sets.
pub const FLAG_KEYS: &[(&str, &str)] = &[
    ("profile", "profile"),
    ("region", "region"),
    ("account", "account_id"),
    ("service_url", "endpoint"),
    ("domain", "domain"),
    ("repo", "repo"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_fill_in_field_by_field_and_commands_name_by_name() {
        let user =
            Target { region: Some("us-east-1".into()), profile: Some("me".into()), ..Target::default() };
        let mut project = Target { region: Some("eu-west-1".into()), ..Target::default() };
        project.commands.insert("unit".into(), "make test".into());
        let mut session = Target { name_prefix: Some("svc".into()), ..Target::default() };
        session.commands.insert("rollback".into(), "make rollback".into());
        let layers = vec![
            (Origin::User("u".into()), user),
            (Origin::Project("p".into()), project),
            (Origin::Session, session),
        ];
        let (t, from) = layered(&layers, &Given::new()).unwrap();
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
        assert_eq!(t.profile.as_deref(), Some("me"));
        assert_eq!(t.name_prefix.as_deref(), Some("svc"));
        assert_eq!(t.commands.len(), 2, "{:?}", t.commands);
        assert_eq!(from["region"], Origin::Project("p".into()));
        assert_eq!(from["commands.unit"], Origin::Project("p".into()));
        assert_eq!(from["commands.rollback"], Origin::Session);
        assert_eq!(from["profile"], Origin::User("u".into()));
    }
}
