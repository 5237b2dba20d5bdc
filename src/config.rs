//! Settings from four places, in this order of precedence: a flag, its environment
//! variable, the `--config` file (TOML), the default. The command line and the environment
//! are clap's; figment layers the four and remembers where each value came from, which
//! `cluster-atlas config` prints. The file's keys are the settings' names as the flags have
//! them, with `_` for `-` (`rate_limit = 20`, `cors_origins = ["https://a.example"]`), and
//! its values go through the flags' own parsers, so a file can say whatever a flag can, and
//! is checked the same way. `docs/cluster-atlas.example.toml` names them all.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches};
use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use crate::cli::Cli;

/// Why the settings could not be had.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Cli(#[from] clap::Error),
    #[error("the config file {0} does not exist")]
    Missing(PathBuf),
    #[error("the config file: {0}")]
    File(#[from] Box<figment::Error>),
    #[error("{file}: {key:?} is not a setting{hint}")]
    Unknown {
        file: PathBuf,
        key: String,
        hint: String,
    },
    #[error("{file}: {key}: {why}")]
    Value {
        file: PathBuf,
        key: String,
        why: String,
    },
}

/// The parsed command line with the file's settings in, and where each setting came from.
pub struct Loaded {
    pub cli: Cli,
    pub layers: Figment,
}

/// Parses the process's command line, reading the `--config` file if one is named.
pub fn load() -> Result<Loaded, Error> {
    load_from(std::env::args_os().collect())
}

/// As [`load`], for this `argv` (the binary's name first).
pub fn load_from(argv: Vec<OsString>) -> Result<Loaded, Error> {
    let matches = Cli::command().try_get_matches_from(&argv)?;
    let settings = settings_matches(&matches);
    let args = settings_of(serving(&matches));
    let file = match settings.get_one::<PathBuf>("config") {
        Some(path) => Some(read_file(path)?),
        None => None,
    };
    let layers = layers(settings, &args, file.as_ref());
    let Some((path, from_file)) = &file else {
        return Ok(Loaded {
            cli: Cli::from_arg_matches(&matches)?,
            layers,
        });
    };
    // The file fills in only what neither a flag nor the environment set.
    let mut argv = argv;
    for (key, value) in from_file {
        let Some(arg) = args.iter().find(|a| a.get_id() == key.as_str()) else {
            continue; // a setting of another command
        };
        if settings.value_source(key) == Some(ValueSource::DefaultValue) {
            argv.extend(as_flag(path, arg, value)?);
        }
    }
    let matches = Cli::command().try_get_matches_from(&argv)?;
    Ok(Loaded {
        cli: Cli::from_arg_matches(&matches)?,
        layers,
    })
}

/// The commands that take `serve`'s settings: `serve` itself (the default) and `config`,
/// which shows them.
const SERVING: [&str; 2] = ["serve", "config"];

/// The matches holding the settings: the subcommand's when it takes them (the global
/// settings are copied into it), else the top level's.
fn settings_matches(matches: &ArgMatches) -> &ArgMatches {
    match matches.subcommand() {
        Some((name, sub)) if SERVING.contains(&name) => sub,
        _ => matches,
    }
}

/// Whether the command run takes `serve`'s settings.
fn serving(matches: &ArgMatches) -> bool {
    matches
        .subcommand_name()
        .is_none_or(|name| SERVING.contains(&name))
}

/// The settings a command takes: the global ones, and `serve`'s when `serving`.
fn settings_of(serving: bool) -> Vec<clap::Arg> {
    let mut command = Cli::command();
    // Built, the switches have their implicit default (false) like the other defaults.
    command.build();
    command
        .get_arguments()
        .filter(|a| serving || a.is_global_set())
        .filter(|a| !matches!(a.get_action(), ArgAction::Help | ArgAction::Version))
        .filter(|a| a.get_id() != "config")
        .cloned()
        .collect()
}

/// Reads the file, refusing keys that are no setting.
fn read_file(path: &Path) -> Result<(PathBuf, Dict), Error> {
    if !path.is_file() {
        return Err(Error::Missing(path.to_owned()));
    }
    let toml = Toml::file_exact(path);
    let dict = toml
        .data()
        .map_err(Box::new)?
        .remove(&Profile::Default)
        .unwrap_or_default();
    let known: Vec<String> = Cli::command()
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    if let Some(key) = dict.keys().find(|k| !known.contains(k) || *k == "config") {
        let close = known
            .iter()
            .min_by_key(|k| strsim::levenshtein(k, key))
            .filter(|k| strsim::levenshtein(k, key) <= 3);
        return Err(Error::Unknown {
            file: path.to_owned(),
            key: key.clone(),
            hint: close
                .map(|k| format!(" (did you mean {k}?)"))
                .unwrap_or_default(),
        });
    }
    Ok((path.to_owned(), dict))
}

/// The four layers, lowest first: defaults, the file, the environment, the flags.
fn layers(matches: &ArgMatches, args: &[clap::Arg], file: Option<&(PathBuf, Dict)>) -> Figment {
    let layer = |name: &'static str, source: ValueSource| Layer {
        metadata: Metadata::named(name),
        values: args
            .iter()
            .filter_map(|a| {
                let id = a.get_id().as_str();
                (matches.value_source(id) == Some(source))
                    .then(|| raw(matches, id).map(|v| (id.to_owned(), v)))
                    .flatten()
            })
            .collect(),
    };
    let defaults = Layer {
        metadata: Metadata::named("default"),
        values: args
            .iter()
            .filter_map(|a| {
                let values: Vec<String> = a
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                (!values.is_empty()).then(|| (a.get_id().to_string(), one_or_list(values)))
            })
            .collect(),
    };
    let mut figment = Figment::new().merge(defaults);
    if let Some((path, dict)) = file {
        figment = figment.merge(Layer {
            metadata: Metadata::from("config file", path.as_path()),
            values: dict.clone(),
        });
    }
    figment
        .merge(layer("environment", ValueSource::EnvVariable))
        .merge(layer("command line", ValueSource::CommandLine))
}

/// The value `id` was given, as text.
fn raw(matches: &ArgMatches, id: &str) -> Option<Value> {
    let values: Vec<String> = matches
        .get_raw(id)?
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    Some(one_or_list(values))
}

fn one_or_list(mut values: Vec<String>) -> Value {
    match values.len() {
        1 => Value::from(values.remove(0)),
        _ => Value::from(values),
    }
}

/// A file's value as the flag that says the same.
fn as_flag(path: &Path, arg: &clap::Arg, value: &Value) -> Result<Vec<OsString>, Error> {
    let bad = |why: &str| Error::Value {
        file: path.to_owned(),
        key: arg.get_id().to_string(),
        why: why.to_owned(),
    };
    let Some(long) = arg.get_long() else {
        return Err(bad("has no flag"));
    };
    let flag = OsString::from(format!("--{long}"));
    if matches!(arg.get_action(), ArgAction::SetTrue) {
        return match value {
            Value::Bool(_, true) => Ok(vec![flag]),
            Value::Bool(_, false) => Ok(Vec::new()),
            _ => Err(bad("must be true or false")),
        };
    }
    let texts = match value {
        Value::Array(_, items) => items.iter().map(text).collect::<Option<Vec<_>>>(),
        other => text(other).map(|t| vec![t]),
    }
    .ok_or_else(|| bad("must be a string, a number, a boolean or a list of them"))?;
    // `--flag=value`, so that a value starting with `-` is not taken for a flag.
    Ok(texts
        .into_iter()
        .map(|t| OsString::from(format!("--{long}={t}")))
        .collect())
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(_, s) => Some(s.clone()),
        Value::Char(_, c) => Some(c.to_string()),
        Value::Bool(_, b) => Some(b.to_string()),
        Value::Num(_, n) => n
            .to_i128()
            .map(|i| i.to_string())
            .or_else(|| n.to_f64().map(|f| f.to_string())),
        Value::Empty(..) | Value::Dict(..) | Value::Array(..) => None,
    }
}

/// One layer of settings, named for `cluster-atlas config`.
struct Layer {
    metadata: Metadata,
    values: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Map::from([(Profile::Default, self.values.clone())]))
    }
}

/// One line a setting: `name = value   # where it came from`, secrets redacted.
pub fn describe(layers: &Figment) -> String {
    let mut lines = Vec::new();
    for arg in settings_of(true) {
        let key = arg.get_id().as_str();
        let value = layers.find_value(key).ok();
        let shown = match &value {
            Some(Value::Array(_, items)) => {
                let items: Vec<String> = items
                    .iter()
                    .filter_map(text)
                    .map(|t| quoted(key, &t))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Some(v) => text(v).map_or_else(String::new, |t| quoted(key, &t)),
            None => "(none)".to_owned(),
        };
        let from = match layers.find_metadata(key) {
            Some(m) => match &m.source {
                Some(source) => format!("{} {source}", m.name),
                None => m.name.to_string(),
            },
            None => "unset".to_owned(),
        };
        lines.push(format!("{key} = {shown}  # {from}"));
    }
    lines.join("\n")
}

/// A value as TOML writes it, with a database URL's password hidden.
fn quoted(key: &str, text: &str) -> String {
    let text = if key == "database_url" {
        redact(text)
    } else {
        text.to_owned()
    };
    if text.parse::<f64>().is_ok() || text == "true" || text == "false" {
        text
    } else {
        format!("{text:?}")
    }
}

/// A URL without its password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
