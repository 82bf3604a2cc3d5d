use std::path::Path;

fn main() {
    // tauri.conf.json lives at the repository root (see ARCHITECTURE.md).
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // ui/index.html loads one script, ui/app.bundle.js: app.js and the
    // modules it imports (crates/borne-ui-bundle). Written before Tauri
    // embeds ui/, only when it changes, dated like its newest module.
    borne_ui_bundle::write_bundle(Path::new("../ui"), "app.js", "app.bundle.js")
        .unwrap_or_else(|e| panic!("bundling the UI: {e}"));
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script");
}
