//! Evidence a person can read: a probe writes one line per resource it judged, marked as passing
//! or failing, and every report shows long listings as a count with the failing resources first
//! ("120 log groups, 1 failing: svc-lg-117"). The session keeps every line; only the rendering
//! is summarised, so the full list is there on request.

/// The resources probes list, singular and plural: the one place a listing's noun is named, so
/// the summary can tell where a resource's name starts.
pub const NOUNS: &[(&str, &str)] = &[
    ("log group", "log groups"),
    ("alarm", "alarms"),
    ("dashboard", "dashboards"),
    ("bucket", "buckets"),
    ("table", "tables"),
    ("secret", "secrets"),
    ("role", "roles"),
    ("load balancer", "load balancers"),
    ("target group", "target groups"),
    ("listener", "listeners"),
    ("service", "services"),
    ("security group", "security groups"),
    ("subnet", "subnets"),
    ("runtime", "runtimes"),
    ("gateway", "gateways"),
    ("memory", "memories"),
    ("certificate", "certificates"),
    ("budget", "budgets"),
    ("guardrail", "guardrails"),
    ("resource", "resources"),
    ("trail", "trails"),
    ("metric", "metrics"),
];

const PASSING: &str = "✓";
pub const FAILING: &str = "✗";

/// Listings longer than this are summarised.
pub const SUMMARY_AT: usize = 10;
/// Failing resources shown in full under a summary; the rest are counted.
const FAILING_SHOWN: usize = 20;
/// Failing resources named in a summary's first line.
const NAMED: usize = 5;

/// Names for a summary line: the first few, the rest counted ("a, b, c, d, e and 115 more"), so
/// a verdict over hundreds of resources stays one line.
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    capped(names, ", ")
}

/// Findings for a summary line, as [`listed`] but each a phrase of its own ("a has no action; b
/// is INSUFFICIENT_DATA").
pub fn phrases<S: AsRef<str>>(items: &[S]) -> String {
    capped(items, "; ")
}

fn capped<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let shown: Vec<&str> = items.iter().take(NAMED).map(AsRef::as_ref).collect();
    match items.len().saturating_sub(NAMED) {
        0 => shown.join(sep),
        more => format!("{} and {more} more", shown.join(sep)),
    }
}

/// One resource's line: "✗ log group svc-lg-117: never expires". `noun` is one of [`NOUNS`].
pub fn finding(ok: bool, noun: &str, name: &str, detail: impl std::fmt::Display) -> String {
    debug_assert!(NOUNS.iter().any(|(n, _)| *n == noun), "{noun} is not in evidence::NOUNS");
    format!("{} {noun} {name}: {detail}", if ok { PASSING } else { FAILING })
}

struct Found<'a> {
    indent: usize,
    failing: bool,
    noun: usize,
    name: &'a str,
}

fn parse(line: &str) -> Option<Found<'_>> {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let (failing, rest) = if let Some(r) = body.strip_prefix(FAILING) {
        (true, r)
    } else {
        (false, body.strip_prefix(PASSING)?)
    };
    let rest = rest.strip_prefix(' ')?;
    let (noun, after) = NOUNS
        .iter()
        .enumerate()
        .filter_map(|(i, (n, _))| Some((i, rest.strip_prefix(n)?.strip_prefix(' ')?)))
        .max_by_key(|(i, _)| NOUNS[*i].0.len())?;
    let name = after.split_once(": ").map_or(after, |(n, _)| n);
    Some(Found { indent, failing, noun, name })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The lines a reader sees: runs of more than [`SUMMARY_AT`] findings of one noun become a count
/// naming the failing ones, followed by the failing lines (with whatever is indented under
/// them); every other line is kept as it is.
pub fn summarise(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(head) = parse(&lines[i]) else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        // Entries of the run: a finding and the lines indented deeper under it.
        let mut entries: Vec<(Found, std::ops::Range<usize>)> = Vec::new();
        let mut j = i;
        while j < lines.len() {
            let Some(f) = parse(&lines[j]).filter(|f| f.indent == head.indent && f.noun == head.noun) else {
                break;
            };
            let mut end = j + 1;
            while end < lines.len() && indent_of(&lines[end]) > head.indent {
                end += 1;
            }
            entries.push((f, j..end));
            j = end;
        }
        if entries.len() <= SUMMARY_AT {
            out.extend(lines[i..j].iter().cloned());
        } else {
            let pad = " ".repeat(head.indent);
            let plural = NOUNS[head.noun].1;
            let failing: Vec<&(Found, std::ops::Range<usize>)> =
                entries.iter().filter(|(f, _)| f.failing).collect();
            let names: Vec<&str> = failing.iter().map(|(f, _)| f.name).collect();
            if failing.is_empty() {
                out.push(format!("{pad}{} {plural}, none failing", entries.len()));
            } else {
                out.push(format!(
                    "{pad}{} {plural}, {} failing: {}",
                    entries.len(),
                    failing.len(),
                    listed(&names)
                ));
            }
            for (_, range) in failing.iter().take(FAILING_SHOWN) {
                out.extend(lines[range.clone()].iter().cloned());
            }
            if failing.len() > FAILING_SHOWN {
                out.push(format!("{pad}… {} more failing {plural} not shown", failing.len() - FAILING_SHOWN));
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(n: usize, bad: &[usize]) -> Vec<String> {
        (0..n)
            .map(|i| {
                let ok = !bad.contains(&i);
                finding(
                    ok,
                    "log group",
                    &format!("svc-lg-{i}"),
                    if ok { "retention 30 days" } else { "never expires" },
                )
            })
            .collect()
    }

    #[test]
    fn a_long_listing_becomes_a_count_with_the_failing_first() {
        let lines = groups(120, &[117]);
        let shown = summarise(&lines);
        assert_eq!(
            shown,
            vec![
                "120 log groups, 1 failing: svc-lg-117".to_string(),
                "✗ log group svc-lg-117: never expires".into()
            ]
        );
    }

    #[test]
    fn a_short_listing_and_other_lines_stay_as_they_are() {
        let mut lines = vec!["read 3 policies".to_string()];
        lines.extend(groups(SUMMARY_AT, &[2]));
        assert_eq!(summarise(&lines), lines);
    }

    #[test]
    fn lines_under_a_finding_go_with_it_and_many_failures_are_counted() {
        let mut lines = vec!["fail aws.logs.structured: unstructured".to_string()];
        for i in 0..30 {
            lines.push(format!("  {}", finding(false, "log group", &format!("g{i}"), "1 of 5 not JSON")));
            lines.push(format!("    e.g. stream s{i}: plain text"));
        }
        for i in 0..100 {
            lines.push(format!("  {}", finding(true, "log group", &format!("ok{i}"), "5 of 5 JSON")));
        }
        let shown = summarise(&lines);
        assert_eq!(shown[0], lines[0]);
        assert_eq!(shown[1], "  130 log groups, 30 failing: g0, g1, g2, g3, g4 and 25 more");
        assert_eq!(shown[2], "  ✗ log group g0: 1 of 5 not JSON");
        assert_eq!(shown[3], "    e.g. stream s0: plain text");
        assert_eq!(shown.len(), 2 + 2 * FAILING_SHOWN + 1);
        assert_eq!(shown.last().unwrap(), "  … 10 more failing log groups not shown");
    }

    #[test]
    fn a_two_word_noun_is_read_whole() {
        let lines: Vec<String> =
            (0..12).map(|i| finding(i != 3, "load balancer", &format!("lb{i}"), "no web ACL")).collect();
        assert_eq!(summarise(&lines)[0], "12 load balancers, 1 failing: lb3");
    }
}
