//! Message delivery, end to end over loopback: e-mails reach a real SMTP
//! server (written in `support_delivery`), SMS reach a real HTTP gateway, the
//! demo outbox answers on `GET /dev/outbox` from loopback only; and the
//! French templates say what they must.

mod support_delivery;

use axum::extract::connect_info::MockConnectInfo;
use borne_core::support::Support;
use borne_core::Secret;
use borne_server::delivery::{
    dev_router, Channel, Delivery, DeliveryConfig, DeliveryError, Message, OutboxEntry, SmsGatewayConfig, SmtpConfig, Tls,
    OUTBOX_CAPACITY, RESET_PASSWORD_SUBJECT,
};
use reqwest::StatusCode;
use std::net::SocketAddr;
use support_delivery::{Rcpt, SmsGateway, SmtpServer};

const JEANNE_EMAIL: &str = "jeanne.martin@exemple.fr";
const JEANNE_MOBILE: &str = "+33612345678";
/// A reset link as the server builds it: 32 random bytes, base64url. Its `=`
/// and length force quoted-printable escapes and soft line breaks.
const LINK: &str = "https://adherents.mpn.example/compte/mot-de-passe?token=Qm9ybmUtQWRoZXJlbnQtcmVzZXQtdG9rZW4tMDEyMzQ1Njc";
const CODE: &str = "482915";
const TEMPORARY_PASSWORD: &str = "Hk7mPq2wXz";

fn reset_password() -> Message {
    Message::ResetPassword { first_name: "Jeanne".into(), link: LINK.into(), code: CODE.into() }
}

fn temporary_password() -> Message {
    Message::UnlockTemporaryPassword { temporary_password: TEMPORARY_PASSWORD.into() }
}

fn smtp_config(server: &SmtpServer) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(server.addr.port()),
        tls: Tls::None,
        username: Some("borne".into()),
        password: Some(Secret::new("relais-secret")),
    }
}

fn with_smtp(server: &SmtpServer) -> Delivery {
    let config = DeliveryConfig {
        smtp: Some(smtp_config(server)),
        from: "MPN <ne-pas-repondre@mpn.example>".into(),
        ..DeliveryConfig::default()
    };
    Delivery::new(config, Support::default()).unwrap()
}

fn with_gateway(url: String) -> Delivery {
    let config = DeliveryConfig {
        sms_gateway: Some(SmsGatewayConfig { url, bearer_token: Some(Secret::new("jeton-passerelle")), sender: "MPN".into() }),
        ..DeliveryConfig::default()
    };
    Delivery::new(config, Support::default()).unwrap()
}

/// A loopback port nothing listens on (bound, then released).
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

fn outbox_only() -> Delivery {
    Delivery::new(DeliveryConfig { outbox: true, ..DeliveryConfig::default() }, Support::default()).unwrap()
}

// ---- E-mail over SMTP ----

#[tokio::test]
async fn the_reset_e_mail_reaches_the_smtp_server_readable() {
    let server = SmtpServer::start(Rcpt::Accept).await;
    with_smtp(&server).email(JEANNE_EMAIL, &reset_password()).await.unwrap();

    let mail = server.next().await;
    assert_eq!(mail.rcpt_to, vec![JEANNE_EMAIL.to_string()]);
    assert_eq!(mail.mail_from, "ne-pas-repondre@mpn.example");
    assert_eq!(mail.auth, Some(("borne".into(), "relais-secret".into())), "the relay's credentials were used");

    let parsed = mail.parsed();
    // The subject is not ASCII: it travels RFC 2047-encoded, and reads back.
    assert_eq!(parsed.subject(), Some(RESET_PASSWORD_SUBJECT));
    assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.address()), Some(JEANNE_EMAIL));
    assert_eq!(parsed.from().and_then(|a| a.first()).and_then(|a| a.name()), Some("MPN"));
    let body = parsed.body_text(0).expect("a text body").to_string();
    assert!(body.contains("Bonjour Jeanne,"), "{body}");
    assert!(body.contains(LINK), "the link, whole once decoded: {body}");
    assert!(body.contains(CODE), "{body}");
    assert!(body.contains("valables 30 minutes"), "{body}");
    assert!(body.contains("ignorez ce message"), "{body}");
    // And it does not reach the wire as 8-bit text the relay might mangle.
    assert!(mail.data.is_ascii(), "headers and body are 7-bit encoded");
}

#[tokio::test]
async fn a_relay_refusing_the_recipient_is_an_error_that_does_not_quote_it() {
    let server = SmtpServer::start(Rcpt::Reject).await;
    let err = with_smtp(&server).email(JEANNE_EMAIL, &reset_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::Smtp { kind: "permanent", code: Some("550".into()) });
    assert!(!err.to_string().contains(JEANNE_EMAIL), "{err}");
    assert!(server.try_next().await.is_none(), "nothing was accepted");
}

#[tokio::test]
async fn an_smtp_server_that_is_not_there_is_an_error() {
    let closed = closed_port().await;
    let config = DeliveryConfig {
        smtp: Some(SmtpConfig { host: "127.0.0.1".into(), port: Some(closed), tls: Tls::None, username: None, password: None }),
        ..DeliveryConfig::default()
    };
    let delivery = Delivery::new(config, Support::default()).unwrap();
    let err = delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Smtp { .. }), "{err:?}");
}

#[tokio::test]
async fn an_invalid_address_is_refused_before_any_connection() {
    let server = SmtpServer::start(Rcpt::Accept).await;
    let err = with_smtp(&server).email("jeanne.martin", &reset_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::InvalidRecipient(Channel::Email));
}

// ---- SMS through the HTTP gateway ----

#[tokio::test]
async fn the_temporary_password_sms_reaches_the_gateway() {
    let gateway = SmsGateway::start(StatusCode::ACCEPTED).await;
    with_gateway(gateway.url()).sms(JEANNE_MOBILE, &temporary_password()).await.unwrap();

    let sms = gateway.next().await;
    assert_eq!(sms.authorization.as_deref(), Some("Bearer jeton-passerelle"));
    assert_eq!(sms.content_type.as_deref(), Some("application/json"));
    assert_eq!(sms.body["to"], JEANNE_MOBILE);
    assert_eq!(sms.body["from"], "MPN");
    let text = sms.body["text"].as_str().unwrap();
    assert!(text.contains(TEMPORARY_PASSWORD), "{text}");
    assert!(text.contains("numéro de sécurité sociale"), "{text}");
    assert_eq!(sms.body.as_object().unwrap().len(), 3, "to, from, text: {}", sms.body);
}

#[tokio::test]
async fn a_gateway_answering_500_is_an_error() {
    let gateway = SmsGateway::start(StatusCode::INTERNAL_SERVER_ERROR).await;
    let err = with_gateway(gateway.url()).sms(JEANNE_MOBILE, &temporary_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::GatewayStatus(500));
    gateway.next().await; // it was asked
}

#[tokio::test]
async fn a_gateway_that_is_not_there_is_an_error() {
    let closed = closed_port().await;
    let err = with_gateway(format!("http://127.0.0.1:{closed}/sms")).sms(JEANNE_MOBILE, &temporary_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::GatewayUnreachable { timeout: false });
}

#[tokio::test]
async fn an_sms_goes_only_to_an_e164_number() {
    let gateway = SmsGateway::start(StatusCode::OK).await;
    let err = with_gateway(gateway.url()).sms("06 12 34 56 78", &temporary_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::InvalidRecipient(Channel::Sms));
}

// ---- Channels and configuration ----

#[tokio::test]
async fn without_transport_nor_outbox_sending_is_an_error() {
    let delivery = Delivery::new(DeliveryConfig::default(), Support::default()).unwrap();
    assert_eq!(delivery.email(JEANNE_EMAIL, &reset_password()).await, Err(DeliveryError::NotConfigured(Channel::Email)));
    assert_eq!(delivery.sms(JEANNE_MOBILE, &temporary_password()).await, Err(DeliveryError::NotConfigured(Channel::Sms)));
    assert_eq!(delivery.outbox(), None);
}

#[tokio::test]
async fn each_message_goes_by_its_own_channel() {
    let delivery = outbox_only();
    let err = delivery.email(JEANNE_EMAIL, &temporary_password()).await.unwrap_err();
    assert_eq!(err, DeliveryError::WrongChannel { kind: "unlock_temporary_password", written_for: Channel::Sms, requested: Channel::Email });
    let err = delivery.sms(JEANNE_MOBILE, &reset_password()).await.unwrap_err();
    assert!(matches!(err, DeliveryError::WrongChannel { written_for: Channel::Email, .. }), "{err:?}");
    assert_eq!(delivery.outbox(), Some(vec![]), "nothing refused reaches the outbox");
}

// ---- The demo outbox ----

#[tokio::test]
async fn the_outbox_keeps_every_message_newest_last() {
    let delivery = outbox_only();
    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    delivery.sms(JEANNE_MOBILE, &temporary_password()).await.unwrap();

    let entries = delivery.outbox().unwrap();
    assert_eq!(entries.len(), 2);
    let (email, sms) = (&entries[0], &entries[1]);
    assert_eq!((email.channel, email.kind.as_str(), email.to.as_str()), (Channel::Email, "reset_password", JEANNE_EMAIL));
    assert_eq!(email.subject.as_deref(), Some(RESET_PASSWORD_SUBJECT));
    assert!(email.text.contains(CODE) && email.text.contains(LINK));
    assert_eq!((sms.channel, sms.kind.as_str(), sms.to.as_str()), (Channel::Sms, "unlock_temporary_password", JEANNE_MOBILE));
    assert_eq!(sms.subject, None);
    assert!(sms.text.contains(TEMPORARY_PASSWORD));
    assert!(email.id < sms.id);
    let stamp = sms.sent_at.as_bytes();
    assert!(stamp.len() >= 20 && stamp[4] == b'-' && stamp[10] == b'T' && stamp.ends_with(b"Z"), "RFC 3339, UTC: {}", sms.sent_at);
    assert!(!format!("{entries:?}").contains(CODE), "Debug masks the entries");
}

#[tokio::test]
async fn the_outbox_keeps_the_last_200() {
    let delivery = outbox_only();
    for i in 0..OUTBOX_CAPACITY + 5 {
        let msg = Message::RegistrationCode { first_name: "Jeanne".into(), link: LINK.into(), code: format!("{i:06}") };
        delivery.email(JEANNE_EMAIL, &msg).await.unwrap();
    }
    let entries = delivery.outbox().unwrap();
    assert_eq!(entries.len(), OUTBOX_CAPACITY);
    assert!(entries[0].text.contains("000005"), "the 5 oldest were dropped");
    assert!(entries.last().unwrap().text.contains(&format!("{:06}", OUTBOX_CAPACITY + 4)));
}

#[tokio::test]
async fn the_outbox_also_keeps_what_the_transports_send() {
    let server = SmtpServer::start(Rcpt::Accept).await;
    let config = DeliveryConfig { smtp: Some(smtp_config(&server)), outbox: true, ..DeliveryConfig::default() };
    let delivery = Delivery::new(config, Support::default()).unwrap();
    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    assert_eq!(server.next().await.rcpt_to, vec![JEANNE_EMAIL.to_string()]);
    assert_eq!(delivery.outbox().unwrap().len(), 1);
}

/// Serves `dev_router` on 127.0.0.1 as the server must: with connect info.
async fn serve_dev_router(delivery: Delivery) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = dev_router(delivery).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn get_outbox(addr: SocketAddr) -> reqwest::Response {
    reqwest::get(format!("http://{addr}/dev/outbox")).await.unwrap()
}

#[tokio::test]
async fn dev_outbox_answers_loopback_with_the_messages() {
    let delivery = outbox_only();
    let addr = serve_dev_router(delivery.clone()).await;
    let empty: Vec<OutboxEntry> = get_outbox(addr).await.json().await.unwrap();
    assert!(empty.is_empty());

    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    delivery.sms(JEANNE_MOBILE, &temporary_password()).await.unwrap();
    let answer = get_outbox(addr).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let entries: Vec<OutboxEntry> = answer.json().await.unwrap();
    assert_eq!(entries, delivery.outbox().unwrap());
    assert_eq!(entries.last().unwrap().kind, "unlock_temporary_password", "newest last");
    assert!(entries[0].text.contains(CODE), "the demo reads the code there");
}

#[tokio::test]
async fn dev_outbox_is_404_when_the_outbox_is_off() {
    let server = SmtpServer::start(Rcpt::Accept).await;
    let delivery = with_smtp(&server);
    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    let answer = get_outbox(serve_dev_router(delivery).await).await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "bad_request", "the API's usual 404 body: {body}");
    assert!(!body.to_string().contains(CODE));
}

#[tokio::test]
async fn dev_outbox_is_404_for_a_peer_off_loopback() {
    let delivery = outbox_only();
    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // As if the request came from 203.0.113.7 (served without real connect info).
    let app = dev_router(delivery).layer(MockConnectInfo(SocketAddr::from(([203, 0, 113, 7], 40_000))));
    tokio::spawn(async move { axum::serve(listener, app).await });
    assert_eq!(get_outbox(addr).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn dev_outbox_fails_closed_when_served_without_connect_info() {
    let delivery = outbox_only();
    delivery.email(JEANNE_EMAIL, &reset_password()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = dev_router(delivery);
    tokio::spawn(async move { axum::serve(listener, app).await });
    assert_eq!(get_outbox(addr).await.status(), StatusCode::NOT_FOUND);
}

// ---- The French templates ----

/// GSM 03.38: the basic alphabet (one septet each) and the extension table
/// (two septets each). An SMS of at most 160 septets travels as one.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

fn gsm_septets(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if GSM_BASIC.contains(c) {
                1
            } else if GSM_EXTENSION.contains(c) {
                2
            } else {
                panic!("{c:?} is not in the GSM alphabet: the SMS would go as UCS-2 (70 characters a part): {text}")
            }
        })
        .sum()
}

fn all_messages() -> Vec<Message> {
    vec![
        reset_password(),
        Message::UnlockByEmail { first_name: "Jeanne".into(), link: LINK.into(), code: CODE.into() },
        temporary_password(),
        Message::RegistrationCode { first_name: "Jeanne".into(), link: LINK.into(), code: CODE.into() },
        Message::PasswordChanged { first_name: "Jeanne".into() },
    ]
}

fn mgen() -> Support {
    Support { insurer: "MGEN".into(), phone: "36 76".into(), chat: "la messagerie de votre espace personnel".into() }
}

#[test]
fn reset_password_says_how_at_home_and_at_a_kiosk() {
    let r = reset_password().render(&Support::default());
    assert_eq!(r.subject.as_deref(), Some("Réinitialisation de mot de passe"));
    let t = &r.text;
    assert!(t.starts_with("Bonjour Jeanne,\n"), "{t}");
    assert!(t.contains(&format!("cliquez sur ce lien pour choisir un nouveau mot de passe\u{a0}:\n{LINK}\n")), "{t}");
    assert!(t.contains(&format!("Devant une borne, saisissez ce code à l'écran qui vous le demande\u{a0}:\n{CODE}\n")), "{t}");
    assert!(t.contains("valables 30 minutes et ne servent qu'une seule fois"), "{t}");
    assert!(t.contains("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message"), "{t}");
    assert!(t.contains("Ne communiquez ce code à personne"), "{t}");
    assert!(t.contains("03 88 19 22 56") && t.contains("MPN"), "signed with the insurer's contacts: {t}");
}

#[test]
fn unlock_by_email_gives_the_link_and_the_code_to_unblock() {
    let r = Message::UnlockByEmail { first_name: "Jeanne".into(), link: LINK.into(), code: CODE.into() }.render(&mgen());
    assert_eq!(r.subject.as_deref(), Some("Déblocage de votre compte"));
    let t = &r.text;
    assert!(t.contains("débloquer votre compte MGEN"), "{t}");
    assert!(t.contains(LINK) && t.contains(CODE), "{t}");
    assert!(t.contains("Votre compte est débloqué dès que votre nouveau mot de passe est enregistré"), "{t}");
    assert!(t.contains("valables 30 minutes"), "{t}");
    assert!(t.contains("appelez-nous au 36 76"), "{t}");
}

#[test]
fn the_temporary_password_sms_is_one_gsm_sms() {
    for support in [Support::default(), mgen()] {
        let r = temporary_password().render(&support);
        assert_eq!(r.subject, None);
        let t = &r.text;
        assert!(t.starts_with(&format!("{} : ", support.insurer)), "{t}");
        assert!(t.contains(TEMPORARY_PASSWORD) && t.contains("valable 10 min"), "{t}");
        assert!(t.contains("Connectez-vous avec votre numéro de sécurité sociale puis changez votre mot de passe"), "{t}");
        let septets = gsm_septets(t);
        assert!(septets <= 160, "{septets} septets: {t}");
    }
}

#[test]
fn the_registration_code_is_explained() {
    let r = Message::RegistrationCode { first_name: "Paul".into(), link: LINK.into(), code: CODE.into() }.render(&Support::default());
    assert_eq!(r.subject.as_deref(), Some("Votre code d'activation"));
    let t = &r.text;
    assert!(t.starts_with("Bonjour Paul,\n"), "{t}");
    assert!(t.contains(&format!("Votre code d'activation est\u{a0}:\n{CODE}\n")), "{t}");
    assert!(t.contains("valable 30 minutes") && t.contains("terminer votre inscription"), "{t}");
    assert!(t.contains("aucun compte ne sera créé"), "{t}");
    assert!(t.contains(&format!("en cliquant sur ce lien (valable 30 minutes lui aussi)\u{a0}:\n{LINK}\n")), "at home, the link: {t}");
}

#[test]
fn password_changed_says_whom_to_call() {
    let r = Message::PasswordChanged { first_name: "Paul".into() }.render(&mgen());
    assert_eq!(r.subject.as_deref(), Some("Votre mot de passe a été modifié"));
    let t = &r.text;
    assert!(t.contains("vient d'être modifié"), "{t}");
    assert!(t.contains("Si ce n'est pas vous, contactez MGEN au 36 76"), "{t}");
    assert!(!t.contains("03 88 19 22 56"), "the configured contacts, not the defaults: {t}");
}

#[test]
fn every_message_is_french_polite_and_holds_no_nir() {
    for msg in all_messages() {
        let r = msg.render(&Support::default());
        let t = &r.text;
        assert_eq!(msg.channel() == Channel::Email, r.subject.is_some(), "{}", msg.kind());
        if msg.channel() == Channel::Email {
            assert!(t.starts_with("Bonjour ") && t.contains("Cordialement,"), "{t}");
            assert!(t.contains("merci de ne pas y répondre"), "{t}");
        }
        // No run of 13 digits or more: nothing shaped like a NIR.
        let longest_digits = t.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
        assert!(longest_digits < 13, "{t}");
        assert!(!format!("{msg:?} {r:?}").contains(CODE), "Debug masks messages");
    }
}
