//! Where the member is in a guide: "Étape N sur M" of which procedure, and
//! beside which screens the step is shown. Computed here from the state of
//! the procedure and the guide's step ids (the same in every language), never
//! from the screen alone: the log-in screen is step 1 of the log-in guide but
//! step 4 of an unlock by SMS (the temporary password is typed there).

use borne_content::{Guide, Procedure};
use borne_core::Lang;
use serde::Serialize;

/// A step of a procedure, by the id its guide gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The guide's step of this id, beside its own screen.
    Step(&'static str),
    /// Unlock by SMS, step "sent": the temporary password is typed on the
    /// log-in form, which stays that step.
    SmsSent,
    /// A step opened from the "Guides" screen (0-based), beside its screen.
    Preview(usize),
}

/// The step ids of the guides (content/guides/*/<procedure>.*.toml).
pub mod ids {
    pub const LOGIN_FORM: &str = "form";
    pub const LOGIN_CONNECTED: &str = "connected";
    pub const FORM: &str = "form";
    pub const FORGOT_MAILBOX: &str = "mailbox";
    pub const FORGOT_RESET: &str = "reset";
    pub const REGISTER_CODE: &str = "code";
    pub const REGISTER_PASSWORD: &str = "password";
    pub const DONE: &str = "done";
    pub const UNLOCK_IDENTITY: &str = "identity";
    pub const UNLOCK_CHANNEL: &str = "channel";
    pub const UNLOCK_SENT: &str = "sent";
    pub const UNLOCK_CHANGE: &str = "change";
}

/// What the UI shows beside the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stepper {
    pub procedure: Procedure,
    /// 1-based.
    pub step: usize,
    pub total: usize,
    pub step_id: String,
    /// The screen of this step (the one to show when it is opened).
    pub screen: String,
    /// Every screen beside which this step is shown.
    pub screens: Vec<String>,
    /// The steps (1-based, in order) the member is at: this one and the
    /// steps next to it that share its screen (« Vérifiez votre boîte
    /// mail » and « Saisissez le code » are one screen), all marked.
    pub marked: Vec<usize>,
}

/// The first step of each procedure a member starts from its entry point.
pub fn entry(procedure: Procedure) -> At {
    At::Step(match procedure {
        Procedure::Login => ids::LOGIN_FORM,
        Procedure::Forgot | Procedure::Register => ids::FORM,
        Procedure::Unlock => ids::UNLOCK_IDENTITY,
    })
}

/// The stepper of `procedure` at `at`, from the profile's guide in `lang`;
/// `None` when the profile has no such guide or step.
pub fn stepper(profile_id: &str, lang: Lang, procedure: Procedure, at: At) -> Option<Stepper> {
    let guides = borne_content::guides(profile_id, lang)
        .map_err(|e| tracing::error!("guides unreadable: {e}"))
        .ok()?;
    position(guides.iter().find(|g| g.procedure == procedure)?, at)
}

fn position(guide: &Guide, at: At) -> Option<Stepper> {
    let index = match at {
        At::Step(id) => guide.steps.iter().position(|s| s.id == id)?,
        At::SmsSent => guide.steps.iter().position(|s| s.id == ids::UNLOCK_SENT)?,
        At::Preview(i) => (i < guide.steps.len()).then_some(i)?,
    };
    let screen = guide.steps[index].screen.clone();
    let mut screens = vec![screen.clone()];
    if at == At::SmsSent {
        screens.push("login".into());
    }
    let same = |i: &usize| guide.steps[*i].screen == screen;
    let first = (0..index).rev().take_while(same).last().unwrap_or(index);
    let last = (index + 1..guide.steps.len()).take_while(same).last().unwrap_or(index);
    let marked = (first + 1..=last + 1).collect();
    Some(Stepper { procedure: guide.procedure, step: index + 1, total: guide.steps.len(), step_id: guide.steps[index].id.clone(), screen, screens, marked })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(profile: &str, procedure: Procedure, at: At) -> (usize, usize, String, Vec<String>) {
        let s = stepper(profile, Lang::Fr, procedure, at).unwrap();
        (s.step, s.total, s.screen, s.screens)
    }

    #[test]
    fn every_state_of_every_procedure_is_a_step_of_its_guide_in_both_profiles_and_languages() {
        let states: &[(Procedure, &[&str])] = &[
            (Procedure::Login, &[ids::LOGIN_FORM, ids::LOGIN_CONNECTED]),
            (Procedure::Forgot, &[ids::FORM, ids::FORGOT_MAILBOX, ids::FORGOT_RESET, ids::DONE]),
            (Procedure::Register, &[ids::FORM, ids::REGISTER_CODE, ids::REGISTER_PASSWORD, ids::DONE]),
            (Procedure::Unlock, &[ids::UNLOCK_IDENTITY, ids::UNLOCK_CHANNEL, ids::UNLOCK_SENT, ids::UNLOCK_CHANGE]),
        ];
        for profile in ["mpn", "mgen"] {
            for lang in [Lang::Fr, Lang::En] {
                for (procedure, ids) in states {
                    for id in *ids {
                        assert!(stepper(profile, lang, *procedure, At::Step(id)).is_some(), "{profile} {lang:?} {procedure:?} {id}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_temporary_password_is_typed_at_step_4_of_the_unlock_not_step_1() {
        assert_eq!(at("mpn", Procedure::Unlock, At::SmsSent), (4, 5, "unlock-sent".into(), vec!["unlock-sent".into(), "login".into()]));
        assert_eq!(at("mpn", Procedure::Unlock, entry(Procedure::Unlock)).0, 2);
        assert_eq!(at("mgen", Procedure::Unlock, At::Step(ids::UNLOCK_CHANGE)).0, 5);
    }

    #[test]
    fn steps_that_share_a_screen_are_both_marked_in_both_profiles() {
        for profile in ["mpn", "mgen"] {
            let mark = |procedure, at| stepper(profile, Lang::Fr, procedure, at).unwrap().marked;
            // The forgotten password's mailbox (3) and code (4) are one screen.
            assert_eq!(mark(Procedure::Forgot, At::Step(ids::FORGOT_MAILBOX)), [3, 4], "{profile}");
            assert_eq!(mark(Procedure::Forgot, At::Step(ids::FORM)), [2], "{profile}");
            assert_eq!(mark(Procedure::Forgot, At::Step(ids::FORGOT_RESET)), [5], "{profile}");
            // The SMS step on the log-in form is step 4 only: step 1 (the
            // log-in screen too) is behind the member, not next to step 4.
            assert_eq!(mark(Procedure::Unlock, At::SmsSent), [4], "{profile}");
            assert_eq!(mark(Procedure::Register, At::Step(ids::REGISTER_CODE)), [3], "{profile}");
        }
    }

    #[test]
    fn a_preview_is_the_guide_step_of_that_number() {
        assert_eq!(at("mpn", Procedure::Unlock, At::Preview(0)), (1, 5, "login".into(), vec!["login".into()]));
        assert_eq!(at("mpn", Procedure::Forgot, At::Preview(3)).2, "forgot-sent");
        assert!(stepper("mpn", Lang::Fr, Procedure::Unlock, At::Preview(5)).is_none());
    }
}
