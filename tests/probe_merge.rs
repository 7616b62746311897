//! One item, several probes: how their verdicts combine.

use golive::probe::{Outcome, Verdict};

fn v(outcome: Outcome, summary: &str) -> Verdict {
    Verdict::new(outcome, summary, vec![format!("evidence of {summary}")])
}

#[test]
fn the_worst_outcome_decides_and_the_summary_names_what_did_not_pass() {
    let m = Verdict::merge(vec![
        ("a", v(Outcome::Pass, "a ok")),
        ("b", v(Outcome::Error, "b unreachable")),
        ("c", v(Outcome::Fail, "c broken")),
    ]);
    assert_eq!((m.outcome, m.summary.as_str()), (Outcome::Fail, "b unreachable; c broken"));
    assert_eq!(
        m.evidence,
        [
            "pass a: a ok",
            "  evidence of a ok",
            "error b: b unreachable",
            "  evidence of b unreachable",
            "fail c: c broken",
            "  evidence of c broken"
        ]
    );
    let m = Verdict::merge(vec![("a", v(Outcome::Pass, "a ok")), ("b", v(Outcome::Error, "b down"))]);
    assert_eq!((m.outcome, m.summary.as_str()), (Outcome::Error, "b down"), "not knowing is not a pass");
}

#[test]
fn nothing_in_scope_for_one_part_does_not_hold_back_the_parts_that_decided() {
    let m = Verdict::merge(vec![
        ("t", v(Outcome::Pass, "tables ok")),
        ("s", v(Outcome::NeedsConfig, "no buckets")),
    ]);
    assert_eq!((m.outcome, m.summary.as_str()), (Outcome::Pass, "tables ok; no buckets"));
    // When no part decided, the item needs configuring.
    let m =
        Verdict::merge(vec![("t", v(Outcome::NeedsConfig, "no tables")), ("s", v(Outcome::Error, "denied"))]);
    assert_eq!(m.outcome, Outcome::Error);
    let m = Verdict::merge(vec![
        ("t", v(Outcome::NeedsConfig, "no tables")),
        ("s", v(Outcome::NeedsConfig, "no buckets")),
    ]);
    assert_eq!((m.outcome, m.summary.as_str()), (Outcome::NeedsConfig, "no tables; no buckets"));
}
