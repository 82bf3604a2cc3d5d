//! Routes of the account procedures: input checked with borne-core's rules
//! (precise 400 answers), then handed to `crate::flows`.

use borne_api::Coded;
use super::extract::{ApiJson, BearerToken};
use super::ApiFailure;
use crate::client::ClientId;
use crate::error::Failure;
use crate::flows;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use borne_api::{
    Accepted, ChangePasswordRequest, ChannelOption, ForgotPasswordRequest, LoginResponse, Purpose, RegisterRequest,
    ResetPasswordRequest, TokenResponse, UnlockRequest, UnlockResponse, UnlockSendRequest, VerifyCodeRequest,
};
use borne_core::email::Email;
use borne_core::{password, BirthDate, BorneError, Identifier, Lang, Nir, Secret};

type Answer<T> = Result<T, ApiFailure>;

fn refuse(state: &AppState, e: BorneError) -> ApiFailure {
    tracing::info!(outcome = "invalid_input", code = ?e.code(), "request refused");
    ApiFailure::new(e, &state.config.support)
}

fn failure(state: &AppState, f: Failure) -> ApiFailure {
    ApiFailure::from_failure(f, &state.config.support)
}

fn member_number(state: &AppState, typed: &str) -> Answer<String> {
    borne_core::member_number::parse(typed).map_err(|e| refuse(state, e))
}

fn bounded(state: &AppState, secrets: &[&Secret]) -> Answer<()> {
    for s in secrets {
        if s.expose().chars().count() > password::MAX_LENGTH {
            return Err(refuse(state, BorneError::BadRequest));
        }
    }
    Ok(())
}

/// The NIR and date of birth of the unlock and registration forms, the date
/// checked against the year and month the NIR carries.
fn nir_and_birthdate(state: &AppState, nir: &str, birthdate: &str) -> Answer<(Nir, BirthDate)> {
    borne_core::birthdate::parse_nir_and_birthdate(nir, birthdate).map_err(|e| refuse(state, e))
}

pub(super) async fn forgot(State(state): State<AppState>, ApiJson(req): ApiJson<ForgotPasswordRequest>) -> Answer<(StatusCode, Json<Accepted>)> {
    let identifier = Identifier::parse(&req.identifier).map_err(|e| refuse(&state, e))?;
    let member_number = member_number(&state, &req.member_number)?;
    let email = Email::parse(&req.email).map_err(|e| refuse(&state, e))?;
    flows::forgot::request(&state, identifier, member_number, email).await.map_err(|f| failure(&state, f))?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { message: borne_content::accepted::forgot_password(Lang::Fr) })))
}

pub(super) async fn register(State(state): State<AppState>, ApiJson(req): ApiJson<RegisterRequest>) -> Answer<(StatusCode, Json<Accepted>)> {
    let (nir, birthdate) = nir_and_birthdate(&state, &req.nir, &req.birthdate)?;
    let member_number = member_number(&state, &req.member_number)?;
    let email = Email::parse(&req.email).map_err(|e| refuse(&state, e))?;
    flows::register::request(&state, nir, member_number, birthdate, email).await.map_err(|f| failure(&state, f))?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { message: borne_content::accepted::registration(Lang::Fr) })))
}

pub(super) async fn verify_code(State(state): State<AppState>, ApiJson(req): ApiJson<VerifyCodeRequest>) -> Answer<Json<TokenResponse>> {
    let identifier = match req.purpose {
        Purpose::Reset => Identifier::parse(&req.identifier),
        Purpose::Unlock | Purpose::Registration => Nir::parse(&req.identifier).map(Identifier::Nir),
    }
    .map_err(|e| refuse(&state, e))?;
    let code = borne_core::code::parse(req.code.expose()).map_err(|e| refuse(&state, e))?;
    flows::codes::verify(&state, req.purpose, &identifier, &code).await.map(Json).map_err(|f| failure(&state, f))
}

pub(super) async fn reset(State(state): State<AppState>, ApiJson(req): ApiJson<ResetPasswordRequest>) -> Answer<StatusCode> {
    bounded(&state, &[&req.token, &req.new_password, &req.new_password_confirmation])?;
    flows::reset::reset(&state, req).await.map(|()| StatusCode::NO_CONTENT).map_err(|f| failure(&state, f))
}

pub(super) async fn unlock(State(state): State<AppState>, client: ClientId, ApiJson(req): ApiJson<UnlockRequest>) -> Answer<Json<UnlockResponse>> {
    let (nir, birthdate) = nir_and_birthdate(&state, &req.nir, &req.birthdate)?;
    flows::unlock::start(&state, &client, &nir, &birthdate).await.map(Json).map_err(|f| failure(&state, f))
}

pub(super) async fn unlock_send(State(state): State<AppState>, ApiJson(req): ApiJson<UnlockSendRequest>) -> Answer<Json<ChannelOption>> {
    if req.unlock_id.len() > 64 {
        return Err(refuse(&state, BorneError::BadRequest));
    }
    flows::unlock::send(&state, &req.unlock_id, req.channel).await.map(Json).map_err(|f| failure(&state, f))
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Answer<Json<LoginResponse>> {
    let mut all = vec![&req.new_password, &req.new_password_confirmation];
    if let Some(c) = &req.current_password {
        all.push(c);
    }
    bounded(&state, &all)?;
    flows::change::change(&state, &token, req).await.map(Json).map_err(|f| failure(&state, f))
}
