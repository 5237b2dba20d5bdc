//! Rows of the profile's "Support Programmes" table, which reaches us flattened: a bullet
//! per row holding name, full title, framework, link and description in one line.

use std::sync::LazyLock;

use regex::Regex;

use super::Warnings;
use super::lines::{Line, NAME_MAX_CHARS};
use crate::store::Scope;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgrammeRow {
    pub line: usize,
    pub name: String,
    pub title: Option<String>,
    pub framework: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub scope: Scope,
    pub as_written: String,
}

static FRAMEWORK_IN_PARENS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\(\s*(FP\s?\d|H\s?2020|Horizon\s+2020|Horizon\s+Europe|COSME|Interreg[^)]*|Erasmus\+?|CIP|LIFE|Eurostars|EUREKA)\s*\)",
    )
});
static FRAMEWORK_LOOSE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(FP[67]|H2020|Horizon\s+2020|Horizon\s+Europe|COSME|Interreg)\b"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:https?://|www\.)[^\s“”\x22]+"));
static NAME_END: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\d+\s*fp\b|\s+EU[\s-]+funded|\s+funded|\s+project\b|[“\x22(]"));
static SEVENTH: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)7\s*fp|\bfp\s*7\b"));

/// Compiles one of this module's literal patterns.
#[expect(
    clippy::expect_used,
    reason = "literal patterns, each exercised by the unit tests"
)]
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid literal pattern")
}

/// The canonical name of a framework as pages write it.
pub fn canonical_framework(raw: &str) -> String {
    let compact: String = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    match compact.as_str() {
        "H2020" | "H 2020" | "HORIZON 2020" => "H2020".into(),
        "HORIZON EUROPE" => "HORIZON_EUROPE".into(),
        other if other.starts_with("FP") => other.replace(' ', ""),
        other if other.starts_with("INTERREG") => "INTERREG".into(),
        other => other.trim_end_matches('+').into(),
    }
}

const EU_FRAMEWORKS: &[&str] = &[
    "FP6",
    "FP7",
    "H2020",
    "HORIZON_EUROPE",
    "COSME",
    "INTERREG",
    "ERASMUS",
    "CIP",
    "LIFE",
];

pub fn parse(values: &[&Line<'_>], warnings: &mut Warnings) -> Vec<ProgrammeRow> {
    let mut rows: Vec<(usize, String)> = Vec::new();
    for line in values {
        if line.is_blank() {
            continue;
        }
        if let Some(text) = line.bullet() {
            rows.push((line.number, text.to_owned()));
        } else if line.text.contains("Programmes") && line.text.contains("Description") {
            // The flattened table header; the framework tells a row's scope instead.
            continue;
        } else if let Some((_, last)) = rows.last_mut() {
            last.push(' ');
            last.push_str(line.text.trim());
        } else {
            rows.push((line.number, line.text.trim().to_owned()));
        }
    }
    rows.into_iter()
        .filter_map(|(n, text)| row(n, &text, warnings))
        .collect()
}

fn row(line: usize, text: &str, warnings: &mut Warnings) -> Option<ProgrammeRow> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let name_end = NAME_END.find(&text).map_or(text.len(), |m| m.start());
    let name = text[..name_end]
        .trim()
        .trim_end_matches([',', '-', '–', ':'])
        .trim()
        .to_owned();
    if name.is_empty() {
        warnings.push(
            line,
            format!("programme row without a name skipped: {text:?}"),
        );
        return None;
    }
    if name.chars().count() > NAME_MAX_CHARS {
        warnings.push(
            line,
            format!(
                "programme row skipped: nothing ends its name (\"funded\", \"project\", a quote or a bracket) within {NAME_MAX_CHARS} characters"
            ),
        );
        return None;
    }
    let title = text
        .split_once('“')
        .and_then(|(_, rest)| rest.split_once('”'))
        .map(|(t, _)| t.trim().to_owned());
    let framework_match = FRAMEWORK_IN_PARENS
        .captures(&text)
        .or_else(|| FRAMEWORK_LOOSE.captures(&text));
    let framework = framework_match
        .as_ref()
        .and_then(|c| c.get(1))
        .map(|m| canonical_framework(m.as_str()));
    let before_framework = framework_match
        .as_ref()
        .and_then(|c| c.get(0))
        .map_or(text.as_str(), |m| &text[..m.start()]);
    if framework.as_deref() == Some("FP6") && SEVENTH.is_match(before_framework) {
        warnings.push(
            line,
            format!("programme {name:?} is written both as 7fp and (FP6); FP6 kept as stated"),
        );
    }
    if framework.is_none() {
        warnings.push(line, format!("programme {name:?} names no framework"));
    }
    let url_match = URL.find(&text);
    let url = url_match.map(|m| {
        let u = m.as_str().trim_end_matches(['.', ',', ';', ')']);
        if u.starts_with("www.") {
            format!("http://{u}")
        } else {
            u.to_owned()
        }
    });
    let after = match (url_match, framework_match.as_ref().and_then(|c| c.get(0))) {
        (Some(m), _) => &text[m.end()..],
        (None, Some(f)) => &text[f.end()..],
        (None, None) => "",
    };
    let after = after.trim_start_matches(['.', ' ', ',', '–', '-']).trim();
    let description = (!after.is_empty()).then(|| {
        if after.starts_with(|c: char| c.is_lowercase()) {
            format!("{name} {after}")
        } else {
            after.to_owned()
        }
    });
    let scope = if framework
        .as_deref()
        .is_some_and(|f| EU_FRAMEWORKS.contains(&f))
    {
        Scope::European
    } else {
        Scope::National
    };
    Some(ProgrammeRow {
        line,
        name,
        title,
        framework,
        url,
        description,
        scope,
        as_written: text.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    fn rows(page: &str) -> (Vec<ProgrammeRow>, Warnings) {
        let lines = split(page);
        let refs: Vec<_> = lines.iter().collect();
        let mut w = Warnings::default();
        (parse(&refs, &mut w), w)
    }

    #[test]
    fn a_row_splits_into_name_title_framework_link_and_description() {
        let (r, _) = rows(
            "European ProgrammesName & Description (Regional/National)\n  • WINS-ICT “Western Balkan Countries Inco-Net Support in the field of ICT” EU Funded Project (FP7) http://www.wins-ict.eu/. WINS ICT is funded by the EC.",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].name, "WINS-ICT");
        assert_eq!(
            r[0].title.as_deref(),
            Some("Western Balkan Countries Inco-Net Support in the field of ICT")
        );
        assert_eq!(r[0].framework.as_deref(), Some("FP7"));
        assert_eq!(r[0].url.as_deref(), Some("http://www.wins-ict.eu/"));
        assert_eq!(
            r[0].description.as_deref(),
            Some("WINS ICT is funded by the EC.")
        );
        assert_eq!(r[0].scope, Scope::European);
    }

    #[test]
    fn a_glued_7fp_is_cut_from_the_name_and_the_conflict_reported() {
        let (r, w) = rows(
            "  • IDEAL-IST7fp EU funded project (FP6) http://www.masit.org.mk/?idealIST_home. Ideal-ist helps.",
        );
        assert_eq!(r[0].name, "IDEAL-IST");
        assert_eq!(r[0].framework.as_deref(), Some("FP6"));
        assert_eq!(
            r[0].url.as_deref(),
            Some("http://www.masit.org.mk/?idealIST_home")
        );
        assert_eq!(w.items.len(), 1, "{w:?}");
    }

    #[test]
    fn a_row_without_link_keeps_its_description() {
        let (r, _) = rows("  • SEE Innovation EU Funded project (FP6) is an EU-funded project.");
        assert_eq!(r[0].name, "SEE Innovation");
        assert_eq!(r[0].url, None);
        assert_eq!(
            r[0].description.as_deref(),
            Some("SEE Innovation is an EU-funded project.")
        );
    }
}
