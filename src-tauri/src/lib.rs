//! Borne Adhérent, the Tauri app: a thin layer of commands over plain Rust.
//! The rules live in `borne-core`, the backend calls in `borne-client`; this
//! crate only wires them to the window and holds the member's session.

mod backend;
mod commands;
mod logging;
mod state;
mod ui_error;

use state::AppState;

/// Starts the app. Exits with a clear message when no backend can be used.
pub fn run() {
    logging::init();
    let backend = match tauri::async_runtime::block_on(backend::resolve()) {
        Ok(b) => b,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("Borne Adhérent ne peut pas démarrer : {message}");
            std::process::exit(2);
        }
    };
    tracing::info!(demo = backend.demo, "backend ready");
    let state = AppState::new(backend);

    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_identifier,
            commands::login,
            commands::current_member,
            commands::logout,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the Tauri application");
}
