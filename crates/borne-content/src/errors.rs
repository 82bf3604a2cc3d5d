//! The message a member reads for every error, in French (the default)
//! and English, saying what to do next. Both languages are written side by
//! side so that they keep the same meaning; the insurer's name, chat and
//! phone come from its profile ([`Support`]). The MPN guide's wording is
//! kept where it has one.

use borne_core::{BorneError, Lang};
use borne_core::support::Support;
use crate::typography::french;

/// The polite French message (the same as `message(error, Lang::Fr, support)`).
pub fn message_fr(error: &BorneError, support: &Support) -> String {
    message(error, Lang::Fr, support)
}

/// The polite message shown to the member in `lang`, saying what to do next.
pub fn message(error: &BorneError, lang: Lang, support: &Support) -> String {
    use BorneError::*;
    let (chat, phone, insurer) = (&support.chat, &support.phone, &support.insurer);
    let t = |fr: String, en: String| if lang == Lang::En { en } else { french(&fr) };
    let contact = t(
        format!("Si le problème persiste, contactez un conseiller mutualiste sur {chat} ou par téléphone au {phone}."),
        format!("If the problem persists, contact an {insurer} adviser through the online chat (“{chat}”) or by phone on {phone}."),
    );
    match error {
        IdentifierMissing => t(
            "Veuillez saisir votre numéro de Sécurité Sociale avec la clé (15 chiffres) ou l'adresse e-mail ayant servi à la création du compte.".into(),
            "Please enter your social security number with its key (15 digits) or the e-mail address you used to create your account.".into(),
        ),
        NirLength { typed } => t(
            format!("Le numéro de Sécurité Sociale avec la clé compte 15 chiffres ; vous en avez saisi {typed}. Vérifiez-le sur votre carte Vitale."),
            format!("Your social security number with its key has 15 digits; you have entered {typed}. Please check it on your carte Vitale."),
        ),
        NirCharacters => t(
            "Le numéro de Sécurité Sociale ne contient que des chiffres (et 2A ou 2B pour un département de Corse). Vérifiez votre saisie.".into(),
            "A social security number contains only digits (and 2A or 2B for a département of Corsica). Please check what you have entered.".into(),
        ),
        NirFirstDigit => t(
            "Le numéro de Sécurité Sociale commence par 1 ou 2. Vérifiez votre saisie sur votre carte Vitale.".into(),
            "A social security number starts with 1 or 2. Please check what you have entered against your carte Vitale.".into(),
        ),
        NirKey => t(
            "La clé (les 2 derniers chiffres) ne correspond pas au numéro de Sécurité Sociale saisi. Vérifiez chaque chiffre sur votre carte Vitale.".into(),
            "The key (the last 2 digits) does not match the social security number entered. Please check each digit on your carte Vitale.".into(),
        ),
        EmailInvalid => t(
            "Cette adresse e-mail n'est pas valide. Vérifiez-la (exemple : prenom.nom@exemple.fr).".into(),
            "This e-mail address is not valid. Please check it (for example: firstname.lastname@example.com).".into(),
        ),
        PasswordMissing => t("Veuillez saisir votre mot de passe.".into(), "Please enter your password.".into()),
        WrongPassword { attempts_left } => {
            let left = match attempts_left {
                0 => (String::new(), String::new()),
                1 => (
                    " Il vous reste 1 tentative avant le blocage de votre compte.".into(),
                    " You have 1 attempt left before your account is blocked.".into(),
                ),
                n => (
                    format!(" Il vous reste {n} tentatives avant le blocage de votre compte."),
                    format!(" You have {n} attempts left before your account is blocked."),
                ),
            };
            t(
                format!("Mot de passe incorrect : veuillez vous assurer d'avoir saisi le bon mot de passe.{} En cas d'oubli de votre mot de passe, utilisez le lien « Mot de passe oublié ? » sous le formulaire de connexion.", left.0),
                format!("Incorrect password: please make sure you have entered the right password.{} If you have forgotten your password, use the “Forgotten password?” link below the log-in form.", left.1),
            )
        }
        UnknownProfile => t(
            "Ce profil est inconnu : veuillez vérifier l'exactitude du numéro de Sécurité Sociale saisi avec la clé, soit 15 chiffres (les espaces sont acceptés, comme sur votre carte Vitale). Si votre numéro de Sécurité Sociale est juste, êtes-vous bien inscrit ? Si ce n'est pas le cas, utilisez le lien « Pas encore inscrit ? » sous le formulaire de connexion.".into(),
            "This profile is unknown: please check the social security number entered with its key, that is 15 digits (spaces are accepted, as on your carte Vitale). If your social security number is right, have you registered? If not, use the “Not registered yet?” link below the log-in form.".into(),
        ),
        AccountBlocked => t(
            "Après trois tentatives infructueuses, votre compte est bloqué. Cliquez sur « Débloquez votre compte » pour recevoir un mot de passe temporaire.".into(),
            "After three unsuccessful attempts, your account is blocked. Click “Unlock your account” to receive a temporary password.".into(),
        ),
        TooManyRequests { retry_after_secs } => t(
            format!("Trop de tentatives en peu de temps. Veuillez patienter {} avant de réessayer.", human_wait(*retry_after_secs, Lang::Fr)),
            format!("Too many attempts in a short time. Please wait {} before trying again.", human_wait(*retry_after_secs, Lang::En)),
        ),
        SessionExpired => t(
            "Votre session a expiré. Veuillez vous reconnecter.".into(),
            "Your session has expired. Please log in again.".into(),
        ),
        BackendUnavailable => t(
            format!("Le service {insurer} est momentanément indisponible. Veuillez réessayer dans quelques instants. {contact}"),
            format!("The {insurer} service is temporarily unavailable. Please try again in a few moments. {contact}"),
        ),
        BirthDateMissing => t(
            "Veuillez saisir votre date de naissance au format jj/mm/aaaa.".into(),
            "Please enter your date of birth as dd/mm/yyyy.".into(),
        ),
        BirthDateFormat => t(
            "Saisissez votre date de naissance au format jj/mm/aaaa, par exemple 05/03/1978.".into(),
            "Enter your date of birth as dd/mm/yyyy, for example 05/03/1978 for 5 March 1978.".into(),
        ),
        BirthDateInvalid => t(
            "Cette date de naissance n'existe pas ou n'est pas passée. Vérifiez le jour, le mois et l'année (jj/mm/aaaa).".into(),
            "This date of birth does not exist or is not in the past. Please check the day, the month and the year (dd/mm/yyyy).".into(),
        ),
        BirthDateNirMismatch => t(
            "Cette date de naissance ne correspond pas à l'année et au mois de naissance inscrits dans votre numéro de Sécurité Sociale. Vérifiez les deux saisies.".into(),
            "This date of birth does not match the year and month of birth contained in your social security number. Please check both entries.".into(),
        ),
        MemberNumberMissing => t(
            "Veuillez saisir votre numéro interne (votre numéro d'adhérent), indiqué sur votre carte de tiers payant.".into(),
            "Please enter your internal number (your member number), shown on your carte de tiers payant (health insurance card).".into(),
        ),
        PasswordPolicy { broken } => {
            let rules = |sep: &str| broken.iter().map(|r| r.label_in(lang)).collect::<Vec<_>>().join(sep).to_lowercase();
            t(
                format!("Ce mot de passe ne respecte pas les règles : {}. Choisissez-en un autre.", rules(" ; ")),
                format!("This password does not follow the rules: {}. Please choose another one.", rules("; ")),
            )
        }
        PasswordsDiffer => t(
            "Les deux mots de passe saisis ne sont pas identiques. Saisissez le même mot de passe dans les deux champs.".into(),
            "The two passwords entered are not the same. Please enter the same password in both fields.".into(),
        ),
        CurrentPasswordWrong => t(
            "Votre mot de passe actuel est incorrect. Vérifiez-le et réessayez.".into(),
            "Your current password is incorrect. Please check it and try again.".into(),
        ),
        NotBlocked => t(
            "Votre compte n'est pas bloqué. Si vous avez oublié votre mot de passe, suivez la procédure « Mot de passe oublié ? ».".into(),
            "Your account is not blocked. If you have forgotten your password, follow the “Forgotten password?” procedure.".into(),
        ),
        IdentityNotVerified => t(
            format!("Nous n'avons pas pu vérifier votre identité avec ces informations. Vérifiez votre numéro de Sécurité Sociale avec la clé et votre date de naissance. {contact}"),
            format!("We could not verify your identity with this information. Please check your social security number with its key and your date of birth. {contact}"),
        ),
        CodeInvalid { attempts_left } => match attempts_left {
            0 => t(
                "Ce code est incorrect. Demandez un nouveau code.".into(),
                "This code is incorrect. Please ask for a new code.".into(),
            ),
            1 => t(
                "Ce code est incorrect. Vérifiez-le dans le message reçu : il vous reste 1 essai.".into(),
                "This code is incorrect. Please check it in the message you received: you have 1 try left.".into(),
            ),
            n => t(
                format!("Ce code est incorrect. Vérifiez-le dans le message reçu : il vous reste {n} essais."),
                format!("This code is incorrect. Please check it in the message you received: you have {n} tries left."),
            ),
        },
        CodeMissing => t(
            "Veuillez saisir le code à 6 chiffres reçu par e-mail.".into(),
            "Please type the 6-digit code you received by e-mail.".into(),
        ),
        CodeFormat => t(
            "Le code ne contient que des chiffres (6 chiffres). Recopiez-le depuis le message reçu.".into(),
            "The code is made of digits only (6 digits). Please copy it from the message you received.".into(),
        ),
        CodeExpired => t(
            "Ce code ou ce lien n'est plus valable (il a expiré, a déjà servi ou a été saisi trop de fois). Recommencez la démarche pour en recevoir un nouveau.".into(),
            "This code or link is no longer valid (it has expired, has already been used or was entered too many times). Please start the procedure again to receive a new one.".into(),
        ),
        NoContactChannel => t(
            format!("Nous ne connaissons ni numéro de portable ni adresse e-mail pour vous envoyer un mot de passe temporaire. Un conseiller mutualiste peut débloquer votre compte : {chat}, ou par téléphone au {phone}."),
            format!("We have neither a mobile number nor an e-mail address to send you a temporary password. An {insurer} adviser can unlock your account: through the online chat (“{chat}”) or by phone on {phone}."),
        ),
        ChannelUnavailable => t(
            "Ce moyen de réception n'est pas disponible pour votre compte. Choisissez-en un autre.".into(),
            "This way of receiving it is not available for your account. Please choose another one.".into(),
        ),
        PasswordChangeRequired => t(
            "Pour continuer, choisissez d'abord votre nouveau mot de passe.".into(),
            "To continue, please first choose your new password.".into(),
        ),
        DeviceUnauthorized => t(
            format!("Cette borne n'est pas reconnue par le service. Veuillez prévenir le personnel de l'agence. {contact}"),
            format!("This kiosk is not recognised by the service. Please tell the branch staff. {contact}"),
        ),
        BadRequest => t(
            format!("La demande n'a pas pu être traitée. Veuillez vérifier votre saisie et réessayer. {contact}"),
            format!("Your request could not be processed. Please check what you have entered and try again. {contact}"),
        ),
        Unexpected => t(
            format!("Une erreur inattendue s'est produite. Veuillez réessayer. {contact}"),
            format!("An unexpected error has occurred. Please try again. {contact}"),
        ),
        PhoneInvalid => t(
            "Ce numéro de mobile n'est pas valide. Vérifiez-le : 10 chiffres commençant par 06 ou 07 (exemple : 06 12 34 56 78), ou un mobile d'outre-mer.".into(),
            "This mobile number is not valid. Please check it: 10 digits starting with 06 or 07 (for example: 06 12 34 56 78), or an overseas French mobile.".into(),
        ),
        ContactInUse => t(
            format!("Cette adresse e-mail est déjà celle d'un autre compte {insurer} : elle ne peut pas être enregistrée sur le vôtre. Choisissez une autre adresse. {contact}"),
            format!("This e-mail address already belongs to another {insurer} account: it cannot be recorded on yours. Please choose another address. {contact}"),
        ),
        ContactUnchanged => t(
            "C'est déjà la coordonnée enregistrée sur votre compte : il n'y a rien à changer. Saisissez une nouvelle adresse e-mail ou un nouveau numéro de mobile.".into(),
            "This is already the contact recorded on your account: there is nothing to change. Please enter a new e-mail address or a new mobile number.".into(),
        ),
    }
}

/// The message of an error met on the log-in form: a blocked member's wrong
/// SMS temporary password (the server's `code_invalid`) speaks of the
/// « mot de passe temporaire », not of a code; any other, as [`message`].
pub fn message_at_log_in(error: &BorneError, lang: Lang, support: &Support) -> String {
    let BorneError::CodeInvalid { attempts_left } = *error else {
        return message(error, lang, support);
    };
    let fr = match attempts_left {
        0 => "Ce mot de passe temporaire est incorrect et ne peut plus servir. Recommencez « Débloquez votre compte » pour en recevoir un nouveau.".to_string(),
        1 => "Ce mot de passe temporaire est incorrect. Recopiez-le depuis le SMS reçu : il vous reste 1 essai.".to_string(),
        n => format!("Ce mot de passe temporaire est incorrect. Recopiez-le depuis le SMS reçu : il vous reste {n} essais."),
    };
    let en = match attempts_left {
        0 => "This temporary password is incorrect and can no longer be used. Please start “Unlock your account” again to receive a new one.".to_string(),
        1 => "This temporary password is incorrect. Please copy it from the text message you received: you have 1 try left.".to_string(),
        n => format!("This temporary password is incorrect. Please copy it from the text message you received: you have {n} tries left."),
    };
    if lang == Lang::En { en } else { french(&fr) }
}

fn human_wait(secs: u64, lang: Lang) -> String {
    let (second, seconds, minute, minutes) = match lang {
        Lang::Fr => ("seconde", "secondes", "minute", "minutes"),
        Lang::En => ("second", "seconds", "minute", "minutes"),
    };
    match secs {
        0 | 1 => format!("1 {second}"),
        s if s < 60 => format!("{s} {seconds}"),
        s if s < 120 => format!("1 {minute}"),
        s => format!("{} {minutes}", s.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use borne_core::password::Rule;

    /// One error of each kind, with details.
    fn one_of_each() -> Vec<BorneError> {
        use BorneError::*;
        vec![
            IdentifierMissing, NirLength { typed: 3 }, NirCharacters, NirFirstDigit, NirKey, EmailInvalid, PasswordMissing,
            WrongPassword { attempts_left: 2 }, UnknownProfile, AccountBlocked, TooManyRequests { retry_after_secs: 90 }, SessionExpired,
            BackendUnavailable, BadRequest, BirthDateMissing, BirthDateFormat, BirthDateInvalid, BirthDateNirMismatch, MemberNumberMissing,
            PasswordPolicy { broken: vec![Rule::MinLength, Rule::NotCommon] }, PasswordsDiffer, CurrentPasswordWrong, NotBlocked,
            IdentityNotVerified, CodeInvalid { attempts_left: 2 }, CodeMissing, CodeFormat, CodeExpired, NoContactChannel,
            ChannelUnavailable, PasswordChangeRequired, DeviceUnauthorized, Unexpected, PhoneInvalid, ContactInUse, ContactUnchanged,
        ]
    }

    #[test]
    fn guide_wording_is_kept() {
        let s = Support::default();
        assert!(message_fr(&BorneError::WrongPassword { attempts_left: 2 }, &s).starts_with("Mot de passe incorrect"));
        assert!(message_fr(&BorneError::WrongPassword { attempts_left: 2 }, &s).contains("Il vous reste 2 tentatives"));
        assert!(message_fr(&BorneError::WrongPassword { attempts_left: 1 }, &s).contains("Il vous reste 1 tentative "));
        assert!(message_fr(&BorneError::UnknownProfile, &s).starts_with("Ce profil est inconnu"));
        assert!(message_fr(&BorneError::UnknownProfile, &s).contains("15 chiffres (les espaces sont acceptés"));
        assert!(message_fr(&BorneError::AccountBlocked, &s).contains("Débloquez votre compte"));
        let down = message_fr(&BorneError::BackendUnavailable, &s);
        assert!(down.contains("03 88 19 22 56") && down.contains("chat"), "{down}");
    }

    #[test]
    fn a_wrong_temporary_password_is_not_called_a_code() {
        let s = Support::default();
        for n in [0, 1, 2] {
            let e = BorneError::CodeInvalid { attempts_left: n };
            let fr = message_at_log_in(&e, Lang::Fr, &s);
            assert!(fr.contains("mot de passe temporaire") && !fr.contains("code"), "{fr}");
            let en = message_at_log_in(&e, Lang::En, &s);
            assert!(en.contains("temporary password") && !en.contains("code"), "{en}");
        }
        // Elsewhere a code is a code, and other errors keep their message.
        assert!(message_fr(&BorneError::CodeInvalid { attempts_left: 2 }, &s).contains("code"));
        let wrong = BorneError::WrongPassword { attempts_left: 2 };
        assert_eq!(message_at_log_in(&wrong, Lang::Fr, &s), message_fr(&wrong, &s));
    }

    #[test]
    fn every_french_message_keeps_french_typography() {
        let s = Support::default();
        for e in one_of_each() {
            for text in [message_fr(&e, &s), message_at_log_in(&e, Lang::Fr, &s)] {
                let faults = crate::typography::faults(&text);
                assert!(faults.is_empty(), "{e:?}: {faults:?}");
            }
        }
    }

    #[test]
    fn every_code_has_an_english_message() {
        let s = Support::default();
        for e in one_of_each() {
            let (fr, en) = (message(&e, Lang::Fr, &s), message(&e, Lang::En, &s));
            assert!(!en.trim().is_empty(), "{e:?}");
            assert_ne!(fr, en, "{e:?}");
            assert_eq!(fr, message_fr(&e, &s), "message_fr is the French one");
            for french in ["Veuillez", "Vérifiez", " vous ", "mot de passe"] {
                assert!(!en.contains(french), "{e:?}: {en}");
            }
        }
    }

    #[test]
    fn english_wording() {
        let s = Support::default();
        let en = |e: BorneError| message(&e, Lang::En, &s);
        let wrong = en(BorneError::WrongPassword { attempts_left: 2 });
        assert!(wrong.starts_with("Incorrect password"), "{wrong}");
        assert!(wrong.contains("You have 2 attempts left"), "{wrong}");
        assert!(wrong.contains("“Forgotten password?”"), "{wrong}");
        assert!(en(BorneError::WrongPassword { attempts_left: 1 }).contains("You have 1 attempt left "));
        assert!(!en(BorneError::WrongPassword { attempts_left: 0 }).contains("left"));
        assert!(en(BorneError::UnknownProfile).contains("“Not registered yet?”"));
        assert!(en(BorneError::AccountBlocked).contains("“Unlock your account”"));
        let down = en(BorneError::BackendUnavailable);
        assert!(down.contains("03 88 19 22 56") && down.contains(&s.chat), "{down}");
        assert!(en(BorneError::TooManyRequests { retry_after_secs: 90 }).contains("1 minute"));
        assert!(en(BorneError::TooManyRequests { retry_after_secs: 30 }).contains("30 seconds"));
        let policy = en(BorneError::PasswordPolicy { broken: vec![Rule::MinLength, Rule::Digit] });
        assert!(policy.contains("at least 8 characters; at least one digit"), "{policy}");
        let fr = message_fr(&BorneError::PasswordPolicy { broken: vec![Rule::MinLength, Rule::Digit] }, &s);
        assert!(fr.contains("au moins 8 caractères\u{a0}; au moins un chiffre"), "{fr}");
    }
}
