//! Every error a member can meet, as a value: which rule was broken or
//! what went wrong, with the details a message needs. The stable codes are
//! in `borne-api` (`Coded`), the texts in `borne-content` (`errors`).

use crate::rule::Rule;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BorneError {
    #[error("identifier missing")]
    IdentifierMissing,
    #[error("NIR has {typed} characters")]
    NirLength { typed: usize },
    #[error("NIR has characters other than digits")]
    NirCharacters,
    #[error("NIR first digit")]
    NirFirstDigit,
    #[error("NIR key does not match")]
    NirKey,
    #[error("e-mail invalid")]
    EmailInvalid,
    #[error("password missing")]
    PasswordMissing,
    #[error("wrong password, {attempts_left} attempts left")]
    WrongPassword { attempts_left: u32 },
    #[error("unknown profile")]
    UnknownProfile,
    #[error("account blocked")]
    AccountBlocked,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("session expired")]
    SessionExpired,
    #[error("backend unavailable")]
    BackendUnavailable,
    #[error("malformed request")]
    BadRequest,
    #[error("birth date missing")]
    BirthDateMissing,
    #[error("birth date format")]
    BirthDateFormat,
    #[error("birth date not a real past date")]
    BirthDateInvalid,
    #[error("birth date does not match the NIR")]
    BirthDateNirMismatch,
    #[error("member number missing")]
    MemberNumberMissing,
    #[error("password breaks the policy")]
    PasswordPolicy { broken: Vec<Rule> },
    #[error("passwords differ")]
    PasswordsDiffer,
    #[error("current password wrong")]
    CurrentPasswordWrong,
    #[error("account not blocked")]
    NotBlocked,
    #[error("identity not verified")]
    IdentityNotVerified,
    #[error("code invalid, {attempts_left} attempts left")]
    CodeInvalid { attempts_left: u32 },
    #[error("code missing")]
    CodeMissing,
    #[error("code is not digits")]
    CodeFormat,
    #[error("code expired or used")]
    CodeExpired,
    #[error("no contact channel")]
    NoContactChannel,
    #[error("channel unavailable")]
    ChannelUnavailable,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("device not authorised")]
    DeviceUnauthorized,
    #[error("mobile number invalid")]
    PhoneInvalid,
    #[error("contact already used by another account")]
    ContactInUse,
    #[error("contact unchanged")]
    ContactUnchanged,
    #[error("unexpected error")]
    Unexpected,
}
