//! What the app holds between two commands: the backend and, while a member
//! is logged in, their session. The token never reaches the webview.

use crate::backend::Backend;
use borne_core::api::MemberSummary;
use borne_core::support::Support;
use borne_core::Secret;
use tokio::sync::Mutex;

pub struct Session {
    pub token: Secret,
    pub member: MemberSummary,
}

pub struct AppState {
    pub backend: Backend,
    pub support: Support,
    pub session: Mutex<Option<Session>>,
}

impl AppState {
    pub fn new(backend: Backend) -> AppState {
        AppState { backend, support: Support::default(), session: Mutex::new(None) }
    }
}
