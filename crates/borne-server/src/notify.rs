//! The messages the account procedures send, written for the outbox
//! ([`crate::outbox`]): each function returns what to queue, and the
//! transaction that issues the proof or the temporary password (or changes
//! the password) queues it, so that no answer waits for (or reveals) a
//! delivery and no message is lost.

use crate::account::MemberRecord;
use crate::delivery::{Channel, Message};
use crate::outbox::{Carries, Outgoing, NOTICE_TTL_SECS};
use crate::proofs::{IssuedProof, PROOF_TTL_SECS};
use crate::state::AppState;
use crate::temporary_passwords::TEMPORARY_PASSWORD_TTL_SECS;
use borne_core::contact::metropolitan_mobile;
use borne_core::Secret;

/// The link of an e-mail: the web page on the insurer's public site that
/// sets a new password ([`crate::http::pages`]), which works wherever the
/// member reads the e-mail and offers the app's `borne://` link in turn.
/// The page learns the procedure (reset, unlock) from the proof itself.
fn link(public_url: &str, proof: &IssuedProof) -> String {
    crate::http::pages::link(public_url, &proof.token)
}

fn public_url(state: &AppState) -> String {
    // spawn() sets it (the listening address when unconfigured); a router
    // built by hand without it links to loopback.
    state.config.public_url.clone().unwrap_or_else(|| "http://127.0.0.1".into())
}

/// An e-mail carrying `proof`, valid as long as the proof.
fn proof_email(m: &MemberRecord, proof: &IssuedProof, message: Message) -> Outgoing {
    Outgoing {
        channel: Channel::Email,
        to: m.email.clone(),
        message,
        member_id: Some(m.id),
        carries: Carries::Proof(proof.id.clone()),
        valid_until: crate::store::now() + PROOF_TTL_SECS,
    }
}

pub(crate) fn reset_password(state: &AppState, m: &MemberRecord) -> impl FnOnce(&IssuedProof) -> Outgoing {
    let (base, m) = (public_url(state), m.clone());
    move |proof| {
        let msg = Message::ResetPassword { first_name: m.first_name.clone(), link: link(&base, proof), code: proof.code.expose().to_owned() };
        proof_email(&m, proof, msg)
    }
}

pub(crate) fn unlock_by_email(state: &AppState, m: &MemberRecord) -> impl FnOnce(&IssuedProof) -> Outgoing {
    let (base, m) = (public_url(state), m.clone());
    move |proof| {
        let msg = Message::UnlockByEmail { first_name: m.first_name.clone(), link: link(&base, proof), code: proof.code.expose().to_owned() };
        proof_email(&m, proof, msg)
    }
}

pub(crate) fn registration_code(state: &AppState, m: &MemberRecord) -> impl FnOnce(&IssuedProof) -> Outgoing {
    let (base, m) = (public_url(state), m.clone());
    move |proof| {
        let msg = Message::RegistrationCode { first_name: m.first_name.clone(), link: link(&base, proof), code: proof.code.expose().to_owned() };
        proof_email(&m, proof, msg)
    }
}

/// `None` when the member has no metropolitan mobile (nothing to send).
pub(crate) fn temporary_password(m: &MemberRecord) -> impl FnOnce(&str, &Secret) -> Option<Outgoing> {
    let m = m.clone();
    move |id, temporary| {
        let to = m.phone.as_deref().and_then(metropolitan_mobile)?;
        Some(Outgoing {
            channel: Channel::Sms,
            to,
            message: Message::UnlockTemporaryPassword { temporary_password: temporary.expose().to_owned() },
            member_id: Some(m.id),
            carries: Carries::TemporaryPassword(id.to_owned()),
            valid_until: crate::store::now() + TEMPORARY_PASSWORD_TTL_SECS,
        })
    }
}

pub(crate) fn password_changed(m: &MemberRecord) -> Outgoing {
    Outgoing {
        channel: Channel::Email,
        to: m.email.clone(),
        message: Message::PasswordChanged { first_name: m.first_name.clone() },
        member_id: Some(m.id),
        carries: Carries::Nothing,
        valid_until: crate::store::now() + NOTICE_TTL_SECS,
    }
}
