//! The answers the UI receives (docs/app-ipc.md): each carries the stepper
//! when the procedure moved.

use crate::stepper::Stepper;
use crate::wire::{ChannelOption, MemberSummary};
use borne_core::password::RuleCheck;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct LoggedIn {
    pub member: MemberSummary,
    /// Logged in with an SMS temporary password: the next screen is the
    /// change of password, and nothing else is allowed.
    pub must_change_password: bool,
    pub stepper: Option<Stepper>,
}

#[derive(Debug, Serialize)]
pub struct Sent {
    pub message: String,
    pub cooldown_secs: u64,
    pub stepper: Option<Stepper>,
}

#[derive(Debug, Serialize)]
pub struct UnlockView {
    pub channels: Vec<ChannelOption>,
    /// When the insurer knows one contact only, it has been used already.
    pub sent: Option<ChannelOption>,
    pub stepper: Option<Stepper>,
}

/// `unlock_send`: the channel used (`{channel, masked}`) and the step.
#[derive(Debug, Serialize)]
pub struct UnlockSent {
    #[serde(flatten)]
    pub sent: ChannelOption,
    pub stepper: Option<Stepper>,
}

/// A step without other data (code accepted, procedure started or cancelled).
#[derive(Debug, Serialize)]
pub struct Progress {
    pub stepper: Option<Stepper>,
}

#[derive(Debug, Serialize)]
pub struct ResetDone {
    /// Set when the member is now logged in (after an unlock).
    pub member: Option<MemberSummary>,
    pub stepper: Option<Stepper>,
}

#[derive(Debug, Serialize)]
pub struct PasswordCheck {
    pub rules: Vec<RuleCheck>,
    pub confirmation_matches: bool,
}

/// A `borne://reset` link was opened: the screen to show and its step (the
/// token stays on the Rust side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Opened {
    pub screen: String,
    pub stepper: Option<Stepper>,
}
