fn main() {
    // tauri.conf.json lives at the repository root (see ARCHITECTURE.md).
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script");
}
