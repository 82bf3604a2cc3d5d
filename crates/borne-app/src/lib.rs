//! Borne Adhérent's app core, without Tauri: the member's session and the
//! guides' procedures (log-in, forgotten password, unlocking by SMS or
//! e-mail, forced change of password, registration, the `borne://reset`
//! link) as a state machine over `borne-client`; the account and security
//! centre of the personal space (account.rs). Each call answers what the
//! UI shows, with the stepper's position ([`Stepper`]) computed here once.
//! The rules are `borne-core`'s, the texts `borne-content`'s and
//! `borne-core`'s; the Tauri commands (src-tauri) only delegate to [`App`].

pub mod account;
mod answers;
mod checks;
pub mod clock;
mod code_step;
mod cooldown;
mod link;
mod navigation;
mod sending;
mod session;
mod state;
pub mod stepper;
mod ui_error;
mod unlock;
mod wire;

pub use account::{ActivityView, Blocked, CodeSent, ContactsView, SessionsEnded, SessionsView};
pub use answers::{LoggedIn, Opened, PasswordCheck, Progress, ResetDone, Sent, UnlockSent, UnlockView};
pub use clock::{Clock, ManualClock, SystemClock};
pub use link::{reset_token, SCHEME as LINK_SCHEME};
pub use stepper::Stepper;
pub use ui_error::UiError;
pub use wire::ErrorCode;

use borne_client::Client;
use borne_content::Profile;
use borne_core::{BorneError, Lang};
use state::{Procedure, Session};
use std::sync::{Arc, Mutex as SyncMutex};
use tokio::sync::Mutex;

/// The app's state and every procedure call.
pub struct App {
    client: Client,
    profile: Profile,
    lang: SyncMutex<Lang>,
    clock: Arc<dyn Clock>,
    session: Mutex<Option<Session>>,
    procedure: Mutex<Procedure>,
    /// A `borne://reset` link the UI has not shown yet.
    pending_link: Mutex<Option<Opened>>,
    /// « Mes coordonnées »: a change waiting for its code.
    contact_change: Mutex<Option<account::ContactChange>>,
}

impl App {
    pub fn new(client: Client, profile: Profile) -> App {
        App::with_clock(client, profile, Arc::new(SystemClock))
    }

    pub fn with_clock(client: Client, profile: Profile, clock: Arc<dyn Clock>) -> App {
        App {
            client,
            profile,
            lang: SyncMutex::new(Lang::default()),
            clock,
            session: Mutex::new(None),
            procedure: Mutex::new(Procedure::default()),
            pending_link: Mutex::new(None),
            contact_change: Mutex::new(None),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_lang(&self, lang: &str) -> Result<(), UiError> {
        let lang = Lang::parse(lang).ok_or_else(|| self.fail(BorneError::BadRequest))?;
        *self.lang.lock().unwrap_or_else(|p| p.into_inner()) = lang;
        tracing::info!(?lang, "language chosen");
        Ok(())
    }

    /// The member-facing form of an error, in the current language.
    pub fn fail(&self, e: BorneError) -> UiError {
        UiError::new(&e, self.lang(), &self.profile.support)
    }

    /// The stepper of the procedure under way, in the current language.
    fn stepper_of(&self, p: &Procedure) -> Option<Stepper> {
        stepper::stepper(&self.profile.id, self.lang(), p.kind?, p.at?)
    }
}
