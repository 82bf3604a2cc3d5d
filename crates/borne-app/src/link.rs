//! `borne://reset?token=…`: the link of a forgotten-password e-mail or of an
//! unlock e-mail (the server gives both the same form), opened on a member's
//! PC. It continues the procedure under way when there is one that sent
//! such an e-mail: an unlock by e-mail goes on to its step 5 (the new
//! password, then the personal space), a registration to its password step;
//! otherwise it is a forgotten password at its reset step (MPN step 8).
//! The token stays here; the UI learns which screen and step to show.
//! Nothing of the link is logged.

use crate::code_step::password_step;
use crate::state::Procedure;
use crate::stepper::{ids, At};
use crate::{App, Opened};
use borne_content::Procedure as Kind;
use borne_core::Secret;
use url::Url;

pub const SCHEME: &str = "borne";

/// The token of a reset link, if `url` is one: `borne://reset?token=X` with X
/// made of URL-safe characters (what the server generates), 16 to 256 long.
pub fn reset_token(url: &str) -> Option<Secret> {
    let url = Url::parse(url).ok()?;
    if url.scheme() != SCHEME || url.host_str() != Some("reset") {
        return None;
    }
    let token = url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| Secret::new(v.into_owned()))?;
    let t = token.expose();
    let well_formed = (16..=256).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    well_formed.then_some(token)
}

impl App {
    /// The first reset link among `urls`: the procedure it continues, kept
    /// for the UI (`take_link`) and returned (for the `deep-link` event).
    pub async fn open_link<S: AsRef<str>>(&self, urls: &[S]) -> Option<Opened> {
        let Some(token) = urls.iter().find_map(|u| reset_token(u.as_ref())) else {
            tracing::warn!("a link the app does not handle was ignored");
            return None;
        };
        let opened = {
            let mut p = self.procedure.lock().await;
            let continues = match (p.kind, p.at) {
                (Some(Kind::Unlock), _) => p.unlock_email_sent(),
                (Some(Kind::Register), Some(At::Step(ids::REGISTER_CODE))) => true,
                _ => false,
            };
            if !continues {
                *p = Procedure::at(Kind::Forgot, At::Step(ids::FORGOT_RESET));
            }
            let kind = p.kind.unwrap_or(Kind::Forgot);
            p.token = Some(token);
            p.at = Some(password_step(kind));
            let stepper = self.stepper_of(&p);
            let screen = stepper.as_ref().map(|s| s.screen.clone()).unwrap_or_else(|| "reset".into());
            tracing::info!(procedure = kind.as_str(), "reset link opened");
            Opened { screen, stepper }
        };
        *self.pending_link.lock().await = Some(opened.clone());
        Some(opened)
    }

    /// The screen a link asked for, once.
    pub async fn take_link(&self) -> Option<Opened> {
        self.pending_link.lock().await.take()
    }

    /// The wipe between two members: a link not shown yet is dropped.
    pub async fn forget_link(&self) {
        *self.pending_link.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(s: &str) -> Option<String> {
        reset_token(s).map(|t| t.expose().to_owned())
    }

    #[test]
    fn only_well_formed_reset_links_carry_a_token() {
        assert_eq!(token("borne://reset?token=AbC_def-0123456789xyz").as_deref(), Some("AbC_def-0123456789xyz"));
        assert_eq!(token("borne://reset?token=short"), None);
        assert_eq!(token("borne://other?token=AbC_def-0123456789xyz"), None);
        assert_eq!(token("https://reset?token=AbC_def-0123456789xyz"), None);
        assert_eq!(token("borne://reset?token=AbC%3Cscript%3E0123456789"), None);
        assert_eq!(token("borne://reset"), None);
        assert_eq!(token("not a url"), None);
    }
}
