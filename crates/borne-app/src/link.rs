//! `borne://reset?token=…`: the link of a forgotten-password e-mail, or of an
//! unlock e-mail (`…&procedure=unlock`), opened on a member's PC. It
//! continues the procedure under way when there is one that sent such an
//! e-mail: an unlock by e-mail goes on to its step 5 (the new password, then
//! the personal space), a registration to its password step. An unlock link
//! with no unlock under way (the app was restarted since) opens the new
//! password form without the forgotten password's steps: the app does not
//! know the member's NIR any more, so the form ends with « Se connecter ».
//! A registration e-mail's link (`…&procedure=registration`) opens the
//! registration's password step, under way or not.
//! Any other link is a forgotten password at its reset step (MPN step 8).
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

/// What a reset link carries.
pub struct ResetLink {
    pub token: Secret,
    /// An unlock e-mail's link (`procedure=unlock`).
    pub unlock: bool,
    /// A registration e-mail's link (`procedure=registration`).
    pub registration: bool,
}

/// The token of a reset link, if `url` is one: `borne://reset?token=X` with X
/// made of URL-safe characters (what the server generates), 16 to 256 long.
pub fn reset_token(url: &str) -> Option<Secret> {
    reset_link(url).map(|l| l.token)
}

/// [`reset_token`], and whether the link is an unlock's.
pub fn reset_link(url: &str) -> Option<ResetLink> {
    let url = Url::parse(url).ok()?;
    if url.scheme() != SCHEME || url.host_str() != Some("reset") {
        return None;
    }
    let token = url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| Secret::new(v.into_owned()))?;
    let t = token.expose();
    let well_formed = (16..=256).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let procedure = |name: &str| url.query_pairs().any(|(k, v)| k == "procedure" && v == name);
    let (unlock, registration) = (procedure("unlock"), procedure("registration"));
    well_formed.then_some(ResetLink { token, unlock, registration })
}

impl App {
    /// The first reset link among `urls`: the procedure it continues, kept
    /// for the UI (`take_link`) and returned (for the `deep-link` event).
    pub async fn open_link<S: AsRef<str>>(&self, urls: &[S]) -> Option<Opened> {
        let Some(ResetLink { token, unlock, registration }) = urls.iter().find_map(|u| reset_link(u.as_ref())) else {
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
            // An unlock link in an app restarted since (no unlock under way):
            // the unlock's new password, but with the reset form, which ends
            // with « Se connecter » (the app no longer knows the NIR to log
            // the member in), and no stepper (that form is not one of the
            // unlock guide's screens).
            let restarted_unlock = !continues && unlock;
            if restarted_unlock {
                *p = Procedure::at(Kind::Unlock, At::Step(ids::UNLOCK_CHANGE));
            } else if !continues && registration {
                // A registration's link, no registration under way (asked
                // on the web site, or before a restart): its password step.
                *p = Procedure::at(Kind::Register, At::Step(ids::REGISTER_CODE));
            } else if !continues {
                *p = Procedure::at(Kind::Forgot, At::Step(ids::FORGOT_RESET));
            }
            let kind = p.kind.unwrap_or(Kind::Forgot);
            p.token = Some(token);
            p.at = Some(password_step(kind));
            tracing::info!(procedure = kind.as_str(), "reset link opened");
            if restarted_unlock {
                Opened { screen: "reset".into(), stepper: None }
            } else {
                let stepper = self.stepper_of(&p);
                let screen = stepper.as_ref().map(|s| s.screen.clone()).unwrap_or_else(|| "reset".into());
                Opened { screen, stepper }
            }
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

    #[test]
    fn an_unlock_link_says_so() {
        assert!(reset_link("borne://reset?token=AbC_def-0123456789xyz&procedure=unlock").unwrap().unlock);
        assert!(!reset_link("borne://reset?token=AbC_def-0123456789xyz").unwrap().unlock);
        assert!(!reset_link("borne://reset?token=AbC_def-0123456789xyz&procedure=forgot").unwrap().unlock);
        assert_eq!(token("borne://reset?token=AbC_def-0123456789xyz&procedure=unlock").as_deref(), Some("AbC_def-0123456789xyz"));
        let registration = reset_link("borne://reset?token=AbC_def-0123456789xyz&procedure=registration").unwrap();
        assert!(registration.registration && !registration.unlock);
        assert!(!reset_link("borne://reset?token=AbC_def-0123456789xyz").unwrap().registration);
    }
}
