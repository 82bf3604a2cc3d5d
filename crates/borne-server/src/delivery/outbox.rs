//! The demo outbox: the last messages sent, in memory, readable at
//! `GET /dev/outbox` from loopback only.
//!
//! **Demo mode only.** Entries hold codes, links and temporary passwords in
//! clear: that is what the outbox is for (the demo and the end-to-end tests
//! read them there, with no mail server). It exists only when
//! [`DeliveryConfig::outbox`](super::DeliveryConfig::outbox) is set, which is
//! never the default.

use super::{Channel, Delivery};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use borne_core::BorneError;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Mutex;

/// How many messages the outbox keeps; older ones are dropped.
pub const OUTBOX_CAPACITY: usize = 200;

// One message as it was sent. Its doc comments are the OpenAPI document's
// descriptions (`GET /dev/outbox`), hence in French like the rest of it.
/// Un message de la boîte d'envoi de démonstration, tel qu'il a été envoyé.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboxEntry {
    /// Croît de 1 à chaque message depuis le démarrage du serveur.
    pub id: u64,
    /// Moyen d'envoi, avec les noms de l'API (`sms`, `email`).
    #[schema(value_type = borne_api::Channel)]
    pub channel: Channel,
    /// Sorte de message (`Message::kind`) : `reset_password`, `unlock_by_email`,
    /// `unlock_temporary_password`, `registration_code`, `password_changed`.
    pub kind: String,
    /// Adresse e-mail, ou numéro de portable au format E.164.
    pub to: String,
    /// Objet, pour un e-mail ; `null` pour un SMS.
    #[schema(required = true)]
    pub subject: Option<String>,
    /// Le texte envoyé, codes, liens et mots de passe temporaires compris
    /// (démonstration seulement).
    pub text: String,
    /// Heure d'envoi, RFC 3339, UTC.
    pub sent_at: String,
}

impl std::fmt::Debug for OutboxEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OutboxEntry #{} ({:?}, {}, ••••)", self.id, self.channel, self.kind)
    }
}

#[derive(Default)]
pub(super) struct Outbox {
    inner: Mutex<OutboxInner>,
}

#[derive(Default)]
struct OutboxInner {
    next_id: u64,
    entries: VecDeque<OutboxEntry>,
}

impl Outbox {
    pub(super) fn push(&self, channel: Channel, kind: &str, to: &str, subject: Option<&str>, text: &str) {
        let sent_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut inner = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.next_id += 1;
        let entry = OutboxEntry {
            id: inner.next_id,
            channel,
            kind: kind.into(),
            to: to.into(),
            subject: subject.map(Into::into),
            text: text.into(),
            sent_at,
        };
        if inner.entries.len() == OUTBOX_CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// Oldest first, newest last.
    pub(super) fn entries(&self) -> Vec<OutboxEntry> {
        let inner = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.entries.iter().cloned().collect()
    }
}

/// `GET /dev/outbox`: the outbox as a JSON array, newest last; 404 (the API's
/// usual `bad_request` body) unless the outbox is on **and** the peer is on
/// loopback.
///
/// The peer address comes from [`ConnectInfo<SocketAddr>`]: serve the app
/// with `into_make_service_with_connect_info::<SocketAddr>()`. Without it the
/// route answers 404 too (it fails closed).
pub fn dev_router(delivery: Delivery) -> Router {
    Router::new().route("/dev/outbox", get(outbox)).with_state(delivery)
}

async fn outbox(State(delivery): State<Delivery>, mut parts: Parts) -> Response {
    let peer = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, &delivery).await.ok().map(|ConnectInfo(addr)| addr);
    if peer.is_none() {
        tracing::warn!("GET /dev/outbox: no peer address (serve with connect info); answered 404");
    }
    let from_loopback = peer.is_some_and(|addr| addr.ip().to_canonical().is_loopback());
    match delivery.outbox() {
        Some(entries) if from_loopback => Json(entries).into_response(),
        _ => {
            let body = crate::error::api_error(&BorneError::BadRequest, delivery.support());
            (StatusCode::NOT_FOUND, Json(body)).into_response()
        }
    }
}
