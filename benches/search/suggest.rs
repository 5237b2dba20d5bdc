//! Autocomplete as someone types: the first 1 to 6 letters of sampled cluster names and
//! regions, each prefix asked for 10 suggestions in process, a few rounds.

use std::time::Instant;

use cluster_atlas::search::Search;
use rand::SeedableRng;

use crate::corpus::Corpus;
use crate::latency::Sample;

/// Names and regions sampled, each.
const LABELS: usize = 100;
const LONGEST: usize = 6;
const FIRST: usize = 10;
/// Measured rounds over every prefix.
const ROUNDS: usize = 5;

/// The latencies of the prefixes of one length.
pub struct ByLength {
    pub letters: usize,
    pub prefixes: usize,
    pub sample: Sample,
}

/// Distinct prefixes of sampled labels, by length.
pub fn prefixes(corpus: &Corpus) -> Vec<Vec<String>> {
    let names: Vec<&str> = corpus.clusters().map(|r| r.title.as_str()).collect();
    let regions: Vec<&str> = corpus.regions.iter().map(String::as_str).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let mut by_length = vec![Vec::new(); LONGEST];
    for labels in [names, regions] {
        for i in rand::seq::index::sample(&mut rng, labels.len(), LABELS.min(labels.len())) {
            let chars: Vec<char> = labels[i].chars().collect();
            for n in 1..=LONGEST.min(chars.len()) {
                if !chars[n - 1].is_whitespace() {
                    by_length[n - 1].push(chars[..n].iter().collect::<String>());
                }
            }
        }
    }
    for group in &mut by_length {
        group.sort_unstable();
        group.dedup();
    }
    by_length
}

/// One unmeasured round, then the measured ones.
pub async fn measure(search: &Search, prefixes: &[Vec<String>]) -> anyhow::Result<Vec<ByLength>> {
    let mut out: Vec<ByLength> = prefixes
        .iter()
        .enumerate()
        .map(|(i, group)| ByLength {
            letters: i + 1,
            prefixes: group.len(),
            sample: Sample::default(),
        })
        .collect();
    for round in 0..=ROUNDS {
        for (group, by_length) in prefixes.iter().zip(&mut out) {
            for prefix in group {
                let started = Instant::now();
                search.suggest(prefix.clone(), FIRST).await?;
                if round > 0 {
                    by_length.sample.push(started.elapsed());
                }
            }
        }
    }
    Ok(out)
}
