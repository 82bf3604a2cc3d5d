//! What the app holds between two commands: the backend (and the embedded
//! demo server) and the app core (`borne-app`: the language, the member's
//! session, the procedure under way, a pending `borne://` link).

use crate::backend::Backend;
use app_core::App;
use borne_content::Profile;

pub struct AppState {
    pub backend: Backend,
    pub core: App,
}

impl AppState {
    pub fn new(backend: Backend, profile: Profile) -> AppState {
        let core = App::new(backend.client.clone(), profile);
        AppState { backend, core }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.core
    }
}
