//! What the webview may call (ARCHITECTURE.md, "What the webview may call"),
//! checked in the files that decide it: the capabilities, tauri.conf.json,
//! the app's command list (app_commands.rs, given to Tauri's ACL by build.rs)
//! and the `generate_handler!` list of lib.rs. A new Tauri or plugin
//! permission, a second capability, a remote origin, a window other than
//! `main` or `withGlobalTauri` back on fails here; a command registered but
//! not granted (which Tauri would refuse at run time) too. The e2e test
//! `surface.rs` checks the same from the page.

use serde_json::Value;
use std::path::{Path, PathBuf};

include!("../app_commands.rs");

/// Tauri's own permissions granted to the page: listening to the app's two
/// events (`deep-link`, `device-status`; ui/ipc.js). Nothing else of Tauri
/// and no plugin's.
const TAURI_PERMISSIONS: &[&str] = &["core:event:allow-listen"];

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The commands in lib.rs's `tauri::generate_handler![…]`, by name.
fn registered_commands() -> Vec<String> {
    let lib = include_str!("lib.rs");
    let start = lib.find("generate_handler![").expect("lib.rs registers its commands with generate_handler!") + "generate_handler![".len();
    let end = start + lib[start..].find(']').expect("the end of generate_handler!");
    lib[start..end]
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.rsplit("::").next().unwrap_or(item).to_owned())
        .collect()
}

#[test]
fn one_capability_for_the_main_window_of_the_app_itself() {
    let dir = crate_dir().join("capabilities");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["default.json"], "{}: one capability only", dir.display());

    let capability = read_json(&dir.join("default.json"));
    let mut keys: Vec<&str> = capability.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    // No `remote` (pages from elsewhere), `webviews`, `platforms` or `local: false`.
    assert_eq!(keys, ["$schema", "description", "identifier", "permissions", "windows"]);
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
}

#[test]
fn the_capability_grants_listening_and_the_apps_commands_only() {
    let capability = read_json(&crate_dir().join("capabilities/default.json"));
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("a list of permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission names, no scopes"))
        .collect();
    let app: Vec<String> = APP_COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    let expected: Vec<&str> = TAURI_PERMISSIONS.iter().copied().chain(app.iter().map(String::as_str)).collect();
    assert_eq!(granted, expected, "capabilities/default.json: the webview's permissions changed (ARCHITECTURE.md)");
}

#[test]
fn the_acl_knows_every_registered_command_and_no_other() {
    let mut registered = registered_commands();
    registered.sort();
    let mut listed: Vec<String> = APP_COMMANDS.iter().map(|c| c.to_string()).collect();
    listed.sort();
    let before = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), before, "app_commands.rs names a command twice");
    assert_eq!(registered, listed, "lib.rs generate_handler! and app_commands.rs differ");
}

#[test]
fn no_global_tauri_api_and_no_capability_in_the_config() {
    let config = read_json(&crate_dir().join("../tauri.conf.json"));
    assert_eq!(config["app"]["withGlobalTauri"], Value::Bool(false));
    // Capabilities inline in the config would add to capabilities/.
    assert!(config["app"]["security"].get("capabilities").is_none());
}

#[test]
fn only_ui_ipc_js_reaches_tauri_and_only_to_listen() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "js" || e == "html") {
                out.push(path);
            }
        }
    }
    let ui = crate_dir().join("../ui");
    let mut files = Vec::new();
    walk(&ui, &mut files);
    for path in files {
        let name = path.strip_prefix(&ui).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        if name == "ipc.js" {
            let plugin_calls: Vec<&str> = text.match_indices("\"plugin:").map(|(i, _)| &text[i + 1..i + 1 + text[i + 1..].find('"').unwrap()]).collect();
            assert_eq!(plugin_calls, ["plugin:event|listen"], "ui/ipc.js calls a Tauri plugin command besides listen");
            assert!(!text.contains("window.__TAURI__."), "ui/ipc.js uses the global API (withGlobalTauri is off)");
        } else {
            assert!(!text.contains("__TAURI"), "ui/{name} reaches Tauri itself: only ui/ipc.js may");
        }
    }
}
