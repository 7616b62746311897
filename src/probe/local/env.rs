//! Environment variables the service needs. Values are never read into a verdict: a variable is
//! set or not, and that is all golive records.

use crate::probe::ctx::Ctx;
use crate::probe::kind::{Kind, Param, ParamType, list};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

pub const SET: Kind = Kind::local(
    "env",
    "Each named environment variable (names, default: env_vars in the target) is set and not \
     empty in golive's environment; values are never shown or saved.",
    |ctx, p| Box::pin(async move { set(&ctx, list(&p, "names")) }),
)
.with_params(&[Param { name: "names", ty: ParamType::StrList, doc: "variable names" }])
.meaning(
    "golive's own environment (a CI runner's) holds the named variables",
    "the service's runtime environment",
);

fn set(ctx: &Arc<Ctx>, names: Vec<String>) -> Verdict {
    let names = if names.is_empty() { ctx.target.env_vars.clone() } else { names };
    if names.is_empty() {
        return Verdict::new(
            Outcome::NeedsConfig,
            "name the environment variables the service needs (env_vars in the target)",
            vec![],
        );
    }
    // Not a name the environment can hold: a typo in the checklist or target, not a missing variable.
    if let Some(bad) = names.iter().find(|n| n.is_empty() || n.contains(['=', '\0'])) {
        return Verdict::error(format!("{bad:?} is not an environment variable name"));
    }
    let present = |n: &String| std::env::var_os(n).is_some_and(|v| !v.is_empty());
    let evidence =
        names.iter().map(|n| format!("{n}: {}", if present(n) { "set" } else { "not set" })).collect();
    let missing: Vec<&String> = names.iter().filter(|n| !present(n)).collect();
    Verdict::unless(
        &missing,
        Outcome::Fail,
        match names.as_slice() {
            [one] => format!("{one} is set"),
            _ => format!("all {} variables set", names.len()),
        },
        "not set",
        evidence,
    )
}
