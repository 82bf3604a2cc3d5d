//! The member's contact channels: which phone numbers can receive an SMS
//! (MGEN guide: "Seuls les numéros de portable en France métropolitaine
//! permettent de recevoir un SMS") and how contacts are shown, masked.

use phonenumber::country::Id;
use phonenumber::Type;

/// The number in E.164 (`+33612345678`) when it is a mobile of metropolitan
/// France; `None` for landlines, overseas mobiles and anything unparsable.
pub fn metropolitan_mobile(input: &str) -> Option<String> {
    let number = phonenumber::parse(Some(Id::FR), input).ok()?;
    if number.country().id() != Some(Id::FR) || !phonenumber::is_valid(&number) {
        return None;
    }
    if number.number_type(&phonenumber::metadata::DATABASE) != Type::Mobile {
        return None;
    }
    Some(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// The regions whose mobiles are French: metropolitan France and the
/// overseas départements and collectivities that share the `06`/`07` plan
/// (Guadeloupe, Martinique, Guyane, Réunion, Mayotte, Saint-Pierre-et-Miquelon,
/// Saint-Barthélemy, Saint-Martin).
const FRENCH_REGIONS: [Id; 9] = [Id::FR, Id::GP, Id::MQ, Id::GF, Id::RE, Id::YT, Id::PM, Id::BL, Id::MF];

/// The number in E.164 when it is a French mobile, metropolitan or
/// overseas (`06 90 12 34 56` is Guadeloupe's `+590690123456`); `None`
/// for landlines, foreign numbers and anything unparsable. What « Mes
/// coordonnées » accepts; only [`metropolitan_mobile`]s can receive the
/// unlock SMS.
pub fn french_mobile(input: &str) -> Option<String> {
    FRENCH_REGIONS.iter().find_map(|&region| {
        let number = phonenumber::parse(Some(region), input).ok()?;
        let id = number.country().id()?;
        if !FRENCH_REGIONS.contains(&id) || !phonenumber::is_valid(&number) {
            return None;
        }
        if number.number_type(&phonenumber::metadata::DATABASE) != Type::Mobile {
            return None;
        }
        Some(number.format().mode(phonenumber::Mode::E164).to_string())
    })
}

/// `06 •• •• •• 42`: the first two and the last two digits of the national form.
pub fn mask_phone(input: &str) -> String {
    let digits: String = match phonenumber::parse(Some(Id::FR), input) {
        Ok(n) if n.country().id().is_some_and(|id| FRENCH_REGIONS.contains(&id)) => format!("0{}", n.national().value()),
        _ => input.chars().filter(|c| c.is_ascii_digit()).collect(),
    };
    if digits.len() < 4 {
        return "•• •• •• •• ••".into();
    }
    let middle = (digits.len() - 4).div_ceil(2);
    let mut out = digits[..2].to_string();
    for _ in 0..middle {
        out.push_str(" ••");
    }
    out.push(' ');
    out.push_str(&digits[digits.len() - 2..]);
    out
}

/// `j•••@exemple.fr`: the first character of the local part, then the domain.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        _ => "•••".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metropolitan_mobiles_only() {
        assert_eq!(metropolitan_mobile("06 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(metropolitan_mobile("+33 7 81 23 45 67").as_deref(), Some("+33781234567"));
        assert_eq!(metropolitan_mobile("01 23 45 67 89"), None, "landline");
        assert_eq!(metropolitan_mobile("06 90 12 34 56"), None, "Guadeloupe mobile");
        assert_eq!(metropolitan_mobile("06 39 12 34 56"), None, "Mayotte mobile");
        assert_eq!(metropolitan_mobile("07 01 23 45 67"), None, "not a mobile range");
        assert_eq!(metropolitan_mobile("n'importe quoi"), None);
        assert_eq!(metropolitan_mobile("+44 7911 123456"), None, "UK mobile");
    }

    #[test]
    fn french_mobiles_metropolitan_and_overseas() {
        assert_eq!(french_mobile("06 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(french_mobile("07 81 23 45 67").as_deref(), Some("+33781234567"));
        assert_eq!(french_mobile("06 90 12 34 56").as_deref(), Some("+590690123456"), "Guadeloupe");
        assert_eq!(french_mobile("06 96 12 34 56").as_deref(), Some("+596696123456"), "Martinique");
        assert_eq!(french_mobile("06 92 12 34 56").as_deref(), Some("+262692123456"), "Réunion");
        assert_eq!(french_mobile("06 39 22 12 34").as_deref(), Some("+262639221234"), "Mayotte");
        assert_eq!(french_mobile("+590 690 12 34 56").as_deref(), Some("+590690123456"));
        assert_eq!(french_mobile("01 23 45 67 89"), None, "landline");
        assert_eq!(french_mobile("07 01 23 45 67"), None, "not a mobile range");
        assert_eq!(french_mobile("+44 7911 123456"), None, "UK mobile");
        assert_eq!(french_mobile("n'importe quoi"), None);
        assert_eq!(metropolitan_mobile("+590690123456"), None, "overseas: no unlock SMS");
        assert_eq!(mask_phone("+590690123456"), "06 •• •• •• 56");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_phone("06 12 34 56 42"), "06 •• •• •• 42");
        assert_eq!(mask_phone("+33612345642"), "06 •• •• •• 42");
        assert_eq!(mask_email("jeanne.martin@exemple.fr"), "j•••@exemple.fr");
        assert_eq!(mask_email("nope"), "•••");
    }
}
