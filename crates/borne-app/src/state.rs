//! What the app holds between two calls: the member's session and the
//! procedure under way. Tokens, unlock ids and what the member typed are
//! `Secret`s (zeroized when dropped), forgotten at the end of each procedure,
//! at log-out and on cancel.

use crate::stepper::At;
use crate::wire::{MemberSummary, Purpose};
use borne_content::Procedure as Kind;
use borne_core::{BirthDate, Secret};
use std::time::Instant;

pub(crate) struct Session {
    pub token: Secret,
    pub member: MemberSummary,
    /// Opened with an SMS temporary password: it only allows choosing a new
    /// password (MGEN guide, step 5).
    pub temporary: bool,
}

/// What the backend's code and link stand for, per procedure.
pub(crate) fn purpose(kind: Kind) -> Option<Purpose> {
    match kind {
        Kind::Forgot => Some(Purpose::Reset),
        Kind::Unlock => Some(Purpose::Unlock),
        Kind::Register => Some(Purpose::Registration),
        Kind::Login => None,
    }
}

/// The request to send again when the member presses "Renvoyer".
pub(crate) enum Resendable {
    Forgot { identifier: Secret, member_number: Secret, email: Secret },
    Register { nir: Secret, member_number: Secret, birthdate: Secret, email: Secret },
    UnlockEmail,
}

/// The procedure under way: which guide, at which step, and what the next
/// call needs. Dropping it zeroizes every secret in it.
#[derive(Default)]
pub(crate) struct Procedure {
    pub kind: Option<Kind>,
    pub at: Option<At>,
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
    pub fn at(kind: Kind, at: At) -> Procedure {
        Procedure { kind: Some(kind), at: Some(at), ..Procedure::default() }
    }

    /// An unlock whose e-mail (code and link) is out.
    pub fn unlock_email_sent(&self) -> bool {
        self.kind == Some(Kind::Unlock) && matches!(self.resendable, Some(Resendable::UnlockEmail))
    }
}
