//! Borne Adhérent, the Tauri app: a thin layer of commands over plain Rust.
//! The session and the procedures live in `borne-app` (imported as
//! `app_core`), the rules in `borne-core`, the insurer's profile and guides
//! in `borne-content`; this crate wires them to the window, with the kiosk's
//! and the member's PC's policies and the logs.

mod backend;
mod commands;
pub mod config;
mod deep_link;
mod device;
mod kiosk;
mod logging;
pub mod rendering;
mod state;
#[cfg(test)]
mod webview_surface;

use commands::{account, checks, info, procedures, session, speech};
use commands::kiosk as kiosk_commands;
use state::AppState;

pub const PROFILE_VAR: &str = "BORNE_PROFILE";

fn exit_with(message: &str) -> ! {
    tracing::error!("{message}");
    eprintln!("Borne Adhérent ne peut pas démarrer : {message}");
    std::process::exit(2);
}

/// Starts the app. Exits with a clear message when the profile or the
/// backend cannot be used.
pub fn run() {
    // First, while this is the only thread: how WebKit will paint (rendering.rs).
    let painting = rendering::choose();
    // `borne-adherent --hash-staff-pin`: a helper for staff, no window (docs/kiosk.md).
    if std::env::args().nth(1).as_deref() == Some("--hash-staff-pin") {
        std::process::exit(kiosk::hash_staff_pin_cli());
    }
    let started = std::time::Instant::now();
    logging::init();
    let logging_ms = started.elapsed().as_millis() as u64;
    tracing::info!(?painting, "WebKit painting chosen");
    let mut config = config::AppConfig::from_environment().unwrap_or_else(|m| exit_with(&format!("configuration : {m}")));
    let profile_id = std::env::var(PROFILE_VAR).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "mpn".into());
    let profile = borne_content::profile(profile_id.trim())
        .unwrap_or_else(|e| exit_with(&format!("profil de mutuelle {PROFILE_VAR}={profile_id} inutilisable ({e})")));
    let profile_ms = started.elapsed().as_millis() as u64;
    let backend = tauri::async_runtime::block_on(backend::resolve(&profile.support, config.enrolment_secret.as_ref()))
        .unwrap_or_else(|m| exit_with(&m));
    // A kiosk on the embedded demo server enrols with that server's secret.
    if config.enrolment_secret.is_none() {
        config.enrolment_secret = backend.demo_enrolment_secret.clone();
    }
    // Milliseconds since run() began, after logging, after the profile, at
    // this line: a slow start shows in the log (borne-app-bench times this line).
    let ready_ms = started.elapsed().as_millis() as u64;
    tracing::info!(demo = backend.demo, profile = %profile.id, mode = ?config.mode, logging_ms, profile_ms, ready_ms, "backend ready");
    let state = AppState::new(backend, profile);

    let kiosk_mode = config.is_kiosk();
    // First: a second launch hands its arguments (a borne:// link) to this
    // instance, through the deep-link plugin to deep_link.rs, and exits.
    let mut builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| kiosk::second_launch(app)))
        .plugin(tauri_plugin_deep_link::init());
    if !kiosk_mode {
        // Member's PC: the window comes back with its last size and position.
        use tauri_plugin_window_state::StateFlags;
        builder = builder.plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        );
    }
    let window_config = config.clone();
    builder
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished && webview.label() == "main" {
                // The device's first check waits for the first screen (device.rs).
                device::page_loaded(tauri::Manager::app_handle(webview));
                // borne-app-bench: the time the main window finished loading, when asked.
                if let Some(path) = std::env::var_os("BORNE_READY_FILE") {
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
                    let _ = std::fs::write(path, now.as_micros().to_string());
                }
            }
        })
        .manage(state)
        .manage(config)
        .manage(kiosk_commands::StaffExit::default())
        .manage(speech::Speech::start())
        .setup(move |app| {
            let start_script = info::start_script(&tauri::Manager::state::<AppState>(app), &window_config);
            kiosk::open_main_window(app, &window_config, &start_script)?;
            // The kiosk's enrolment and heartbeat, the PC's remembered identifier (OS keyring).
            let device_config = tauri::Manager::state::<config::AppConfig>(app).inner().clone();
            device::setup(app, &device_config, std::sync::Arc::new(borne_device::KeyringStore::new()));
            deep_link::listen(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            info::app_info,
            info::set_language,
            info::guides,
            info::help,
            info::take_deep_link,
            info::demo_messages,
            info::open_contact,
            checks::check_identifier,
            checks::check_unlock,
            checks::check_password,
            session::login,
            device::device_status,
            device::remembered_identifier,
            session::current_member,
            session::change_password,
            session::logout,
            procedures::forgot_password,
            procedures::register,
            procedures::unlock,
            procedures::unlock_send,
            procedures::resend,
            procedures::verify_code,
            procedures::reset_password,
            procedures::cancel_procedure,
            procedures::start_procedure,
            kiosk_commands::wipe,
            kiosk_commands::staff_exit,
            speech::speak,
            speech::speech_control,
            account::account_contacts,
            account::change_contact,
            account::resend_contact_code,
            account::confirm_contact,
            account::cancel_contact_change,
            account::account_activity,
            account::account_sessions,
            account::end_other_sessions,
            account::block_account,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the Tauri application");
}
