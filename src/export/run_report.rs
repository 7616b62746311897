//! Reports of a `golive check` run: text for people, JSON for scripts, JUnit XML for CI systems.

use super::markdown::shown_evidence;
use crate::checklist::Checklist;
use crate::probe::Outcome;
use crate::sweep::run::Run;
use chrono::SecondsFormat;
use serde_json::json;
use std::fmt::Write;

pub fn verdict_line(run: &Run) -> String {
    let (fail, undecided) =
        (run.count(Outcome::Fail), run.count(Outcome::Error) + run.count(Outcome::NeedsConfig));
    match run.exit_code() {
        0 => format!(
            "GO: all {} automated checks passed ({} with warnings)",
            run.results.len(),
            run.count(Outcome::Warn)
        ),
        _ => format!(
            "NO-GO: {fail} failed, {undecided} could not be decided, of {} automated checks",
            run.results.len()
        ),
    }
}

pub fn text(c: &Checklist, run: &Run, full_evidence: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "golive check: {} ({})",
        c.name,
        run.generated.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    if let Some(id) = &run.identity {
        let _ = writeln!(out, "AWS account {} as {} in {}", id.account, id.arn, id.region);
    }
    out.push('\n');
    for (i, r) in &run.results {
        let item = &c.items[*i];
        let _ = writeln!(
            out,
            "{} {:<12} {}  {}: {}",
            r.outcome.glyph(),
            r.outcome.word(),
            item.id,
            item.title,
            r.summary
        );
        for e in &shown_evidence(&r.evidence, full_evidence) {
            let _ = writeln!(out, "      {e}");
        }
    }
    for (i, why) in &run.skipped {
        let _ = writeln!(out, "- {:<12} {}  skipped: {why}", "skipped", c.items[*i].id);
    }
    let manual = c.items.iter().filter(|i| !i.is_automated()).count();
    let _ = writeln!(
        out,
        "\n{} probes: {} pass, {} warn, {} fail, {} error, {} needs-config; {manual} manual items not probed",
        run.results.len(),
        run.count(Outcome::Pass),
        run.count(Outcome::Warn),
        run.count(Outcome::Fail),
        run.count(Outcome::Error),
        run.count(Outcome::NeedsConfig),
    );
    let _ = writeln!(out, "{}", verdict_line(run));
    out
}

pub fn json(c: &Checklist, run: &Run) -> String {
    let results: Vec<_> = run
        .results
        .iter()
        .map(|(i, r)| {
            let item = &c.items[*i];
            json!({
                "id": item.id,
                "title": item.title,
                "section": c.sections[item.section].title,
                "kind": item.probe_kinds(),
                "outcome": r.outcome.word(),
                "summary": r.summary,
                "evidence": r.evidence,
                "evidence_summary": crate::probe::evidence::summarise(&r.evidence),
                "at": r.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                "duration_ms": r.duration_ms,
            })
        })
        .collect();
    let skipped: Vec<_> =
        run.skipped.iter().map(|(i, why)| json!({"id": c.items[*i].id, "reason": why})).collect();
    let doc = json!({
        "checklist": c.id,
        "generated": run.generated.to_rfc3339_opts(SecondsFormat::Secs, true),
        "aws": run.identity.as_ref().map(|id| json!({"account": id.account, "arn": id.arn, "region": id.region})),
        "verdict": if run.exit_code() == 0 { "go" } else { "no-go" },
        "exit_code": run.exit_code(),
        "results": results,
        "skipped": skipped,
    });
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

/// One testsuite per section, one testcase per probed item: fail is a `<failure>`, error and
/// needs-config an `<error>` (never a pass), n/a by a person `<skipped>`.
pub fn junit(c: &Checklist, run: &Run, full_evidence: bool) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = run.count(Outcome::Fail);
    let errors = run.count(Outcome::Error) + run.count(Outcome::NeedsConfig);
    let tests = run.results.len() + run.skipped.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"golive\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for (n, section) in c.sections.iter().enumerate() {
        let in_section = |i: &usize| c.items[*i].section == n;
        let results: Vec<_> = run.results.iter().filter(|(i, _)| in_section(i)).collect();
        let skipped: Vec<_> = run.skipped.iter().filter(|(i, _)| in_section(i)).collect();
        if results.is_empty() && skipped.is_empty() {
            continue;
        }
        let f = results.iter().filter(|(_, r)| r.outcome == Outcome::Fail).count();
        let e = results.iter().filter(|(_, r)| r.outcome.is_undecided()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{}\" timestamp=\"{}\">",
            xml(&format!("{}. {}", n + 1, section.title)),
            results.len() + skipped.len(),
            skipped.len(),
            run.generated.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        for (i, r) in results {
            let item = &c.items[*i];
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(&section.id),
                xml(&format!("{}: {}", item.id, item.title)),
                r.duration_ms as f64 / 1000.0
            );
            let body = shown_evidence(&r.evidence, full_evidence).join("\n");
            let detail = match r.outcome {
                Outcome::Fail => Some("failure"),
                Outcome::Error | Outcome::NeedsConfig => Some("error"),
                Outcome::Pass | Outcome::Warn => None,
            };
            match detail {
                Some(tag) => {
                    let _ = writeln!(
                        out,
                        ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                        r.outcome.word(),
                        xml(&r.summary),
                        xml(&body)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml(&format!("{}: {}\n{body}", r.outcome.word(), r.summary))
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
    out.push_str("</testsuites>\n");
    out
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
