//! The layout rules `cargo xtask test` holds the sources to: no Rust file over
//! [`MAX_LINES`] lines, and no two modules of a crate that import each other (a circle
//! means two modules that are really one, or a piece that belongs to neither).
//!
//! Modules are read from the file tree (`a/b.rs` and `a/b/mod.rs` are `a::b`); an import is
//! any `crate::…`, `super::…` or `self::…` path, in `use` declarations (braces expanded) or
//! in code, and counts against the deepest module it names. Unit tests (`#[cfg(test)] mod
//! tests`) are left out: a test may reach back into its parent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The longest a source file may be.
pub const MAX_LINES: usize = 600;

/// Directories never looked into for the line limit.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "node_modules", "dist"];

/// The crates' source trees checked for circles, from the workspace root.
const SOURCE_ROOTS: &[&str] = &[
    "src-tauri/src",
    "ui/src",
    "crates/protocol/src",
    "crates/engine/src",
    "crates/server/src",
    "crates/cli/src",
    "xtask/src",
];

/// A module's path inside its crate (`["store", "queue"]`); the crate root is empty.
type ModulePath = Vec<String>;

/// Checks every source root; fails listing every file too long and every circle.
pub fn check() -> Result<()> {
    let root = crate::workspace_root();
    let mut problems = Vec::new();
    // Every Rust file of the repository: sources, tests, benches, build scripts.
    for file in rust_files(&root)? {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{} has {lines} lines (at most {MAX_LINES})",
                display(&root, &file)
            ));
        }
    }
    for source in SOURCE_ROOTS {
        let dir = root.join(source);
        if !dir.is_dir() {
            continue;
        }
        let files = rust_files(&dir)?;
        let modules = read_modules(&dir, &files)?;
        for (a, b) in circles(&modules) {
            problems.push(format!(
                "{source}: `{}` and `{}` import each other",
                name(&a),
                name(&b)
            ));
        }
    }
    if problems.is_empty() {
        println!("    every file within {MAX_LINES} lines, no import circle");
        Ok(())
    } else {
        bail!("the layout rules are broken:\n  {}", problems.join("\n  "))
    }
}

fn display(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

fn name(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                let skipped = path
                    .file_name()
                    .is_some_and(|n| SKIPPED_DIRS.iter().any(|s| n == *s));
                if !skipped {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A module of a crate: its path, and its source without unit tests.
struct Module {
    path: ModulePath,
    source: String,
}

fn read_modules(dir: &Path, files: &[PathBuf]) -> Result<Vec<Module>> {
    files
        .iter()
        .map(|file| {
            let relative = file.strip_prefix(dir).unwrap_or(file).with_extension("");
            let mut path: ModulePath = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let owns_dir = matches!(
                path.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            );
            // `bin/x.rs` files are crate roots of their own; their imports are the bin's.
            if owns_dir || path.first().is_some_and(|p| p == "bin") {
                path.pop();
            }
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            Ok(Module {
                path,
                source: without_unit_tests(&text),
            })
        })
        .collect()
}

fn without_unit_tests(text: &str) -> String {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// Every pair of modules that import each other, each pair once.
fn circles(modules: &[Module]) -> Vec<(ModulePath, ModulePath)> {
    let known: BTreeSet<&ModulePath> = modules.iter().map(|m| &m.path).collect();
    let mut edges: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
    for module in modules {
        for import in imports(&module.source) {
            let Some(target) = resolve(module, &import, &known) else {
                continue;
            };
            if target != module.path {
                edges.entry(module.path.clone()).or_default().insert(target);
            }
        }
    }
    let mut found = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            let back = edges.get(to).is_some_and(|t| t.contains(from));
            if back && from < to {
                found.push((from.clone(), to.clone()));
            }
        }
    }
    found
}

/// The deepest known module `import` names, seen from `module`.
fn resolve(
    module: &Module,
    import: &[String],
    known: &BTreeSet<&ModulePath>,
) -> Option<ModulePath> {
    let (first, rest) = import.split_first()?;
    // The module whose items `self::` names, and its parent for `super::`.
    let here = module.path.clone();
    let mut full: ModulePath = match first.as_str() {
        "crate" => Vec::new(),
        "self" => here,
        "super" => {
            let mut parent = here;
            parent.pop();
            parent
        }
        _ => return None,
    };
    // Nested `super::super::…`.
    let mut rest = rest;
    while let Some((step, tail)) = rest.split_first() {
        if step != "super" {
            break;
        }
        full.pop();
        rest = tail;
    }
    full.extend(rest.iter().filter(|part| *part != "self").cloned());
    (0..=full.len())
        .rev()
        .map(|len| full[..len].to_vec())
        .find(|candidate| known.contains(candidate))
}

/// The `crate::`, `super::` and `self::` paths in `source`, `use` braces expanded.
fn imports(source: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for declaration in use_declarations(source) {
        for path in expand(&declaration) {
            found.push(path.split("::").map(str::to_owned).collect());
        }
    }
    // Paths written in code (`super::handlers::register(…)`).
    let bytes = source.as_bytes();
    for prefix in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = source[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let path: String = source[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let path = path.trim_end_matches(':');
            found.push(path.split("::").map(str::to_owned).collect());
        }
    }
    found
}

/// The bodies of `use …;` declarations, each run of whitespace made one space.
fn use_declarations(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let starts_item = before.is_empty()
            || before.ends_with('\n')
            || before.ends_with(' ')
            || before.ends_with('\t');
        rest = &rest[at + 4..];
        if !starts_item {
            continue;
        }
        if let Some(end) = rest.find(';') {
            let body = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
            if ["crate::", "super::", "self::"]
                .iter()
                .any(|p| body.starts_with(p))
            {
                found.push(body);
            }
        }
    }
    found
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find("::{") else {
        return vec![path.to_owned()];
    };
    let prefix = &path[..open];
    let inner = path[open + 3..]
        .strip_suffix('}')
        .unwrap_or(&path[open + 3..]);
    let mut items = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    items.push(current);
    items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .flat_map(|item| {
            let item = item.split(" as ").next().unwrap_or(item).trim();
            expand(item)
                .into_iter()
                .map(|tail| format!("{prefix}::{tail}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &[&str], source: &str) -> Module {
        Module {
            path: path.iter().map(|p| (*p).to_owned()).collect(),
            source: source.to_owned(),
        }
    }

    #[test]
    fn two_siblings_that_import_each_other_are_a_circle() {
        let modules = [
            module(&[], "mod gateway;"),
            module(&["gateway"], "mod handlers; mod session;"),
            module(
                &["gateway", "handlers"],
                "use super::{session::Session, GatewayState};",
            ),
            module(
                &["gateway", "session"],
                "fn f() { super::handlers::register(&s); }",
            ),
        ];
        let found = circles(&modules);
        assert_eq!(found.len(), 1, "{:?}", found);
        assert_eq!(name(&found[0].0), "gateway::handlers");
        assert_eq!(name(&found[0].1), "gateway::session");
    }

    #[test]
    fn one_way_imports_and_parent_items_are_no_circle() {
        let modules = [
            module(&[], "mod store; use crate::store::Store;"),
            module(&["store"], "mod queue; pub struct Store;"),
            module(
                &["store", "queue"],
                "use super::Store;\nuse crate::actor::Actor;",
            ),
        ];
        assert!(circles(&modules).is_empty());
    }

    #[test]
    fn braces_expand_to_every_path() {
        assert_eq!(
            expand("crate::store::{queue, write::{insert, audit}}"),
            [
                "crate::store::queue",
                "crate::store::write::insert",
                "crate::store::write::audit"
            ]
        );
    }
}
