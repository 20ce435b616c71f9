//! Command-line interface: clap types only. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalog::Provider;

/// Turn one provider-neutral architecture spec into Terraform, deploy workflows, diagrams and
/// cost sheets for AWS, Azure and GCP.
#[derive(Debug, Parser)]
#[command(name = "archgen", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Examples:\n  archgen init                                         # a commented starter archgen.yaml\n  archgen validate examples/realtime-analytics/archgen.yaml\n  archgen generate examples/realtime-analytics/archgen.yaml -o infra/\n  archgen generate archgen.yaml -o infra/ --check      # CI: exit 1 and a diff on drift\n  archgen catalog list --provider gcp\n  archgen completions bash > ~/.local/share/bash-completion/completions/archgen"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Global options.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Print only errors.
    #[arg(short, long, global = true, env = "ARCHGEN_QUIET")]
    pub quiet: bool,
    /// When to use colour (`NO_COLOR` is respected).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        env = "ARCHGEN_COLOR"
    )]
    pub color: ColorChoice,
    /// Catalog files (functions.yaml, <provider>.yaml) laid over the built-in ones, entry by entry.
    #[arg(long, global = true, value_name = "DIR", env = "ARCHGEN_CATALOG_DIR")]
    pub catalog_dir: Option<PathBuf>,
    /// Templates laid over the built-in ones, file by file (see `archgen templates export`).
    #[arg(long, global = true, value_name = "DIR", env = "ARCHGEN_TEMPLATES_DIR")]
    pub templates_dir: Option<PathBuf>,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How diagnostics and reports are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable, with source snippets.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate every artifact for a spec into a directory.
    #[command(
        after_help = "Examples:\n  archgen generate archgen.yaml -o infra/\n  archgen generate archgen.yaml -o infra/ --provider aws,gcp --env prod\n  archgen generate archgen.yaml -o infra/ --check       # CI: exit 1 and a diff on drift\n  archgen generate archgen.yaml -o infra/ --templates-dir my-templates/"
    )]
    Generate(GenerateArgs),
    /// Check a spec and report every problem at once (exit 1 when invalid).
    #[command(
        after_help = "Examples:\n  archgen validate archgen.yaml\n  archgen validate archgen.yaml --provider azure\n  archgen validate archgen.yaml --output-format json"
    )]
    Validate(ValidateArgs),
    /// Find production risks in a spec: single points of failure, missing DLQs, exposed data stores ...
    #[command(
        after_help = "Examples:\n  archgen analyze archgen.yaml\n  archgen analyze archgen.yaml --deny warnings      # CI: exit 1 on any unacknowledged warning\n  archgen analyze archgen.yaml --output-format json\n  archgen analyze --list-rules"
    )]
    Analyze(AnalyzeArgs),
    /// Price a spec on each cloud from the embedded price data, per environment.
    #[command(
        after_help = "Examples:\n  archgen cost archgen.yaml --provider all\n  archgen cost archgen.yaml --provider gcp --env prod --format csv\n  archgen cost diff old.yaml archgen.yaml --format markdown   # for a pull-request comment"
    )]
    Cost(CostArgs),
    /// Print the JSON Schema of the spec format.
    #[command(
        after_help = "Examples:\n  archgen schema > archgen.schema.json      # beside archgen.yaml, for editor completion\n  archgen schema --cost > cost.schema.json"
    )]
    Schema {
        /// The schema of `archgen cost --format json` instead.
        #[arg(long)]
        cost: bool,
    },
    /// Browse the function catalog.
    #[command(
        subcommand,
        after_help = "Examples:\n  archgen catalog list --provider gcp\n  archgen catalog show cache"
    )]
    Catalog(CatalogCommand),
    /// Work with the built-in templates.
    #[command(
        subcommand,
        after_help = "Examples:\n  archgen templates list\n  archgen templates export my-templates/"
    )]
    Templates(TemplatesCommand),
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Examples:\n  archgen completions bash > ~/.local/share/bash-completion/completions/archgen\n  archgen completions zsh > ~/.zfunc/_archgen           # with fpath+=~/.zfunc in ~/.zshrc\n  archgen completions fish > ~/.config/fish/completions/archgen.fish\n  archgen completions elvish >> ~/.config/elvish/rc.elv\n  archgen completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a commented starter spec from one of the bundled example patterns.
    #[command(
        after_help = "Examples:\n  archgen init                                     # three-tier-web into archgen.yaml\n  archgen init --list\n  archgen init --pattern data-lake -o lake.yaml\n  archgen init --pattern spot-batch -o - | less\n  archgen init --force                             # overwrite archgen.yaml"
    )]
    Init(InitArgs),
}

/// `archgen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The example pattern to start from (`--list` shows them).
    #[arg(long, value_name = "NAME", default_value = crate::starter::DEFAULT_PATTERN)]
    pub pattern: String,
    /// The file to write; `-` writes to stdout.
    #[arg(short, long, value_name = "FILE", default_value = "archgen.yaml")]
    pub output: PathBuf,
    /// Overwrite the file when it exists.
    #[arg(long)]
    pub force: bool,
    /// List the patterns with a one-line description, and exit.
    #[arg(long)]
    pub list: bool,
}

/// `archgen generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The spec (YAML).
    pub spec: PathBuf,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Providers to generate (default: every provider the spec targets).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub provider: Vec<Provider>,
    /// Environments to generate (default: all in the spec).
    #[arg(long, value_delimiter = ',')]
    pub env: Vec<String>,
    /// Write nothing; print a unified diff and exit 1 if the directory differs.
    #[arg(long)]
    pub check: bool,
    /// Generate into a non-empty directory archgen did not create (other files are kept).
    #[arg(long)]
    pub force: bool,
    /// Path of the output directory from the repository root, used in the generated CI
    /// pipeline (default: the -o path when it is relative, else found from the enclosing git
    /// repository).
    #[arg(long, value_name = "PATH")]
    pub repo_path: Option<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub output_format: OutputFormat,
}

/// `archgen validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The spec (YAML).
    pub spec: PathBuf,
    /// Providers to check (default: every provider the spec targets).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub provider: Vec<Provider>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub output_format: OutputFormat,
}

/// `archgen analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The spec (YAML).
    #[arg(required_unless_present = "list_rules")]
    pub spec: Option<PathBuf>,
    /// Exit 1 when an unacknowledged finding of this level or worse remains (errors always fail).
    #[arg(long, value_enum)]
    pub deny: Option<DenyLevel>,
    /// List the rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// How to print findings.
    #[arg(long, value_enum, default_value = "human")]
    pub output_format: OutputFormat,
}

/// The level `--deny` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    /// Warnings and errors.
    Warnings,
    /// Notes, warnings and errors.
    Notes,
}

/// `archgen cost`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CostArgs {
    /// `diff OLD NEW`: the monthly delta between two specs.
    #[command(subcommand)]
    pub command: Option<CostCommand>,
    /// The spec (YAML).
    pub spec: Option<PathBuf>,
    /// Which provider(s); `all` puts them side by side with the cheapest marked.
    #[arg(long, value_enum, default_value = "all")]
    pub provider: ProviderChoice,
    /// Environments to price (default: all).
    #[arg(long, value_delimiter = ',')]
    pub env: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CostFormat,
}

/// `archgen cost diff`.
#[derive(Debug, Subcommand)]
pub enum CostCommand {
    /// Monthly delta per component and in total between two versions of a spec.
    #[command(
        after_help = "Examples:\n  git show HEAD:archgen.yaml > old.yaml\n  archgen cost diff old.yaml archgen.yaml                 # Markdown, for a pull-request comment\n  archgen cost diff old.yaml archgen.yaml --provider aws --env prod --format json"
    )]
    Diff {
        /// The spec before the change.
        old: PathBuf,
        /// The spec after the change.
        new: PathBuf,
        /// Which provider(s).
        #[arg(long, value_enum, default_value = "all")]
        provider: ProviderChoice,
        /// Environments (default: all in the new spec).
        #[arg(long, value_delimiter = ',')]
        env: Vec<String>,
        /// Output format (markdown is fit for a pull-request comment).
        #[arg(long, value_enum, default_value = "markdown")]
        format: CostFormat,
    },
}

/// A provider, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderChoice {
    /// Amazon Web Services
    Aws,
    /// Microsoft Azure
    Azure,
    /// Google Cloud
    Gcp,
    /// Every provider the spec targets, side by side
    All,
}

impl ProviderChoice {
    /// The providers selected (empty = all the spec targets).
    pub fn providers(self) -> Vec<Provider> {
        match self {
            Self::Aws => vec![Provider::Aws],
            Self::Azure => vec![Provider::Azure],
            Self::Gcp => vec![Provider::Gcp],
            Self::All => Vec::new(),
        }
    }
}

/// Cost output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    /// Aligned text for the terminal.
    Table,
    /// JSON (schema: `archgen schema --cost`).
    Json,
    /// CSV, one row per billing line.
    Csv,
    /// Markdown.
    Markdown,
}

/// `archgen catalog ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List every function with its service per provider.
    #[command(
        after_help = "Examples:\n  archgen catalog list\n  archgen catalog list --provider azure --output-format json"
    )]
    List {
        /// Only this provider's services.
        #[arg(long, value_enum)]
        provider: Option<Provider>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        output_format: OutputFormat,
    },
    /// Show one function: service, resources, sizes and fallbacks per provider.
    #[command(
        after_help = "Examples:\n  archgen catalog show cache\n  archgen catalog show relational_db --output-format json"
    )]
    Show {
        /// Function id.
        function: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        output_format: OutputFormat,
    },
}

/// `archgen templates ...`.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates to a directory, to edit and pass with --templates-dir.
    #[command(
        after_help = "Examples:\n  archgen templates export my-templates/\n  archgen templates export my-templates/ --force      # refresh after an upgrade\n  archgen generate archgen.yaml -o infra/ --templates-dir my-templates/"
    )]
    Export {
        /// Target directory.
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// List the built-in templates.
    #[command(
        after_help = "Examples:\n  archgen templates list\n  archgen templates list | grep terraform"
    )]
    List,
}
