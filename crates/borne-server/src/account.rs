//! A member's full record as the account procedures need it, and the one
//! transaction that sets a new password (reset, unlock, registration, change).

use crate::store::members::By;
use crate::store::{self, now, Db};
use crate::sessions::NewSession;
use anyhow::Context;
use borne_core::password::PersonalInfo;
use borne_core::{BirthDate, Nir};

/// A member's row (`store::members`), as the account procedures read it.
pub(crate) use crate::store::members::Row as MemberRecord;

impl MemberRecord {
    pub(crate) fn personal_info(&self) -> PersonalInfo {
        PersonalInfo {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            nir: Some(self.nir.clone()),
            birthdate: BirthDate::parse(&self.birthdate).ok(),
        }
    }

    pub(crate) fn birthdate_is(&self, date: &BirthDate) -> bool {
        self.birthdate == date.iso()
    }
}

impl Db {
    pub(crate) async fn member_by_id(&self, id: i64) -> anyhow::Result<Option<MemberRecord>> {
        store::members::find(&self.pool, By::Id(id)).await
    }

    pub(crate) async fn member_by_nir(&self, nir: &Nir) -> anyhow::Result<Option<MemberRecord>> {
        store::members::find(&self.pool, By::Nir(nir.as_str())).await
    }

    pub(crate) async fn member_by_identifier(&self, identifier: &borne_core::Identifier) -> anyhow::Result<Option<MemberRecord>> {
        match identifier {
            borne_core::Identifier::Nir(nir) => self.member_by_nir(nir).await,
            borne_core::Identifier::Email(email) => store::members::find(&self.pool, By::Email(email.as_str())).await,
        }
    }

    /// Sets the new password hash and, in the same transaction: clears the
    /// lockout, marks the account registered, consumes `proof_id` (if given;
    /// `Ok(None)` when it was used meanwhile), requires `current_session`
    /// (if given: the session a change is made from) to be still live
    /// (`Ok(None)` when a reset or a block revoked it meanwhile), voids every
    /// log-in claim in flight, ends temporary passwords, revokes every
    /// session, opens `session` (if given) as a full one, and queues
    /// `notice` (if given). The queued notice, if any, when done.
    pub(crate) async fn set_password(
        &self,
        member_id: i64,
        password_hash: &str,
        proof_id: Option<&str>,
        session: Option<&NewSession>,
        current_session: Option<&borne_core::Secret>,
        notice: Option<(&crate::delivery::Sealer, crate::outbox::Outgoing)>,
    ) -> anyhow::Result<Option<Option<crate::outbox::Queued>>> {
        let now = now();
        let mut tx = self.pool.begin().await.context("set password: begin")?;
        store::members::lock(&mut *tx, member_id).await?;
        if let Some(proof_id) = proof_id {
            if !store::proofs::consume(&mut *tx, proof_id, now).await? {
                return Ok(None);
            }
        }
        if let Some(token) = current_session {
            if !store::sessions::revoke_if_live(&mut *tx, &crate::sessions::token_hash(token), member_id, now).await? {
                return Ok(None);
            }
        }
        // A new claims generation: every verification in flight is void (crate::lockout).
        store::members::set_password_hash(&mut *tx, member_id, password_hash).await?;
        store::temporary_passwords::end_unused(&mut *tx, member_id, now, "set password: temporary passwords").await?;
        store::sessions::revoke_all(&mut *tx, member_id, "set password: revoke sessions").await?;
        if let Some(session) = session {
            session.insert(&mut tx, member_id).await?;
        }
        let queued = match notice {
            Some((sealer, outgoing)) => Some(crate::outbox::enqueue(&mut tx, sealer, outgoing, now).await?),
            None => None,
        };
        tx.commit().await.context("set password: commit")?;
        Ok(Some(queued))
    }

    /// Who a bearer token belongs to, and whether the session is restricted
    /// to choosing a new password (after an SMS temporary password).
    pub(crate) async fn session_owner(&self, token: &borne_core::Secret) -> anyhow::Result<Option<(i64, bool)>> {
        store::sessions::live_owner(&self.pool, &crate::sessions::token_hash(token), now()).await
    }
}
