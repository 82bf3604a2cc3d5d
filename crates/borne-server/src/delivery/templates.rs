//! The messages the server sends, written in French, and their rendering.
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
use borne_core::support::Support;
use zeroize::{Zeroize, ZeroizeOnDrop};

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
    /// "Pas encore inscrit ?": the activation code.
    RegistrationCode { first_name: String, code: String },
    /// Sent after a reset or a change of password.
    PasswordChanged { first_name: String },
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

fn minutes(secs: i64) -> i64 {
    secs / 60
}

/// The end of every e-mail: who writes, and how to reach a person.
fn signature(support: &Support) -> String {
    format!(
        "Cordialement,\n\
         Le service adhérents {insurer}\n\
         \n\
         Une question ? Appelez le {phone} ou utilisez {chat}.\n\
         Ce message est envoyé automatiquement : merci de ne pas y répondre.\n",
        insurer = support.insurer,
        phone = support.phone,
        chat = support.chat,
    )
}

/// What a member must know about a code: never to give it away.
fn never_share(support: &Support) -> String {
    format!(
        "Ne communiquez ce code à personne : {} ne vous le demandera jamais, ni par téléphone ni par e-mail.",
        support.insurer
    )
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
        }
    }

    /// The channel the message is written for.
    pub fn channel(&self) -> Channel {
        match self {
            Message::UnlockTemporaryPassword { .. } => Channel::Sms,
            _ => Channel::Email,
        }
    }

    /// The French subject (e-mails) and text, signed with the insurer's name
    /// and contacts.
    pub fn render(&self, support: &Support) -> Rendered {
        let proof_minutes = minutes(PROOF_TTL_SECS);
        match self {
            Message::ResetPassword { first_name, link, code } => Rendered {
                subject: Some(RESET_PASSWORD_SUBJECT.into()),
                text: format!(
                    "Bonjour {first_name},\n\
                     \n\
                     Vous avez demandé à réinitialiser le mot de passe de votre Espace adhérent {insurer}.\n\
                     \n\
                     Depuis chez vous, cliquez sur ce lien pour choisir un nouveau mot de passe :\n\
                     {link}\n\
                     \n\
                     Devant une borne, saisissez ce code à l'écran qui vous le demande :\n\
                     {code}\n\
                     \n\
                     Le lien et le code sont valables {proof_minutes} minutes et ne servent qu'une seule fois.\n\
                     \n\
                     Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\
                     {never_share}\n\
                     \n\
                     {signature}",
                    insurer = support.insurer,
                    never_share = never_share(support),
                    signature = signature(support),
                ),
            },
            Message::UnlockByEmail { first_name, link, code } => Rendered {
                subject: Some(UNLOCK_SUBJECT.into()),
                text: format!(
                    "Bonjour {first_name},\n\
                     \n\
                     Vous avez demandé à débloquer votre compte {insurer}, bloqué à la suite de saisies erronées du mot de passe.\n\
                     \n\
                     Pour le débloquer, choisissez un nouveau mot de passe :\n\
                     - depuis chez vous, en cliquant sur ce lien :\n\
                     {link}\n\
                     - ou devant une borne, en saisissant ce code à l'écran qui vous le demande :\n\
                     {code}\n\
                     \n\
                     Le lien et le code sont valables {proof_minutes} minutes et ne servent qu'une seule fois. \
                     Votre compte est débloqué dès que votre nouveau mot de passe est enregistré.\n\
                     \n\
                     Si vous n'êtes pas à l'origine de cette demande, ignorez ce message et appelez-nous au {phone} : \
                     quelqu'un a peut-être essayé d'accéder à votre compte.\n\
                     {never_share}\n\
                     \n\
                     {signature}",
                    insurer = support.insurer,
                    phone = support.phone,
                    never_share = never_share(support),
                    signature = signature(support),
                ),
            },
            Message::UnlockTemporaryPassword { temporary_password } => Rendered {
                subject: None,
                text: format!(
                    "{insurer} : mot de passe temporaire {temporary_password}, valable {minutes} min. \
                     Connectez-vous avec votre numéro de sécurité sociale puis changez votre mot de passe.",
                    insurer = support.insurer,
                    minutes = minutes(TEMPORARY_PASSWORD_TTL_SECS),
                ),
            },
            Message::RegistrationCode { first_name, code } => Rendered {
                subject: Some(REGISTRATION_SUBJECT.into()),
                text: format!(
                    "Bonjour {first_name},\n\
                     \n\
                     Vous avez demandé à créer votre Espace adhérent {insurer}. Votre code d'activation est :\n\
                     {code}\n\
                     \n\
                     Saisissez-le à l'écran qui vous le demande pour terminer votre inscription. \
                     Il est valable {proof_minutes} minutes et ne sert qu'une seule fois.\n\
                     \n\
                     Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : aucun compte ne sera créé.\n\
                     {never_share}\n\
                     \n\
                     {signature}",
                    insurer = support.insurer,
                    never_share = never_share(support),
                    signature = signature(support),
                ),
            },
            Message::PasswordChanged { first_name } => Rendered {
                subject: Some(PASSWORD_CHANGED_SUBJECT.into()),
                text: format!(
                    "Bonjour {first_name},\n\
                     \n\
                     Le mot de passe de votre Espace adhérent {insurer} vient d'être modifié.\n\
                     \n\
                     Si c'est vous, vous n'avez rien à faire.\n\
                     \n\
                     Si ce n'est pas vous, contactez {insurer} au {phone} dès que possible : \
                     quelqu'un a peut-être accédé à votre compte.\n\
                     \n\
                     {signature}",
                    insurer = support.insurer,
                    phone = support.phone,
                    signature = signature(support),
                ),
            },
        }
    }
}
