//! `borne-hello`: a bare Tauri window, the baseline of `crates/borne-app-bench`.
//!
//! Built from the same crate as the app, with the same features, profile and
//! `tauri.conf.json` (through `generate_context!`): the same window (size,
//! title, options, label `main`, hence the same capability), the same CSP and
//! the same embedded `ui/` assets, but it shows `ui/hello.html`, registers no
//! plugin and no command, and starts no backend. Like the app, it first
//! chooses how WebKit paints (`borne_app::rendering::choose`: Skia on the CPU
//! when the machine has no usable GPU), so both use the same renderer.
//!
//! The config's window list describes the app's window (URL `index.html`;
//! `"create": false`, the app opens it from code in `kiosk.rs`): hello takes
//! that list out of the context (so that Tauri never opens it by itself,
//! whatever `create` says) and creates each window from code with the same
//! configuration and `WebviewUrl::App("hello.html")`. It is the member's-PC
//! window: none of the kiosk's rules (full screen, always on top) applies.
//!
//! Ready signal: when `BORNE_READY_FILE` is set, the page-load `Finished`
//! event of the window writes the time (microseconds since the UNIX epoch)
//! to that file — the same one-line hook as the app's (README, "App
//! performance").
//!
//! Only built with the `custom-protocol` feature (release builds), so that
//! `cargo test` and debug builds do not link it, and `cargo tauri build`
//! (which enables `tauri/custom-protocol`, not this feature) leaves it out of
//! the .deb.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

/// Writes the time now to the file named by `BORNE_READY_FILE`, if set.
fn mark_ready() {
    if let Some(path) = std::env::var_os("BORNE_READY_FILE") {
        let micros = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_micros();
        let _ = std::fs::write(path, micros.to_string());
    }
}

fn main() {
    // The same painting as the app's (src-tauri/src/rendering.rs): both are measured on one renderer.
    borne_app::rendering::choose();
    let mut context = tauri::generate_context!("../tauri.conf.json");
    let windows = std::mem::take(&mut context.config_mut().app.windows);
    tauri::Builder::default()
        .on_page_load(|webview, payload| {
            if payload.event() == PageLoadEvent::Finished && webview.label() == "main" {
                mark_ready();
            }
        })
        .setup(move |app| {
            for mut window in windows.iter().cloned() {
                window.url = WebviewUrl::App("hello.html".into());
                WebviewWindowBuilder::from_config(app.handle(), &window)?.build()?;
            }
            Ok(())
        })
        .run(context)
        .expect("error while running the hello window");
}
