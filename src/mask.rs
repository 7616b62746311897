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
    /// Whether the secrets scan reports it. Rules that would flag placeholders and random-looking
    /// data in a repository still mask output, where a false alarm costs nothing.
    pub scan: bool,
    /// The secret must mix upper case, lower case and digits (a git hash or a word does not).
    mixed: bool,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "aws-access-key-id",
        what: "AWS access key id",
        pattern: r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        min_entropy: 3.0,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "aws-secret-access-key",
        what: "AWS secret access key",
        // aws_secret_access_key = ..., and SecretAccessKey: ... as the CLI and SDKs print it.
        pattern: r#"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b"#,
        min_entropy: 3.5,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "aws-session-token",
        what: "AWS session token",
        // STS session tokens are base64 of a serialised structure that always starts the same way.
        // Older tokens start FQoG/FQoD.
        pattern: r"((?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|FQoDYXdz)[A-Za-z0-9/+=]{60,})",
        min_entropy: 3.5,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "private-key",
        what: "private key block",
        pattern: r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
        min_entropy: 0.0,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "sk-api-key",
        what: "sk- API key",
        pattern: r"\b(sk-[A-Za-z0-9_-]{20,})",
        min_entropy: 3.5,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "bearer-token",
        what: "bearer token",
        pattern: r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)",
        min_entropy: 3.5,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "generic-secret",
        what: "hard-coded secret",
        pattern: r#"(?i)\b[a-z0-9_.-]*(?:api[_-]?key|secret|password|passwd|token)[a-z0-9_]*["']?\s*[:=]\s*["']([^"'\s]{8,})["']"#,
        min_entropy: 3.5,
        scan: true,
        mixed: false,
    },
    Rule {
        id: "url-password",
        what: "password in a URL",
        pattern: r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@",
        min_entropy: 0.0,
        scan: false,
        mixed: false,
    },
    Rule {
        // A secret access key on its own, as `aws configure get aws_secret_access_key` prints it.
        id: "aws-secret-access-key-bare",
        what: "AWS secret access key",
        pattern: r"(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])",
        min_entropy: 4.0,
        scan: false,
        mixed: true,
    },
];

/// Literal values golive knows to be secret (the AWS credentials it holds): masked wherever they
/// appear, whatever their shape.
static LITERALS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Masks `value` in everything [`mask`] masks from now on (values under 8 characters are too
/// short to mask without masking ordinary words).
pub fn hide(value: &str) {
    if value.len() < 8 {
        return;
    }
    let mut l = LITERALS.write().unwrap_or_else(|p| p.into_inner());
    if !l.iter().any(|v| v == value) {
        l.push(value.to_string());
    }
}

/// The AWS credentials in golive's own environment, hidden before anything runs.
pub fn hide_environment() {
    for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"] {
        if let Ok(v) = std::env::var(var) {
            hide(&v);
        }
    }
}

fn mixed(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars().any(|c| c.is_ascii_lowercase())
        && s.chars().any(|c| c.is_ascii_digit())
}

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
            if entropy(m.as_str()) < rule.min_entropy || (rule.mixed && !mixed(m.as_str())) {
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

/// How a secret is shown: not its first characters, not its length (both narrow a guess, and
/// results are stored and shared).
pub fn masked(_secret: &str) -> String {
    "[masked]".to_string()
}

/// The text with every secret in it masked.
pub fn mask(text: &str) -> String {
    let masked_rules = text
        .lines()
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
        .join("\n");
    let literals = LITERALS.read().unwrap_or_else(|p| p.into_inner());
    literals.iter().fold(masked_rules, |text, secret| text.replace(secret.as_str(), "[masked]"))
}
