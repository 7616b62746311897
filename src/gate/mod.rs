//! The gate: one decision (GO, NO-GO or UNDECIDED) from the checklist's rule, the people's
//! answers, the probes' results, waivers and sign-offs, with every reason named. `golive check`,
//! `golive check --gate`, the reports and the TUI's header all decide here.

mod decide;

pub use crate::checklist::{Policy, Require};
pub use decide::{Blocker, Decision, Input, Subject, Verdict, Why, decide, of_session};
