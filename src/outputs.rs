//! Outputs stage: write generated files to disk atomically, or compare them with disk
//! (`--check`).
//!
//! [`Staging`] and [`Checker`] are render [`Sink`]s: each file is written (or compared) as soon
//! as it is rendered and then dropped, so a large spec's output is never all in memory. Files are
//! written to a staging directory beside the target, files a user added (anything not in
//! archgen's manifest) are hard-linked into it, then the two directories are swapped in one
//! atomic exchange (or two renames where there is none). A run killed at any point leaves the
//! old tree or the new one, never a mix; the next run finishes or undoes an interrupted swap. The manifest lists what archgen wrote, so files it
//! no longer generates disappear and a user's own files are never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use similar::TextDiff;

use crate::render::{OutputTree, Sink, Text};

/// File that lists every path archgen generated in a directory.
pub const MANIFEST: &str = ".archgen-manifest";

/// Why writing failed.
#[derive(Debug)]
pub enum OutputError {
    /// The directory has files archgen did not write, and `--force` was not given.
    NotOurs(PathBuf, Vec<String>),
    /// A filesystem error.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotOurs(dir, files) => write!(
                f,
                "{} is not empty and archgen did not create it (found {}); pass --force to generate into it (files archgen does not generate are kept)",
                dir.display(),
                files.join(", ")
            ),
            Self::Io(path, err) => write!(f, "{}: {err}", path.display()),
        }
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files that did not exist.
    pub created: Vec<String>,
    /// Files whose contents changed.
    pub updated: Vec<String>,
    /// Files whose contents did not change.
    pub unchanged: usize,
    /// Generated files from a previous run that are no longer generated.
    pub removed: Vec<String>,
    /// Files in the directory archgen did not write and left alone.
    pub kept: usize,
    /// Every file generated (or carried over), in order; the manifest lists them.
    pub files: Vec<String>,
}

/// What a generated file is, for the summary `generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Terraform configuration, tfvars and backend files.
    Terraform,
    /// Deploy and destroy scripts.
    Scripts,
    /// CI workflows.
    Workflows,
    /// Mermaid diagrams and their index.
    Diagrams,
    /// Cost sheets and comparisons.
    CostSheets,
    /// ARCHITECTURE.md, DEPLOY.md and other documents.
    Docs,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in summary order.
    pub const ALL: [Self; 7] = [
        Self::Terraform,
        Self::Scripts,
        Self::Workflows,
        Self::Diagrams,
        Self::CostSheets,
        Self::Docs,
        Self::Other,
    ];

    /// The kind of a generated path (`/`-separated, relative to the output directory).
    pub fn of(path: &str) -> Self {
        let has = |dir: &str| path.split('/').any(|part| part == dir);
        if path.starts_with(".github/workflows/") {
            Self::Workflows
        } else if has("cost") {
            Self::CostSheets
        } else if has("diagrams") {
            Self::Diagrams
        } else if has("scripts") || path.ends_with(".sh") {
            Self::Scripts
        } else if has("terraform") {
            Self::Terraform
        } else if path.ends_with(".md") {
            Self::Docs
        } else {
            Self::Other
        }
    }

    /// Column heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Terraform => "terraform",
            Self::Scripts => "scripts",
            Self::Workflows => "workflows",
            Self::Diagrams => "diagrams",
            Self::CostSheets => "cost sheets",
            Self::Docs => "docs",
            Self::Other => "other",
        }
    }
}

/// The provider directory a generated path sits in, or `shared` for cross-provider files.
pub fn group(path: &str) -> &str {
    match path.split_once('/') {
        Some((first, _))
            if crate::catalog::Provider::ALL
                .iter()
                .any(|p| p.as_str() == first) =>
        {
            first
        }
        _ => "shared",
    }
}

/// Files per group (provider or `shared`) and kind.
pub fn tally<'a>(
    paths: impl IntoIterator<Item = &'a String>,
) -> BTreeMap<String, BTreeMap<Kind, usize>> {
    let mut out: BTreeMap<String, BTreeMap<Kind, usize>> = BTreeMap::new();
    for path in paths {
        *out.entry(group(path).to_string())
            .or_default()
            .entry(Kind::of(path))
            .or_default() += 1;
    }
    out
}

/// The manifest text for the generated files' paths (in order).
pub fn manifest<'a>(paths: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = String::from("# Files generated by archgen. Do not edit: regenerate instead.\n");
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    text
}

fn read_manifest(dir: &Path) -> Option<BTreeSet<String>> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Every file under `dir`, as `/`-separated relative paths.
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.archgen-{suffix}"))
}

/// Finishes or undoes a swap a killed run left behind.
fn recover(dir: &Path) -> io::Result<()> {
    let old = sibling(dir, "old");
    let new = sibling(dir, "new");
    if old.exists() {
        if dir.exists() {
            fs::remove_dir_all(&old)?;
        } else {
            fs::rename(&old, dir)?;
        }
    }
    if new.exists() {
        fs::remove_dir_all(&new)?;
    }
    Ok(())
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |err| OutputError::Io(path.to_path_buf(), err)
}

/// Which files a run regenerates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every file: the directory becomes exactly what this run generates.
    #[default]
    All,
    /// Only files under these path prefixes (`aws/`); every other file the previous run
    /// generated (its manifest lists it) stays as it is, whatever this run generates there.
    Only(Vec<String>),
}

impl Scope {
    /// The files of the previous run in `dir` that stay as they are: listed in its manifest,
    /// outside the regenerated prefixes, and still on disk.
    fn carried(&self, dir: &Path) -> BTreeSet<String> {
        let Self::Only(prefixes) = self else {
            return BTreeSet::new();
        };
        read_manifest(dir)
            .unwrap_or_default()
            .into_iter()
            .filter(|path| {
                !prefixes
                    .iter()
                    .any(|prefix| path.starts_with(prefix.as_str()))
            })
            .filter(|path| dir.join(path).is_file())
            .collect()
    }
}

/// What writing one file did to the tree on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Created,
    Updated,
    Unchanged,
}

/// A [`Sink`] that writes each file into a staging directory beside `dir` as it arrives, and
/// [`Staging::finish`] swaps it in: the generated files are never all in memory, and `dir`
/// changes in one step or not at all. Dropped without `finish` (an error, a failed render),
/// it removes the staging directory and `dir` is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    /// The staging directory the files are written into.
    new: PathBuf,
    /// Every file in `dir` before the run.
    existing: Vec<String>,
    /// What the previous run generated (its manifest).
    previous: BTreeSet<String>,
    /// Files of the previous run kept as they are (see [`Scope`]).
    carried: BTreeSet<String>,
    state: Mutex<Written>,
    finished: bool,
}

/// What a [`Staging`] has written so far.
#[derive(Debug, Default)]
struct Written {
    changes: BTreeMap<String, Change>,
    /// The first error; files after it are not written.
    error: Option<OutputError>,
}

impl Staging {
    /// Prepares to write into `dir`: finishes or undoes an interrupted earlier run, refuses a
    /// non-empty directory archgen did not create unless `force`, and creates the staging
    /// directory.
    pub fn open(dir: &Path, force: bool, scope: &Scope) -> Result<Self, OutputError> {
        recover(dir).map_err(io_at(dir))?;
        let existing = list_files(dir).map_err(io_at(dir))?;
        let previous = read_manifest(dir);
        if previous.is_none() && !existing.is_empty() && !force {
            return Err(OutputError::NotOurs(
                dir.to_path_buf(),
                existing.iter().take(3).cloned().collect(),
            ));
        }
        let staging = sibling(dir, "new");
        fs::create_dir_all(&staging).map_err(io_at(&staging))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            new: staging,
            existing,
            previous: previous.unwrap_or_default(),
            carried: scope.carried(dir),
            state: Mutex::new(Written::default()),
            finished: false,
        })
    }

    fn written(&self) -> std::sync::MutexGuard<'_, Written> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes one file under the staging directory, comparing it with its copy in `dir`.
    fn write_one(&self, path: &str, text: &Text, again: bool) -> Result<Change, OutputError> {
        let target = self.new.join(path);
        let current = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        if again {
            // Never write through a link to the old tree's copy.
            fs::remove_file(&target).map_err(io_at(&target))?;
        }
        let metadata = fs::symlink_metadata(&current).ok();
        let change = match &metadata {
            None => Change::Created,
            // A file of another length differs: no need to read it.
            Some(m) if m.is_file() && m.len() == text.len() as u64 => {
                if same_content(&current, text) {
                    Change::Unchanged
                } else {
                    Change::Updated
                }
            }
            Some(_) => Change::Updated,
        };
        // An unchanged regular file with the right mode is hard-linked into the new tree
        // instead of written again: no new inode, no data written, and removing the old tree
        // only drops a link. Nothing is modified in place, so the old tree stays intact until
        // the swap.
        let linked = change == Change::Unchanged
            && metadata.is_some_and(|m| has_mode(&m, path))
            && fs::hard_link(&current, &target).is_ok();
        if !linked {
            write_text(&target, text).map_err(io_at(&target))?;
            set_mode(&target, path).map_err(io_at(&target))?;
        }
        Ok(change)
    }

    /// Writes the manifest, keeps the user's files and the carried ones, and swaps the staging
    /// directory in for `dir`; the first error of any write is reported here.
    pub fn finish(mut self) -> Result<WriteSummary, OutputError> {
        let written = std::mem::take(&mut *self.written());
        if let Some(err) = written.error {
            return Err(err);
        }
        let mut changes = written.changes;
        let mut summary = WriteSummary::default();
        for path in &self.carried {
            let (from, to) = (self.dir.join(path), self.new.join(path));
            link_or_copy(&from, &to)?;
            changes.insert(path.clone(), Change::Unchanged);
        }
        for (path, change) in &changes {
            match change {
                Change::Created => summary.created.push(path.clone()),
                Change::Updated => summary.updated.push(path.clone()),
                Change::Unchanged => summary.unchanged += 1,
            }
        }
        let manifest_path = self.new.join(MANIFEST);
        fs::write(&manifest_path, manifest(changes.keys())).map_err(io_at(&manifest_path))?;
        // Keep every file that is not ours; drop generated files no longer generated.
        for path in &self.existing {
            if path == MANIFEST || changes.contains_key(path) {
                continue;
            }
            if self.previous.contains(path) {
                summary.removed.push(path.clone());
                continue;
            }
            summary.kept += 1;
            link_or_copy(&self.dir.join(path), &self.new.join(path))?;
        }
        summary.files = changes.into_keys().collect();
        let (dir, staging) = (&self.dir, &self.new);
        if dir.exists() {
            if exchange(staging, dir).is_ok() {
                // `dir` is the new tree in one step; the staging name now holds the old one.
                self.finished = true;
                fs::remove_dir_all(staging).map_err(io_at(staging))?;
            } else {
                // No atomic exchange here: two renames, finished or undone by `recover`.
                let old = sibling(dir, "old");
                fs::rename(dir, &old).map_err(io_at(dir))?;
                self.finished = true;
                fs::rename(staging, dir).map_err(io_at(dir))?;
                fs::remove_dir_all(&old).map_err(io_at(&old))?;
            }
        } else {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(io_at(parent))?;
            }
            fs::rename(staging, dir).map_err(io_at(dir))?;
            self.finished = true;
        }
        Ok(summary)
    }
}

impl Sink for Staging {
    fn put(&self, path: String, text: Text) {
        if self.carried.contains(&path) {
            return;
        }
        let again = {
            let written = self.written();
            if written.error.is_some() {
                return;
            }
            written.changes.contains_key(&path)
        };
        let result = self.write_one(&path, &text, again);
        drop(text);
        let mut written = self.written();
        match result {
            Ok(change) => {
                written.changes.insert(path, change);
            }
            Err(err) => {
                written.error.get_or_insert(err);
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.new);
        }
    }
}

/// Whether the file at `path` holds exactly `text` (its length already matches): read and
/// compared a chunk at a time, so a large file is never read into one buffer.
fn same_content(path: &Path, text: &Text) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buffer = vec![0; crate::render::text::CHUNK];
    for chunk in text.chunks() {
        let read = &mut buffer[..chunk.len()];
        if io::Read::read_exact(&mut file, read).is_err() || *read != *chunk {
            return false;
        }
    }
    io::Read::read(&mut file, &mut buffer[..1]).is_ok_and(|n| n == 0)
}

/// Writes `text` to a new file at `path`, chunk by chunk.
fn write_text(path: &Path, text: &Text) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    for chunk in text.chunks() {
        io::Write::write_all(&mut file, chunk)?;
    }
    Ok(())
}

/// Hard-links `from` to `to` (creating `to`'s directory), or copies it where links fail.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), OutputError> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).map_err(io_at(from))?;
    }
    Ok(())
}

/// Writes `tree` (plus its manifest) to `dir`, atomically.
pub fn write(tree: &OutputTree, dir: &Path, force: bool) -> Result<WriteSummary, OutputError> {
    let staging = Staging::open(dir, force, &Scope::All)?;
    for (path, text) in tree {
        staging.put(path.clone(), text.as_str().into());
    }
    staging.finish()
}

/// Swaps two directories atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// The mode of a generated file: scripts are executable.
#[cfg(unix)]
fn mode_of(path: &str) -> u32 {
    if Path::new(path).extension().is_some_and(|e| e == "sh") {
        0o755
    } else {
        0o644
    }
}

#[cfg(unix)]
fn set_mode(target: &Path, path: &str) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(target, fs::Permissions::from_mode(mode_of(path)))
}

/// Whether a file on disk already has the mode archgen gives `path`.
#[cfg(unix)]
fn has_mode(metadata: &fs::Metadata, path: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o7777 == mode_of(path)
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: &str) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn has_mode(_: &fs::Metadata, _: &str) -> bool {
    true
}

/// One difference between the tree and disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Relative path.
    pub path: String,
    /// Unified diff (disk -> generated); empty for a stale file with no content change to show.
    pub diff: String,
}

/// A [`Sink`] that compares each file with its copy in `dir` as it arrives, writing nothing
/// (`--check`); [`Checker::finish`] adds the manifest and the stale files.
#[derive(Debug)]
pub struct Checker {
    dir: PathBuf,
    /// Files of the previous run kept as they are (see [`Scope`]).
    carried: BTreeSet<String>,
    state: Mutex<Checked>,
}

/// What a [`Checker`] has compared so far.
#[derive(Debug, Default)]
struct Checked {
    files: BTreeSet<String>,
    drifts: Vec<Drift>,
}

impl Checker {
    /// Prepares to compare with `dir`.
    pub fn open(dir: &Path, scope: &Scope) -> Self {
        Self {
            dir: dir.to_path_buf(),
            carried: scope.carried(dir),
            state: Mutex::new(Checked::default()),
        }
    }

    /// How many files the run generates (manifest excluded), and every difference with disk,
    /// by path, then the stale files.
    pub fn finish(self) -> (usize, Vec<Drift>) {
        let Checked {
            mut files,
            mut drifts,
        } = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        files.extend(self.carried);
        if let Some(drift) = compare(&self.dir, MANIFEST, &manifest(&files)) {
            drifts.push(drift);
        }
        drifts.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(previous) = read_manifest(&self.dir) {
            for path in previous {
                if !files.contains(&path) && path != MANIFEST && self.dir.join(&path).exists() {
                    drifts.push(Drift {
                        diff: format!("stale generated file: {path} (no longer generated)\n"),
                        path,
                    });
                }
            }
        }
        (files.len(), drifts)
    }
}

impl Sink for Checker {
    fn put(&self, path: String, text: Text) {
        if self.carried.contains(&path) {
            return;
        }
        let drift = compare(&self.dir, &path, &text.into_string());
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.drifts.extend(drift);
        state.files.insert(path);
    }
}

/// How `text` differs from `dir/path`, if it does.
fn compare(dir: &Path, path: &str, text: &str) -> Option<Drift> {
    let on_disk = fs::read_to_string(dir.join(path)).ok();
    if on_disk.as_deref() == Some(text) {
        return None;
    }
    let old = on_disk.unwrap_or_default();
    let diff = TextDiff::from_lines(old.as_str(), text)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    Some(Drift {
        path: path.to_string(),
        diff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_groups_of_generated_paths() {
        let cases = [
            ("aws/terraform/main.tf", "aws", Kind::Terraform),
            (
                "aws/terraform/environments/dev.tfvars",
                "aws",
                Kind::Terraform,
            ),
            ("gcp/scripts/deploy.sh", "gcp", Kind::Scripts),
            (
                ".github/workflows/archgen-terraform.yml",
                "shared",
                Kind::Workflows,
            ),
            ("azure/diagrams/README.md", "azure", Kind::Diagrams),
            ("diagrams/architecture.mmd", "shared", Kind::Diagrams),
            ("aws/cost/prod.csv", "aws", Kind::CostSheets),
            ("cost/dev.md", "shared", Kind::CostSheets),
            ("ARCHITECTURE.md", "shared", Kind::Docs),
            ("aws/terraform/cost.tf", "aws", Kind::Terraform),
        ];
        for (path, group_name, kind) in cases {
            assert_eq!(Kind::of(path), kind, "{path}");
            assert_eq!(group(path), group_name, "{path}");
        }
        let paths: Vec<String> = cases.iter().map(|(p, _, _)| (*p).to_string()).collect();
        let tally = tally(&paths);
        assert_eq!(tally["aws"][&Kind::Terraform], 3);
        assert_eq!(tally["shared"].values().sum::<usize>(), 4);
    }

    /// A regeneration links unchanged files (same inode, same bytes), writes changed ones,
    /// and rewrites an unchanged file whose mode was changed on disk rather than touching the
    /// old tree's copy.
    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_changed_ones_written() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = std::env::temp_dir().join(format!("archgen-link-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut tree = OutputTree::new();
        tree.insert("a/same.tf".into(), "same\n".into());
        tree.insert("a/changed.tf".into(), "old\n".into());
        tree.insert("a/scripts/deploy.sh".into(), "#!/bin/sh\n".into());
        write(&tree, &dir, false).unwrap();
        let inode = |path: &str| fs::metadata(dir.join(path)).unwrap().ino();
        let (same, script) = (inode("a/same.tf"), inode("a/scripts/deploy.sh"));
        fs::set_permissions(
            dir.join("a/scripts/deploy.sh"),
            fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        tree.insert("a/changed.tf".into(), "new\n".into());
        let summary = write(&tree, &dir, false).unwrap();
        assert_eq!(summary.updated, vec!["a/changed.tf".to_string()]);
        assert_eq!(summary.unchanged, 2);
        assert_eq!(inode("a/same.tf"), same, "an unchanged file is linked");
        assert_eq!(fs::read_to_string(dir.join("a/same.tf")).unwrap(), "same\n");
        assert_eq!(
            fs::read_to_string(dir.join("a/changed.tf")).unwrap(),
            "new\n"
        );
        let mode = fs::metadata(dir.join("a/scripts/deploy.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o755, "the script's mode is restored");
        assert_ne!(inode("a/scripts/deploy.sh"), script, "and it is a new file");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Files larger than one chunk are compared chunk by chunk: equal bytes are unchanged, and
    /// a difference in a later chunk, or a file that goes on past the text, is not.
    #[test]
    fn large_files_are_compared_a_chunk_at_a_time() {
        let dir = std::env::temp_dir().join(format!("archgen-same-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.tf");
        let body = "line 0123456789\n".repeat(6000);
        assert!(body.len() > 2 * crate::render::text::CHUNK);
        fs::write(&path, &body).unwrap();
        assert!(same_content(&path, &Text::from(body.as_str())));
        let mut changed = body.clone().into_bytes();
        let at = crate::render::text::CHUNK + 100;
        changed[at] = if changed[at] == b'x' { b'y' } else { b'x' };
        let changed = String::from_utf8(changed).unwrap();
        assert!(!same_content(&path, &Text::from(changed.as_str())));
        assert!(!same_content(&path, &Text::from(&body[..body.len() - 1])));
        assert!(!same_content(&dir.join("missing.tf"), &Text::from("x")));
        write_text(&dir.join("copy.tf"), &Text::from(body.as_str())).unwrap();
        assert_eq!(fs::read_to_string(dir.join("copy.tf")).unwrap(), body);
        fs::remove_dir_all(&dir).unwrap();
    }
}
