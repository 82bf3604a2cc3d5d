//! The real UI: app.js bundles, and nothing under ui/ is left out of it.

use std::path::{Path, PathBuf};

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

/// Every .js file under `dir`, relative to ui/.
fn scripts(ui: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scripts(ui, &path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path.strip_prefix(ui).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn the_ui_bundles_with_every_module_once_and_app_js_last() {
    let ui = ui_dir();
    let bundle = borne_ui_bundle::bundle_dir(&ui, "app.js").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bundle.modules.last().map(String::as_str), Some("app.js"));
    let mut included = bundle.modules.clone();
    included.sort();
    let mut on_disk = Vec::new();
    scripts(&ui, &ui, &mut on_disk);
    // hello.js is the bench's bare page; app.bundle.js is this bundle, written by the build.
    on_disk.retain(|f| f != "hello.js" && f != "app.bundle.js");
    on_disk.sort();
    assert_eq!(included, on_disk, "modules under ui/ that app.js does not import (or the reverse)");
    for module in &bundle.modules {
        assert_eq!(bundle.script.matches(&format!("\n// ui/{module}\n")).count(), 1, "{module}");
    }
}
