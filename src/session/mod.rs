//! Session state: the user's answers, keyed by item id. Holds only what a person or a probe
//! produced, never copies of checklist text, so a newer checklist applies cleanly.

pub mod catalog;
pub mod edit;
pub mod evidence;
mod lock;
pub mod merge;
mod model;
pub mod open;
pub mod progress;
pub mod shared;
pub mod signoff;
mod store;
pub mod upgrade;

pub use lock::{SessionLock, key, lock};
pub use model::{
    Change, Evidence, EvidenceKind, ItemRecord, Leak, PROBE_HISTORY, ProbeRun, SCHEMA_VERSION, SWEEPS_KEPT,
    Session, SignOff, SignStatus, Status, SweepLog, UiState, Waiver,
};
pub use store::{
    BACKUPS, Fingerprint, SaveError, Unchecked, fingerprint, keep, load, parse, read, save, save_over,
};
