//! The checklist definition: read-only sections, groups and items. Sessions refer to items by id.

pub mod import;
mod load;
mod model;
mod policy;

pub use load::{DEFAULT_NAME, is_id, is_markdown, load_file, parse};
pub use model::{Checklist, Group, Item, Section};
pub use policy::{Policy, Require};

/// The text of the checklist shipped in the binary (a starting point for a team's own).
pub fn seed_text() -> &'static str {
    include_str!("../../assets/checklists/agentcore-production.toml")
}

impl Checklist {
    /// The checklist shipped in the binary.
    pub fn embedded() -> Checklist {
        parse(DEFAULT_NAME, seed_text()).expect("the embedded checklist is valid (tested)")
    }
}
