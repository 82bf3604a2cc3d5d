//! Unlocking after three failures (MGEN guide, steps 2 to 4): NIR and date
//! of birth, the channel (used at once when it is the only one), then the
//! SMS temporary password (typed on the log-in form: still step 4) or the
//! e-mail's code or link (step 5, the new password).

use crate::state::{Procedure, Resendable};
use crate::stepper::{ids, At};
use crate::wire::{Coded, Channel, ChannelOption};
use crate::{App, UiError, UnlockSent, UnlockView};
use borne_content::Procedure as Kind;
use borne_core::birthdate::parse_nir_and_birthdate;
use borne_core::{BorneError, Secret};

impl App {
    /// MGEN, step 2: NIR + date of birth « jj/mm/aaaa ».
    pub async fn unlock(&self, nir: &str, birthdate: &str) -> Result<UnlockView, UiError> {
        let (nir, date) = parse_nir_and_birthdate(nir, birthdate).map_err(|e| self.fail(e))?;
        let answer = self.client.unlock(nir.as_str(), &date.french()).await.map_err(|e| {
            tracing::info!(code = ?e.code(), "unlock refused");
            self.fail(e)
        })?;
        let mut procedure = Procedure::at(Kind::Unlock, At::Step(ids::UNLOCK_CHANNEL));
        procedure.identifier = Some(Secret::new(nir.as_str()));
        procedure.nir = Some(Secret::new(nir.as_str()));
        procedure.birthdate = Some(date);
        procedure.unlock_id = Some(Secret::new(answer.unlock_id.clone()));
        if let Some(sent) = &answer.sent {
            tracing::info!(channel = ?sent.channel, "unlock message sent on the only channel");
            self.sent_by(&mut procedure, sent.channel);
        }
        let stepper = self.stepper_of(&procedure);
        *self.procedure.lock().await = procedure;
        Ok(UnlockView { channels: answer.channels, sent: answer.sent, stepper })
    }

    fn sent_by(&self, procedure: &mut Procedure, channel: Channel) {
        procedure.last_sent = Some(self.clock.now());
        procedure.resendable = (channel == Channel::Email).then_some(Resendable::UnlockEmail);
        procedure.at = Some(match channel {
            Channel::Sms => At::SmsSent,
            Channel::Email => At::Step(ids::UNLOCK_SENT),
        });
    }

    /// MGEN, step 3: the member's choice of channel.
    pub async fn unlock_send(&self, channel: Channel) -> Result<UnlockSent, UiError> {
        let unlock_id = self.procedure.lock().await.unlock_id.clone().ok_or_else(|| self.fail(BorneError::CodeExpired))?;
        let sent: ChannelOption = self.client.unlock_send(unlock_id.expose(), channel).await.map_err(|e| {
            tracing::info!(code = ?e.code(), "unlock channel refused");
            self.fail(e)
        })?;
        tracing::info!(channel = ?sent.channel, "unlock message sent");
        let mut p = self.procedure.lock().await;
        self.sent_by(&mut p, sent.channel);
        Ok(UnlockSent { sent, stepper: self.stepper_of(&p) })
    }
}
