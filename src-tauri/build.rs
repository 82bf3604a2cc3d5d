use std::path::Path;

include!("app_commands.rs");

fn main() {
    // tauri.conf.json lives at the repository root (see ARCHITECTURE.md).
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // ui/index.html loads one script, ui/app.bundle.js: app.js and the
    // modules it imports (crates/borne-ui-bundle). Written before Tauri
    // embeds ui/, only when it changes, dated like its newest module.
    borne_ui_bundle::write_bundle(Path::new("../ui"), "app.js", "app.bundle.js")
        .unwrap_or_else(|e| panic!("bundling the UI: {e}"));
    // The app's commands go under the ACL like Tauri's own: the capability
    // (capabilities/default.json) is then the whole list of what the
    // webview may call (ARCHITECTURE.md, "What the webview may call").
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build script");
}
