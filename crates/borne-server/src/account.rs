//! A member's full record as the account procedures need it, and the one
//! transaction that sets a new password (reset, unlock, registration, change).

use crate::db::{now, Db};
use crate::sessions::NewSession;
use anyhow::Context;
use borne_core::password::PersonalInfo;
use borne_core::{BirthDate, Nir};

#[derive(Clone)]
pub(crate) struct MemberRecord {
    pub(crate) id: i64,
    pub(crate) nir: String,
    pub(crate) email: String,
    pub(crate) phone: Option<String>,
    /// ISO yyyy-mm-dd.
    pub(crate) birthdate: String,
    pub(crate) member_number: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) blocked: bool,
    /// False for a member known from the insurer's records who has not yet
    /// created an account ("Pas encore inscrit ?").
    pub(crate) registered: bool,
}

type Row = (i64, String, String, Option<String>, String, String, String, String, i64, i64);

const COLUMNS: &str =
    "id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked, registered";

fn record((id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked, registered): Row) -> MemberRecord {
    MemberRecord { id, nir, email, phone, birthdate, member_number, first_name, last_name, blocked: blocked != 0, registered: registered != 0 }
}

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
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM members WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .context("member by id")?;
        Ok(row.map(record))
    }

    pub(crate) async fn member_by_nir(&self, nir: &Nir) -> anyhow::Result<Option<MemberRecord>> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM members WHERE nir = $1"))
            .bind(nir.as_str())
            .fetch_optional(&self.pool)
            .await
            .context("member by NIR")?;
        Ok(row.map(record))
    }

    pub(crate) async fn member_by_identifier(&self, identifier: &borne_core::Identifier) -> anyhow::Result<Option<MemberRecord>> {
        match identifier {
            borne_core::Identifier::Nir(nir) => self.member_by_nir(nir).await,
            borne_core::Identifier::Email(email) => {
                let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM members WHERE email = $1"))
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .context("member by e-mail")?;
                Ok(row.map(record))
            }
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
        crate::db::lock_member(&mut tx, member_id).await?;
        if let Some(proof_id) = proof_id {
            let consumed = sqlx::query("UPDATE one_time_proofs SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1")
                .bind(now)
                .bind(proof_id)
                .execute(&mut *tx)
                .await
                .context("set password: consume the proof")?
                .rows_affected();
            if consumed != 1 {
                return Ok(None);
            }
        }
        if let Some(token) = current_session {
            let live = sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1 AND member_id = $2 AND revoked = 0 AND expires_at > $3")
                .bind(crate::sessions::token_hash(token))
                .bind(member_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .context("set password: the current session")?
                .rows_affected();
            if live != 1 {
                return Ok(None);
            }
        }
        // A new claims generation: every verification in flight is void (crate::lockout).
        sqlx::query(
            "UPDATE members SET password_hash = $1, failed_attempts = 0, blocked = 0, registered = 1,
                 live_claims = 0, claims_epoch = claims_epoch + 1
             WHERE id = $2",
        )
        .bind(password_hash)
        .bind(member_id)
        .execute(&mut *tx)
        .await
        .context("set password: update")?;
        sqlx::query("UPDATE temporary_passwords SET used_at = $1 WHERE member_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(member_id)
            .execute(&mut *tx)
            .await
            .context("set password: temporary passwords")?;
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE member_id = $1 AND revoked = 0")
            .bind(member_id)
            .execute(&mut *tx)
            .await
            .context("set password: revoke sessions")?;
        if let Some(session) = session {
            crate::sessions::insert(&mut tx, member_id, session).await?;
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
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT member_id, restricted FROM sessions WHERE token_hash = $1 AND revoked = 0 AND expires_at > $2",
        )
        .bind(crate::sessions::token_hash(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await
        .context("session owner")?;
        Ok(row.map(|(id, restricted)| (id, restricted != 0)))
    }
}
