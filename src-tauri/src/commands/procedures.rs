//! The guides' procedures: forgotten password (MPN), unlocking (MGEN),
//! registration ("Pas encore inscrit ?"), with their codes, resends and the
//! final new password. What the backend must not reveal it does not reveal:
//! the forgotten-password and registration answers are the same whatever the
//! data, and come from `borne-core` in the member's language.

use crate::commands::session::keep_session;
use crate::state::{AppState, Kind, Procedure, Resendable};
use crate::ui_error::UiError;
use borne_core::api::{Accepted, Channel, ChannelOption, ForgotPasswordRequest, MemberSummary, RegisterRequest};
use borne_core::email::Email;
use borne_core::error::Field;
use borne_core::password::broken_rules_with;
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use borne_core::{BorneError, Identifier, Lang, Secret};
use serde::Serialize;
use std::time::{Duration, Instant};
use tauri::State;

use super::checks::parse_nir_and_birthdate;

fn member_number(input: &str) -> Result<String, BorneError> {
    let n = input.trim();
    if n.is_empty() {
        return Err(BorneError::MemberNumberMissing);
    }
    Ok(n.to_owned())
}

/// Field (C) or the registration's e-mail: its errors belong to that field.
fn email_field(state: &AppState, input: &str) -> Result<Email, UiError> {
    Email::parse(input).map_err(|e| state.fail(e).on(Field::Email))
}

#[derive(Serialize)]
pub struct Sent {
    pub message: String,
    pub cooldown_secs: u64,
}

/// MPN "MOT DE PASSE OUBLIÉ", step 5: (A) NIR with key or e-mail, (B) member
/// number, (C) the account's e-mail, then « Envoyer ».
#[tauri::command]
pub async fn forgot_password(state: State<'_, AppState>, identifier: String, member_number: String, email: String) -> Result<Sent, UiError> {
    let id = Identifier::parse(&identifier).map_err(|e| state.fail(e))?;
    let number = self::member_number(&member_number).map_err(|e| state.fail(e))?;
    let email = email_field(&state, &email)?;
    let mut procedure = Procedure::start(Kind::Forgot);
    procedure.identifier = Some(Secret::new(id.canonical()));
    if let Identifier::Nir(nir) = &id {
        procedure.nir = Some(Secret::new(nir.as_str()));
    }
    procedure.resendable = Some(Resendable::Forgot {
        identifier: Secret::new(id.canonical()),
        member_number: Secret::new(number),
        email: Secret::new(email.as_str()),
    });
    *state.procedure.lock().await = procedure;
    send(&state).await
}

/// "Pas encore inscrit ?": NIR, member number, date of birth, e-mail.
#[tauri::command]
pub async fn register(state: State<'_, AppState>, nir: String, member_number: String, birthdate: String, email: String) -> Result<Sent, UiError> {
    let (nir, date) = parse_nir_and_birthdate(&nir, &birthdate).map_err(|e| state.fail(e))?;
    let number = self::member_number(&member_number).map_err(|e| state.fail(e))?;
    let email = email_field(&state, &email)?;
    let mut procedure = Procedure::start(Kind::Register);
    procedure.identifier = Some(Secret::new(nir.as_str()));
    procedure.nir = Some(Secret::new(nir.as_str()));
    procedure.birthdate = Some(date);
    procedure.resendable = Some(Resendable::Register {
        nir: Secret::new(nir.as_str()),
        member_number: Secret::new(number),
        birthdate: Secret::new(date.french()),
        email: Secret::new(email.as_str()),
    });
    *state.procedure.lock().await = procedure;
    send(&state).await
}

#[derive(Serialize)]
pub struct UnlockView {
    pub channels: Vec<ChannelOption>,
    /// When the insurer knows one contact only, it has been used already.
    pub sent: Option<ChannelOption>,
}

/// MGEN, step 2: NIR + date of birth « jj/mm/aaaa ».
#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, nir: String, birthdate: String) -> Result<UnlockView, UiError> {
    let (nir, date) = parse_nir_and_birthdate(&nir, &birthdate).map_err(|e| state.fail(e))?;
    let answer = state.backend.client.unlock(nir.as_str(), &date.french()).await.map_err(|e| {
        tracing::info!(code = ?e.code(), "unlock refused");
        state.fail(e)
    })?;
    let mut procedure = Procedure::start(Kind::Unlock);
    procedure.identifier = Some(Secret::new(nir.as_str()));
    procedure.nir = Some(Secret::new(nir.as_str()));
    procedure.birthdate = Some(date);
    procedure.unlock_id = Some(Secret::new(answer.unlock_id.clone()));
    if let Some(sent) = &answer.sent {
        tracing::info!(channel = ?sent.channel, "unlock message sent on the only channel");
        sent_by(&mut procedure, sent.channel);
    }
    *state.procedure.lock().await = procedure;
    Ok(UnlockView { channels: answer.channels, sent: answer.sent })
}

fn sent_by(procedure: &mut Procedure, channel: Channel) {
    procedure.last_sent = Some(Instant::now());
    procedure.resendable = (channel == Channel::Email).then_some(Resendable::UnlockEmail);
}

/// MGEN, step 3: the member's choice of channel.
#[tauri::command]
pub async fn unlock_send(state: State<'_, AppState>, channel: Channel) -> Result<ChannelOption, UiError> {
    let unlock_id = state.procedure.lock().await.unlock_id.clone().ok_or_else(|| state.fail(BorneError::CodeExpired))?;
    let sent = state.backend.client.unlock_send(unlock_id.expose(), channel).await.map_err(|e| {
        tracing::info!(code = ?e.code(), "unlock channel refused");
        state.fail(e)
    })?;
    tracing::info!(channel = ?sent.channel, "unlock message sent");
    sent_by(&mut *state.procedure.lock().await, sent.channel);
    Ok(sent)
}

/// "Renvoyer": the same message again, not before the cooldown.
#[tauri::command]
pub async fn resend(state: State<'_, AppState>) -> Result<Sent, UiError> {
    let last = state.procedure.lock().await.last_sent;
    if let Some(last) = last {
        let wait = Duration::from_secs(RESEND_COOLDOWN_SECS).saturating_sub(last.elapsed());
        if !wait.is_zero() {
            return Err(state.fail(BorneError::TooManyRequests { retry_after_secs: wait.as_secs().max(1) }));
        }
    }
    send(&state).await
}

/// Sends (or sends again) the current procedure's message.
async fn send(state: &AppState) -> Result<Sent, UiError> {
    enum Call {
        Forgot(ForgotPasswordRequest),
        Register(RegisterRequest),
        Unlock(Secret),
    }
    let call = {
        let p = state.procedure.lock().await;
        match (&p.resendable, &p.unlock_id) {
            (Some(Resendable::Forgot { identifier, member_number, email }), _) => Call::Forgot(ForgotPasswordRequest {
                identifier: identifier.expose().into(),
                member_number: member_number.expose().into(),
                email: email.expose().into(),
            }),
            (Some(Resendable::Register { nir, member_number, birthdate, email }), _) => Call::Register(RegisterRequest {
                nir: nir.expose().into(),
                member_number: member_number.expose().into(),
                birthdate: birthdate.expose().into(),
                email: email.expose().into(),
            }),
            (Some(Resendable::UnlockEmail), Some(id)) => Call::Unlock(id.clone()),
            _ => return Err(state.fail(BorneError::CodeExpired)),
        }
    };
    let lang = state.lang();
    let message = match call {
        Call::Forgot(req) => state.backend.client.forgot_password(&req).await.map(|_| Accepted::forgot_password_in(lang).message),
        Call::Register(req) => state.backend.client.register(&req).await.map(|_| Accepted::registration_in(lang).message),
        Call::Unlock(id) => state.backend.client.unlock_send(id.expose(), Channel::Email).await.map(|sent| email_sent_again(lang, &sent.masked)),
    }
    .map_err(|e| {
        tracing::info!(code = ?e.code(), "message not sent");
        state.fail(e)
    })?;
    tracing::info!("procedure message sent");
    state.procedure.lock().await.last_sent = Some(Instant::now());
    Ok(Sent { message, cooldown_secs: RESEND_COOLDOWN_SECS })
}

fn email_sent_again(lang: Lang, masked: &str) -> String {
    match lang {
        Lang::Fr => format!("Un nouvel e-mail vient d'être envoyé à {masked}. Il remplace le précédent ; pensez à vérifier vos spams."),
        Lang::En => format!("A new e-mail has just been sent to {masked}. It replaces the previous one; remember to check your spam folder."),
    }
}

/// The code from the e-mail, typed at a kiosk: exchanged for the token the
/// e-mail's link carries, which stays here.
#[tauri::command]
pub async fn verify_code(state: State<'_, AppState>, code: String) -> Result<(), UiError> {
    let code = Secret::new(code.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    if code.is_empty() {
        return Err(state.fail(BorneError::CodeMissing));
    }
    if !code.expose().chars().all(|c| c.is_ascii_digit()) {
        return Err(state.fail(BorneError::CodeFormat));
    }
    let (kind, identifier) = {
        let p = state.procedure.lock().await;
        (p.kind, p.identifier.clone())
    };
    let (Some(kind), Some(identifier)) = (kind, identifier) else {
        return Err(state.fail(BorneError::CodeExpired));
    };
    match state.backend.client.verify_code(kind.purpose(), identifier.expose(), &code).await {
        Ok(answer) => {
            tracing::info!(purpose = ?kind.purpose(), "code accepted");
            state.procedure.lock().await.token = Some(answer.token);
            Ok(())
        }
        Err(e) => {
            tracing::info!(code = ?e.code(), "code refused");
            Err(state.fail(e))
        }
    }
}

/// The same rules as the server's, checked before the call so that the
/// member learns at once which one fails.
pub async fn check_new_password(state: &AppState, new_password: &Secret, confirmation: &Secret) -> Result<(), UiError> {
    if new_password.is_empty() {
        return Err(state.fail(BorneError::PasswordMissing).on(Field::NewPassword));
    }
    let broken = broken_rules_with(new_password.expose(), &state.personal_info().await);
    if !broken.is_empty() {
        return Err(state.fail(BorneError::PasswordPolicy { broken }));
    }
    if new_password != confirmation {
        return Err(state.fail(BorneError::PasswordsDiffer));
    }
    Ok(())
}

#[derive(Serialize)]
pub struct ResetDone {
    /// Set when the member is now logged in (after an unlock).
    pub member: Option<MemberSummary>,
}

/// MPN steps 8–9: the new password and its confirmation, « Modifier le mot
/// de passe », with the token of the code or of the link.
#[tauri::command]
pub async fn reset_password(state: State<'_, AppState>, new_password: String, confirmation: String) -> Result<ResetDone, UiError> {
    let (new_password, confirmation) = (Secret::from(new_password), Secret::from(confirmation));
    check_new_password(&state, &new_password, &confirmation).await?;
    match reset_with_token(&state, &new_password, &confirmation).await {
        Ok(member) => Ok(ResetDone { member }),
        Err(e) => {
            tracing::info!(code = ?e.code(), "reset refused");
            Err(state.fail(e))
        }
    }
}

/// Sets the password with the procedure's token; after an unlock, logs the
/// member in with their NIR and the new password.
async fn reset_with_token(state: &AppState, new_password: &Secret, confirmation: &Secret) -> Result<Option<MemberSummary>, BorneError> {
    let (token, kind, nir) = {
        let p = state.procedure.lock().await;
        (p.token.clone(), p.kind, p.nir.clone())
    };
    let token = token.ok_or(BorneError::CodeExpired)?;
    state.backend.client.reset_password(&token, new_password, confirmation).await?;
    tracing::info!("password reset");
    *state.procedure.lock().await = Procedure::default();
    match (kind, nir) {
        (Some(Kind::Unlock), Some(nir)) => {
            let resp = state.backend.client.login(&Identifier::parse(nir.expose())?, new_password).await?;
            tracing::info!("member logged in after unlocking");
            Ok(Some(keep_session(state, resp).await))
        }
        _ => Ok(None),
    }
}

/// The change-password step of an unlock by e-mail (no session yet).
pub async fn reset_then_log_in(state: &AppState, new_password: &Secret, confirmation: &Secret) -> Result<MemberSummary, BorneError> {
    reset_with_token(state, new_password, confirmation).await?.ok_or(BorneError::SessionExpired)
}

/// "Annuler": forgets the procedure under way and a temporary-password session.
#[tauri::command]
pub async fn cancel_procedure(state: State<'_, AppState>) -> Result<(), UiError> {
    *state.procedure.lock().await = Procedure::default();
    let mut session = state.session.lock().await;
    if session.as_ref().is_some_and(|s| s.temporary) {
        if let Some(s) = session.take() {
            let _ = state.backend.client.logout(&s.token).await;
        }
    }
    tracing::info!("procedure cancelled");
    Ok(())
}
