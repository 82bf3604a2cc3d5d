//! The messages the server sends, and their rendering through the insurer
//! profile's templates in one language (`content/messages/<profile>.<lang>.toml`,
//! `borne_content::messages`): MGEN's say « Espace personnel », MPN's
//! « Espace adhérent ».
//!
//! E-mails are plain text (no HTML: nothing to render wrongly, nothing to
//! hide a link behind). The SMS is written in the GSM 03.38 alphabet and kept
//! under 160 characters, so that it travels as one SMS (tested).
//!
//! No message ever holds a NIR. Codes, links and temporary passwords are in
//! the text, by necessity: [`Message`] and [`Rendered`] mask themselves in
//! `Debug` and are zeroized on drop.

use super::Channel;
use crate::proofs::PROOF_TTL_SECS;
use crate::temporary_passwords::TEMPORARY_PASSWORD_TTL_SECS;
use crate::config::DEFAULT_PROFILE;
use borne_content::messages::{MessageKind, MessageTemplates};
use borne_content::Lang;
use borne_core::support::Support;
use std::sync::LazyLock;
use zeroize::{Zeroize, ZeroizeOnDrop};

// The French subjects of MPN's templates (the default profile); a test
// checks them against content/messages/mpn.fr.toml.
/// Subject of the forgotten-password e-mail, as the MPN guide names it.
pub const RESET_PASSWORD_SUBJECT: &str = "Réinitialisation de mot de passe";
pub const UNLOCK_SUBJECT: &str = "Déblocage de votre compte";
pub const REGISTRATION_SUBJECT: &str = "Votre code d'activation";
pub const PASSWORD_CHANGED_SUBJECT: &str = "Votre mot de passe a été modifié";

/// A message to a member. Each is written for one [`Channel`]
/// ([`Message::channel`]): the temporary password goes by SMS (MGEN guide),
/// everything else by e-mail.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// "Mot de passe oublié" (MPN guide): a link to click at home and a
    /// one-time code to type at a kiosk.
    ResetPassword { first_name: String, link: String, code: String },
    /// MGEN unlock by e-mail: the same link + code, to choose a new password,
    /// which unblocks the account.
    UnlockByEmail { first_name: String, link: String, code: String },
    /// MGEN unlock by SMS: a temporary password, to log in with the NIR and
    /// then change the password.
    UnlockTemporaryPassword { temporary_password: String },
    /// "Pas encore inscrit ?": the activation code, and the link of the web
    /// page that sets the first password (empty in a message queued before
    /// links were added).
    RegistrationCode {
        first_name: String,
        #[serde(default)]
        link: String,
        code: String,
    },
    /// Sent after a reset or a change of password.
    PasswordChanged { first_name: String },
    /// « Mes coordonnées »: the code that confirms a new e-mail address,
    /// sent to that address.
    ContactCode { first_name: String, code: String, english: bool },
    /// « Mes coordonnées »: the code that confirms a new mobile, by SMS to it.
    ContactCodeSms { code: String, english: bool },
    /// To the old address (or, for a mobile, the e-mail on file): the
    /// e-mail or the mobile was changed, with the « Ce n'est pas moi » link.
    ContactChanged { first_name: String, email: bool, link: String, english: bool },
    /// To the old mobile: it was replaced, with the « Ce n'est pas moi » link.
    ContactChangedSms { link: String, english: bool },
}

/// A rendered message: the subject (e-mails only) and the plain text.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Rendered {
    pub subject: Option<String>,
    pub text: String,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Message::{}(••••)", self.kind())
    }
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rendered(••••)")
    }
}

fn minutes(secs: i64) -> String {
    (secs / 60).to_string()
}

/// MPN's French templates: what [`Message::render`] and a [`Delivery`]
/// built without a profile use (the server's default profile).
///
/// [`Delivery`]: super::Delivery
pub fn default_templates() -> &'static MessageTemplates {
    static DEFAULT: LazyLock<MessageTemplates> = LazyLock::new(|| {
        borne_content::messages(DEFAULT_PROFILE, Lang::Fr).expect("content/messages/mpn.fr.toml is embedded and valid (tested)")
    });
    &DEFAULT
}

impl Message {
    /// A stable name for logs and the demo outbox (never the content).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::ResetPassword { .. } => "reset_password",
            Message::UnlockByEmail { .. } => "unlock_by_email",
            Message::UnlockTemporaryPassword { .. } => "unlock_temporary_password",
            Message::RegistrationCode { .. } => "registration_code",
            Message::PasswordChanged { .. } => "password_changed",
            Message::ContactCode { .. } => "contact_code",
            Message::ContactCodeSms { .. } => "contact_code_sms",
            Message::ContactChanged { .. } => "contact_changed",
            Message::ContactChangedSms { .. } => "contact_changed_sms",
        }
    }

    /// The channel the message is written for.
    pub fn channel(&self) -> Channel {
        match self {
            Message::UnlockTemporaryPassword { .. } | Message::ContactCodeSms { .. } | Message::ContactChangedSms { .. } => Channel::Sms,
            _ => Channel::Email,
        }
    }

    /// The subject (e-mails) and text in MPN's French templates (the
    /// default profile), signed with `support`'s name and contacts.
    pub fn render(&self, support: &Support) -> Rendered {
        self.render_with(default_templates(), support)
    }

    /// The subject (e-mails) and text in `templates` (one profile, one
    /// language), signed with `support`'s name and contacts.
    pub fn render_with(&self, templates: &MessageTemplates, support: &Support) -> Rendered {
        let proof_minutes = minutes(PROOF_TTL_SECS);
        let temporary_minutes = minutes(TEMPORARY_PASSWORD_TTL_SECS);
        let mut values: Vec<(&str, &str)> =
            vec![("insurer", &support.insurer), ("phone", &support.phone), ("chat", &support.chat), ("minutes", &proof_minutes)];
        if let Some(rendered) = super::account_templates::render(self, templates, support) {
            return rendered;
        }
        let kind = match self {
            Message::ResetPassword { first_name, link, code } | Message::UnlockByEmail { first_name, link, code } => {
                values.extend([("first_name", first_name.as_str()), ("link", link.as_str()), ("code", code.as_str())]);
                if matches!(self, Message::ResetPassword { .. }) {
                    MessageKind::ResetPassword
                } else {
                    MessageKind::UnlockByEmail
                }
            }
            Message::UnlockTemporaryPassword { temporary_password } => {
                values[3] = ("minutes", &temporary_minutes);
                values.push(("temporary_password", temporary_password));
                MessageKind::UnlockTemporaryPassword
            }
            Message::RegistrationCode { first_name, link, code } => {
                values.extend([("first_name", first_name.as_str()), ("link", link.as_str()), ("code", code.as_str())]);
                MessageKind::RegistrationCode
            }
            Message::PasswordChanged { first_name } => {
                values.push(("first_name", first_name));
                MessageKind::PasswordChanged
            }
            Message::ContactCode { .. } | Message::ContactCodeSms { .. } | Message::ContactChanged { .. } | Message::ContactChangedSms { .. } => {
                unreachable!("rendered by account_templates")
            }
        };
        debug_assert_eq!(kind.as_str(), self.kind());
        let filled = templates.fill(kind, &values);
        Rendered { subject: filled.subject, text: filled.text }
    }
}
