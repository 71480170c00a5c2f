//! Fixed-point money and quantities.
//!
//! A cost estimate is a sum of many small products (a million requests at $0.0000002 each, a
//! few thousand GB-seconds at $0.0000133334 each). Doing that in `f64` gives totals that change
//! in the last digit with the order of summation, which makes snapshots and `--compare` noisy.
//! So every amount here is an integer:
//!
//! - [`Usd`]: whole micro-dollars (10⁻⁶ USD). Line amounts are rounded once, half away from
//!   zero, and totals are exact integer sums of the lines.
//! - [`Qty`]: micro-units of whatever is metered (requests, GB-seconds, GB-months).
//! - [`Price`]: the quoted price of a block of units (`$0.20` per `1,000,000` requests), kept in
//!   pico-dollars (10⁻¹² USD) so that every AWS list price is exact.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// An amount of US dollars in integer micro-dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(i64);

impl Usd {
    pub const ZERO: Usd = Usd(0);

    /// From integer micro-dollars.
    pub const fn from_micros(micros: i64) -> Usd {
        Usd(micros)
    }

    /// From whole dollars.
    pub const fn from_dollars(dollars: i64) -> Usd {
        Usd(dollars * 1_000_000)
    }

    /// From cents.
    pub const fn from_cents(cents: i64) -> Usd {
        Usd(cents * 10_000)
    }

    /// Parses a decimal dollar amount such as `"12.5"`, `"0.0101516483"` or `"-3"` (what Cost
    /// Explorer and budgets return), rounding to micro-dollars half away from zero.
    pub fn parse(text: &str) -> Option<Usd> {
        let t = text.trim();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let int_part: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut micros: i128 = int_part.checked_mul(1_000_000)?;
        let mut scale: i128 = 100_000;
        let mut round_up = false;
        for (i, b) in frac.bytes().enumerate() {
            let d = i128::from(b - b'0');
            if i < 6 {
                micros += d * scale;
                scale /= 10;
            } else if i == 6 {
                round_up = d >= 5;
            }
        }
        if round_up {
            micros += 1;
        }
        let micros = i64::try_from(if neg { -micros } else { micros }).ok()?;
        Some(Usd(micros))
    }

    /// Integer micro-dollars.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// The amount as `f64` dollars, for display and JSON only (never summed).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the sum that made this amount ran out of range (sums saturate).
    pub const fn is_saturated(self) -> bool {
        self.0 == i64::MAX || self.0 == i64::MIN
    }

    /// `self` as a percentage of `of`, rounded to one decimal (`None` when `of` is zero).
    pub fn percent_of(self, of: Usd) -> Option<f64> {
        if of.0 == 0 {
            return None;
        }
        let tenths = div_round(i128::from(self.0) * 1000, i128::from(of.0));
        Some(tenths as f64 / 10.0)
    }

    /// Fixed six-decimal text (`12.345678`), exact.
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
    }

    /// Human text: `$12.35`; amounts under a dollar keep four decimals (`$0.2628`) so that the
    /// idle lines of a small stack stay visible; a non-zero amount under $0.0001 shows as
    /// `<$0.0001`.
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        if a == 0 {
            return "$0.00".to_string();
        }
        if a < 100 {
            return format!("{sign}<$0.0001");
        }
        if a < 1_000_000 {
            let ten_thousandths = (a + 50) / 100;
            return format!("{sign}$0.{ten_thousandths:04}");
        }
        let cents = (a + 5_000) / 10_000;
        let dollars = cents / 100;
        let mut grouped = String::new();
        let s = dollars.to_string();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{sign}${grouped}.{:02}", cents % 100)
    }

    /// Like [`Usd::display`] with an explicit `+` for positive amounts (cost deltas).
    pub fn display_signed(self) -> String {
        if self.0 > 0 {
            format!("+{}", self.display())
        } else {
            self.display()
        }
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, rhs: Usd) -> Usd {
        Usd(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, rhs: Usd) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl Sub for Usd {
    type Output = Usd;
    fn sub(self, rhs: Usd) -> Usd {
        Usd(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Usd {
    type Output = Usd;
    fn neg(self) -> Usd {
        Usd(-self.0)
    }
}

impl std::iter::Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, |a, b| a + b)
    }
}

/// JSON carries dollars as a number (`0.2628`); the value is converted from the exact integer
/// once, and read back by rounding to micro-dollars.
impl Serialize for Usd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Usd, D::Error> {
        let v = f64::deserialize(d)?;
        if !v.is_finite() {
            return Err(serde::de::Error::custom(
                "a dollar amount must be a finite number",
            ));
        }
        Ok(Usd((v * 1_000_000.0).round() as i64))
    }
}

/// A metered quantity in integer micro-units (requests, GB-seconds, GB-months, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty(u64);

impl Qty {
    pub const ZERO: Qty = Qty(0);

    /// A whole number of units.
    pub const fn units(n: u64) -> Qty {
        Qty(n.saturating_mul(1_000_000))
    }

    /// Tenths of a unit (`Qty::tenths(5)` is 0.5), for request-unit tables written as data.
    pub const fn tenths(n: u64) -> Qty {
        Qty(n.saturating_mul(100_000))
    }

    /// Thousandths of a unit.
    pub const fn thousandths(n: u64) -> Qty {
        Qty(n.saturating_mul(1_000))
    }

    pub const fn from_micros(micros: u64) -> Qty {
        Qty(micros)
    }

    pub const fn micros(self) -> u64 {
        self.0
    }

    /// `num / den` units, rounded half up to a micro-unit. `den` must not be zero (callers pass
    /// constants); a zero denominator yields zero rather than a panic.
    pub fn ratio(num: u128, den: u128) -> Qty {
        if den == 0 {
            return Qty::ZERO;
        }
        let micros = (num * 1_000_000 + den / 2) / den;
        Qty(u64::try_from(micros).unwrap_or(u64::MAX))
    }

    /// From a user-supplied decimal (YAML), rounded once to micro-units. Negative or
    /// non-finite values are refused by the caller before this is reached.
    pub fn from_f64(v: f64) -> Qty {
        if !v.is_finite() || v <= 0.0 {
            return Qty::ZERO;
        }
        Qty((v * 1_000_000.0).round() as u64)
    }

    /// `self × factor` (factor in micro-units too), rounded half up.
    pub fn times(self, factor: Qty) -> Qty {
        let p = u128::from(self.0) * u128::from(factor.0);
        Qty(u64::try_from((p + 500_000) / 1_000_000).unwrap_or(u64::MAX))
    }

    /// `self × n`.
    pub fn scale(self, n: u64) -> Qty {
        Qty(self.0.saturating_mul(n))
    }

    /// `self × num / den`, rounded half up.
    pub fn mul_ratio(self, num: u128, den: u128) -> Qty {
        if den == 0 {
            return Qty::ZERO;
        }
        let p = u128::from(self.0) * num;
        Qty(u64::try_from((p + den / 2) / den).unwrap_or(u64::MAX))
    }

    pub fn saturating_sub(self, other: Qty) -> Qty {
        Qty(self.0.saturating_sub(other.0))
    }

    pub fn min(self, other: Qty) -> Qty {
        Qty(self.0.min(other.0))
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the arithmetic that made this quantity ran out of range (every operation
    /// saturates rather than wrapping or panicking; a saturated quantity prices nothing right).
    pub const fn is_saturated(self) -> bool {
        self.0 == u64::MAX
    }

    /// Exact decimal text with trailing zeros trimmed (`12500`, `0.5`, `657000`).
    pub fn to_decimal_string(self) -> String {
        let int = self.0 / 1_000_000;
        let frac = self.0 % 1_000_000;
        if frac == 0 {
            return int.to_string();
        }
        let f = format!("{frac:06}");
        format!("{int}.{}", f.trim_end_matches('0'))
    }

    /// Human text with thousands separators and at most four decimals (`1,050,500`,
    /// `12,656.25`, `0.0063`).
    pub fn display(self) -> String {
        let int = self.0 / 1_000_000;
        let frac = self.0 % 1_000_000;
        let s = int.to_string();
        let mut grouped = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if frac == 0 {
            return grouped;
        }
        let f4 = (frac + 50) / 100;
        if f4 == 0 {
            return grouped;
        }
        if f4 == 10_000 {
            return Qty(self.0 + 1_000_000 - frac).display();
        }
        let f = format!("{f4:04}");
        format!("{grouped}.{}", f.trim_end_matches('0'))
    }
}

impl Add for Qty {
    type Output = Qty;
    fn add(self, rhs: Qty) -> Qty {
        Qty(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Qty {
    fn add_assign(&mut self, rhs: Qty) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl std::iter::Sum for Qty {
    fn sum<I: Iterator<Item = Qty>>(iter: I) -> Qty {
        iter.fold(Qty::ZERO, |a, b| a + b)
    }
}

impl Serialize for Qty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 as f64 / 1_000_000.0)
    }
}

impl<'de> Deserialize<'de> for Qty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Qty, D::Error> {
        let v = f64::deserialize(d)?;
        if !v.is_finite() || v < 0.0 {
            return Err(serde::de::Error::custom(
                "a quantity must be a finite, non-negative number",
            ));
        }
        // What a micro-unit count holds: a larger number would be stored as a smaller one.
        if v >= u64::MAX as f64 / 1_000_000.0 {
            return Err(serde::de::Error::custom(format!(
                "{v:e} is too large a quantity (at most {} here)",
                u64::MAX / 1_000_000
            )));
        }
        Ok(Qty::from_f64(v))
    }
}

/// A quoted list price: `usd` per `per` units, as the pricing page writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Pico-dollars (10⁻¹² USD) per block of `per` units.
    pico_per_block: i128,
    /// Units per block (1 for "per GB-second", 1,000,000 for "per million requests").
    per: u64,
    /// The amount as quoted, e.g. `"0.20"`.
    quoted: &'static str,
}

impl Price {
    /// `usd` dollars per `per` units. Evaluated at compile time for the embedded table: a
    /// malformed amount is a build error, never a runtime one.
    pub const fn new(usd: &'static str, per: u64) -> Price {
        Price {
            pico_per_block: parse_pico(usd),
            per,
            quoted: usd,
        }
    }

    /// `usd` dollars per `per` units, read from data (the price table's file): a malformed
    /// amount is an error that says why.
    pub fn parse(usd: &'static str, per: u64) -> Result<Price, &'static str> {
        if per == 0 {
            return Err("per must be at least 1");
        }
        Ok(Price {
            pico_per_block: try_parse_pico(usd)?,
            per,
            quoted: usd,
        })
    }

    /// Pico-dollars (10⁻¹² USD) per unit × `per`: what two prices compare by.
    pub fn pico_per_block(&self) -> i128 {
        self.pico_per_block
    }

    /// The quoted text, e.g. `$0.20 per 1M`.
    pub fn describe(&self, unit: &str) -> String {
        match self.per {
            // One unit reads in the singular: "per GB-month", "per hour".
            1 => format!(
                "${} per {}",
                self.quoted,
                unit.strip_suffix('s').unwrap_or(unit)
            ),
            1_000 => format!("${} per 1,000 {unit}", self.quoted),
            10_000 => format!("${} per 10,000 {unit}", self.quoted),
            100_000 => format!("${} per 100,000 {unit}", self.quoted),
            1_000_000 => format!("${} per 1M {unit}", self.quoted),
            n => format!("${} per {n} {unit}", self.quoted),
        }
    }

    pub const fn quoted(&self) -> &'static str {
        self.quoted
    }

    pub const fn per(&self) -> u64 {
        self.per
    }

    /// The price of `qty`, rounded once to micro-dollars (half away from zero).
    pub fn cost(&self, qty: Qty) -> Usd {
        // micro-units × pico-dollars / (per × 10⁶ micro-units per unit × 10⁶ pico per micro-dollar)
        let num = i128::from(qty.micros()) * self.pico_per_block;
        let den = i128::from(self.per) * 1_000_000_000_000;
        Usd(i64::try_from(div_round(num, den)).unwrap_or(i64::MAX))
    }

    /// Price of one unit in dollars as `f64`, for display and tests only.
    pub fn unit_usd_f64(&self) -> f64 {
        self.pico_per_block as f64 / 1e12 / self.per as f64
    }
}

/// Integer division rounding half away from zero.
fn div_round(num: i128, den: i128) -> i128 {
    if den == 0 {
        return 0;
    }
    let (n, d) = if den < 0 { (-num, -den) } else { (num, den) };
    if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    }
}

/// Parses a non-negative decimal dollar string with at most 12 decimals into pico-dollars, at
/// compile time (a malformed literal is a build error).
const fn parse_pico(s: &str) -> i128 {
    match try_parse_pico(s) {
        Ok(p) => p,
        Err(why) => panic!("{}", why),
    }
}

/// Parses a non-negative decimal dollar string with at most 12 decimals into pico-dollars.
const fn try_parse_pico(s: &str) -> Result<i128, &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err("empty price");
    }
    let mut i = 0;
    let mut int: i128 = 0;
    while i < b.len() && b[i] != b'.' {
        if !b[i].is_ascii_digit() || i >= 15 {
            return Err("price must be a plain decimal under 10^15");
        }
        int = int * 10 + (b[i] - b'0') as i128;
        i += 1;
    }
    let mut frac: i128 = 0;
    let mut digits = 0;
    if i < b.len() {
        i += 1;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                return Err("price must be a plain decimal");
            }
            if digits >= 12 {
                return Err("price has more than 12 decimals");
            }
            frac = frac * 10 + (b[i] - b'0') as i128;
            digits += 1;
            i += 1;
        }
    }
    while digits < 12 {
        frac *= 10;
        digits += 1;
    }
    Ok(int * 1_000_000_000_000 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact() {
        let gbs = Price::new("0.0000133334", 1);
        assert_eq!(gbs.cost(Qty::units(12_500)), Usd::from_micros(166_668));
        let req = Price::new("0.20", 1_000_000);
        assert_eq!(req.cost(Qty::units(1_050_500)), Usd::from_micros(210_100));
        let cf = Price::new("0.0100", 10_000);
        assert_eq!(
            cf.cost(Qty::units(1_400_000)),
            Usd::from_dollars(1) + Usd::from_cents(40)
        );
    }

    #[test]
    fn quantities_round_half_up_once() {
        assert_eq!(Qty::ratio(1, 3).micros(), 333_333);
        assert_eq!(Qty::ratio(2, 3).micros(), 666_667);
        assert_eq!(Qty::tenths(5).times(Qty::units(3)), Qty::tenths(15));
        assert_eq!(Qty::units(1_050_500).display(), "1,050,500");
        assert_eq!(Qty::ratio(25, 2).to_decimal_string(), "12.5");
    }

    #[test]
    fn dollars_parse_and_display() {
        assert_eq!(Usd::parse("0.0101516483"), Some(Usd::from_micros(10_152)));
        assert_eq!(Usd::parse("-3"), Some(Usd::from_dollars(-3)));
        assert_eq!(Usd::parse("12.5"), Some(Usd::from_micros(12_500_000)));
        assert_eq!(Usd::parse("abc"), None);
        assert_eq!(Usd::parse("."), None);
        assert_eq!(Usd::from_micros(262_800).display(), "$0.2628");
        assert_eq!(Usd::from_micros(1_234_567_890).display(), "$1,234.57");
        assert_eq!(Usd::from_micros(42).display(), "<$0.0001");
        assert_eq!(Usd::from_micros(-262_800).display_signed(), "-$0.2628");
        assert_eq!(Usd::from_micros(5).to_decimal_string(), "0.000005");
        assert_eq!(
            Usd::from_dollars(3).percent_of(Usd::from_dollars(20)),
            Some(15.0)
        );
    }
}
