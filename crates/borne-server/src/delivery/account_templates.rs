//! The messages of the account and security centre (issue 16), written
//! here rather than in `content/messages/`: the code that confirms a new
//! e-mail or mobile, and the notice to the old address with its « Ce n'est
//! pas moi » link. French or English (the server's language, carried by the
//! message), each insurer's name and contacts, signed with the profile's
//! own `signature` and `never_share` (`content/messages/<profile>.<lang>.toml`).
//! The SMS stay in the GSM 03.38 alphabet (plain spaces, no ê/â/ç) and, with
//! a link, within 160 characters for a short insurer name (tested).

use super::templates::{Message, Rendered};
use crate::proofs::PROOF_TTL_SECS;
use borne_content::messages::MessageTemplates;
use borne_core::support::Support;

const CODE_EMAIL_FR: (&str, &str) = (
    "Confirmez votre nouvelle adresse e-mail",
    "Bonjour {first_name},

Vous avez demandé à enregistrer cette adresse e-mail sur votre compte {insurer}. Pour la confirmer, saisissez ce code à l'écran qui vous le demande :
{code}

Le code est valable {minutes} minutes et ne sert qu'une seule fois.

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : aucune adresse ne sera changée.
{never_share}

{signature}",
);

const CODE_EMAIL_EN: (&str, &str) = (
    "Confirm your new e-mail address",
    "Hello {first_name},

You asked to record this e-mail address on your {insurer} account. To confirm it, enter this code on the screen that asks for it:
{code}

The code is valid for {minutes} minutes and can be used only once.

If you did not make this request, please ignore this message: no address will be changed.
{never_share}

{signature}",
);

const CODE_SMS_FR: &str = "{insurer} : code de confirmation de votre nouveau mobile {code}, valable {minutes} min. Ne le communiquez à personne.";
const CODE_SMS_EN: &str = "{insurer}: your new mobile's confirmation code is {code}, valid {minutes} min. Never share it.";

const CHANGED_FR: [&str; 2] = ["L'adresse e-mail de votre compte a été modifiée", "Le numéro de mobile de votre compte a été modifié"];
const CHANGED_EN: [&str; 2] = ["The e-mail address of your account was changed", "The mobile number of your account was changed"];
const WHAT_FR: [&str; 2] = ["L'adresse e-mail", "Le numéro de mobile"];
const WHAT_EN: [&str; 2] = ["The e-mail address", "The mobile number"];
const DONE_FR: [&str; 2] = ["modifiée", "modifié"];

const CHANGED_TEXT_FR: &str = "Bonjour {first_name},

{what} de votre compte {insurer} vient d'être {done}.

Si c'est vous, vous n'avez rien à faire.

Si ce n'est pas vous, ouvrez ce lien « Ce n'est pas moi » : votre compte sera bloqué aussitôt, puis vous choisirez un nouveau mot de passe avec « Mot de passe oublié ? ».
{link}

Vous pouvez aussi appeler {insurer} au {phone}.

{signature}";

const CHANGED_TEXT_EN: &str = "Hello {first_name},

{what} of your {insurer} account has just been changed.

If it was you, there is nothing to do.

If it was not you, open this “It was not me” link: your account will be blocked at once, then you will choose a new password with “Forgotten password?”.
{link}

You can also call {insurer} on {phone}.

{signature}";

const CHANGED_SMS_FR: &str = "{insurer} : le mobile de votre compte a été remplacé. Pas vous ? {link}";
const CHANGED_SMS_EN: &str = "{insurer}: your account's mobile was replaced. Not you? {link}";

/// Each `{name}` of `template` replaced by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// The account centre's messages; `None` for the others.
pub(super) fn render(msg: &Message, templates: &MessageTemplates, support: &Support) -> Option<Rendered> {
    let minutes = (PROOF_TTL_SECS / 60).to_string();
    let common: Vec<(&str, &str)> = vec![("insurer", &support.insurer), ("phone", &support.phone), ("chat", &support.chat)];
    let signature = fill(&templates.signature, &common);
    let never_share = fill(&templates.never_share, &common);
    let mut values = common.clone();
    values.extend([("minutes", minutes.as_str()), ("signature", signature.as_str()), ("never_share", never_share.as_str())]);
    let french = |text: String, english: bool| if english { text } else { borne_content::typography::french(&text) };
    let rendered = match msg {
        Message::ContactCode { first_name, code, english } => {
            let (subject, text) = if *english { CODE_EMAIL_EN } else { CODE_EMAIL_FR };
            values.extend([("first_name", first_name.as_str()), ("code", code.as_str())]);
            Rendered { subject: Some(french(subject.to_owned(), *english)), text: french(fill(text, &values), *english) }
        }
        Message::ContactCodeSms { code, english } => {
            values.push(("code", code.as_str()));
            Rendered { subject: None, text: fill(if *english { CODE_SMS_EN } else { CODE_SMS_FR }, &values) }
        }
        Message::ContactChanged { first_name, email, link, english } => {
            let i = usize::from(!*email);
            let (subject, what, text) =
                if *english { (CHANGED_EN[i], WHAT_EN[i], CHANGED_TEXT_EN) } else { (CHANGED_FR[i], WHAT_FR[i], CHANGED_TEXT_FR) };
            values.extend([("first_name", first_name.as_str()), ("what", what), ("done", DONE_FR[i]), ("link", link.as_str())]);
            Rendered { subject: Some(french(subject.to_owned(), *english)), text: french(fill(text, &values), *english) }
        }
        Message::ContactChangedSms { link, english } => {
            values.push(("link", link.as_str()));
            Rendered { subject: None, text: fill(if *english { CHANGED_SMS_EN } else { CHANGED_SMS_FR }, &values) }
        }
        _ => return None,
    };
    Some(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use borne_content::Lang;

    const GSM: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    #[test]
    fn every_profile_and_language_renders_with_nothing_left_unfilled() {
        let support = Support::default();
        let link = format!("https://mpn.example/compte/ce-n-est-pas-moi?token={}", "A".repeat(43));
        for profile in ["mpn", "mgen"] {
            for lang in [Lang::Fr, Lang::En] {
                let templates = borne_content::messages(profile, lang).unwrap();
                let english = lang == Lang::En;
                let messages = [
                    Message::ContactCode { first_name: "Jeanne".into(), code: "123456".into(), english },
                    Message::ContactCodeSms { code: "123456".into(), english },
                    Message::ContactChanged { first_name: "Jeanne".into(), email: true, link: link.clone(), english },
                    Message::ContactChanged { first_name: "Jeanne".into(), email: false, link: link.clone(), english },
                    Message::ContactChangedSms { link: link.clone(), english },
                ];
                for m in messages {
                    let r = render(&m, &templates, &support).unwrap();
                    assert!(!r.text.contains('{') && !r.text.contains('}'), "{profile} {lang:?} {}: {}", m.kind(), r.text);
                    assert!(r.text.contains(&support.insurer));
                    assert_eq!(r.subject.is_some(), m.channel() == crate::delivery::Channel::Email);
                    if m.channel() == crate::delivery::Channel::Sms {
                        assert!(r.text.chars().count() <= 160, "{}: {} characters", m.kind(), r.text.chars().count());
                        assert!(r.text.chars().all(|c| GSM.contains(c)), "{}: not GSM 03.38: {}", m.kind(), r.text);
                    } else if !english {
                        assert!(borne_content::typography::faults(&r.text).is_empty(), "{}: {:?}", m.kind(), borne_content::typography::faults(&r.text));
                    }
                    if matches!(m, Message::ContactCode { .. } | Message::ContactCodeSms { .. }) {
                        assert!(r.text.contains("123456"));
                    } else {
                        assert!(r.text.contains(&link));
                    }
                }
            }
        }
    }
}
