//! Date of birth, typed « jj/mm/aaaa » (MGEN guide, unlock step 2).

use crate::error::BorneError;
use crate::nir::Nir;
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BirthDate {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Today's civil date (UTC), from the system clock.
pub fn today() -> BirthDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> BirthDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    BirthDate { year: (if m <= 2 { y + 1 } else { y }) as u32, month: m, day: d }
}

impl BirthDate {
    /// Parses « jj/mm/aaaa »; also accepts `-`, `.` or spaces as separators,
    /// 8 digits with none, and ISO `aaaa-mm-jj` (from storage).
    pub fn parse(input: &str) -> Result<BirthDate, BorneError> {
        Self::parse_on(input, today())
    }

    pub fn parse_on(input: &str, today: BirthDate) -> Result<BirthDate, BorneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(BorneError::BirthDateMissing);
        }
        let parts: Vec<&str> = s.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
        let (d, m, y) = match parts.as_slice() {
            [d, m, y] if y.len() == 4 && y.is_ascii() => (*d, *m, *y),
            [y, m, d] if y.len() == 4 && y.is_ascii() && s.contains('-') => (*d, *m, *y),
            [all] if all.len() == 8 && all.bytes().all(|b| b.is_ascii_digit()) => (&all[0..2], &all[2..4], &all[4..8]),
            _ => return Err(BorneError::BirthDateFormat),
        };
        let num = |p: &str| -> Result<u32, BorneError> {
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BorneError::BirthDateFormat);
            }
            p.parse().map_err(|_| BorneError::BirthDateFormat)
        };
        let date = BirthDate { day: num(d)?, month: num(m)?, year: num(y)? };
        if date.month == 0 || date.month > 12 || date.day == 0 || date.day > days_in_month(date.year, date.month) {
            return Err(BorneError::BirthDateInvalid);
        }
        if date.year < 1900 || date > today {
            return Err(BorneError::BirthDateInvalid);
        }
        Ok(date)
    }

    /// Whether the date agrees with the birth year and month a NIR carries
    /// (the month only when the NIR's is a real month).
    pub fn matches_nir(&self, nir: &Nir) -> bool {
        self.year % 100 == nir.birth_year_2() && nir.birth_month().is_none_or(|m| m == self.month)
    }

    /// `aaaa-mm-jj`, for storage.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `jj/mm/aaaa`, as the member types it.
    pub fn french(&self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate(••/••/••••)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TODAY: BirthDate = BirthDate { year: 2026, month: 11, day: 23 };

    #[test]
    fn formats() {
        let d = BirthDate::parse_on("05/03/1978", TODAY).unwrap();
        assert_eq!((d.day, d.month, d.year), (5, 3, 1978));
        assert_eq!(BirthDate::parse_on("05031978", TODAY).unwrap(), d);
        assert_eq!(BirthDate::parse_on("5-3-1978", TODAY).unwrap(), d);
        assert_eq!(BirthDate::parse_on("1978-03-05", TODAY).unwrap(), d);
        assert_eq!(d.iso(), "1978-03-05");
        assert_eq!(d.french(), "05/03/1978");
    }

    #[test]
    fn precise_errors() {
        assert_eq!(BirthDate::parse_on("", TODAY), Err(BorneError::BirthDateMissing));
        assert_eq!(BirthDate::parse_on("5/3/78", TODAY), Err(BorneError::BirthDateFormat));
        assert_eq!(BirthDate::parse_on("31/04/1980", TODAY), Err(BorneError::BirthDateInvalid));
        assert_eq!(BirthDate::parse_on("29/02/1981", TODAY), Err(BorneError::BirthDateInvalid));
        assert!(BirthDate::parse_on("29/02/1980", TODAY).is_ok());
        assert_eq!(BirthDate::parse_on("24/11/2026", TODAY), Err(BorneError::BirthDateInvalid));
        assert_eq!(BirthDate::parse_on("01/01/1850", TODAY), Err(BorneError::BirthDateInvalid));
    }

    #[test]
    fn agrees_with_the_nir() {
        let body = "2780369123045";
        let nir = Nir::parse(&format!("{body}{:02}", crate::nir::compute_key(body))).unwrap();
        assert!(BirthDate::parse_on("15/03/1978", TODAY).unwrap().matches_nir(&nir));
        assert!(!BirthDate::parse_on("15/04/1978", TODAY).unwrap().matches_nir(&nir));
        assert!(!BirthDate::parse_on("15/03/1979", TODAY).unwrap().matches_nir(&nir));
        // Unknown month in the NIR: only the year is checked.
        let body = "2785069123045";
        let nir = Nir::parse(&format!("{body}{:02}", crate::nir::compute_key(body))).unwrap();
        assert!(BirthDate::parse_on("15/09/1978", TODAY).unwrap().matches_nir(&nir));
    }

    #[test]
    fn today_is_plausible() {
        let t = today();
        assert!(t.year >= 2024 && (1..=12).contains(&t.month));
        assert_eq!(civil_from_days(0), BirthDate { year: 1970, month: 1, day: 1 });
        assert_eq!(civil_from_days(11_017), BirthDate { year: 2000, month: 3, day: 1 });
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,20}") { let _ = BirthDate::parse_on(&s, TODAY); }

        #[test]
        fn round_trips(y in 1900u32..2026, m in 1u32..=12, d in 1u32..=28) {
            let date = BirthDate { year: y, month: m, day: d };
            prop_assert_eq!(BirthDate::parse_on(&date.french(), TODAY).unwrap(), date);
            prop_assert_eq!(BirthDate::parse_on(&date.iso(), TODAY).unwrap(), date);
        }
    }
}
