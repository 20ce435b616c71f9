//! One function per command; each returns the exit code. Output goes through the [`Printer`].

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use crate::catalog::{self, Catalog, Provider};
use clap::CommandFactory;

use crate::cli::{
    AnalyzeArgs, CatalogCommand, Cli, Command, CostArgs, CostCommand, CostFormat, DenyLevel,
    GenerateArgs, InitArgs, OutputFormat, TemplatesCommand, ValidateArgs,
};
use crate::printer::{Paint, Printer};
use crate::render::{self, Templates};
use crate::{Failure, GenerateOptions, outputs, spec};

/// Runs the command line; returns the exit code.
pub fn run(cli: &Cli) -> u8 {
    let printer = Printer::new(&cli.global);
    let result = match &cli.command {
        Command::Generate(args) => generate(cli, args, printer),
        Command::Validate(args) => validate(cli, args, printer),
        Command::Analyze(args) => analyze(cli, args, printer),
        Command::Cost(args) => cost(cli, args, printer),
        Command::Schema { cost } => {
            printer.out(&if *cost {
                cost_schema_json()
            } else {
                schema_json()
            });
            Ok(())
        }
        Command::Catalog(command) => catalog_command(cli, command, printer),
        Command::Templates(command) => templates_command(command, printer),
        Command::Completions { shell } => {
            printer.out(&completions(*shell));
            Ok(())
        }
        Command::Init(args) => init(args, printer),
    };
    match result {
        Ok(()) => 0,
        Err(failure) => {
            print_failure(&failure, printer);
            failure.exit_code()
        }
    }
}

fn print_failure(failure: &Failure, printer: Printer) {
    match failure {
        Failure::Invalid(report) => {
            printer.report(report);
            let (errors, _) = report.counts();
            printer.error(&format!(
                "{} is invalid: {errors} error{}",
                report.source.name,
                if errors == 1 { "" } else { "s" }
            ));
        }
        Failure::Template(err) => printer.error(&err.to_string()),
        Failure::Output(err) => printer.error(&err.to_string()),
        Failure::Usage(message) | Failure::Denied(message) => printer.error(message),
        Failure::Drift(drifts) => {
            for drift in drifts {
                printer.err_raw(&drift.diff);
            }
            printer.error(&format!(
                "{} generated file{} out of date; run `archgen generate` without --check to update",
                drifts.len(),
                if drifts.len() == 1 { " is" } else { "s are" }
            ));
        }
    }
}

/// The JSON Schema of the spec format, pretty-printed with a trailing newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(spec::SpecFile);
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    // The function list is catalog data: offer it to editors as an enum.
    if let Ok(catalog) = catalog::load(None) {
        let functions: Vec<&String> = catalog.functions.keys().collect();
        if let Some(function) = value.pointer_mut("/$defs/Component/properties/function") {
            function["enum"] = json!(functions);
        }
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of `archgen cost --format json` (an array of cost sheets).
pub fn cost_schema_json() -> String {
    let schema = schemars::schema_for!(Vec<crate::cost::CostSheet>);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn load_catalog(cli: &Cli) -> Result<Catalog, Failure> {
    catalog::load(cli.global.catalog_dir.as_deref()).map_err(Failure::Invalid)
}

fn validate(cli: &Cli, args: &ValidateArgs, printer: Printer) -> Result<(), Failure> {
    let catalog = load_catalog(cli)?;
    let only = (!args.provider.is_empty()).then_some(args.provider.as_slice());
    let result = spec::load(&args.spec).and_then(|sourced| {
        let valid = spec::validate(&sourced, &catalog, only)?;
        let source = valid.source.clone();
        let mut warnings = valid.warnings.clone();
        let graph = crate::graph::build(valid, &catalog)?;
        // Each provider is resolved as `generate` resolves it, so its warnings (fallback
        // services, unassociated attachments, usage values a size overrides) show here too.
        let mut errors = Vec::new();
        for &provider in graph.spec.providers.keys() {
            match crate::catalog::resolve(&graph, &catalog, provider) {
                Ok(deployment) => warnings.extend(deployment.warnings),
                Err(report) => errors.extend(report.diagnostics),
            }
        }
        if errors.is_empty() {
            Ok(crate::diagnostics::Report::new(source, warnings))
        } else {
            Err(crate::diagnostics::Report::new(source, errors))
        }
    });
    let report = match &result {
        Ok(report) | Err(report) => report,
    };
    if args.output_format == OutputFormat::Json {
        printer.out(&format!("{:#}", report.to_json()));
        return if result.is_ok() {
            Ok(())
        } else {
            // The JSON already says everything; exit 1 without a second report.
            Err(Failure::Invalid(crate::diagnostics::Report::new(
                report.source.clone(),
                Vec::new(),
            )))
        };
    }
    match result {
        Ok(report) => {
            printer.report(&report);
            let (_, warnings) = report.counts();
            printer.verb(
                "Valid",
                &format!(
                    "{}{}",
                    args.spec.display(),
                    if warnings > 0 {
                        format!(" ({warnings} warning(s))")
                    } else {
                        String::new()
                    }
                ),
            );
            Ok(())
        }
        Err(report) => Err(Failure::Invalid(report)),
    }
}

fn analyze(cli: &Cli, args: &AnalyzeArgs, printer: Printer) -> Result<(), Failure> {
    use crate::analyze::Level;
    if args.list_rules {
        let mut text = String::new();
        for rule in crate::analyze::rules() {
            text.push_str(&format!(
                "{:<46} {:<8} {}\n",
                rule.id,
                format!("{:?}", rule.level).to_lowercase(),
                rule.title
            ));
        }
        printer.out(&text);
        return Ok(());
    }
    let Some(path) = &args.spec else {
        return Err(Failure::Usage("a spec is required".into()));
    };
    let catalog = load_catalog(cli)?;
    let sourced = spec::load(path).map_err(Failure::Invalid)?;
    let valid = spec::validate(&sourced, &catalog, None).map_err(Failure::Invalid)?;
    let graph = crate::graph::build(valid, &catalog).map_err(Failure::Invalid)?;
    let findings = crate::analyze::analyze(&graph, &catalog);
    let open: Vec<&crate::analyze::Finding> = findings
        .iter()
        .filter(|f| f.acknowledged.is_none())
        .collect();
    let count = |level: Level| open.iter().filter(|f| f.level == level).count();
    let (errors, warnings, notes) = (
        count(Level::Error),
        count(Level::Warning),
        count(Level::Note),
    );
    let acknowledged = findings.len() - open.len();
    if args.output_format == OutputFormat::Json {
        printer.out(&format!(
            "{:#}",
            json!({
                "file": path.display().to_string(),
                "errors": errors, "warnings": warnings, "notes": notes, "acknowledged": acknowledged,
                "findings": findings,
            })
        ));
    } else {
        printer.report(&crate::analyze::report(&graph, &findings));
        printer.verb(
            "Analyzed",
            &format!(
                "{}: {errors} error(s), {warnings} warning(s), {notes} note(s), {acknowledged} acknowledged",
                path.display()
            ),
        );
    }
    let denied = errors > 0
        || match args.deny {
            Some(DenyLevel::Warnings) => warnings > 0,
            Some(DenyLevel::Notes) => warnings + notes > 0,
            None => false,
        };
    if denied {
        return Err(Failure::Denied(format!(
            "{} unacknowledged finding(s) at or above the denied level",
            errors
                + if args.deny.is_some() { warnings } else { 0 }
                + if args.deny == Some(DenyLevel::Notes) {
                    notes
                } else {
                    0
                }
        )));
    }
    Ok(())
}

fn cost(cli: &Cli, args: &CostArgs, printer: Printer) -> Result<(), Failure> {
    use crate::cost::render as sheet;
    let catalog = load_catalog(cli)?;
    if let Some(CostCommand::Diff {
        old,
        new,
        provider,
        env,
        format,
    }) = &args.command
    {
        let options = GenerateOptions {
            providers: provider.providers(),
            environments: env.clone(),
            repo_path: String::new(),
        };
        let progress = printer.progress("Pricing");
        let old_sheets = crate::cost_sheets_with(
            &spec::load(old).map_err(Failure::Invalid)?,
            &catalog,
            &options,
            &mut |step| progress.step(step, 0),
        )?;
        let new_sheets = crate::cost_sheets_with(
            &spec::load(new).map_err(Failure::Invalid)?,
            &catalog,
            &options,
            &mut |step| progress.step(step, 0),
        )?;
        drop(progress);
        let diffs: Vec<crate::cost::render::CostDiff> = new_sheets
            .iter()
            .map(|n| {
                let empty = crate::cost::CostSheet {
                    components: Vec::new(),
                    total: 0.0,
                    ..n.clone()
                };
                let o = old_sheets
                    .iter()
                    .find(|o| o.provider == n.provider && o.environment == n.environment)
                    .unwrap_or(&empty);
                sheet::diff(o, n)
            })
            .collect();
        match format {
            CostFormat::Json => printer.out(&format!("{:#}", json!(diffs))),
            _ => printer.out(&sheet::diff_markdown(&diffs)),
        }
        return Ok(());
    }
    let Some(path) = &args.spec else {
        return Err(Failure::Usage(
            "a spec is required (or `cost diff OLD NEW`)".into(),
        ));
    };
    let sourced = spec::load(path).map_err(Failure::Invalid)?;
    let options = GenerateOptions {
        providers: args.provider.providers(),
        environments: args.env.clone(),
        repo_path: String::new(),
    };
    let progress = printer.progress("Pricing");
    let sheets = crate::cost_sheets_with(&sourced, &catalog, &options, &mut |step| {
        progress.step(step, 0);
    })?;
    drop(progress);
    let mut envs: Vec<&str> = sheets.iter().map(|s| s.environment.as_str()).collect();
    envs.dedup();
    let mut out = String::new();
    match args.format {
        CostFormat::Json => {
            out = format!("{:#}\n", json!(sheets));
        }
        CostFormat::Csv => {
            for (index, s) in sheets.iter().enumerate() {
                let text = sheet::csv(s);
                // One header for the whole CSV.
                out.push_str(if index == 0 {
                    &text
                } else {
                    text.split_once('\n').map_or("", |(_, rest)| rest)
                });
            }
        }
        CostFormat::Markdown | CostFormat::Table => {
            for env in &envs {
                let env_sheets: Vec<&crate::cost::CostSheet> =
                    sheets.iter().filter(|s| s.environment == *env).collect();
                for s in &env_sheets {
                    out.push_str(&if args.format == CostFormat::Table {
                        sheet::table(s)
                    } else {
                        sheet::markdown(s)
                    });
                    out.push('\n');
                }
                if env_sheets.len() > 1 {
                    out.push_str(&sheet::side_by_side(&env_sheets).1);
                    out.push('\n');
                }
            }
        }
    }
    printer.out(&out);
    Ok(())
}

fn generate(cli: &Cli, args: &GenerateArgs, printer: Printer) -> Result<(), Failure> {
    // The shared templates compile while the catalogs and the spec load (errors reported in
    // the same order as before); each provider's render compiles the per-function templates
    // it uses.
    let (catalog, templates, sourced) = std::thread::scope(|scope| {
        let templates = scope.spawn(|| Templates::load_base(cli.global.templates_dir.as_deref()));
        let catalog = load_catalog(cli);
        let sourced = spec::load(&args.spec);
        let templates = templates
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (catalog, templates, sourced)
    });
    let catalog = catalog?;
    let templates = templates.map_err(Failure::Template)?;
    let sourced = sourced.map_err(Failure::Invalid)?;
    let options = GenerateOptions {
        providers: args.provider.clone(),
        environments: args.env.clone(),
        repo_path: args
            .repo_path
            .clone()
            .unwrap_or_else(|| repo_path(&args.output)),
    };
    // With `--provider`, only the selected providers' directories are regenerated: files
    // generated earlier for the other providers, and the cross-provider files (comparison,
    // diagrams, ARCHITECTURE.md, pipeline) that a full run wrote, stay as they are.
    let scope = if args.provider.is_empty() {
        outputs::Scope::All
    } else {
        outputs::Scope::Only(args.provider.iter().map(|p| format!("{p}/")).collect())
    };
    // One step per provider (resolve + render), the cross-provider files, then finishing. Each
    // file is written (or compared) as soon as it is rendered.
    let progress = printer.progress(if args.check { "Checking" } else { "Generating" });
    let mut step = |step: crate::Step<'_>| progress.step(step, 1);
    if args.check {
        let open = || Ok(outputs::Checker::open(&args.output, &scope));
        let (checker, warnings) =
            crate::generate_with(&sourced, &catalog, &templates, &options, open, &mut step)?;
        progress.last("comparing");
        progress.suspend(|| print_warnings(&warnings, args, printer));
        let (files, drifts) = checker.finish();
        drop(progress);
        if drifts.is_empty() {
            printer.verb(
                "Up to date",
                &format!("{} ({files} files)", args.output.display()),
            );
            return Ok(());
        }
        return Err(Failure::Drift(drifts));
    }
    let open = || outputs::Staging::open(&args.output, args.force, &scope).map_err(Failure::Output);
    let (staging, warnings) =
        crate::generate_with(&sourced, &catalog, &templates, &options, open, &mut step)?;
    progress.last("writing");
    progress.suspend(|| print_warnings(&warnings, args, printer));
    let summary = staging.finish().map_err(Failure::Output)?;
    drop(progress);
    print_summary(&args.output, &summary, printer);
    // The process ends once this returns: the spec, catalogs and templates (a large spec's
    // biggest structures, ~2 ms to free at N=1000) go with it instead of being freed one by one.
    std::mem::forget((sourced, catalog, templates));
    Ok(())
}

fn print_warnings(warnings: &crate::diagnostics::Report, args: &GenerateArgs, printer: Printer) {
    if args.output_format == OutputFormat::Json {
        printer.out(&format!("{:#}", warnings.to_json()));
    } else {
        printer.report(warnings);
    }
}

/// What `generate` wrote: files per provider and kind, and what changed on disk.
fn print_summary(dir: &Path, summary: &outputs::WriteSummary, printer: Printer) {
    let count = |n: usize, what: &str, paint: Paint| {
        let text = format!("{n} {what}");
        if n == 0 {
            text
        } else {
            printer.paint(paint, &text)
        }
    };
    printer.verb(
        "Generated",
        &format!(
            "{} files in {}: {}, {}, {}, {}, {} of yours kept",
            summary.files.len(),
            dir.display(),
            count(summary.created.len(), "created", Paint::Green),
            count(summary.updated.len(), "updated", Paint::Yellow),
            count(summary.unchanged, "unchanged", Paint::Dim),
            count(summary.removed.len(), "removed", Paint::Red),
            summary.kept
        ),
    );
    let tally = outputs::tally(&summary.files);
    let kinds: Vec<outputs::Kind> = outputs::Kind::ALL
        .into_iter()
        .filter(|kind| tally.values().any(|row| row.contains_key(kind)))
        .collect();
    let indent = " ".repeat(13);
    let mut header = format!("{:<8}", "");
    for kind in &kinds {
        header.push_str(&format!(
            "  {:>w$}",
            kind.title(),
            w = kind.title().len().max(3)
        ));
    }
    header.push_str("  total");
    let mut text = format!("{indent}{}\n", printer.paint(Paint::Bold, &header));
    for (group, row) in &tally {
        let mut line = format!(
            "{indent}{}",
            printer.paint(Paint::Bold, &format!("{group:<8}"))
        );
        for kind in &kinds {
            let width = kind.title().len().max(3);
            let cell = row.get(kind).map_or("-".to_string(), usize::to_string);
            line.push_str(&format!("  {cell:>width$}"));
        }
        line.push_str(&format!("  {:>5}", row.values().sum::<usize>()));
        text.push_str(&line);
        text.push('\n');
    }
    text.pop();
    printer.status(&text);
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "archgen", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

fn init(args: &InitArgs, printer: Printer) -> Result<(), Failure> {
    let patterns = crate::starter::patterns();
    if args.list {
        let width = patterns.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let mut text = String::new();
        for p in &patterns {
            text.push_str(&format!("{:<width$}  {}\n", p.name, p.summary()));
        }
        printer.out(&text);
        return Ok(());
    }
    let Some(pattern) = patterns.iter().find(|p| p.name == args.pattern) else {
        let hint = crate::diagnostics::did_you_mean(&args.pattern, patterns.iter().map(|p| p.name))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        let names: Vec<&str> = patterns.iter().map(|p| p.name).collect();
        return Err(Failure::Usage(format!(
            "unknown pattern `{}`{hint}\n  patterns: {}\n  (`archgen init --list` describes them)",
            args.pattern,
            names.join(", ")
        )));
    };
    if args.output.as_os_str() == "-" {
        printer.out(&pattern.starter("archgen.yaml"));
        return Ok(());
    }
    let path = &args.output;
    let text = pattern.starter(&path.display().to_string());
    let io = |e| Failure::Output(outputs::OutputError::Io(path.clone(), e));
    if args.force {
        std::fs::write(path, &text).map_err(io)?;
    } else {
        use std::io::Write as _;
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Failure::Usage(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                )));
            }
            Err(e) => return Err(io(e)),
        };
        file.write_all(text.as_bytes()).map_err(io)?;
    }
    printer.verb(
        "Created",
        &format!(
            "{} from the `{}` pattern; next: archgen validate {}",
            path.display(),
            pattern.name,
            path.display()
        ),
    );
    Ok(())
}

/// The output directory relative to the enclosing repository root, `/`-separated (`""` = root).
fn repo_path(output: &Path) -> String {
    let normalize = |path: &Path| -> String {
        path.components()
            .filter_map(|c| match c {
                std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let relative_and_plain = output.is_relative()
        && output.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    let Ok(cwd) = std::env::current_dir() else {
        return normalize(output);
    };
    let absolute = if output.is_absolute() {
        output.to_path_buf()
    } else {
        cwd.join(output)
    };
    // Walk up to the nearest `.git` from the output's nearest existing ancestor.
    let mut probe = absolute.clone();
    while !probe.exists() {
        if !probe.pop() {
            break;
        }
    }
    let mut root = probe.canonicalize().unwrap_or(probe);
    loop {
        if root.join(".git").exists() {
            let target = absolute.canonicalize().unwrap_or_else(|_| {
                let parent = absolute.parent().and_then(|p| p.canonicalize().ok());
                match (parent, absolute.file_name()) {
                    (Some(parent), Some(name)) => parent.join(name),
                    _ => absolute.clone(),
                }
            });
            if let Ok(inside) = target.strip_prefix(&root) {
                return normalize(inside);
            }
            break;
        }
        if !root.pop() {
            break;
        }
    }
    if relative_and_plain {
        normalize(output)
    } else {
        String::new()
    }
}

fn catalog_command(cli: &Cli, command: &CatalogCommand, printer: Printer) -> Result<(), Failure> {
    let catalog = load_catalog(cli)?;
    match command {
        CatalogCommand::List {
            provider,
            output_format,
        } => {
            let providers: Vec<Provider> =
                provider.map_or_else(|| Provider::ALL.to_vec(), |p| vec![p]);
            if *output_format == OutputFormat::Json {
                let items: Vec<_> = catalog
                    .functions
                    .iter()
                    .map(|(id, meta)| {
                        let per: BTreeMap<&str, serde_json::Value> = providers
                            .iter()
                            .map(|p| {
                                let value = catalog.implementation(*p, id).map_or(serde_json::Value::Null, |i| {
                                    json!({"service": i.service, "status": i.status.as_str()})
                                });
                                (p.as_str(), value)
                            })
                            .collect();
                        json!({"function": id, "title": meta.title, "tier": meta.tier, "coverage": meta.coverage, "providers": per})
                    })
                    .collect();
                printer.out(&format!("{:#}", json!({ "functions": items })));
                return Ok(());
            }
            let mut text = String::new();
            for (id, meta) in &catalog.functions {
                text.push_str(&format!("{id}  ({})\n", meta.title));
                for p in &providers {
                    match catalog.implementation(*p, id) {
                        Some(i) => text.push_str(&format!(
                            "    {:<6} {}{}\n",
                            p.as_str(),
                            i.service,
                            if i.status == catalog::Status::Native {
                                String::new()
                            } else {
                                format!("  [{}]", i.status.as_str())
                            }
                        )),
                        None => text
                            .push_str(&format!("    {:<6} (not in the catalog yet)\n", p.as_str())),
                    }
                }
            }
            printer.out(&text);
            Ok(())
        }
        CatalogCommand::Show {
            function,
            output_format,
        } => {
            let Some(meta) = catalog.functions.get(function) else {
                let hint = crate::diagnostics::did_you_mean(
                    function,
                    catalog.functions.keys().map(String::as_str),
                )
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
                return Err(Failure::Usage(format!(
                    "unknown function `{function}`{hint}"
                )));
            };
            let per: BTreeMap<&str, serde_json::Value> = Provider::ALL
                .iter()
                .map(|p| {
                    (
                        p.as_str(),
                        catalog
                            .implementation(*p, function)
                            .map_or(serde_json::Value::Null, |i| {
                                serde_json::to_value(i).unwrap_or_default()
                            }),
                    )
                })
                .collect();
            let value = json!({"function": function, "meta": meta, "providers": per});
            if *output_format == OutputFormat::Json {
                printer.out(&format!("{value:#}"));
                return Ok(());
            }
            let mut text = format!("{function}: {}\n{}\n", meta.title, meta.description);
            text.push_str(&format!(
                "tier: {}, deploy stage: {}, coverage: {}\n",
                meta.tier, meta.stage, meta.coverage
            ));
            for p in Provider::ALL {
                text.push('\n');
                match catalog.implementation(p, function) {
                    None => text.push_str(&format!("{}: not in the catalog yet\n", p.title())),
                    Some(i) => {
                        text.push_str(&format!(
                            "{}: {} [{}]\n",
                            p.title(),
                            i.service,
                            i.status.as_str()
                        ));
                        if let Some(note) = &i.note {
                            text.push_str(&format!("  note: {note}\n"));
                        }
                        text.push_str(&format!("  docs: {}\n", i.docs));
                        if !i.resources.is_empty() {
                            text.push_str(&format!("  resources: {}\n", i.resources.join(", ")));
                        }
                        for (tier, params) in &i.sizes {
                            let values: Vec<String> = params
                                .iter()
                                .map(|(k, v)| format!("{k}={}", v.text()))
                                .collect();
                            text.push_str(&format!("  {tier:<7} {}\n", values.join(", ")));
                        }
                    }
                }
            }
            printer.out(&text);
            Ok(())
        }
    }
}

fn templates_command(command: &TemplatesCommand, printer: Printer) -> Result<(), Failure> {
    match command {
        TemplatesCommand::List => {
            let names: Vec<String> = render::builtin_templates()
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            printer.out(&names.join("\n"));
            Ok(())
        }
        TemplatesCommand::Export { dir, force } => {
            let templates = render::builtin_templates();
            if !force {
                let existing: Vec<&String> = templates
                    .iter()
                    .map(|(n, _)| n)
                    .filter(|n| dir.join(n).exists())
                    .collect();
                if !existing.is_empty() {
                    return Err(Failure::Usage(format!(
                        "{} already has {} of the templates (e.g. {}); pass --force to overwrite",
                        dir.display(),
                        existing.len(),
                        existing[0]
                    )));
                }
            }
            for (name, text) in &templates {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        Failure::Output(outputs::OutputError::Io(parent.to_path_buf(), e))
                    })?;
                }
                std::fs::write(&path, text)
                    .map_err(|e| Failure::Output(outputs::OutputError::Io(path.clone(), e)))?;
            }
            printer.verb(
                "Exported",
                &format!("{} templates to {}", templates.len(), dir.display()),
            );
            Ok(())
        }
    }
}
