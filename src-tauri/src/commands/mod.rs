//! The IPC surface of the app (documented in docs/app-ipc.md). Each command
//! parses its input with `borne-core`, calls `borne-client`, keeps what must
//! not reach the webview in [`AppState`], and answers a view or a [`UiError`].

pub mod checks;
pub mod info;
pub mod kiosk;
pub mod procedures;
pub mod session;

use crate::state::AppState;
use crate::ui_error::UiError;
use borne_core::BorneError;

impl AppState {
    /// The member-facing form of an error, in the current language.
    pub fn fail(&self, e: BorneError) -> UiError {
        UiError::new(&e, self.lang(), &self.profile.support)
    }
}
