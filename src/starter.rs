//! Starter specs for `archgen init`: every bundled example (`examples/*/archgen.yaml`), embedded,
//! with a comment header that says how to use it.

use include_dir::{Dir, include_dir};

static EXAMPLES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/examples");

/// The pattern `archgen init` uses without `--pattern`.
pub const DEFAULT_PATTERN: &str = "three-tier-web";

/// The schema modeline written into a starter spec (the schema sits beside the spec once the user
/// runs `archgen schema > archgen.schema.json`).
const MODELINE: &str = "# yaml-language-server: $schema=archgen.schema.json";

/// One bundled example.
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// Directory name under `examples/`.
    pub name: &'static str,
    /// The example spec as committed.
    pub text: &'static str,
}

impl Pattern {
    /// The spec's `description:`, folded into one line and cut at its first clause.
    pub fn summary(&self) -> String {
        let description = crate::spec::parse(self.name, self.text)
            .map(|s| s.file.description)
            .unwrap_or_default();
        let line = description.split_whitespace().collect::<Vec<_>>().join(" ");
        let cut = [": ", ". ", " ("]
            .iter()
            .filter_map(|sep| line.find(sep))
            .min()
            .map_or(line.as_str(), |at| &line[..at]);
        let cut = cut.trim_end_matches('.');
        if cut.chars().count() <= 90 {
            return cut.to_string();
        }
        let mut short = String::new();
        for word in cut.split(' ') {
            if short.chars().count() + word.chars().count() + 1 > 87 {
                break;
            }
            if !short.is_empty() {
                short.push(' ');
            }
            short.push_str(word);
        }
        short.push_str("...");
        short
    }

    /// The starter spec: a comment header naming `file` in its commands, then the example with
    /// its schema modeline pointing beside the spec.
    pub fn starter(&self, file: &str) -> String {
        // The name goes into comments: a line break would end the comment.
        let file = if file.is_empty() || file.contains(['\n', '\r']) {
            "archgen.yaml"
        } else {
            file
        };
        let file = if file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-+@:".contains(c))
        {
            file.to_string()
        } else {
            format!("'{}'", file.replace('\'', "'\\''"))
        };
        let commands = [
            (
                format!("archgen validate {file}"),
                "report every problem at once",
            ),
            (
                format!("archgen generate {file} -o infra/"),
                "Terraform, scripts, workflows, diagrams, costs",
            ),
            (
                format!("archgen cost {file} --provider all"),
                "monthly cost per cloud, side by side",
            ),
            (
                format!("archgen analyze {file}"),
                "production risks: single points of failure, ...",
            ),
        ];
        let width = commands.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
        let mut text = format!(
            "# archgen starter spec, from the `{}` pattern (`archgen init --list` shows the others).\n\
             #\n\
             # Edit the name, description, providers (regions, GCP project), environments and\n\
             # components below, then:\n\
             #\n",
            self.name
        );
        for (command, what) in &commands {
            text.push_str(&format!("#   {command:<width$}  # {what}\n"));
        }
        text.push_str(
            "#\n\
             # Editor completion and checking: `archgen schema > archgen.schema.json` beside this file\n\
             # (the modeline below points at it). Functions: `archgen catalog list`.\n",
        );
        let is_modeline = |line: &str| line.starts_with("# yaml-language-server: $schema=");
        if !self.text.lines().any(is_modeline) {
            text.push_str(MODELINE);
            text.push('\n');
        }
        for line in self.text.lines() {
            if is_modeline(line) {
                text.push_str(MODELINE);
            } else {
                text.push_str(line);
            }
            text.push('\n');
        }
        text
    }
}

/// Every bundled pattern, sorted by name.
pub fn patterns() -> Vec<Pattern> {
    let mut out: Vec<Pattern> = EXAMPLES
        .dirs()
        .filter_map(|dir| {
            let name = dir.path().file_name()?.to_str()?;
            let text = dir
                .get_file(dir.path().join("archgen.yaml"))?
                .contents_utf8()?;
            Some(Pattern { name, text })
        })
        .collect();
    out.sort_by_key(|p| p.name);
    out
}

/// The pattern called `name`.
pub fn pattern(name: &str) -> Option<Pattern> {
    patterns().into_iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_embedded_with_a_summary() {
        let patterns = patterns();
        assert!(patterns.len() >= 10, "{}", patterns.len());
        assert!(pattern(DEFAULT_PATTERN).is_some());
        for p in &patterns {
            let summary = p.summary();
            assert!(!summary.is_empty(), "{}", p.name);
            assert!(summary.chars().count() <= 90, "{}: {summary}", p.name);
            assert!(!summary.contains('\n'), "{}", p.name);
        }
    }

    #[test]
    fn starter_has_header_and_one_modeline() {
        let text = pattern(DEFAULT_PATTERN)
            .expect("default pattern")
            .starter("my.yaml");
        assert!(text.starts_with("# archgen starter spec"), "{text}");
        assert!(text.contains("archgen validate my.yaml"), "{text}");
        assert_eq!(text.matches("# yaml-language-server: $schema=").count(), 1);
        assert!(text.contains(MODELINE));
        let hostile = pattern(DEFAULT_PATTERN)
            .expect("default pattern")
            .starter("x\nname: evil");
        assert!(!hostile.contains("name: evil"));
    }
}
