//! `POST /v1/login`.

use borne_api::Coded;
use super::extract::ApiJson;
use super::ApiFailure;
use crate::error::Failure;
use crate::login::log_in;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use borne_api::{LoginRequest, LoginResponse};
use borne_core::{password, BorneError, Identifier};

errors!(LoginErrors {
    400 "Saisie invalide (identifiant re-vérifié avec les règles de `borne_core`, mot de passe absent ou de plus de 128 caractères, JSON mal formé)." [IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, EmailInvalid, PasswordMissing, BadRequest],
    401 "Mot de passe incorrect (`wrong_password`) ou mot de passe temporaire incorrect (`code_invalid`), avec `attempts_left`." [WrongPassword, CodeInvalid],
    404 "Ce profil est inconnu." [UnknownProfile],
    423 "Compte bloqué." [AccountBlocked],
});

#[utoipa::path(
    post,
    path = "/v1/login",
    operation_id = "login",
    tag = "Connexion",
    summary = "Se connecter",
    description = "Connexion par NIR ou e-mail et mot de passe. Trois échecs consécutifs bloquent le compte (décidé atomiquement en base) ; ensuite 423, même avec le bon mot de passe. Un mot de passe temporaire reçu par SMS ouvre une session restreinte (`must_change_password`).",
    request_body(content = LoginRequest, description = "Identifiant (NIR ou e-mail) et mot de passe."),
    responses((status = 200, description = "Session ouverte.", body = LoginResponse), LoginErrors),
)]
pub(super) async fn login(
    State(state): State<AppState>,
    device: Option<axum::Extension<crate::devices::SignedDevice>>,
    ApiJson(LoginRequest { identifier, password }): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiFailure> {
    let support = &state.config.support;
    // Input checks first, before any database work.
    let refuse = |e: BorneError| {
        tracing::info!(outcome = "invalid_input", code = ?e.code(), "log-in refused");
        ApiFailure::new(e, support)
    };
    let identifier = Identifier::parse(&identifier).map_err(refuse)?;
    if password.is_empty() {
        return Err(refuse(BorneError::PasswordMissing));
    }
    if password.expose().chars().count() > password::MAX_LENGTH {
        return Err(refuse(BorneError::BadRequest));
    }
    // Its own task: a client that hangs up mid-way cannot cancel the
    // settlement of an attempt.
    let flow_state = state.clone();
    let device_id = device.map(|axum::Extension(d)| d.device_id);
    let outcome = tokio::spawn(async move { log_in(&flow_state, &identifier, password, device_id).await })
        .await
        .unwrap_or_else(|e| Err(Failure::Internal(anyhow::anyhow!("log-in task failed: {e}"))));
    outcome.map(Json).map_err(|f| ApiFailure::from_failure(f, support))
}
