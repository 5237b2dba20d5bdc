//! The markdown the bench prints: indexing, the mix and its answers, latencies with ratios
//! and targets, GraphQL over HTTP beside in process, and autocomplete.

use std::fmt::Write as _;

use crate::latency::{self, Sample};
use crate::measure::{Cell, Engine};
use crate::mix::Query;
use crate::sql::Loaded;
use crate::{bare, ours, suggest};

pub struct Report {
    pub heading: String,
    pub rows: usize,
    pub text_bytes: usize,
    pub read_seconds: f64,
    pub ours: ours::Built,
    /// Bare Tantivy first, then the ladder's steps when asked for.
    pub bare: Vec<bare::Built>,
    /// Bare Tantivy again, reading the store as it indexes.
    pub bare_from_store: Option<bare::Built>,
    pub fts5: Option<Loaded>,
    pub postgres: Option<(Loaded, &'static str)>,
    pub results: Vec<(Query, Vec<Cell>)>,
    pub floor: Sample,
    pub suggest: Vec<suggest::ByLength>,
}

pub fn render(r: &Report) -> String {
    let mut out = format!("{}\n\n", r.heading);
    indexing(&mut out, r);
    queries(&mut out, r);
    answers(&mut out, r);
    latencies(&mut out, r);
    breakdown(&mut out, r);
    http(&mut out, r);
    autocomplete(&mut out, r);
    out
}

fn ms(v: f64) -> String {
    match v {
        v if !v.is_finite() => "–".into(),
        v if v < 1.0 => format!("{v:.3}"),
        v if v < 100.0 => format!("{v:.2}"),
        v => format!("{v:.0}"),
    }
}

fn ratio(v: f64) -> String {
    match v {
        v if !v.is_finite() => "–".into(),
        v if v < 10.0 => format!("{v:.2}x"),
        v if v < 100.0 => format!("{v:.1}x"),
        v => format!("{v:.0}x"),
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn rate(n: f64, seconds: f64) -> String {
    format!("{:.0}", n / seconds)
}

fn indexing(out: &mut String, r: &Report) {
    let entities = r.rows as f64;
    out.push_str(
        "#### Indexing\n\n\
         | engine | reads | documents | seconds | documents/s | items/s | size on disk |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let docs = r.ours.documents();
    match r.ours.seconds {
        Some(s) => {
            let _ = writeln!(
                out,
                "| ours (`search::rebuild`) | the store | {docs} | {s:.1} | {} | {} | {} |",
                rate(docs as f64, s),
                rate(entities, s),
                mb(r.ours.bytes)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "| ours (reused, not timed) | the store | {docs} | – | – | – | {} |",
                mb(r.ours.bytes)
            );
        }
    }
    let bare = [
        ("the same text, in memory", r.bare.first()),
        (
            "the same text, read from the store as it indexes (as many readers as ours)",
            r.bare_from_store.as_ref(),
        ),
    ];
    for (reads, built) in bare {
        let Some(b) = built else { continue };
        let _ = writeln!(
            out,
            "| bare Tantivy | {reads} | {} | {:.1} | {} | {} | {} |",
            b.documents,
            b.seconds,
            rate(b.documents as f64, b.seconds),
            rate(entities, b.seconds),
            mb(b.bytes)
        );
    }
    let loads = [
        ("SQLite FTS5", r.fts5.as_ref()),
        (
            "PostgreSQL tsvector + GIN",
            r.postgres.as_ref().map(|p| &p.0),
        ),
    ];
    for (name, loaded) in loads {
        let Some(l) = loaded else { continue };
        let (seconds, per_second) = match l.seconds {
            Some(s) => (format!("{s:.1}"), rate(entities, s)),
            None => ("loaded before".into(), "–".into()),
        };
        let _ = writeln!(
            out,
            "| {name} (load) | the same text, in memory | {} | {seconds} | {per_second} | {per_second} | {} |",
            r.rows,
            mb(l.bytes)
        );
    }
    let kinds: Vec<String> = r
        .ours
        .by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k:?}"))
        .collect();
    let _ = writeln!(
        out,
        "\nItems: {} clusters, service groups, programme participations and news items, {:.1} MB of text, read from the store into memory \
         in {:.1} s (not part of any time above but ours). Our documents: {}.",
        r.rows,
        r.text_bytes as f64 / 1e6,
        r.read_seconds,
        kinds.join(", ")
    );
    if let (Some(s), Some((statements, sql, costliest))) = (r.ours.seconds, &r.ours.store) {
        let _ = writeln!(
            out,
            "\nDuring our rebuild the store ran {statements} statements taking {:.1} s ({:.0} % of \
             the rebuild); the costliest:\n",
            sql.as_secs_f64(),
            100.0 * sql.as_secs_f64() / s
        );
        for (statement, count, took) in costliest {
            let _ = writeln!(
                out,
                "- {count} × {:.1} s: `{statement}`",
                took.as_secs_f64()
            );
        }
        out.push('\n');
    }
    if let (Some(s), Some(b)) = (r.ours.seconds, r.bare.first()) {
        let _ = writeln!(
            out,
            "Ours keeps {:.2} of bare Tantivy's speed from memory in items/s and {:.2} in \
             documents/s.",
            b.seconds / s,
            (docs as f64 / s) / (b.documents as f64 / b.seconds)
        );
    }
    if let (Some(s), Some(b)) = (r.ours.seconds, &r.bare_from_store) {
        let _ = writeln!(
            out,
            "Ours keeps **{:.2}** of the speed of bare Tantivy reading the same store as it \
             indexes, in items/s (target ≥ 0.5; bare Tantivy itself keeps {:.2} of its speed \
             from memory once it reads the store).",
            b.seconds / s,
            r.bare.first().map_or(f64::NAN, |m| m.seconds / b.seconds)
        );
    }
    out.push('\n');
    ladder(out, r);
}

/// Bare Tantivy with ours's features added one at a time, then ours from the store: what
/// each feature costs of the ratio.
fn ladder(out: &mut String, r: &Report) {
    let (Some(bare), Some(ours)) = (r.bare.first(), r.ours.seconds) else {
        return;
    };
    if r.bare.len() < 2 {
        return;
    }
    out.push_str(
        "#### From bare Tantivy to ours, one feature at a time\n\n\
         Each step indexes the same text from memory and keeps the steps above it; the last \
         two rows read the store: bare Tantivy, then ours.\n\n\
         | step | seconds | items/s | of bare's items/s | size on disk |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    let items = r.rows as f64;
    for b in &r.bare {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} | {:.2} | {} |",
            b.step.label(),
            b.seconds,
            rate(items, b.seconds),
            bare.seconds / b.seconds,
            mb(b.bytes)
        );
    }
    if let Some(b) = &r.bare_from_store {
        let _ = writeln!(
            out,
            "| bare Tantivy (default tokenizer), reading the store as it indexes | {:.1} | {} | {:.2} | {} |",
            b.seconds,
            rate(items, b.seconds),
            bare.seconds / b.seconds,
            mb(b.bytes)
        );
    }
    let _ = writeln!(
        out,
        "| ours (`search::rebuild`, from the store) | {ours:.1} | {} | {:.2} | {} |\n",
        rate(items, ours),
        bare.seconds / ours,
        mb(r.ours.bytes)
    );
}

fn queries(out: &mut String, r: &Report) {
    out.push_str(
        "#### The mix\n\n\
         As typed: ours, and PostgreSQL's `websearch_to_tsquery` and FTS5's `MATCH` with \
         `--as-typed`; otherwise the baselines add the last word's prefix and the typos they \
         look up (`spelling.rs`) to these words at each search.\n\n\
         | shape | ours, PostgreSQL | FTS5 | picked as |\n\
         | --- | --- | --- | --- |\n",
    );
    for (q, _) in &r.results {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | {} |",
            q.shape.label(),
            q.ours(),
            q.fts5(),
            q.why
        );
    }
    out.push('\n');
}

fn engines(r: &Report) -> Vec<Engine> {
    r.results
        .first()
        .map(|(_, cells)| {
            cells
                .iter()
                .map(|c| c.engine)
                .filter(|e| {
                    matches!(
                        e,
                        Engine::Ours | Engine::Graphql | Engine::Fts5 | Engine::Postgres
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn answers(out: &mut String, r: &Report) {
    let engines = engines(r);
    let names: Vec<&str> = engines.iter().map(|e| e.label()).collect();
    let _ = write!(
        out,
        "#### Answers\n\nTotal (hits in the top 10 / with a highlight, facet values).\n\n\
         | shape | {} |\n| --- |{}\n",
        names.join(" | "),
        " ---: |".repeat(engines.len())
    );
    for (q, cells) in &r.results {
        let cols: Vec<String> = cells
            .iter()
            .filter(|c| engines.contains(&c.engine))
            .map(|c| {
                let a = &c.answer;
                let note = a
                    .note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                format!(
                    "{} ({}/{}, {}){note}",
                    a.total, a.hits, a.highlighted, a.facet_values
                )
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", q.shape.label(), cols.join(" | "));
    }
    out.push('\n');
}

fn median_of(cells: &[Cell], engine: Engine) -> f64 {
    cells
        .iter()
        .find(|c| c.engine == engine)
        .map_or(f64::NAN, |c| c.sample.median_ms())
}

fn latencies(out: &mut String, r: &Report) {
    let baselines: Vec<Engine> = engines(r)
        .into_iter()
        .filter(|e| matches!(e, Engine::Fts5 | Engine::Postgres))
        .collect();
    let _ = write!(
        out,
        "#### In process: latency in ms\n\n| shape | ours median | ours p95 |"
    );
    for b in &baselines {
        let _ = write!(out, " {0} median | {0} p95 | {0} / ours |", b.label());
    }
    let _ = write!(
        out,
        " runs |\n| --- | ---: | ---: |{}\n",
        " ---: | ---: | ---: |".repeat(baselines.len()) + " ---: |"
    );
    let mut slower = Vec::new();
    for (q, cells) in &r.results {
        let ours = cells.iter().find(|c| c.engine == Engine::Ours);
        let Some(ours) = ours else { continue };
        let _ = write!(
            out,
            "| {} | {} | {} |",
            q.shape.label(),
            ms(ours.sample.median_ms()),
            ms(ours.sample.p95_ms())
        );
        for &b in &baselines {
            let Some(c) = cells.iter().find(|c| c.engine == b) else {
                continue;
            };
            let (m, o) = (c.sample.median_ms(), ours.sample.median_ms());
            if m < o {
                slower.push(format!("{} (slower than {})", q.shape.label(), b.label()));
            }
            let _ = write!(
                out,
                " {} | {} | {} |",
                ms(m),
                ms(c.sample.p95_ms()),
                ratio(m / o)
            );
        }
        let runs: Vec<String> = cells
            .iter()
            .filter(|c| matches!(c.engine, Engine::Ours | Engine::Fts5 | Engine::Postgres))
            .map(|c| c.sample.len().to_string())
            .collect();
        let _ = writeln!(out, " {} |", runs.join("/"));
    }
    let mix = |e: Engine| {
        let medians: Vec<f64> = r.results.iter().map(|(_, c)| median_of(c, e)).collect();
        latency::median(&medians)
    };
    let ours_mix = mix(Engine::Ours);
    let _ = write!(out, "| **median of the mix** | **{}** | |", ms(ours_mix));
    for &b in &baselines {
        let _ = write!(
            out,
            " **{}** | | **{}** |",
            ms(mix(b)),
            ratio(mix(b) / ours_mix)
        );
    }
    out.push_str(" |\n\n");
    let _ = writeln!(
        out,
        "The median of the mix is the median of the shapes' medians. Ours searches every kind \
         (clusters, services, programme participations, news), also matches each word by typo \
         and the last one as a prefix, and counts 14 facets; the baselines search cluster and \
         news rows and count 4 (kind, country, year, network).\n"
    );
    for (b, target) in [(Engine::Postgres, 20.0), (Engine::Fts5, 5.0)] {
        if baselines.contains(&b) {
            let x = mix(b) / ours_mix;
            let verdict = if x >= target { "met" } else { "**missed**" };
            let _ = writeln!(
                out,
                "- {} / ours on the median of the mix: {} (target ≥ {target}x): {verdict}",
                b.label(),
                ratio(x)
            );
        }
    }
    if !baselines.is_empty() {
        let verdict = if slower.is_empty() {
            "none: met".to_owned()
        } else {
            format!("**{}**", slower.join(", "))
        };
        let _ = writeln!(
            out,
            "- shapes where ours is slower than a baseline: {verdict}"
        );
    }
    out.push('\n');
}

/// Ours with facets, then highlights, left out (`--breakdown`).
fn breakdown(out: &mut String, r: &Report) {
    let parts = [
        Engine::Ours,
        Engine::OursWithoutFacets,
        Engine::OursWithoutHighlights,
    ];
    let present = r
        .results
        .iter()
        .any(|(_, cells)| cells.iter().any(|c| c.engine == Engine::OursWithoutFacets));
    if !present {
        return;
    }
    out.push_str(
        "#### Where our time goes: median ms in process\n\n\
         | shape | ours | without facets | without highlights | facets' share | highlights' share |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (q, cells) in &r.results {
        let [all, no_facets, no_highlights] = parts.map(|e| median_of(cells, e));
        let share = |without: f64| format!("{:.0} %", 100.0 * (all - without) / all);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            q.shape.label(),
            ms(all),
            ms(no_facets),
            ms(no_highlights),
            share(no_facets),
            share(no_highlights)
        );
    }
    out.push('\n');
}

fn http(out: &mut String, r: &Report) {
    let floor = r.floor.median_ms();
    out.push_str(
        "#### GraphQL over HTTP beside in process: latency in ms\n\n\
         | shape | in process median | HTTP median | HTTP p95 | HTTP − in process | the same, less the floor | store statements/req | store ms/req |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (q, cells) in &r.results {
        let (Some(ours), Some(g)) = (
            cells.iter().find(|c| c.engine == Engine::Ours),
            cells.iter().find(|c| c.engine == Engine::Graphql),
        ) else {
            continue;
        };
        let (inp, over) = (ours.sample.median_ms(), g.sample.median_ms());
        let n = g.sample.len().max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.1} | {} |",
            q.shape.label(),
            ms(inp),
            ms(over),
            ms(g.sample.p95_ms()),
            ms(over - inp),
            ms(over - inp - floor),
            g.statements as f64 / n,
            ms(g.sql.as_secs_f64() * 1000.0 / n)
        );
    }
    let _ = writeln!(
        out,
        "| floor: `{{ __typename }}` | – | {} | {} | – | – | 0 | – |\n",
        ms(floor),
        ms(r.floor.p95_ms())
    );
}

fn autocomplete(out: &mut String, r: &Report) {
    out.push_str(
        "#### Autocomplete: `Search::suggest(prefix, 10)` in process, latency in ms\n\n\
         | letters typed | prefixes | calls | median | p95 |\n| ---: | ---: | ---: | ---: | ---: |\n",
    );
    let mut all = Sample::default();
    for b in &r.suggest {
        all.extend(&b.sample);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            b.letters,
            b.prefixes,
            b.sample.len(),
            ms(b.sample.median_ms()),
            ms(b.sample.p95_ms())
        );
    }
    let verdict = if all.median_ms() < 1.0 {
        "met"
    } else {
        "**missed**"
    };
    let _ = writeln!(
        out,
        "| **all** | {} | {} | **{}** | {} |\n\nMedian under 1 ms (target): {verdict}.",
        r.suggest.iter().map(|b| b.prefixes).sum::<usize>(),
        all.len(),
        ms(all.median_ms()),
        ms(all.p95_ms())
    );
}
