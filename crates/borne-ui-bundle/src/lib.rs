//! Joins the UI's entry module (`ui/app.js`) and every ES module it imports
//! into one script, `ui/app.bundle.js`, which `ui/index.html` loads. Written
//! by `src-tauri/build.rs` at each build (only when its content changes).
//!
//! Why: WebKit fetched and compiled the 29 modules one by one at start
//! (~50 ms of the ~100 ms between the page's first byte and its first
//! screen, README "App performance"); one script halves that.
//!
//! How: each module becomes a function scope, evaluated once, dependencies
//! first, in the order the browser evaluates ES modules (depth first, in the
//! order of the `import` lines); its imports become constants taken from the
//! modules it names, its exports the object it returns. That is exact for
//! the forms the UI uses, and anything else is a build error naming the
//! file and line, never a silently different script:
//! - `import { a, b as c } from "./x.js";` and `import name from "./x.js";`,
//!   one per line, at the start of the line, relative paths ending in `.js`;
//! - `export function`, `export async function`, `export const`,
//!   `export class` and `export default` at the start of a line;
//! - no `export let` (a live binding a constant would freeze), no
//!   `export { … }`, `export *`, `import * as`, dynamic `import(…)`, and no
//!   import cycle.
//!
//! Names imported but not exported by the module named are build errors too
//! (the browser would refuse the page).
//!
//! It reads lines, not a syntax tree: a line of a multi-line template
//! string that starts with `import ` or `export ` would be taken for code.
//! The UI has none (its texts are in i18n/, one per line); keep it so.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Why a bundle could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// A module could not be read.
    Read { module: String, message: String },
    /// A line this bundler does not translate exactly.
    Unsupported { module: String, line: usize, message: String },
    /// An import names something its module does not export.
    NotExported { module: String, line: usize, name: String, from: String },
    /// Modules import each other in a circle (listed in import order).
    Cycle(Vec<String>),
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::Read { module, message } => write!(f, "ui/{module}: cannot read: {message}"),
            BundleError::Unsupported { module, line, message } => write!(f, "ui/{module}:{line}: {message}"),
            BundleError::NotExported { module, line, name, from } => {
                write!(f, "ui/{module}:{line}: imports `{name}`, which ui/{from} does not export")
            }
            BundleError::Cycle(path) => write!(f, "import cycle: {}", path.join(" → ")),
        }
    }
}

impl std::error::Error for BundleError {}

/// The joined script and the modules in it, in evaluation order (paths
/// relative to the UI root, the entry last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub script: String,
    pub modules: Vec<String>,
}

/// What one `import` line takes from its module.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Taken {
    /// `import { name as local, … }`: (name, local) pairs.
    Named(Vec<(String, String)>),
    /// `import local from …`.
    Default(String),
}

#[derive(Debug, Clone)]
struct Import {
    line: usize,
    from: String,
    taken: Taken,
}

/// One module, read and checked: its lines with imports and `export`
/// keywords rewritten, what it imports and what it exports.
#[derive(Debug, Clone)]
struct Module {
    lines: Vec<Line>,
    imports: Vec<Import>,
    exports: Vec<String>,
    has_default: bool,
}

#[derive(Debug, Clone)]
enum Line {
    /// Kept as written (or with its `export ` keyword taken off).
    Code(String),
    /// The `import` line with this index in `Module::imports`.
    Import(usize),
}

const DEFAULT_LOCAL: &str = "__default__";

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The identifier at the start of `s` (up to the first character that
/// cannot be in one).
fn leading_identifier(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).unwrap_or(s.len());
    &s[..end]
}

/// The module `spec` names, seen from module `from` (both relative to the
/// UI root): `./` and `../` paths to `.js` files inside the root only.
fn resolve(from: &str, spec: &str) -> Result<String, String> {
    if !(spec.starts_with("./") || spec.starts_with("../")) || !spec.ends_with(".js") {
        return Err(format!("`{spec}`: only relative paths to .js files (\"./x.js\", \"../x.js\") are bundled"));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the importing file's own name
    for part in spec.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{spec}` points outside ui/"));
                }
            }
            name => parts.push(name),
        }
    }
    Ok(parts.join("/"))
}

/// `import { a, b as c } from "./x.js";` or `import a from "./x.js";`.
fn parse_import(module: &str, text: &str, line: usize) -> Result<Import, BundleError> {
    let unsupported = |message: String| BundleError::Unsupported { module: module.to_string(), line, message };
    let form = "only `import { a, b as c } from \"./x.js\";` and `import a from \"./x.js\";`, each on one line, are bundled";
    let rest = text.trim_end().strip_prefix("import").ok_or_else(|| unsupported(form.into()))?;
    let (what, spec) = rest.rsplit_once(" from ").ok_or_else(|| unsupported(form.into()))?;
    let spec = spec
        .strip_suffix(';')
        .and_then(|s| s.strip_prefix('"'))
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| unsupported(form.into()))?;
    let from = resolve(module, spec).map_err(unsupported)?;
    let what = what.trim();
    let taken = if let Some(list) = what.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
        let mut names = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, local) = match item.split_once(" as ") {
                Some((name, local)) => (name.trim(), local.trim()),
                None => (item, item),
            };
            if !is_identifier(name) || !is_identifier(local) {
                return Err(unsupported(format!("`{item}`: {form}")));
            }
            names.push((name.to_string(), local.to_string()));
        }
        if names.is_empty() {
            return Err(unsupported(format!("an import of nothing: {form}")));
        }
        Taken::Named(names)
    } else if is_identifier(what) {
        Taken::Default(what.to_string())
    } else {
        return Err(unsupported(form.into()));
    };
    Ok(Import { line, from, taken })
}

/// Reads one module's lines: its imports, its exports, and its code with
/// the `export` keywords taken off.
fn parse_module(module: &str, source: &str) -> Result<Module, BundleError> {
    let mut parsed = Module { lines: Vec::new(), imports: Vec::new(), exports: Vec::new(), has_default: false };
    for (index, text) in source.lines().enumerate() {
        let line = index + 1;
        let unsupported = |message: &str| BundleError::Unsupported { module: module.to_string(), line, message: message.to_string() };
        let trimmed = text.trim_start();
        let starts_import = trimmed.starts_with("import ") || trimmed.starts_with("import{");
        let starts_export = trimmed.starts_with("export ") || trimmed.starts_with("export{");
        if (starts_import || starts_export) && trimmed.len() != text.len() {
            return Err(unsupported("`import` and `export` must start their line (top level only)"));
        }
        if text.contains("import(") {
            return Err(unsupported("a dynamic `import(…)` would fetch a module apart from the bundle"));
        }
        if starts_import {
            parsed.imports.push(parse_import(module, text, line)?);
            parsed.lines.push(Line::Import(parsed.imports.len() - 1));
        } else if let Some(rest) = text.strip_prefix("export default ") {
            if parsed.has_default {
                return Err(unsupported("a second `export default`"));
            }
            parsed.has_default = true;
            parsed.lines.push(Line::Code(format!("const {DEFAULT_LOCAL} = {rest}")));
        } else if let Some(rest) = text.strip_prefix("export ") {
            let name = ["async function ", "function ", "const ", "class "]
                .iter()
                .find_map(|keyword| rest.strip_prefix(keyword))
                .map(leading_identifier)
                .filter(|name| !name.is_empty())
                .ok_or_else(|| {
                    unsupported(
                        "only `export function`, `export async function`, `export const`, `export class` and `export default` are bundled (`export let` would become a constant)",
                    )
                })?;
            parsed.exports.push(name.to_string());
            parsed.lines.push(Line::Code(rest.to_string()));
        } else if starts_export {
            return Err(unsupported("only `export function`, `export async function`, `export const`, `export class` and `export default` are bundled"));
        } else {
            parsed.lines.push(Line::Code(text.to_string()));
        }
    }
    Ok(parsed)
}

/// Reads `entry` and every module it imports through `read` (a path
/// relative to the UI root → its source) and joins them into one script.
pub fn bundle_with(entry: &str, read: impl Fn(&str) -> Result<String, String>) -> Result<Bundle, BundleError> {
    let mut modules: HashMap<String, Module> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // Depth first, in the order of the import lines: the browser's order.
    fn visit(
        name: &str,
        read: &dyn Fn(&str) -> Result<String, String>,
        modules: &mut HashMap<String, Module>,
        order: &mut Vec<String>,
        path: &mut Vec<String>,
    ) -> Result<(), BundleError> {
        if let Some(at) = path.iter().position(|p| p == name) {
            let mut cycle = path[at..].to_vec();
            cycle.push(name.to_string());
            return Err(BundleError::Cycle(cycle));
        }
        if modules.contains_key(name) {
            return Ok(());
        }
        let source = read(name).map_err(|message| BundleError::Read { module: name.to_string(), message })?;
        let module = parse_module(name, &source)?;
        path.push(name.to_string());
        for import in &module.imports {
            visit(&import.from, read, modules, order, path)?;
        }
        path.pop();
        modules.insert(name.to_string(), module);
        order.push(name.to_string());
        Ok(())
    }
    visit(entry, &read, &mut modules, &mut order, &mut Vec::new())?;

    let variable: HashMap<&str, String> = order.iter().enumerate().map(|(i, m)| (m.as_str(), format!("__module{i}__"))).collect();
    let mut script = format!(
        "// Generated by borne-ui-bundle (src-tauri/build.rs) from ui/{entry} and the {} modules it\n\
         // imports, each in its own scope, dependencies first. Edit those modules, not this file.\n",
        order.len() - 1
    );
    for name in &order {
        let module = &modules[name];
        // What every import takes must be there (the browser checks it too).
        for import in &module.imports {
            let target = &modules[&import.from];
            let missing = match &import.taken {
                Taken::Named(names) => names.iter().map(|(n, _)| n).find(|n| !target.exports.contains(n)).cloned(),
                Taken::Default(_) => (!target.has_default).then(|| "default".to_string()),
            };
            if let Some(missing) = missing {
                return Err(BundleError::NotExported { module: name.clone(), line: import.line, name: missing, from: import.from.clone() });
            }
        }
        script.push_str(&format!("\n// ui/{name}\nconst {} = (() => {{\n\"use strict\";\n", variable[name.as_str()]));
        for line in &module.lines {
            match line {
                Line::Code(text) => script.push_str(text),
                Line::Import(i) => {
                    let import = &module.imports[*i];
                    let from = &variable[import.from.as_str()];
                    match &import.taken {
                        Taken::Named(names) => {
                            let list: Vec<String> =
                                names.iter().map(|(n, l)| if n == l { n.clone() } else { format!("{n}: {l}") }).collect();
                            script.push_str(&format!("const {{ {} }} = {from};", list.join(", ")));
                        }
                        Taken::Default(local) => script.push_str(&format!("const {local} = {from}.default;")),
                    }
                }
            }
            script.push('\n');
        }
        let mut exported: Vec<String> = module.exports.clone();
        if module.has_default {
            exported.push(format!("default: {DEFAULT_LOCAL}"));
        }
        script.push_str(&format!("return {{ {} }};\n}})();\n", exported.join(", ")));
    }
    Ok(Bundle { script, modules: order })
}

/// [`bundle_with`] reading the modules from the directory `root`.
pub fn bundle_dir(root: &Path, entry: &str) -> Result<Bundle, BundleError> {
    bundle_with(entry, |name| std::fs::read_to_string(root.join(name)).map_err(|e| e.to_string()))
}

/// Writes `contents` to `path` unless it already holds exactly that (so a
/// build that changes nothing leaves the file, and what watches it, alone).
/// Returns whether it wrote.
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<bool> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    std::fs::write(path, contents)?;
    Ok(true)
}

/// Bundles `root/entry` into `root/out` (if its content changed) and gives
/// the file the time of its newest module: a build script that writes it
/// while Cargo watches `root` then does not make the next build run again.
/// Returns whether it wrote.
pub fn write_bundle(root: &Path, entry: &str, out: &str) -> Result<bool, String> {
    let bundle = bundle_dir(root, entry).map_err(|e| e.to_string())?;
    let path = root.join(out);
    let wrote = write_if_changed(&path, &bundle.script).map_err(|e| format!("ui/{out}: {e}"))?;
    let newest = bundle
        .modules
        .iter()
        .filter_map(|m| std::fs::metadata(root.join(m)).and_then(|meta| meta.modified()).ok())
        .max();
    if let Some(newest) = newest {
        let file = std::fs::File::options().write(true).open(&path).map_err(|e| format!("ui/{out}: {e}"))?;
        file.set_modified(newest).map_err(|e| format!("ui/{out}: {e}"))?;
    }
    Ok(wrote)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(files: &[(&str, &str)]) -> Result<Bundle, BundleError> {
        let files: HashMap<String, String> = files.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
        bundle_with("app.js", |name| files.get(name).cloned().ok_or_else(|| "no such file".to_string()))
    }

    #[test]
    fn dependencies_come_first_each_once_in_the_browsers_order() {
        let b = bundle(&[
            ("app.js", "import { b } from \"./js/b.js\";\nimport { a } from \"./js/a.js\";\nb(); a();"),
            ("js/a.js", "import { c } from \"./c.js\";\nexport function a() { return c; }"),
            ("js/b.js", "import { c } from \"./c.js\";\nexport function b() { return c; }"),
            ("js/c.js", "export const c = 1;"),
        ])
        .unwrap();
        assert_eq!(b.modules, ["js/c.js", "js/b.js", "js/a.js", "app.js"]);
        assert_eq!(b.script.matches("// ui/js/c.js\n").count(), 1);
        let at = |m: &str| b.script.find(&format!("// ui/{m}\n")).unwrap();
        assert!(at("js/c.js") < at("js/b.js") && at("js/b.js") < at("js/a.js") && at("js/a.js") < at("app.js"));
    }

    #[test]
    fn imports_become_constants_of_the_importers_scope_and_exports_its_result() {
        let b = bundle(&[
            ("app.js", "import { render as draw, t } from \"./js/x.js\";\nimport fr from \"./i18n/fr.js\";\ndraw(t(fr));"),
            ("js/x.js", "export function render() {}\nexport async function t(s) { return s; }\nconst hidden = 1;"),
            ("i18n/fr.js", "export default {\n  hello: \"Bonjour\",\n};"),
        ])
        .unwrap();
        assert!(b.script.contains("const { render: draw, t } = __module0__;"), "{}", b.script);
        assert!(b.script.contains("const fr = __module1__.default;"), "{}", b.script);
        assert!(b.script.contains("function render() {}\nasync function t(s) { return s; }\nconst hidden = 1;\nreturn { render, t };"), "{}", b.script);
        assert!(b.script.contains("const __default__ = {\n  hello: \"Bonjour\",\n};\nreturn { default: __default__ };"), "{}", b.script);
        assert!(!b.script.lines().any(|l| l.starts_with("import ") || l.starts_with("export ")), "{}", b.script);
    }

    #[test]
    fn a_name_the_module_does_not_export_is_a_build_error() {
        let err = bundle(&[("app.js", "\nimport { missing } from \"./x.js\";"), ("x.js", "const missing = 1;\nexport const other = 2;")]).unwrap_err();
        assert_eq!(err, BundleError::NotExported { module: "app.js".into(), line: 2, name: "missing".into(), from: "x.js".into() });
        assert_eq!(err.to_string(), "ui/app.js:2: imports `missing`, which ui/x.js does not export");
        let err = bundle(&[("app.js", "import x from \"./x.js\";"), ("x.js", "export const x = 1;")]).unwrap_err();
        assert!(matches!(err, BundleError::NotExported { ref name, .. } if name == "default"), "{err}");
    }

    #[test]
    fn an_import_cycle_is_a_build_error_naming_it() {
        let err = bundle(&[
            ("app.js", "import { a } from \"./a.js\";"),
            ("a.js", "import { b } from \"./b.js\";\nexport const a = 1;"),
            ("b.js", "import { a } from \"./a.js\";\nexport const b = 1;"),
        ])
        .unwrap_err();
        assert_eq!(err, BundleError::Cycle(vec!["a.js".into(), "b.js".into(), "a.js".into()]));
    }

    #[test]
    fn forms_it_cannot_translate_exactly_are_build_errors_with_their_line() {
        let cases = [
            "export let count = 0;",
            "export { a };",
            "export * from \"./x.js\";",
            "import * as x from \"./x.js\";",
            "import {\n  a,\n} from \"./x.js\";",
            "import \"./x.js\";",
            "import { a } from \"x.js\";",
            "import { a } from \"./x.mjs\";",
            "import { a } from \"../x.js\";",
            "  import { a } from \"./x.js\";",
            "const m = await import(\"./x.js\");",
            "export default 1;\nexport default 2;",
        ];
        for source in cases {
            let err = bundle(&[("app.js", source), ("x.js", "export const a = 1;")]).unwrap_err();
            assert!(matches!(err, BundleError::Unsupported { ref module, .. } if module == "app.js"), "{source:?} gave {err:?}");
        }
        let err = bundle(&[("app.js", "const a = 1;\nexport let b = 2;")]).unwrap_err();
        assert!(err.to_string().starts_with("ui/app.js:2: "), "{err}");
    }

    #[test]
    fn paths_are_resolved_from_the_importing_module() {
        assert_eq!(resolve("js/forms.js", "../ipc.js").unwrap(), "ipc.js");
        assert_eq!(resolve("js/forms.js", "./i18n.js").unwrap(), "js/i18n.js");
        assert_eq!(resolve("app.js", "./js/./forms.js").unwrap(), "js/forms.js");
        assert!(resolve("app.js", "../../etc/x.js").is_err());
        let err = bundle(&[("app.js", "import { a } from \"./gone.js\";")]).unwrap_err();
        assert!(matches!(err, BundleError::Read { ref module, .. } if module == "gone.js"), "{err}");
    }

    #[test]
    fn the_written_bundle_is_as_old_as_its_newest_module() {
        let dir = std::env::temp_dir().join(format!("borne-ui-bundle-time-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("app.js"), "import { a } from \"./a.js\";\na();").unwrap();
        std::fs::write(dir.join("a.js"), "export function a() {}").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        for m in ["app.js", "a.js"] {
            std::fs::File::options().write(true).open(dir.join(m)).unwrap().set_modified(old).unwrap();
        }
        assert!(write_bundle(&dir, "app.js", "app.bundle.js").unwrap());
        assert!(!write_bundle(&dir, "app.js", "app.bundle.js").unwrap());
        assert_eq!(std::fs::metadata(dir.join("app.bundle.js")).unwrap().modified().unwrap(), old);
        assert!(std::fs::read_to_string(dir.join("app.bundle.js")).unwrap().contains("function a() {}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_only_what_changed() {
        let dir = std::env::temp_dir().join(format!("borne-ui-bundle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("app.bundle.js");
        assert!(write_if_changed(&file, "a").unwrap());
        assert!(!write_if_changed(&file, "a").unwrap());
        assert!(write_if_changed(&file, "b").unwrap());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "b");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
