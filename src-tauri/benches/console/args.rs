//! The bench's command line (clap): how many runs, how many tickets, the empty app, where the
//! results go.

use std::path::PathBuf;

use clap::Parser;

/// The desktop console's cold start and memory, as shipped.
#[derive(Debug, Parser)]
#[command(
    name = "console",
    bin_name = "cargo xtask bench console",
    about = "The desktop console's cold start to queue shown and its memory (PSS), with the \
             demo data and with many cached tickets. Run through `cargo xtask bench console`."
)]
pub struct Options {
    /// Measured starts per scenario.
    #[arg(long, default_value_t = 5, value_parser = at_least_one)]
    pub runs: usize,
    /// Tickets created for the second scenario.
    #[arg(long, default_value_t = 10_000)]
    pub tickets: usize,
    /// Tickets in all for the third scenario (more are created up to it); 0 leaves it out.
    #[arg(long, default_value_t = 100_000)]
    pub large: usize,
    /// Tickets opened, and live messages sent, on the largest scenario's profile.
    #[arg(long, default_value_t = 20, value_parser = at_least_one)]
    pub samples: usize,
    /// The empty app's binary (`src-tauri/benches/empty-app`, built by `cargo xtask bench
    /// console`): the floor every scenario is compared with.
    #[arg(long, value_name = "FILE")]
    pub empty_app: PathBuf,
    /// Keep the bench's folder (the profiles, the platform's database and log) and print
    /// where it is, to look into a start by hand.
    #[arg(long)]
    pub keep: bool,
    /// The results file.
    #[arg(long, value_name = "FILE", default_value_os_t = default_out())]
    pub out: PathBuf,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
    /// The arguments as given (for the results file), `--bench` and `--out` left out.
    #[arg(skip)]
    pub shown_args: Vec<String>,
}

impl Options {
    /// The options of this process's command line; `--help` and bad usage exit here.
    pub fn from_command_line() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let mut options = Self::parse_from(&args);
        options.shown_args = shown(args.get(1..).unwrap_or_default());
        options
    }
}

/// `src-tauri/benches/results/console.md`.
fn default_out() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri/benches/results/console.md")
}

fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(error) => Err(error.to_string()),
    }
}

/// `args` without `--bench`, `--empty-app` and `--out` (with their files).
fn shown(args: &[String]) -> Vec<String> {
    let mut shown = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--out" | "--empty-app" => {
                args.next();
            }
            other if other.starts_with("--out=") || other.starts_with("--empty-app=") => {}
            _ => shown.push(arg.clone()),
        }
    }
    shown
}
