//! `golive config`'s table: each setting, its value and where it came from.

use super::Origin;

/// Aligned columns, one setting a line; values with control characters are escaped (a setting can
/// come from someone else's file).
pub fn table(rows: &[(String, String, Origin)]) -> String {
    let clean = |s: &str| crate::text::printable(s);
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| clean(&r.1).chars().count()).max().unwrap_or(0);
    let mut out = String::from(
        "Where each setting comes from (highest first: flag, GOLIVE_* variable, session, project file, \
         user file, default):\n\n",
    );
    for (name, value, origin) in rows {
        let value = clean(value);
        out.push_str(&format!("  {name:<w0$}  {value:<w1$}  {}\n", clean(&origin.to_string())));
    }
    out
}
