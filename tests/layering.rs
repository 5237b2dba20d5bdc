#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The dependency rule of `src/lib.rs`, checked: every `crate::` path in `src/` names a module
//! its own module may use, and inside `graphql/` the helpers never reach up to the API types.
//! A violation fails with its file and line, so the picture in `lib.rs` cannot rot.

use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use. `app`, `main.rs` and `lib.rs` wire
/// everything and are not listed.
const MAY_USE: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("geo", &["text"]),
    ("telemetry", &[]),
    ("error", &["search", "store"]),
    ("store", &["text", "telemetry"]),
    ("resolve", &["store", "text"]),
    ("search", &["store", "text", "geo", "telemetry"]),
    ("auth", &["store", "error"]),
    ("write", &["resolve", "store", "text", "geo", "error"]),
    ("import", &["resolve", "store", "text", "geo", "error"]),
    ("generate", &["import", "text", "geo"]),
    (
        "graphql",
        &[
            "write", "import", "search", "resolve", "store", "auth", "text", "geo", "error",
        ],
    ),
    // `store` for the pool's gauges only.
    (
        "http",
        &["graphql", "search", "store", "auth", "error", "telemetry"],
    ),
    ("cli", &["http", "telemetry"]),
    ("config", &["cli"]),
];

/// Inside `graphql/`: the helpers every resolver uses, which never name an API type.
const GRAPHQL_HELPERS: &[&str] = &[
    "batch",
    "connection",
    "context",
    "ids",
    "limits",
    "loaders",
    "shape",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to below `base` (`src/` or `src/graphql/`): `store` for
/// `store.rs`, `store/mod.rs` and `store/cluster.rs` alike.
fn module_of(file: &Path, base: &Path) -> String {
    let relative = file.strip_prefix(base).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_str()
        .unwrap()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The modules a line names after `prefix` (`crate::` or `super::`), outside comments.
fn named_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
    let code = line.split("//").next().unwrap();
    code.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    for file in &files {
        let module = module_of(file, &src);
        let Some((_, allowed)) = MAY_USE.iter().find(|(m, _)| *m == module) else {
            assert!(
                ["app", "lib", "main"].contains(&module.as_str()),
                "{}: module `{module}` has no row in MAY_USE: give it its place",
                file.display()
            );
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in named_after(line, "crate::") {
                let known = MAY_USE.iter().any(|(m, _)| *m == used) || used == "app";
                if used != module && known && !allowed.contains(&used) {
                    broken.push(format!(
                        "{}:{}: `{module}` may not use `{used}`",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "\n{}", broken.join("\n"));
}

#[test]
fn graphql_helpers_never_name_an_api_type() {
    let base = src().join("graphql");
    let mut files = Vec::new();
    rust_files(&base, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let module = module_of(file, &base);
        if !GRAPHQL_HELPERS.contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Past `#[cfg(test)]`, `super::` is the file's own module.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            let used = named_after(line, "super::")
                .into_iter()
                .chain(named_after(line, "crate::graphql::"));
            for used in used {
                if !GRAPHQL_HELPERS.contains(&used) {
                    broken.push(format!(
                        "{}:{}: the helper `{module}` may not use `{used}`",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "\n{}", broken.join("\n"));
}

#[test]
fn the_rule_finds_a_violation_and_ignores_comments() {
    assert_eq!(
        named_after("use crate::write::begin;", "crate::"),
        ["write"]
    );
    assert_eq!(
        named_after("let x = 1; // see crate::write", "crate::"),
        Vec::<&str>::new()
    );
    assert_eq!(
        named_after("crate::store::tx::begin(crate::text::x)", "crate::"),
        ["store", "text"]
    );
}
