//! What the app holds between two commands: the backend, the insurer's
//! profile, the language, the member's session and the procedure under way.
//! Tokens, unlock ids and what the member typed never reach the webview; they
//! are `Secret`s (zeroized when dropped) and forgotten at the end of each
//! procedure, at log-out and on cancel.

use crate::backend::Backend;
use borne_content::Profile;
use borne_core::api::{MemberSummary, Purpose};
use borne_core::password::PersonalInfo;
use borne_core::{BirthDate, Lang, Secret};
use std::sync::Mutex as SyncMutex;
use std::time::Instant;
use tokio::sync::Mutex;

pub struct Session {
    pub token: Secret,
    pub member: MemberSummary,
    /// Opened with an SMS temporary password: it only allows choosing a new
    /// password (MGEN guide, step 5).
    pub temporary: bool,
}

/// Which documented procedure the member is following.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// MPN "Mot de passe oublié" (also a link opened from the e-mail).
    Forgot,
    /// MGEN unlocking after three failures.
    Unlock,
    /// "Pas encore inscrit ?"
    Register,
}

impl Kind {
    pub fn purpose(self) -> Purpose {
        match self {
            Kind::Forgot => Purpose::Reset,
            Kind::Unlock => Purpose::Unlock,
            Kind::Register => Purpose::Registration,
        }
    }
}

/// The request to send again when the member presses "Renvoyer".
pub enum Resendable {
    Forgot { identifier: Secret, member_number: Secret, email: Secret },
    Register { nir: Secret, member_number: Secret, birthdate: Secret, email: Secret },
    UnlockEmail,
}

/// The procedure under way. Dropping it zeroizes every secret in it.
#[derive(Default)]
pub struct Procedure {
    pub kind: Option<Kind>,
    /// The NIR or e-mail the procedure was started with (canonical), which
    /// the backend needs with a code.
    pub identifier: Option<Secret>,
    /// Known from the procedure's own form, for the password rules.
    pub nir: Option<Secret>,
    pub birthdate: Option<BirthDate>,
    pub unlock_id: Option<Secret>,
    pub resendable: Option<Resendable>,
    pub last_sent: Option<Instant>,
    /// From a code typed at a kiosk or a link opened at home.
    pub token: Option<Secret>,
}

impl Procedure {
    pub fn start(kind: Kind) -> Procedure {
        Procedure { kind: Some(kind), ..Procedure::default() }
    }
}

pub struct AppState {
    pub backend: Backend,
    pub profile: Profile,
    pub lang: SyncMutex<Lang>,
    pub session: Mutex<Option<Session>>,
    pub procedure: Mutex<Procedure>,
    /// A `borne://reset` link the UI has not shown yet.
    pub pending_link: Mutex<Option<crate::deep_link::Opened>>,
}

impl AppState {
    pub fn new(backend: Backend, profile: Profile) -> AppState {
        AppState {
            backend,
            profile,
            lang: SyncMutex::new(Lang::default()),
            session: Mutex::new(None),
            procedure: Mutex::new(Procedure::default()),
            pending_link: Mutex::new(None),
        }
    }

    pub fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the new password must not contain, from what the app knows now.
    pub async fn personal_info(&self) -> PersonalInfo {
        let mut info = PersonalInfo::default();
        if let Some(s) = self.session.lock().await.as_ref() {
            info.first_name = s.member.first_name.clone();
            info.last_name = s.member.last_name.clone();
        }
        let p = self.procedure.lock().await;
        info.nir = p.nir.as_ref().map(|n| n.expose().to_owned());
        info.birthdate = p.birthdate.clone();
        info
    }
}
