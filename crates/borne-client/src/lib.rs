//! Typed client of the backend API (`/v1`, see the OpenAPI contract of
//! `borne-server`). Every answer, including transport failures, becomes either
//! a typed response or a [`BorneError`] the member can read.
//!
//! Only idempotent calls (session look-up, log-out, heartbeat) are retried; a
//! log-in is never sent twice, since a repeated wrong password would count twice.
//!
//! A kiosk enrols once ([`Client::enrol_device`]); with its
//! [`DeviceCredentials`] set ([`Client::with_device`], [`Client::set_device`])
//! every request the client sends is signed (module [`device`]), so the
//! backend knows which kiosk it comes from.

pub mod device;

pub use device::{BadDeviceCredentials, DeviceCredentials};

use borne_api::{
    Accepted, Activity, BlockRequest, ContactChangeRequest, ContactConfirmRequest, Contacts, EndedSessions,
    PendingContactChange, Sessions, ApiError, ChangePasswordRequest, Channel, ChannelOption, EnrolDeviceRequest, EnrolDeviceResponse,
    ForgotPasswordRequest, HeartbeatRequest, LoginRequest, LoginResponse, MemberSummary, Purpose, RegisterRequest,
    ResetPasswordRequest, TokenResponse, UnlockRequest, UnlockResponse, UnlockSendRequest, VerifyCodeRequest,
};
use borne_core::{BorneError, Identifier, Secret};
use device::Signer;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const RETRIES: u32 = 2;
const RETRY_BACKOFF: Duration = Duration::from_millis(300);

/// The backend's client. Clones share the HTTP connection pool and the
/// device credentials: [`Client::set_device`] on one signs the requests of all.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    device: Arc<RwLock<Option<Arc<Signer>>>>,
}

/// Why a backend URL was refused at start-up (a configuration error, for staff).
#[derive(Debug, PartialEq, Eq)]
pub struct BadBackendUrl(pub String);

impl std::fmt::Display for BadBackendUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BadBackendUrl {}

impl Client {
    /// `base_url` must be `https://…`; plain `http://` is accepted only for a
    /// loopback host (the embedded demo server, tests).
    pub fn new(base_url: &str) -> Result<Client, BadBackendUrl> {
        let mut base = Url::parse(base_url).map_err(|e| BadBackendUrl(format!("adresse du serveur invalide ({e}) : {base_url}")))?;
        let loopback = match base.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(BadBackendUrl(format!("le serveur doit être joint en https:// (reçu : {base_url})"))),
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("borne-adherent/", env!("CARGO_PKG_VERSION")))
            .https_only(!loopback)
            .build()
            .map_err(|e| BadBackendUrl(format!("client HTTP : {e}")))?;
        Ok(Client { http, base, device: Arc::new(RwLock::new(None)) })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// This client (its own copy, not shared with earlier clones) signing
    /// every request with `creds`.
    pub fn with_device(&self, creds: DeviceCredentials) -> Result<Client, BadDeviceCredentials> {
        let signer = Arc::new(Signer::new(&creds)?);
        Ok(Client { http: self.http.clone(), base: self.base.clone(), device: Arc::new(RwLock::new(Some(signer))) })
    }

    /// Signs every later request of this client and of its clones with
    /// `creds`; `None` stops signing (a device the backend revoked).
    pub fn set_device(&self, creds: Option<&DeviceCredentials>) -> Result<(), BadDeviceCredentials> {
        let signer = creds.map(Signer::new).transpose()?.map(Arc::new);
        *self.device.write().unwrap_or_else(|p| p.into_inner()) = signer;
        Ok(())
    }

    /// The id of the device whose key signs the requests, if any.
    pub fn device_id(&self) -> Option<String> {
        self.signer().map(|s| s.device_id().to_owned())
    }

    fn signer(&self) -> Option<Arc<Signer>> {
        self.device.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = self.base.join(path).expect("static API paths join");
        self.http.request(method, url)
    }

    /// Sends one request, signed when the client has device credentials
    /// (each attempt of a retried call is signed anew).
    async fn send(&self, builder: RequestBuilder) -> Result<Response, reqwest::Error> {
        let mut req = builder.build()?;
        if let Some(signer) = self.signer() {
            signer.sign(&mut req);
        }
        self.http.execute(req).await
    }

    /// `POST /v1/devices`: enrols this kiosk with the backend's enrolment
    /// secret. Never retried (a repeat would enrol a second device). The
    /// answer's key must be kept in the OS keyring, never in a file.
    pub async fn enrol_device(&self, req: &EnrolDeviceRequest) -> Result<EnrolDeviceResponse, BorneError> {
        self.post_json("v1/devices", req, None).await
    }

    /// `POST /v1/devices/heartbeat`, signed: version and health of the kiosk.
    /// Without device credentials: `DeviceUnauthorized`, no request sent.
    pub async fn heartbeat(&self, req: &HeartbeatRequest) -> Result<(), BorneError> {
        if self.signer().is_none() {
            return Err(BorneError::DeviceUnauthorized);
        }
        let resp = self.send_idempotent(|| self.request(Method::POST, "v1/devices/heartbeat").json(req)).await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(error_from(resp).await)
        }
    }

    /// `POST /v1/login`. Never retried.
    pub async fn login(&self, identifier: &Identifier, password: &Secret) -> Result<LoginResponse, BorneError> {
        let body = LoginRequest { identifier: identifier.canonical().to_owned(), password: password.clone() };
        self.post_json("v1/login", &body, None).await
    }

    /// `GET /v1/session`: who the token belongs to.
    pub async fn session(&self, token: &Secret) -> Result<MemberSummary, BorneError> {
        let resp = self.send_idempotent(|| self.request(Method::GET, "v1/session").bearer_auth(token.expose())).await?;
        read_json(resp).await
    }

    /// `POST /v1/logout`: revokes the token. Idempotent on the server.
    pub async fn logout(&self, token: &Secret) -> Result<(), BorneError> {
        let resp = self.send_idempotent(|| self.request(Method::POST, "v1/logout").bearer_auth(token.expose())).await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(error_from(resp).await)
        }
    }

    /// `POST /v1/password/forgot` (MPN guide): always the same answer.
    pub async fn forgot_password(&self, req: &ForgotPasswordRequest) -> Result<Accepted, BorneError> {
        self.post_json("v1/password/forgot", req, None).await
    }

    /// `POST /v1/codes/verify`: the code typed at a kiosk for the link's token.
    /// Never retried: each submission counts as one of the 5 tries.
    pub async fn verify_code(&self, purpose: Purpose, identifier: &str, code: &Secret) -> Result<TokenResponse, BorneError> {
        let req = VerifyCodeRequest { purpose, identifier: identifier.to_owned(), code: code.clone() };
        self.post_json("v1/codes/verify", &req, None).await
    }

    /// `POST /v1/password/reset` with a token (link or verified code).
    pub async fn reset_password(&self, token: &Secret, new_password: &Secret, confirmation: &Secret) -> Result<(), BorneError> {
        let req = ResetPasswordRequest { token: token.clone(), new_password: new_password.clone(), new_password_confirmation: confirmation.clone() };
        self.post_no_content("v1/password/reset", &req, None).await
    }

    /// `POST /v1/unlock` (MGEN guide): NIR + date of birth.
    pub async fn unlock(&self, nir: &str, birthdate: &str) -> Result<UnlockResponse, BorneError> {
        let req = UnlockRequest { nir: nir.to_owned(), birthdate: birthdate.to_owned() };
        self.post_json("v1/unlock", &req, None).await
    }

    /// `POST /v1/unlock/send`: the channel the member chose.
    pub async fn unlock_send(&self, unlock_id: &str, channel: Channel) -> Result<ChannelOption, BorneError> {
        let req = UnlockSendRequest { unlock_id: unlock_id.to_owned(), channel };
        self.post_json("v1/unlock/send", &req, None).await
    }

    /// `POST /v1/password/change` from a session (temporary or normal).
    pub async fn change_password(&self, session: &Secret, req: &ChangePasswordRequest) -> Result<LoginResponse, BorneError> {
        self.post_json("v1/password/change", req, Some(session)).await
    }

    /// `POST /v1/register` ("Pas encore inscrit ?"): always the same answer.
    pub async fn register(&self, req: &RegisterRequest) -> Result<Accepted, BorneError> {
        self.post_json("v1/register", req, None).await
    }

    // ---- Account and security centre (`/v1/account/…`) ------------------

    /// `GET /v1/account/contacts`: the mobile and e-mail on file, masked.
    pub async fn account_contacts(&self, session: &Secret) -> Result<Contacts, BorneError> {
        self.get_json("v1/account/contacts", session).await
    }

    /// `POST /v1/account/contacts/change`: sends a code to the new address.
    /// Never retried (each one sends a message and counts against the budget).
    pub async fn change_contact(&self, session: &Secret, channel: Channel, value: &str) -> Result<PendingContactChange, BorneError> {
        let req = ContactChangeRequest { channel, value: value.to_owned() };
        self.post_json("v1/account/contacts/change", &req, Some(session)).await
    }

    /// `POST /v1/account/contacts/confirm`: the code received at the new
    /// address; the contacts as they are now. Never retried (a try counts).
    pub async fn confirm_contact(&self, session: &Secret, channel: Channel, code: &Secret) -> Result<Contacts, BorneError> {
        let req = ContactConfirmRequest { channel, code: code.clone() };
        self.post_json("v1/account/contacts/confirm", &req, Some(session)).await
    }

    /// `GET /v1/account/activity`: the last log-ins and the account's events, newest first.
    pub async fn account_activity(&self, session: &Secret) -> Result<Activity, BorneError> {
        self.get_json("v1/account/activity", session).await
    }

    /// `GET /v1/account/sessions`: the sessions open now.
    pub async fn account_sessions(&self, session: &Secret) -> Result<Sessions, BorneError> {
        self.get_json("v1/account/sessions", session).await
    }

    /// `POST /v1/account/sessions/end-others`: « Déconnecter les autres appareils ».
    pub async fn end_other_sessions(&self, session: &Secret) -> Result<EndedSessions, BorneError> {
        self.post_json("v1/account/sessions/end-others", &serde_json::json!({}), Some(session)).await
    }

    /// `POST /v1/account/block`: « Ce n'est pas moi » — the account is
    /// blocked and every session, this one included, ends.
    pub async fn block_account(&self, session: &Secret, event_id: Option<i64>) -> Result<(), BorneError> {
        self.post_no_content("v1/account/block", &BlockRequest { event_id }, Some(session)).await
    }

    /// A GET with the session, retried like every idempotent call.
    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, session: &Secret) -> Result<T, BorneError> {
        let resp = self.send_idempotent(|| self.request(Method::GET, path).bearer_auth(session.expose())).await?;
        read_json(resp).await
    }

    /// A POST that is never retried (each one may count or send something).
    async fn post(&self, path: &str, body: &impl serde::Serialize, bearer: Option<&Secret>) -> Result<Response, BorneError> {
        let mut req = self.request(Method::POST, path).json(body);
        if let Some(token) = bearer {
            req = req.bearer_auth(token.expose());
        }
        self.send(req).await.map_err(transport_error)
    }

    async fn post_json<T: serde::de::DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize, bearer: Option<&Secret>) -> Result<T, BorneError> {
        read_json(self.post(path, body, bearer).await?).await
    }

    async fn post_no_content(&self, path: &str, body: &impl serde::Serialize, bearer: Option<&Secret>) -> Result<(), BorneError> {
        let resp = self.post(path, body, bearer).await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(error_from(resp).await)
        }
    }

    /// `GET /dev/outbox`: the messages a reference server in demo mode kept
    /// instead of sending them (codes, links, temporary passwords in clear:
    /// demo only, loopback only). The app shows them only with its embedded
    /// demo server.
    pub async fn demo_outbox(&self) -> Result<Vec<DemoMessage>, BorneError> {
        let resp = self.send_idempotent(|| self.request(Method::GET, "dev/outbox")).await?;
        read_json(resp).await
    }

    /// `GET /readyz`: true when the backend and its database answer.
    pub async fn is_ready(&self) -> bool {
        match self.send_idempotent(|| self.request(Method::GET, "readyz")).await {
            Ok(r) => r.status().is_success(),
            Err(_) => false,
        }
    }

    async fn send_idempotent(&self, build: impl Fn() -> RequestBuilder) -> Result<Response, BorneError> {
        let mut attempt = 0;
        loop {
            let outcome = self.send(build()).await;
            let retryable = match &outcome {
                Err(e) => e.is_connect() || e.is_timeout(),
                Ok(r) => matches!(r.status(), StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT),
            };
            if !retryable || attempt >= RETRIES {
                return outcome.map_err(transport_error);
            }
            attempt += 1;
            tracing::debug!(attempt, "retrying an idempotent request");
            tokio::time::sleep(RETRY_BACKOFF * attempt).await;
        }
    }
}

fn transport_error(e: reqwest::Error) -> BorneError {
    // The URL may hold nothing secret, but keep logs about the kind of failure only.
    tracing::warn!(connect = e.is_connect(), timeout = e.is_timeout(), "backend unreachable");
    BorneError::BackendUnavailable
}

async fn read_json<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T, BorneError> {
    if !resp.status().is_success() {
        return Err(error_from(resp).await);
    }
    resp.json::<T>().await.map_err(|e| {
        tracing::error!(error = %e, "backend answered success with an unreadable body");
        BorneError::Unexpected
    })
}

/// Maps an error answer to the member-facing error. A body that follows the
/// contract decides; otherwise the status does.
async fn error_from(resp: Response) -> BorneError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let body = resp.bytes().await.unwrap_or_default();
    if let Ok(api) = serde_json::from_slice::<ApiError>(&body) {
        let mut err = api.into_error();
        if let (BorneError::TooManyRequests { retry_after_secs }, Some(h)) = (&mut err, retry_after) {
            *retry_after_secs = h;
        }
        return err;
    }
    tracing::warn!(status = status.as_u16(), "backend answered outside the contract");
    match status {
        StatusCode::TOO_MANY_REQUESTS => BorneError::TooManyRequests { retry_after_secs: retry_after.unwrap_or(30) },
        StatusCode::UNAUTHORIZED => BorneError::SessionExpired,
        s if s.is_server_error() => BorneError::BackendUnavailable,
        _ => BorneError::Unexpected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_plain_http_to_a_remote_host() {
        assert!(Client::new("http://mutuelle.example/api").is_err());
        assert!(Client::new("ftp://127.0.0.1/").is_err());
        assert!(Client::new("pas une url").is_err());
        assert!(Client::new("http://127.0.0.1:8080").is_ok());
        assert!(Client::new("http://localhost:8080").is_ok());
        assert!(Client::new("https://mutuelle.example/api").is_ok());
    }

    #[test]
    fn keeps_a_path_prefix() {
        let c = Client::new("https://mutuelle.example/api").unwrap();
        assert_eq!(c.base.join("v1/login").unwrap().as_str(), "https://mutuelle.example/api/v1/login");
    }
}

/// One message of a demo server's outbox.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct DemoMessage {
    pub id: u64,
    /// `email` or `sms`.
    pub channel: String,
    /// The e-mail address or the phone number.
    pub to: String,
    pub subject: Option<String>,
    pub text: String,
}

impl std::fmt::Debug for DemoMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DemoMessage(••••)")
    }
}
