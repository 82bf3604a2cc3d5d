//! Date of birth, typed « jj/mm/aaaa » (MGEN guide, unlock step 2; the
//! registration form; the server's member import). The calendar is the
//! `time` crate's: a [`BirthDate`] is a real `time::Date`, in the past, not
//! before 1900. The only parser of dates of birth in the project: the app,
//! the UI (through the app's `check_unlock`) and the server call it.

use crate::error::BorneError;
use crate::nir::Nir;
use std::fmt;
use time::{Date, Month, OffsetDateTime};

/// The earliest year of birth accepted.
pub const EARLIEST_YEAR: i32 = 1900;

/// A checked date of birth: a real calendar date, not in the future, not
/// before [`EARLIEST_YEAR`]. `Debug` masks it (it is personal data).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate(Date);

/// Today's date (UTC), from the system clock.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

impl BirthDate {
    /// Parses « jj/mm/aaaa »; also accepts `-`, `.` or spaces as separators,
    /// a day or month of one digit, 8 digits with no separator, and ISO
    /// `aaaa-mm-jj` (from storage). Checked against today's date.
    pub fn parse(input: &str) -> Result<BirthDate, BorneError> {
        Self::parse_on(input, today())
    }

    /// [`BirthDate::parse`] with `today` given (tests, a fixed clock).
    /// Errors: nothing typed → `BirthDateMissing`; not one of the forms
    /// above → `BirthDateFormat`; not a real date, in the future or before
    /// 1900 → `BirthDateInvalid`.
    pub fn parse_on(input: &str, today: Date) -> Result<BirthDate, BorneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(BorneError::BirthDateMissing);
        }
        let parts: Vec<&str> = s.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
        let (d, m, y) = match parts.as_slice() {
            [d, m, y] if y.len() == 4 => (*d, *m, *y),
            [y, m, d] if y.len() == 4 && s.contains('-') => (*d, *m, *y),
            [all] if all.len() == 8 && all.is_ascii() => (&all[0..2], &all[2..4], &all[4..8]),
            _ => return Err(BorneError::BirthDateFormat),
        };
        let digits = |p: &str, max_len: usize| !p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit());
        if !(digits(d, 2) && digits(m, 2) && digits(y, 4)) {
            return Err(BorneError::BirthDateFormat);
        }
        // Digits only, at most 4 of them: these parses cannot fail.
        let (day, month, year): (u8, u8, i32) = (d.parse().unwrap_or(0), m.parse().unwrap_or(0), y.parse().unwrap_or(0));
        Self::from_calendar_on(year, month, day, today)
    }

    /// The date of `year`, `month` (1-12), `day`, checked as [`BirthDate::parse_on`] does.
    pub fn from_calendar_on(year: i32, month: u8, day: u8, today: Date) -> Result<BirthDate, BorneError> {
        let month = Month::try_from(month).map_err(|_| BorneError::BirthDateInvalid)?;
        let date = Date::from_calendar_date(year, month, day).map_err(|_| BorneError::BirthDateInvalid)?;
        if year < EARLIEST_YEAR || date > today {
            return Err(BorneError::BirthDateInvalid);
        }
        Ok(BirthDate(date))
    }

    /// [`BirthDate::from_calendar_on`] against today's date.
    pub fn from_calendar(year: i32, month: u8, day: u8) -> Result<BirthDate, BorneError> {
        Self::from_calendar_on(year, month, day, today())
    }

    pub fn date(&self) -> Date {
        self.0
    }

    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// 1-12.
    pub fn month(&self) -> u8 {
        u8::from(self.0.month())
    }

    pub fn day(&self) -> u8 {
        self.0.day()
    }

    /// Whether the date agrees with the birth year and month a NIR carries
    /// (the month only when the NIR's is a real month).
    pub fn matches_nir(&self, nir: &Nir) -> bool {
        self.year().rem_euclid(100) as u32 == nir.birth_year_2() && nir.birth_month().is_none_or(|m| m == u32::from(self.month()))
    }

    /// `aaaa-mm-jj`, for storage.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }

    /// `jj/mm/aaaa`, as the member types it.
    pub fn french(&self) -> String {
        format!("{:02}/{:02}/{:04}", self.day(), self.month(), self.year())
    }
}

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate(••/••/••••)")
    }
}

/// The NIR and the date of birth of the unlock and registration forms, the
/// date checked against the birth year and month the NIR carries (MGEN
/// guide, unlock step 2). The NIR is checked first, then the date, then
/// their agreement (`BirthDateNirMismatch`). The app checks the forms with
/// it before any call, the server again on receipt.
pub fn parse_nir_and_birthdate(nir: &str, birthdate: &str) -> Result<(Nir, BirthDate), BorneError> {
    parse_nir_and_birthdate_on(nir, birthdate, today())
}

/// [`parse_nir_and_birthdate`] with `today` given.
pub fn parse_nir_and_birthdate_on(nir: &str, birthdate: &str, today: Date) -> Result<(Nir, BirthDate), BorneError> {
    let nir = Nir::parse(nir)?;
    let date = BirthDate::parse_on(birthdate, today)?;
    if !date.matches_nir(&nir) {
        return Err(BorneError::BirthDateNirMismatch);
    }
    Ok((nir, date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn on(s: &str) -> Result<BirthDate, BorneError> {
        BirthDate::parse_on(s, TODAY)
    }

    fn nir(body: &str) -> String {
        format!("{body}{:02}", crate::nir::compute_key(body))
    }

    #[test]
    fn formats() {
        let d = on("05/03/1978").unwrap();
        assert_eq!((d.day(), d.month(), d.year()), (5, 3, 1978));
        assert_eq!(d.date(), date!(1978 - 03 - 05));
        assert_eq!(on("05031978").unwrap(), d);
        assert_eq!(on("5-3-1978").unwrap(), d);
        assert_eq!(on("5/3/1978").unwrap(), d);
        assert_eq!(on("05.03.1978").unwrap(), d);
        assert_eq!(on(" 05 03 1978 ").unwrap(), d);
        assert_eq!(on("1978-03-05").unwrap(), d);
        assert_eq!(d.iso(), "1978-03-05");
        assert_eq!(d.french(), "05/03/1978");
    }

    #[test]
    fn precise_errors() {
        assert_eq!(on(""), Err(BorneError::BirthDateMissing));
        assert_eq!(on("   "), Err(BorneError::BirthDateMissing));
        assert_eq!(on("5/3/78"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("15-03-78"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("aa/bb/cccc"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("015/03/1978"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("15/03/1978/1"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("1503197"), Err(BorneError::BirthDateFormat));
        assert_eq!(on("15/13/1980"), Err(BorneError::BirthDateInvalid));
        assert_eq!(on("00/03/1980"), Err(BorneError::BirthDateInvalid));
        assert_eq!(on("31/04/1980"), Err(BorneError::BirthDateInvalid));
        assert_eq!(on("01/01/1850"), Err(BorneError::BirthDateInvalid));
        assert_eq!(on("31/12/1899"), Err(BorneError::BirthDateInvalid));
        assert!(on("01/01/1900").is_ok());
    }

    #[test]
    fn february_29_only_in_leap_years() {
        for leap in ["29/02/1980", "29/02/2000", "29/02/2024", "2000-02-29", "29021996"] {
            assert!(on(leap).is_ok(), "{leap}");
        }
        // 1900 is not a leap year (divisible by 100, not by 400); 2023, 1981 are not.
        for not_leap in ["29/02/1900", "29/02/1981", "29/02/2023", "2023-02-29", "30/02/2000"] {
            assert_eq!(on(not_leap), Err(BorneError::BirthDateInvalid), "{not_leap}");
        }
    }

    #[test]
    fn future_dates_are_refused() {
        assert!(on("23/11/2026").is_ok(), "today is a past-or-present date");
        assert_eq!(on("24/11/2026"), Err(BorneError::BirthDateInvalid));
        assert_eq!(on("01/01/2999"), Err(BorneError::BirthDateInvalid));
        assert_eq!(BirthDate::parse("01/01/2999"), Err(BorneError::BirthDateInvalid));
        let tomorrow = today().next_day().unwrap();
        assert_eq!(
            BirthDate::from_calendar(tomorrow.year(), u8::from(tomorrow.month()), tomorrow.day()),
            Err(BorneError::BirthDateInvalid)
        );
        assert!(BirthDate::parse(&BirthDate(today()).french()).is_ok());
    }

    #[test]
    fn agrees_with_the_nir() {
        let nir15 = nir("2780369123045");
        let nir = Nir::parse(&nir15).unwrap();
        assert!(on("15/03/1978").unwrap().matches_nir(&nir));
        assert!(!on("15/04/1978").unwrap().matches_nir(&nir));
        assert!(!on("15/03/1979").unwrap().matches_nir(&nir));
        // Unknown month in the NIR (50): only the year is checked.
        let unknown_month = Nir::parse(&super::tests::nir("2785069123045")).unwrap();
        assert!(on("15/09/1978").unwrap().matches_nir(&unknown_month));
        assert!(!on("15/09/1977").unwrap().matches_nir(&unknown_month));
    }

    #[test]
    fn nir_and_birthdate_together() {
        let n = nir("2780369123045");
        let (parsed, d) = parse_nir_and_birthdate_on(&n, "15/03/1978", TODAY).unwrap();
        assert_eq!(parsed.as_str(), n);
        assert_eq!(d.iso(), "1978-03-15");
        assert_eq!(parse_nir_and_birthdate_on(&n, "15/04/1978", TODAY).unwrap_err(), BorneError::BirthDateNirMismatch);
        assert_eq!(parse_nir_and_birthdate_on(&n, "15/03/1979", TODAY).unwrap_err(), BorneError::BirthDateNirMismatch);
        // The NIR first, then the date, then the agreement.
        assert_eq!(parse_nir_and_birthdate_on("", "", TODAY).unwrap_err(), BorneError::IdentifierMissing);
        assert_eq!(parse_nir_and_birthdate_on(&n, "", TODAY).unwrap_err(), BorneError::BirthDateMissing);
        assert_eq!(parse_nir_and_birthdate_on(&n, "31/02/1978", TODAY).unwrap_err(), BorneError::BirthDateInvalid);
        assert!(parse_nir_and_birthdate(&n, "15/03/1978").is_ok());
    }

    #[test]
    fn debug_hides_the_date() {
        let d = on("15/03/1978").unwrap();
        let dbg = format!("{d:?}");
        assert!(!dbg.contains("1978") && !dbg.contains("15"), "{dbg}");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,20}") { let _ = on(&s); }

        #[test]
        fn round_trips(y in 1900i32..2026, m in 1u8..=12, d in 1u8..=31) {
            match BirthDate::from_calendar_on(y, m, d, TODAY) {
                Ok(date) => {
                    prop_assert_eq!(on(&date.french()).unwrap(), date);
                    prop_assert_eq!(on(&date.iso()).unwrap(), date);
                }
                // Only days past the month's end are refused before 2026.
                Err(e) => {
                    prop_assert_eq!(e, BorneError::BirthDateInvalid);
                    prop_assert!(d > 28);
                }
            }
        }
    }
}
