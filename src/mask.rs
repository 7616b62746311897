//! What a credential looks like, and how to show one without showing it. Every probe result is
//! masked with these rules before it is shown, saved, exported or logged; the secrets scan reports
//! what they find; a note that holds one is flagged before an export.

use regex::Regex;
use std::sync::LazyLock;

pub struct Rule {
    pub id: &'static str,
    pub what: &'static str,
    /// The first capture group, when there is one, is the secret; otherwise the whole match.
    pattern: &'static str,
    /// The Shannon entropy (bits a character) the secret needs, for generic assignments that would
    /// otherwise match every `password = "changeme"`.
    min_entropy: f64,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "aws-access-key-id",
        what: "AWS access key id",
        pattern: r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        min_entropy: 3.0,
    },
    Rule {
        id: "aws-secret-access-key",
        what: "AWS secret access key",
        pattern: r#"(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b"#,
        min_entropy: 3.5,
    },
    Rule {
        id: "aws-session-token",
        what: "AWS session token",
        // STS session tokens are base64 of a serialised structure that always starts the same way.
        pattern: r"((?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[A-Za-z0-9/+=]{60,})",
        min_entropy: 3.5,
    },
    Rule {
        id: "private-key",
        what: "private key block",
        pattern: r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
        min_entropy: 0.0,
    },
    Rule { id: "sk-api-key", what: "sk- API key", pattern: r"\b(sk-[A-Za-z0-9_-]{20,})", min_entropy: 3.5 },
    Rule {
        id: "bearer-token",
        what: "bearer token",
        pattern: r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)",
        min_entropy: 3.5,
    },
    Rule {
        id: "generic-secret",
        what: "hard-coded secret",
        pattern: r#"(?i)\b[a-z0-9_.-]*(?:api[_-]?key|secret|password|passwd|token)[a-z0-9_]*["']?\s*[:=]\s*["']([^"'\s]{8,})["']"#,
        min_entropy: 3.5,
    },
];

static COMPILED: LazyLock<Vec<Regex>> =
    LazyLock::new(|| RULES.iter().map(|r| Regex::new(r.pattern).expect("rules are tested")).collect());

/// Bits of information a character: low for `changeme`, high for random keys.
pub fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts.values().map(|&c| c as f64 / n).map(|p| -p * p.log2()).sum()
}

/// A secret found in a line: the rule and the byte range of the secret.
pub struct Finding {
    pub rule: &'static Rule,
    pub range: std::ops::Range<usize>,
}

/// The secrets in one line of text.
pub fn find(line: &str) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for (rule, re) in RULES.iter().zip(COMPILED.iter()) {
        for caps in re.captures_iter(line) {
            let m = caps.get(1).or_else(|| caps.get(0)).expect("a match has group 0");
            if entropy(m.as_str()) < rule.min_entropy {
                continue;
            }
            // One secret, one finding: the most specific rule (listed first) wins.
            if out.iter().any(|f| f.range.start < m.end() && m.start() < f.range.end) {
                continue;
            }
            out.push(Finding { rule, range: m.range() });
        }
    }
    out.sort_by_key(|f| f.range.start);
    out
}

/// How a secret is shown: its first four characters and its length, never more.
pub fn masked(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…[masked, {} chars]", secret.chars().count())
}

/// The text with every secret in it masked.
pub fn mask(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::new();
            let mut at = 0;
            for f in find(line) {
                out.push_str(&line[at..f.range.start]);
                out.push_str(&masked(&line[f.range.clone()]));
                at = f.range.end;
            }
            out.push_str(&line[at..]);
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}
