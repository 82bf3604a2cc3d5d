//! What the UI needs to draw itself: the insurer's profile, the language, the
//! guides (the walkthrough) and the help topics, all from `borne-content`.

use crate::config::{AppConfig, Keyboard, Mode};
use crate::state::AppState;
use app_core::{Opened, UiError};
use borne_content::{Contact, Guide, HelpTopic, Profile};
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use borne_core::{BorneError, Lang};
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct AppInfo {
    pub demo: bool,
    pub version: &'static str,
    pub lang: Lang,
    pub resend_cooldown_secs: u64,
    pub profile: Profile,
    pub mode: Mode,
    pub kiosk: KioskInfo,
    /// What the help's links show (`href`), from the profile by
    /// [`Profile::contact_url`], the same addresses `open_contact` opens.
    pub contacts: Contacts,
}

/// The help's contact addresses: `https://…` chat, `tel:…` phone, or null.
#[derive(Serialize)]
pub struct Contacts {
    pub chat: Option<String>,
    pub phone: Option<String>,
}

/// What the kiosk UI needs from the configuration (config.rs).
#[derive(Serialize)]
pub struct KioskInfo {
    pub idle_timeout_secs: u64,
    pub idle_warning_secs: u64,
    pub keyboard: Keyboard,
    /// A staff PIN hash is configured: the hidden staff exit is offered.
    pub staff_exit: bool,
    /// The branch's sentence for the help (`help_staff`), or null.
    pub help_staff: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>, config: State<'_, AppConfig>) -> AppInfo {
    info_of(&state, &config)
}

/// The script run before the page's own (an initialization script of the
/// main window): `app_info`'s answer as `window.__BORNE_APP_INFO__`, so that
/// the UI draws its first screen without waiting for a call. The page is
/// loaded once per launch, in the language the app starts in.
pub fn start_script(state: &AppState, config: &AppConfig) -> String {
    let json = serde_json::to_string(&info_of(state, config)).unwrap_or_else(|_| "null".into());
    format!("window.__BORNE_APP_INFO__ = Object.freeze({json});")
}

fn info_of(state: &AppState, config: &AppConfig) -> AppInfo {
    AppInfo {
        demo: state.backend.demo,
        version: env!("CARGO_PKG_VERSION"),
        lang: state.lang(),
        resend_cooldown_secs: RESEND_COOLDOWN_SECS,
        profile: state.profile().clone(),
        mode: config.mode,
        kiosk: KioskInfo {
            idle_timeout_secs: config.idle_timeout_secs,
            idle_warning_secs: config.idle_warning_secs,
            keyboard: config.keyboard,
            staff_exit: config.staff_exit(),
            help_staff: config.help_staff.clone(),
        },
        contacts: Contacts {
            chat: state.profile().contact_url(Contact::Chat),
            phone: state.profile().contact_url(Contact::Phone),
        },
    }
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, lang: String) -> Result<(), UiError> {
    state.set_lang(&lang)
}

#[tauri::command]
pub fn guides(state: State<'_, AppState>) -> Result<Vec<Guide>, UiError> {
    borne_content::guides(&state.profile().id, state.lang()).map_err(|e| {
        tracing::error!("guides unreadable: {e}");
        state.fail(BorneError::Unexpected)
    })
}

#[tauri::command]
pub fn help(state: State<'_, AppState>) -> Result<Vec<HelpTopic>, UiError> {
    borne_content::help(&state.profile().id, state.lang()).map_err(|e| {
        tracing::error!("help unreadable: {e}");
        state.fail(BorneError::Unexpected)
    })
}

/// The screen a `borne://` link asked for, once (the token stays here).
#[tauri::command]
pub async fn take_deep_link(state: State<'_, AppState>) -> Result<Option<Opened>, UiError> {
    Ok(state.take_link().await)
}


/// The e-mails and SMS the embedded demo server kept instead of sending them,
/// newest first, so that a demo can go through every procedure. Empty with a
/// real backend: a real member reads their own mailbox.
#[tauri::command]
pub async fn demo_messages(state: State<'_, AppState>) -> Result<Vec<borne_client::DemoMessage>, UiError> {
    if !state.backend.demo {
        return Ok(Vec::new());
    }
    let mut messages = state.client().demo_outbox().await.map_err(|e| state.fail(e))?;
    messages.reverse();
    messages.truncate(10);
    Ok(messages)
}

/// « Un autre message d'erreur ? » on a member's PC: opens the insurer's
/// chat in the system's browser or its phone number in the system's dialer
/// (`open`, the system's handler: xdg-open, the default browser…), never in
/// the app's window. The address is the profile's, never the page's. At a
/// kiosk nothing opens outside the app: refused.
#[tauri::command]
pub fn open_contact(state: State<'_, AppState>, config: State<'_, AppConfig>, contact: Contact) -> Result<(), UiError> {
    if config.is_kiosk() {
        tracing::warn!(?contact, "contact not opened: a kiosk opens nothing outside the app");
        return Err(state.fail(BorneError::BadRequest));
    }
    let Some(url) = state.profile().contact_url(contact) else {
        tracing::warn!(?contact, "the profile has no such contact");
        return Err(state.fail(BorneError::BadRequest));
    };
    open::that_detached(&url).map_err(|e| {
        tracing::error!(?contact, "the system could not open the contact: {e}");
        state.fail(BorneError::Unexpected)
    })?;
    tracing::info!(?contact, "contact opened by the system");
    Ok(())
}
