//! The checklist definition: read-only sections, groups and items. Sessions refer to items by id.

pub mod import;
mod load;
mod model;

pub use load::{DEFAULT_NAME, is_id, is_markdown, load_file, parse};
pub use model::{Checklist, Group, Item, Section};

impl Checklist {
    /// The checklist shipped in the binary.
    pub fn embedded() -> Checklist {
        parse(DEFAULT_NAME, include_str!("../../assets/checklists/agentcore-production.toml"))
            .expect("the embedded checklist is valid (tested)")
    }
}
