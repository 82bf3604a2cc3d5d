include!("app_commands.rs");

fn main() {
    // tauri.conf.json lives at the repository root (see ARCHITECTURE.md).
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // The app's commands go under the ACL like Tauri's own: the capability
    // (capabilities/default.json) is then the whole list of what the
    // webview may call (ARCHITECTURE.md, "What the webview may call").
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build script");
}
