//! The messages the account procedures send, handed to delivery in the
//! background so that no answer waits for (or reveals) a delivery.

use crate::account::MemberRecord;
use crate::delivery::{Channel, Message};
use crate::proofs::IssuedProof;
use crate::state::AppState;
use borne_core::contact::metropolitan_mobile;
use borne_core::Secret;

fn link(state: &AppState, proof: &IssuedProof) -> String {
    format!("{}{}", state.config.reset_link_base, proof.token.expose())
}

pub(crate) fn reset_password(state: &AppState, m: &MemberRecord, proof: &IssuedProof) {
    let msg = Message::ResetPassword { first_name: m.first_name.clone(), link: link(state, proof), code: proof.code.expose().to_owned() };
    state.delivery.send_in_background(Channel::Email, m.email.clone(), msg);
}

pub(crate) fn unlock_by_email(state: &AppState, m: &MemberRecord, proof: &IssuedProof) {
    let msg = Message::UnlockByEmail { first_name: m.first_name.clone(), link: link(state, proof), code: proof.code.expose().to_owned() };
    state.delivery.send_in_background(Channel::Email, m.email.clone(), msg);
}

pub(crate) fn registration_code(state: &AppState, m: &MemberRecord, proof: &IssuedProof) {
    let msg = Message::RegistrationCode { first_name: m.first_name.clone(), code: proof.code.expose().to_owned() };
    state.delivery.send_in_background(Channel::Email, m.email.clone(), msg);
}

/// False when the member has no metropolitan mobile (nothing sent).
pub(crate) fn temporary_password(state: &AppState, m: &MemberRecord, temporary: Secret) -> bool {
    let Some(to) = m.phone.as_deref().and_then(metropolitan_mobile) else { return false };
    let msg = Message::UnlockTemporaryPassword { temporary_password: temporary.expose().to_owned() };
    state.delivery.send_in_background(Channel::Sms, to, msg);
    true
}

pub(crate) fn password_changed(state: &AppState, m: &MemberRecord) {
    let msg = Message::PasswordChanged { first_name: m.first_name.clone() };
    state.delivery.send_in_background(Channel::Email, m.email.clone(), msg);
}
