//! A synthetic cluster profile in the ECCP layout, with the real pages' variations: name in
//! the text or only in the manifest, region under the staff-count label, empty fields,
//! both cooperation templates, service groups with and without headings, flattened
//! programme rows.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::{Page, Plan, file, fill, network_as_written, some, topic, words};
use crate::import::PageEntry;
use crate::text::slugify;

/// A label line as the platform renders it: a non-breaking space after the colon.
fn label(out: &mut String, text: &str) {
    let _ = writeln!(out, "{text}\u{a0}");
}

fn values(out: &mut String, label_text: &str, values: &[&str]) {
    label(out, label_text);
    for v in values {
        let _ = writeln!(out, "{v}");
    }
}

pub fn page(plan: &Plan, i: usize, rng: &mut impl Rng) -> Page {
    let cluster = plan.cluster_name(i);
    let (place, code, region) = cluster.place;
    let theme = cluster.theme;
    let country = crate::geo::by_code(code).map_or(place, |c| c.name);
    let topic_words: Vec<&str> = (0..3).map(|_| topic(rng)).collect();
    let slots = |w: usize| {
        [
            ("{t}", theme),
            ("{p}", place),
            ("{c}", country),
            ("{w}", topic_words[w % topic_words.len()]),
        ]
    };
    let mut out = String::with_capacity(6 * 1024);
    // The sections in the page's order; each draws from `rng` in turn, so a seed still
    // gives the same pages.
    let members = general_information(&mut out, plan, &cluster.name, (code, region), rng);
    focus(&mut out, rng);
    composition(&mut out, rng);
    strategy(&mut out, &slots, rng);
    services(&mut out, rng);
    cooperation(&mut out, country, &members, rng);
    programmes(&mut out, rng);

    let name = cluster.name;
    Page {
        entry: PageEntry {
            file: file("profile", i),
            slug: Some(slugify(&name)),
            source: Some(format!(
                "https://www.clustercollaboration.eu/cluster-organisations/{}",
                slugify(&name)
            )),
            country: Some(code.to_owned()),
            aliases: cluster.alias.into_iter().collect(),
            name: Some(name),
            publisher: None,
        },
        text: out,
    }
}

/// General information: name, founding date, staff, label, networks, team, languages.
/// Returns the networks as the page writes them.
fn general_information(
    out: &mut String,
    plan: &Plan,
    name: &str,
    (code, region): (&str, &str),
    rng: &mut impl Rng,
) -> Vec<String> {
    // Like MASIT's page, most carry the name; like ICT NET's, some start below it.
    if rng.random_bool(0.8) {
        let _ = writeln!(out, "Home > Cluster Organisations > {}\n", name);
        let _ = writeln!(out, "{}\n\nPrimary tabs\n", name);
    }
    out.push_str("Printer-friendly versionPrinter-friendly version\nGeneral Information\n");
    label(
        out,
        "The date when the cluster organisation was established:",
    );
    let established = NaiveDate::from_ymd_opt(rng.random_range(1990..2023), 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(rng.random_range(0..365))));
    if let Some(d) = established {
        let _ = writeln!(out, "{}", d.format("%A, %-d %B, %Y"));
    }
    label(
        out,
        "Number of staff in the management team of the cluster organisation :",
    );
    match rng.random_range(0..3) {
        0 => {
            let _ = writeln!(out, "Region of {region}");
        }
        1 => {
            let _ = writeln!(out, "{}", rng.random_range(1..12));
        }
        _ => {}
    }
    if let Some(level) = [(0.12, "Bronze"), (0.05, "Silver"), (0.03, "Gold")]
        .iter()
        .find(|(p, _)| rng.random_bool(*p))
        .map(|(_, l)| l)
    {
        values(
            out,
            "Cluster Excellence Label:",
            &[&format!("{level} Label")],
        );
    }
    let networks = plan.memberships(rng);
    if rng.random_bool(0.6) {
        label(
            out,
            "Membership to European Strategic Cluster Partnerships (ESCP-4i or ESCP-S3):",
        );
    }
    let members: Vec<String> = networks
        .iter()
        .map(|n| network_as_written(n, rng))
        .collect();
    values(
        out,
        "Membership to other networks/partnerships:",
        &members.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    management_team(out, code, rng);
    let languages = some(words::LANGUAGES, rng.random_range(0..3), rng);
    values(out, "Languages spoken:", &languages);

    members
}

/// The management team: one to four roles, some with a name, each with a phone number in
/// the country's calling code.
fn management_team(out: &mut String, code: &str, rng: &mut impl Rng) {
    label(out, "Cluster Management Team:");
    let calling = words::CALLING_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("32", |(_, cc)| cc);
    for k in 0..rng.random_range(1..5) {
        let role = if k == 0 {
            words::ROLES[0]
        } else {
            words::ROLES.choose(rng).copied().unwrap_or("Contact")
        };
        let _ = writeln!(out, "{role}");
        if rng.random_bool(0.4) {
            let first = words::FIRST_NAMES.choose(rng).copied().unwrap_or("Ana");
            let last = words::SURNAMES.choose(rng).copied().unwrap_or("Horvat");
            let _ = writeln!(out, "{first} {last}");
        }
        let _ = writeln!(
            out,
            "+{calling}{} {:03} {:03}",
            rng.random_range(10..99),
            rng.random_range(0..1000),
            rng.random_range(0..1000)
        );
    }
}

/// Sectoral and industrial focus: the taxonomies.
fn focus(out: &mut String, rng: &mut impl Rng) {
    out.push_str("Sectoral and Industrial Focus\n");
    let sectors = some(words::SECTORS, rng.random_range(1..4), rng);
    values(out, "Sectoral Industries:", &sectors);
    let fields = some(words::TECHNOLOGY_FIELDS, rng.random_range(1..5), rng);
    values(out, "Technology fields:", &fields);
    if rng.random_bool(0.6) {
        let s3 = some(words::S3_PRIORITIES, rng.random_range(0..4), rng);
        values(out, "S3 EU priority areas:", &s3);
    }
    let emerging = some(words::EMERGING_INDUSTRIES, rng.random_range(0..4), rng);
    values(out, "Emerging industries:", &emerging);
}

/// The composition, known for some clusters only.
fn composition(out: &mut String, rng: &mut impl Rng) {
    out.push_str("Composition of the cluster\n");
    let known = rng.random_bool(0.4);
    let total: u32 = rng.random_range(8..400);
    let sme = total * rng.random_range(50..90) / 100;
    let large = (total - sme) / 2;
    let research = (total - sme - large) / 2;
    let other = total - sme - large - research;
    for (text, n) in [
        ("Total number of members:", total),
        ("Number of SME members:", sme),
        ("Number of larger company members:", large),
        (
            "Number of research organisations/universities/technology centres:",
            research,
        ),
        ("Number of other ecosystem actors :", other),
    ] {
        label(out, text);
        if known {
            let _ = writeln!(out, "{n}");
        }
    }
    label(
        out,
        "Entrepreneurship and scale-up support facilities in the cluster's ecosystem (see \"Organisation type\"):",
    );
    label(out, "Name and link of major players:");
}

/// The strategy's paragraphs and goals, filled from `slots`.
fn strategy<'a>(
    out: &mut String,
    slots: &impl Fn(usize) -> [(&'a str, &'a str); 4],
    rng: &mut impl Rng,
) {
    out.push_str("Cluster Strategy\n\n");
    for p in 0..rng.random_range(2..5) {
        let count = rng.random_range(2..5);
        let sentences: Vec<String> = some(words::STRATEGY, count, rng)
            .into_iter()
            .enumerate()
            .map(|(s, t)| fill(t, &slots(p + s)))
            .collect();
        let _ = writeln!(out, "{}\n", sentences.join(" "));
    }
    if rng.random_bool(0.4) {
        out.push_str("Cluster goals/objectives:\n\n");
        for (g, goal) in some(words::GOALS, rng.random_range(2..5), rng)
            .into_iter()
            .enumerate()
        {
            let _ = writeln!(out, "  \u{2022} {}", fill(goal, &slots(g)));
        }
    }
    for text in [
        "Do you have a formalised strategy?:",
        "Do you have a specific strategy focus that addresses internationalisation ?:",
    ] {
        label(out, text);
        match rng.random_range(0..3) {
            0 => out.push_str("Yes\n"),
            1 => out.push_str("No\n"),
            _ => {}
        }
    }
}

/// The support services and their details.
fn services(out: &mut String, rng: &mut impl Rng) {
    let services = some(words::SUPPORT_SERVICES, rng.random_range(1..6), rng);
    values(out, "Support services provided:", &services);
    label(out, "Details of support services:");
    out.push('\n');
    // About a kilobyte of details a profile, as the seed profiles have.
    let groups = rng.random_range(3..8);
    for (g, (heading, items)) in words::SERVICE_GROUPS
        .choose_multiple(rng, groups)
        .enumerate()
    {
        // Some groups lose their heading, as on MASIT's page.
        if g == 0 || rng.random_bool(0.85) {
            let _ = writeln!(out, "{heading}:\n");
        }
        for item in some(items, rng.random_range(3..7), rng) {
            let _ = writeln!(out, "  \u{2022} {item}");
        }
        out.push('\n');
    }
}

/// Cooperation targets in either of the two templates.
fn cooperation(out: &mut String, country: &str, members: &[String], rng: &mut impl Rng) {
    out.push_str("Cooperation Activities\nInternational Cooperation\n");
    let far = some(words::FAR_TARGETS, rng.random_range(0..3), rng);
    let near_count = rng.random_range(0..4);
    let near: Vec<&str> = words::PLACES
        .choose_multiple(rng, near_count)
        .filter_map(|(_, c, _)| crate::geo::by_code(c).map(|c| c.name))
        .filter(|n| *n != country)
        .collect();
    let activities = some(words::ACTIVITY_TYPES, rng.random_range(1..3), rng);
    if rng.random_bool(0.5) {
        values(
            out,
            "The main countries addressed by the cluster organisation outside Europe:",
            &far,
        );
        values(
            out,
            "Our cluster organisation undertook the following international activities to support our members:",
            &activities,
        );
        out.push_str("European Cooperation\n");
        values(
            out,
            "The main countries addressed by the cluster organisation in Europe:",
            &near,
        );
        values(
            out,
            "Our cluster organisation undertook the following activities in Europe to support our members:",
            &activities,
        );
    } else {
        values(
            out,
            "The main countries targeted by the cluster organisation:",
            &far,
        );
        values(
            out,
            "Our cluster organisation undertook the following international activities to support our members:",
            &activities,
        );
        out.push_str("Trans-national Cooperation\n");
        values(
            out,
            "The main countries targeted by the cluster organisation:",
            &near,
        );
        values(
            out,
            "Our cluster organisation undertook the following trans-national activities to support our members:",
            &activities,
        );
    }
    if let Some(first) = members.first() {
        values(
            out,
            "Which clusters do you collaborate with?:",
            &[&format!("Clusters that are in the frame of {first}")],
        );
    }
}

/// Participation in support programmes, for some clusters.
fn programmes(out: &mut String, rng: &mut impl Rng) {
    let programmes = rng.random_range(0..5);
    if programmes > 0 {
        out.push_str("Support Programmes\n");
        label(out, "Participation in Funded Support Programmes:");
        out.push_str("European ProgrammesName & Description (Regional/National)\n");
        for _ in 0..programmes {
            let _ = writeln!(out, "  \u{2022} {}", programme_row(rng));
        }
    }
}

/// One flattened programme row: name, title, framework in parentheses, link, description.
/// Programmes come from a shared pool, so clusters meet in the same ones.
fn programme_row(rng: &mut impl Rng) -> String {
    let k = rng.random_range(0..2_000usize);
    let framework = words::FRAMEWORKS[k % words::FRAMEWORKS.len()];
    let theme = words::THEMES[k / words::FRAMEWORKS.len() % words::THEMES.len()];
    let letters: String = (0..3)
        .map(|j| char::from(b'A' + ((k * 7 + j * 11) % 26) as u8))
        .collect();
    let name = format!("{letters}-{}", theme.replace(' ', "-").to_uppercase());
    let link = if k % 5 == 0 {
        String::new()
    } else {
        format!(" http://www.{}.eu/", name.to_lowercase())
    };
    let year = 2004 + k % 18;
    let mut row = format!(
        "{name} “{theme} cooperation across borders” EU funded project ({framework}){link}. \
         The project started in {year} and helped {theme} companies take part in European research on {}.",
        words::TOPICS[k % words::TOPICS.len()]
    );
    // Two to four sentences more, the same every time this programme comes up: the seed
    // profiles' descriptions are about 360 characters.
    for j in 0..2 + k % 3 {
        let sentence = words::PROGRAMME_MORE[(k * 5 + j * 3) % words::PROGRAMME_MORE.len()];
        row.push(' ');
        row.push_str(&fill(sentence, &[("{t}", theme)]));
    }
    row
}
