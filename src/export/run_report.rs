//! Reports of a `golive check` run: text for people, JSON for scripts (with a published schema),
//! JUnit XML for CI systems, markdown, and GitHub's job summary and annotations. Each opens or
//! ends with the gate's decision and names every reason; a person's override of a probe is the
//! person's decision in all of them.

use super::markdown::{self, shown_evidence};
use crate::checklist::{Checklist, Item};
use crate::gate::{Decision, Subject, Verdict};
use crate::probe::{Outcome, ProbeResult};
use crate::session::edit::SignSlot;
use crate::session::evidence::FileCheck;
use crate::session::signoff::{self, SignState};
use crate::session::{ItemRecord, Session, Status};
use crate::sweep::run::Run;
use chrono::SecondsFormat;
use schemars::JsonSchema;
use serde::Serialize;
use std::fmt::Write;

/// The JSON report's format; bumped when a field changes meaning or goes away.
pub const JSON_SCHEMA_VERSION: u32 = 2;

/// Everything a report of one run shows.
pub struct Report<'a> {
    pub checklist: &'a Checklist,
    pub session: &'a Session,
    pub run: &'a Run,
    pub decision: &'a Decision,
    pub full_evidence: bool,
    pub session_path: &'a str,
    /// The gate ran under `--strict`: overrides of failing probes did not count.
    pub strict: bool,
    /// Evidence files read again for this report.
    pub files: &'a [crate::session::evidence::Recheck],
}

/// How an item stands in the report: the probe's outcome, unless a person decided otherwise.
struct Standing {
    /// "fail", "pass", ... as the report counts it.
    word: &'static str,
    failed: bool,
    undecided: bool,
    /// "set to pass by alice over probe fail: the finding is a false positive".
    note: Option<String>,
}

fn standing(item: &Item, rec: Option<&ItemRecord>, r: &ProbeResult, strict: bool) -> Standing {
    let probe = Standing {
        word: r.outcome.word(),
        failed: r.outcome == Outcome::Fail,
        undecided: r.outcome.is_undecided(),
        note: None,
    };
    let Some(rec) = rec.filter(|rec| rec.overridden_probe().is_some()) else { return probe };
    if strict && item.is_automated() && r.outcome == Outcome::Fail {
        return Standing {
            note: Some(format!(
                "set to {} by {}, not counted under --strict",
                rec.status.word(),
                rec.by.as_deref().unwrap_or("someone")
            )),
            ..probe
        };
    }
    let note = format!(
        "set to {} by {} over probe {}{}",
        rec.status.word(),
        rec.by.as_deref().unwrap_or("someone"),
        r.outcome.word(),
        rec.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
    );
    Standing {
        word: rec.status.word(),
        failed: matches!(rec.status, Status::Fail | Status::Blocked),
        undecided: false,
        note: Some(note),
    }
}

impl Report<'_> {
    fn standing(&self, i: usize, r: &ProbeResult) -> Standing {
        let item = &self.checklist.items[i];
        standing(item, self.session.record(&item.id), r, self.strict)
    }

    fn stamp(&self) -> String {
        self.run.generated.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

pub fn text(rep: &Report) -> String {
    let (c, run) = (rep.checklist, rep.run);
    let mut out = String::new();
    let _ = writeln!(out, "golive check: {} ({})", c.name, rep.stamp());
    if let Some(id) = &run.identity {
        let _ = writeln!(out, "AWS account {} as {} in {}", id.account, id.arn, id.region);
    }
    out.push('\n');
    for (i, r) in &run.results {
        let item = &c.items[*i];
        let s = rep.standing(*i, r);
        let _ =
            writeln!(out, "{} {:<12} {}  {}: {}", r.outcome.glyph(), s.word, item.id, item.title, r.summary);
        if let Some(note) = &s.note {
            let _ = writeln!(out, "      ({note})");
        }
        for e in &shown_evidence(&r.evidence, rep.full_evidence) {
            let _ = writeln!(out, "      {e}");
        }
    }
    for (i, why) in &run.skipped {
        let _ = writeln!(out, "- {:<12} {}  skipped: {why}", "skipped", c.items[*i].id);
    }
    if !run.results.is_empty() {
        let _ = writeln!(
            out,
            "\n{} probes: {} pass, {} warn, {} fail, {} error, {} needs-config; {} skipped",
            run.results.len(),
            run.count(Outcome::Pass),
            run.count(Outcome::Warn),
            run.count(Outcome::Fail),
            run.count(Outcome::Error),
            run.count(Outcome::NeedsConfig),
            run.skipped.len(),
        );
    }
    if !run.parts.is_empty() {
        // Several accounts and regions: how each part's AWS probes came out.
        let _ = writeln!(out, "\nAWS probes per account and region:");
        for (part, counts) in &run.parts {
            let tally: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
            let _ = writeln!(out, "  {part:<28} {}", tally.join(", "));
        }
    }
    let d = rep.decision;
    if let Some(e) = &d.exceptions {
        let _ = writeln!(out, "\nFinal approval given with exceptions: {e}");
    }
    let _ = writeln!(out, "\nThe gate's rule: {}", d.rule);
    for b in &d.blockers {
        let mark = if b.why.blocks() { "✗" } else { "?" };
        let _ = writeln!(out, "  {mark} {}", b.text);
    }
    for line in waiver_lines(rep) {
        let _ = writeln!(out, "  ~ {line}");
    }
    for f in rep.files {
        if let Some(flag) = f.check.flag().filter(|_| !matches!(f.check, FileCheck::NotChecked(_))) {
            let _ = writeln!(out, "  ! {} evidence {}: file {}: {flag}", f.item, f.index + 1, f.path);
        }
    }
    let _ = writeln!(out, "{}", d.headline());
    out
}

/// "item (title): waived until DATE, N days left, by A, approved by B: reason [ticket]".
fn waiver_lines(rep: &Report) -> Vec<String> {
    let today = rep.run.generated.date_naive();
    let mut out = Vec::new();
    for item in &rep.checklist.items {
        let Some(w) = rep.session.record(&item.id).and_then(|r| r.waiver.as_ref()) else { continue };
        let when = if w.expired(today) {
            format!("waiver EXPIRED on {}", w.expires)
        } else {
            format!("waived until {} ({} days left)", w.expires, w.days_left(today))
        };
        let ticket = w.ticket.as_deref().map(|t| format!(" [{t}]")).unwrap_or_default();
        out.push(format!(
            "{} ({}): {when}, asked by {}, approved by {}: {}{ticket}",
            item.id, item.title, w.asked_by, w.approved_by, w.reason
        ));
    }
    out
}

/// The JSON report (`--format json`); its schema is [`schema`].
#[derive(Serialize, JsonSchema)]
pub struct JsonReport {
    /// This document's format version.
    pub schema_version: u32,
    pub checklist: String,
    pub checklist_version: String,
    pub generated: String,
    pub session: String,
    pub aws: Option<JsonAws>,
    /// "go", "no-go" or "undecided": the gate's decision (as `decision.verdict`).
    pub verdict: JsonVerdict,
    /// The exit status of this run: 0 GO, 1 NO-GO, 2 UNDECIDED.
    pub exit_code: u8,
    pub decision: JsonDecision,
    /// Probed items, in checklist order (none when deciding from the session alone).
    pub results: Vec<JsonResult>,
    /// Probed items not run, and why (n/a by a person, where the checklist allows it).
    pub skipped: Vec<JsonSkipped>,
    pub waivers: Vec<JsonWaiver>,
    pub signoffs: Vec<JsonSignoff>,
    /// Evidence files read again for this report: each one's state now.
    pub evidence_files: Vec<JsonEvidenceFile>,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonEvidenceFile {
    pub id: String,
    /// Its place in the item's evidence, from 1.
    pub evidence: usize,
    pub path: String,
    /// same, changed, missing or not-checked.
    pub state: String,
    /// What it is now, or why it was not read.
    pub detail: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonAws {
    pub account: String,
    pub arn: String,
    pub region: String,
}

#[derive(Serialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
pub enum JsonVerdict {
    Go,
    NoGo,
    Undecided,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonDecision {
    pub verdict: JsonVerdict,
    /// The one line a pipeline log shows.
    pub headline: String,
    /// The gate's rule in words.
    pub rule: String,
    /// The decision covers a selection (`--only`, `--section`), not the launch.
    pub selection: bool,
    /// The final approval's exceptions, when it was given with some.
    pub exceptions: Option<String>,
    /// Everything that keeps it from GO; `blocks` false for checks that could not be decided.
    pub reasons: Vec<JsonReason>,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonReason {
    /// "item", "signoff", "final" or "run".
    pub subject: String,
    /// The item id, or the sign-off area.
    pub id: Option<String>,
    /// The kind of reason: "failed", "blocked", "unanswered", "stale result", "waiver expired",
    /// "sign-off missing", "undecided", ...
    pub why: String,
    pub blocks: bool,
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonResult {
    pub id: String,
    pub title: String,
    pub section: String,
    pub kind: String,
    /// The probe's outcome: pass, warn, fail, error or needs-config.
    pub outcome: String,
    /// The item's status in the session after this run (a person's override wins).
    pub status: String,
    /// Set when a person's status overrides the probe's verdict.
    pub overridden_by: Option<String>,
    pub override_reason: Option<String>,
    pub summary: String,
    pub evidence: Vec<String>,
    pub evidence_summary: Vec<String>,
    pub at: String,
    pub duration_ms: u64,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonSkipped {
    pub id: String,
    pub reason: String,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonWaiver {
    pub id: String,
    pub reason: String,
    pub asked_by: String,
    pub approved_by: String,
    /// The last day it holds (YYYY-MM-DD).
    pub expires: String,
    pub expired: bool,
    pub days_left: i64,
    pub ticket: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonSignoff {
    /// The area, or "Final Approval".
    pub area: String,
    /// pending, approved, rejected or stale.
    pub state: String,
    pub reviewer: String,
    pub signed_by: Option<String>,
    pub at: Option<String>,
    pub arn: Option<String>,
    pub reason: Option<String>,
    /// What changed since it was signed, when stale.
    pub changes: Vec<String>,
}

/// The JSON Schema of the JSON report (published as docs/report.schema.json).
pub fn schema() -> String {
    let schema = schemars::schema_for!(JsonReport);
    serde_json::to_string_pretty(&schema).expect("a schema always serialises") + "\n"
}

pub fn json(rep: &Report) -> String {
    let (c, s, run, d) = (rep.checklist, rep.session, rep.run, rep.decision);
    let verdict = match d.verdict {
        Verdict::Go => JsonVerdict::Go,
        Verdict::NoGo => JsonVerdict::NoGo,
        Verdict::Undecided => JsonVerdict::Undecided,
    };
    let today = run.generated.date_naive();
    let results = run
        .results
        .iter()
        .map(|(i, r)| {
            let item = &c.items[*i];
            let rec = s.record(&item.id);
            let overridden = rec.filter(|r| r.overridden_probe().is_some());
            JsonResult {
                id: item.id.clone(),
                title: item.title.clone(),
                section: c.sections[item.section].title.clone(),
                kind: item.probe_kinds(),
                outcome: r.outcome.word().into(),
                status: s.status(&item.id).word().into(),
                overridden_by: overridden.and_then(|r| r.by.clone()),
                override_reason: overridden.and_then(|r| r.reason.clone()),
                summary: r.summary.clone(),
                evidence: r.evidence.clone(),
                evidence_summary: crate::probe::evidence::summarise(&r.evidence),
                at: r.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                duration_ms: r.duration_ms,
            }
        })
        .collect();
    let reasons = d
        .blockers
        .iter()
        .map(|b| {
            let (subject, id) = match b.subject {
                Subject::Item(i) => ("item", Some(c.items[i].id.clone())),
                Subject::Area(n) => ("signoff", Some(c.signoff_areas[n].clone())),
                Subject::Final => ("final", None),
                Subject::Run => ("run", None),
            };
            JsonReason {
                subject: subject.into(),
                id,
                why: b.why.word().into(),
                blocks: b.why.blocks(),
                text: b.text.clone(),
            }
        })
        .collect();
    let waivers = c
        .items
        .iter()
        .filter_map(|item| Some((item, s.record(&item.id)?.waiver.as_ref()?)))
        .map(|(item, w)| JsonWaiver {
            id: item.id.clone(),
            reason: w.reason.clone(),
            asked_by: w.asked_by.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires.to_string(),
            expired: w.expired(today),
            days_left: w.days_left(today),
            ticket: w.ticket.clone(),
        })
        .collect();
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        checklist: c.id.clone(),
        checklist_version: c.version.clone(),
        generated: rep.stamp(),
        session: rep.session_path.to_string(),
        aws: run.identity.as_ref().map(|id| JsonAws {
            account: id.account.clone(),
            arn: id.arn.clone(),
            region: id.region.clone(),
        }),
        verdict,
        exit_code: d.exit_code(),
        decision: JsonDecision {
            verdict,
            headline: d.headline(),
            rule: d.rule.clone(),
            selection: d.selection,
            exceptions: d.exceptions.clone(),
            reasons,
        },
        results,
        skipped: run
            .skipped
            .iter()
            .map(|(i, why)| JsonSkipped { id: c.items[*i].id.clone(), reason: why.clone() })
            .collect(),
        waivers,
        signoffs: signoffs(c, s),
        evidence_files: rep
            .files
            .iter()
            .map(|f| JsonEvidenceFile {
                id: f.item.clone(),
                evidence: f.index + 1,
                path: f.path.clone(),
                state: match f.check {
                    FileCheck::Same => "same",
                    FileCheck::Changed { .. } => "changed",
                    FileCheck::Missing => "missing",
                    FileCheck::NotChecked(_) => "not-checked",
                }
                .into(),
                detail: f.check.flag(),
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&doc).expect("JSON values always serialise") + "\n";
    // serde_json leaves DEL and the C1 controls raw; a terminal acts on them. Escaped, the
    // document says the same and shows safely. They occur only inside strings.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn signoffs(c: &Checklist, s: &Session) -> Vec<JsonSignoff> {
    let slots = c.signoff_areas.iter().map(|a| SignSlot::Area(a)).chain([SignSlot::Final]);
    slots
        .map(|slot| {
            let so = s.sign_off(slot);
            let state = signoff::state(c, s, slot);
            JsonSignoff {
                area: slot.label().to_string(),
                state: state.word().into(),
                reviewer: so.reviewer.clone(),
                signed_by: so.by.clone(),
                at: so.at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
                arn: so.arn.clone(),
                reason: so.reason.clone(),
                changes: match state {
                    SignState::Stale(changes) => changes,
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

/// One testsuite per section with a testcase per probed item (fail is a `<failure>`, error and
/// needs-config an `<error>`, never a pass; a person's override counts as theirs), n/a by a
/// person `<skipped>`; then a "gate" testsuite: the decision, failing with every reason.
pub fn junit(rep: &Report) -> String {
    let (c, run) = (rep.checklist, rep.run);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let standings: Vec<Standing> = run.results.iter().map(|(i, r)| rep.standing(*i, r)).collect();
    let failures = standings.iter().filter(|s| s.failed).count();
    let errors = standings.iter().filter(|s| s.undecided).count();
    let gate_failed = usize::from(rep.decision.verdict != Verdict::Go);
    let tests = run.results.len() + run.skipped.len() + 1;
    let _ = writeln!(
        out,
        "<testsuites name=\"golive\" tests=\"{tests}\" failures=\"{}\" errors=\"{errors}\">",
        failures + gate_failed
    );
    for (n, section) in c.sections.iter().enumerate() {
        let in_section = |i: &usize| c.items[*i].section == n;
        let results: Vec<_> =
            run.results.iter().zip(&standings).filter(|((i, _), _)| in_section(i)).collect();
        let skipped: Vec<_> = run.skipped.iter().filter(|(i, _)| in_section(i)).collect();
        if results.is_empty() && skipped.is_empty() {
            continue;
        }
        let f = results.iter().filter(|(_, s)| s.failed).count();
        let e = results.iter().filter(|(_, s)| s.undecided).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{}\" timestamp=\"{}\">",
            xml(&format!("{}. {}", n + 1, section.title)),
            results.len() + skipped.len(),
            skipped.len(),
            rep.stamp()
        );
        for ((i, r), s) in results {
            let item = &c.items[*i];
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(&section.id),
                xml(&format!("{}: {}", item.id, item.title)),
                r.duration_ms as f64 / 1000.0
            );
            let mut body = shown_evidence(&r.evidence, rep.full_evidence).join("\n");
            if let Some(note) = &s.note {
                body = format!("{note}\n{body}");
            }
            let tag = if s.failed {
                Some("failure")
            } else if s.undecided {
                Some("error")
            } else {
                None
            };
            match tag {
                Some(tag) => {
                    let _ = writeln!(
                        out,
                        ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                        s.word,
                        xml(&r.summary),
                        xml(&body)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml(&format!("{}: {}\n{body}", s.word, r.summary))
                    );
                }
            }
        }
        for (i, why) in skipped {
            let item = &c.items[*i];
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(&section.id),
                xml(&format!("{}: {}", item.id, item.title)),
                xml(why)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    let d = rep.decision;
    let _ = writeln!(
        out,
        "  <testsuite name=\"gate\" tests=\"1\" failures=\"{gate_failed}\" errors=\"0\" skipped=\"0\" timestamp=\"{}\">",
        rep.stamp()
    );
    let _ = write!(out, "    <testcase classname=\"gate\" name=\"decision\" time=\"0\"");
    let reasons: Vec<&str> = d.blockers.iter().map(|b| b.text.as_str()).collect();
    if d.verdict == Verdict::Go {
        let _ = writeln!(out, ">\n      <system-out>{}</system-out>\n    </testcase>", xml(&d.headline()));
    } else {
        let _ = writeln!(
            out,
            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
            d.verdict.word(),
            xml(&d.headline()),
            xml(&reasons.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The markdown report of the session, opening with this run's decision.
pub fn markdown(rep: &Report) -> String {
    let meta = markdown::Meta {
        session_path: rep.session_path,
        generated: rep.run.generated,
        full_evidence: rep.full_evidence,
        decision: rep.decision,
        files: rep.files,
    };
    markdown::render(rep.checklist, rep.session, &meta)
}

/// GitHub Actions workflow commands: an `::error` per blocking reason (a `::warning` for checks
/// that could not be decided), then a `::notice` with the decision.
pub fn annotations(rep: &Report) -> String {
    let mut out = String::new();
    for b in &rep.decision.blockers {
        let level = if b.why.blocks() { "error" } else { "warning" };
        let title = match b.subject {
            Subject::Item(i) => format!("golive: {}", rep.checklist.items[i].title),
            Subject::Area(n) => format!("golive: sign-off {}", rep.checklist.signoff_areas[n]),
            Subject::Final => "golive: final approval".into(),
            Subject::Run => "golive".into(),
        };
        let _ = writeln!(out, "::{level} title={}::{}", command_property(&title), command_data(&b.text));
    }
    let level = if rep.decision.verdict == Verdict::Go { "notice" } else { "error" };
    let _ = writeln!(out, "::{level} title=golive gate::{}", command_data(&rep.decision.headline()));
    out
}

/// A workflow command's message: `%`, CR and LF escaped so text cannot end the command or start
/// another.
fn command_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn command_property(s: &str) -> String {
    command_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes text for XML attributes and content; characters XML 1.0 forbids are replaced.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            // Allowed in XML 1.0, acted on by terminals: written as references.
            '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "&#x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
