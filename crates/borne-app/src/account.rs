//! The account and security centre (issue 16), from the personal space:
//! « Mes coordonnées » (the e-mail and mobile on file, their change
//! confirmed by a code sent to the new address), « Sécurité du compte » (the
//! last log-ins and the account's events, the open sessions, « Déconnecter
//! les autres appareils ») and « Ce n'est pas moi » (the account is blocked,
//! the session ends here, the forgotten-password procedure starts). Every
//! call needs a full session: a temporary-password session cannot use it.
//! Dates are written here, once, in the insurer's time zone.

use crate::state::Procedure;
use crate::stepper::{self};
use crate::wire::{Channel, Coded, Field};
use crate::{cooldown, App, Stepper, UiError};
use borne_api::{Activity, Contacts, Place, Sessions};
use borne_content::account::{self as texts, When};
use borne_content::Procedure as Kind;
use borne_core::email::Email;
use borne_core::procedures::RESEND_COOLDOWN_SECS;
use borne_core::{code, contact, BorneError, Lang, Secret};
use serde::Serialize;
use std::time::Instant;

/// The insurers' time zone: every date of the account centre is written in it.
pub const TIME_ZONE: &str = "Europe/Paris";

/// A change of contact waiting for its code: what « Recevoir un nouveau
/// code » sends again. Dropped (zeroized) once confirmed, at log-out, on a wipe.
pub(crate) struct ContactChange {
    channel: Channel,
    value: Secret,
    last_sent: Instant,
}

/// « Mes coordonnées »: the contacts on file, masked by the backend.
#[derive(Debug, Serialize)]
pub struct ContactsView {
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// False: unlocking by SMS is impossible with what is on file (no
    /// mobile, or not a metropolitan one): the screen warns.
    pub sms_unlock_possible: bool,
    /// After a confirmed change: what was saved.
    pub message: Option<String>,
}

/// A code went to the new address.
#[derive(Debug, Serialize)]
pub struct CodeSent {
    pub channel: Channel,
    pub masked: String,
    pub message: String,
    pub cooldown_secs: u64,
}

/// A line of « Dernières connexions » or of the open sessions.
#[derive(Debug, Serialize)]
pub struct LoginRow {
    /// « le 3 mars 2025 à 14 h 05 ».
    pub when: String,
    /// « sur la borne de l'agence « … » » or « sur un ordinateur ou un téléphone ».
    pub place: String,
}

#[derive(Debug, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub when: String,
    pub what: String,
    /// « Ce n'est pas moi » applies.
    pub disownable: bool,
}

/// « Sécurité du compte »: newest first.
#[derive(Debug, Serialize)]
pub struct ActivityView {
    pub logins: Vec<LoginRow>,
    pub events: Vec<EventRow>,
}

#[derive(Debug, Serialize)]
pub struct SessionRow {
    pub when: String,
    pub place: String,
    /// This device.
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct SessionsView {
    pub sessions: Vec<SessionRow>,
}

/// « Déconnecter les autres appareils » is done.
#[derive(Debug, Serialize)]
pub struct SessionsEnded {
    pub ended: u32,
    pub message: String,
}

/// « Ce n'est pas moi » is done: the forgotten-password form comes next.
#[derive(Debug, Serialize)]
pub struct Blocked {
    pub message: String,
    pub stepper: Option<Stepper>,
}

/// `at` (Unix seconds, UTC) in the insurer's time zone, in words.
pub fn when(lang: Lang, at: i64) -> String {
    let civil = jiff::Timestamp::from_second(at)
        .ok()
        .and_then(|ts| jiff::tz::TimeZone::get(TIME_ZONE).ok().map(|tz| ts.to_zoned(tz).datetime()));
    match civil {
        Some(d) => texts::when(lang, When { year: d.year(), month: d.month(), day: d.day(), hour: d.hour(), minute: d.minute() }),
        None => String::new(),
    }
}

impl App {
    /// The token of the full session, or why there is none.
    async fn full_session(&self) -> Result<Secret, UiError> {
        match self.session.lock().await.as_ref() {
            Some(s) if !s.temporary => Ok(s.token.clone()),
            Some(_) => Err(self.fail(BorneError::PasswordChangeRequired)),
            None => Err(self.fail(BorneError::SessionExpired)),
        }
    }

    /// The backend's refusal, logged by its code only.
    fn refused(&self, what: &'static str, e: BorneError) -> UiError {
        tracing::info!(code = ?e.code(), "{what} refused");
        self.fail(e)
    }

    fn contacts_view(&self, c: Contacts, message: Option<String>) -> ContactsView {
        ContactsView { email: c.email, mobile: c.mobile, sms_unlock_possible: c.sms_unlock_possible, message }
    }

    /// « Mes coordonnées ».
    pub async fn contacts(&self) -> Result<ContactsView, UiError> {
        let token = self.full_session().await?;
        let contacts = self.client.account_contacts(&token).await.map_err(|e| self.refused("contacts", e))?;
        Ok(self.contacts_view(contacts, None))
    }

    /// A new e-mail or mobile, checked here with borne-core's rules (a French
    /// mobile, metropolitan or overseas; an e-mail address), then a code is
    /// sent to it. Its errors belong to the field `contact`.
    pub async fn change_contact(&self, channel: Channel, value: &str) -> Result<CodeSent, UiError> {
        let value = match channel {
            Channel::Email => Email::parse(value).map(|e| e.as_str().to_owned()),
            Channel::Sms => contact::french_mobile(value).ok_or(BorneError::PhoneInvalid),
        }
        .map_err(|e| self.fail(e).on(Field::Contact))?;
        *self.contact_change.lock().await = Some(ContactChange { channel, value: Secret::new(value), last_sent: self.clock.now() });
        self.send_contact_code().await
    }

    /// « Recevoir un nouveau code »: the same change asked again (a new code
    /// replaces the previous one), not before the cooldown.
    pub async fn resend_contact_code(&self) -> Result<CodeSent, UiError> {
        let last = self.contact_change.lock().await.as_ref().map(|c| c.last_sent);
        let Some(last) = last else { return Err(self.fail(BorneError::CodeExpired)) };
        // The first send counts from its call; `last_sent` is set before it.
        cooldown::check(Some(last), self.clock.now()).map_err(|e| self.fail(e))?;
        self.send_contact_code().await
    }

    async fn send_contact_code(&self) -> Result<CodeSent, UiError> {
        let token = self.full_session().await?;
        let (channel, value) = {
            let mut change = self.contact_change.lock().await;
            let c = change.as_mut().ok_or_else(|| self.fail(BorneError::CodeExpired))?;
            c.last_sent = self.clock.now();
            (c.channel, c.value.clone())
        };
        let pending = self.client.change_contact(&token, channel, value.expose()).await.map_err(|e| {
            let e = self.refused("contact change", e);
            if e.field.is_none() { e } else { e.on(Field::Contact) }
        })?;
        tracing::info!(?channel, "contact change code sent");
        let minutes = pending.expires_in_secs.div_ceil(60);
        let message = texts::code_sent(self.lang(), pending.channel, &pending.masked, minutes);
        Ok(CodeSent { channel: pending.channel, masked: pending.masked, message, cooldown_secs: RESEND_COOLDOWN_SECS })
    }

    /// The code received at the new address: the change is saved.
    pub async fn confirm_contact(&self, typed: &str) -> Result<ContactsView, UiError> {
        let code = code::parse(typed).map_err(|e| self.fail(e))?;
        let token = self.full_session().await?;
        let channel = self.contact_change.lock().await.as_ref().map(|c| c.channel);
        let channel = channel.ok_or_else(|| self.fail(BorneError::CodeExpired))?;
        let contacts = self.client.confirm_contact(&token, channel, &code).await.map_err(|e| self.refused("contact code", e))?;
        *self.contact_change.lock().await = None;
        tracing::info!(?channel, "contact changed");
        Ok(self.contacts_view(contacts, Some(texts::contact_saved(self.lang(), channel))))
    }

    /// Forgets a change of contact under way (« Annuler », log-out, wipe).
    pub async fn cancel_contact_change(&self) {
        *self.contact_change.lock().await = None;
    }

    fn place(&self, place: Place, device_name: Option<&str>) -> String {
        texts::place(self.lang(), place, device_name)
    }

    /// « Sécurité du compte »: the last log-ins and the account's events.
    pub async fn activity(&self) -> Result<ActivityView, UiError> {
        let token = self.full_session().await?;
        let Activity { logins, events } = self.client.account_activity(&token).await.map_err(|e| self.refused("activity", e))?;
        let lang = self.lang();
        Ok(ActivityView {
            logins: logins.into_iter().map(|l| LoginRow { when: when(lang, l.at), place: self.place(l.place, l.device_name.as_deref()) }).collect(),
            events: events
                .into_iter()
                .map(|e| EventRow { id: e.id, when: when(lang, e.at), what: texts::event(lang, e.kind), disownable: e.disownable })
                .collect(),
        })
    }

    /// The sessions open now, this device's marked.
    pub async fn sessions(&self) -> Result<SessionsView, UiError> {
        let token = self.full_session().await?;
        let Sessions { sessions } = self.client.account_sessions(&token).await.map_err(|e| self.refused("sessions", e))?;
        let lang = self.lang();
        Ok(SessionsView {
            sessions: sessions
                .into_iter()
                .map(|s| SessionRow { when: when(lang, s.created_at), place: self.place(s.place, s.device_name.as_deref()), current: s.current })
                .collect(),
        })
    }

    /// « Déconnecter les autres appareils ».
    pub async fn end_other_sessions(&self) -> Result<SessionsEnded, UiError> {
        let token = self.full_session().await?;
        let ended = self.client.end_other_sessions(&token).await.map_err(|e| self.refused("end of the other sessions", e))?;
        tracing::info!(ended = ended.ended, "other sessions ended");
        Ok(SessionsEnded { ended: ended.ended, message: texts::sessions_ended(self.lang(), ended.ended) })
    }

    /// « Ce n'est pas moi » (about `event_id`, or the account as a whole):
    /// the backend blocks the account and ends all its sessions; here the
    /// session is forgotten and the forgotten-password procedure (MPN guide)
    /// starts, which is how the member unblocks it.
    pub async fn block_account(&self, event_id: Option<i64>) -> Result<Blocked, UiError> {
        let token = self.full_session().await?;
        self.client.block_account(&token, event_id).await.map_err(|e| self.refused("block", e))?;
        tracing::info!("account blocked by its member");
        *self.session.lock().await = None;
        self.cancel_contact_change().await;
        let next = Procedure::at(Kind::Forgot, stepper::entry(Kind::Forgot));
        let stepper = self.stepper_of(&next);
        *self.procedure.lock().await = next;
        Ok(Blocked { message: texts::blocked_by_member(self.lang(), &self.profile.space), stepper })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_paris_time_summer_and_winter() {
        // 2025-01-15 12:00 UTC = 13 h in Paris (UTC+1); 2025-07-15 12:00 UTC = 14 h (UTC+2).
        assert_eq!(when(Lang::Fr, 1_736_942_400), "le 15 janvier 2025 à 13 h 00");
        assert_eq!(when(Lang::Fr, 1_752_580_800), "le 15 juillet 2025 à 14 h 00");
        assert_eq!(when(Lang::En, 1_752_580_800), "on 15 July 2025 at 14:00");
        // The night of the change to summer time: 2025-03-30 01:30 UTC is 3 h 30 in Paris.
        assert_eq!(when(Lang::Fr, 1_743_298_200), "le 30 mars 2025 à 3 h 30");
    }
}
