//! Money as integer cents.
//!
//! Prices and totals never touch floating point: a price is a whole number of cents, line totals
//! are checked multiplications and order totals checked sums, so an absurd quantity is an error,
//! not a wrapped-around total.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The only currency the store sells in.
pub const CURRENCY: &str = "USD";

/// An amount of money in cents (non-negative).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub u64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// `self × qty`, or `None` on overflow.
    pub fn times(self, qty: u64) -> Option<Cents> {
        self.0.checked_mul(qty).map(Cents)
    }

    /// `self + other`, or `None` on overflow.
    pub fn plus(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    /// The sum of amounts, or `None` on overflow.
    pub fn sum(amounts: impl IntoIterator<Item = Cents>) -> Option<Cents> {
        amounts.into_iter().try_fold(Cents::ZERO, Cents::plus)
    }
}

/// `1234` → `12.34` (for humans and spreadsheets; the API itself speaks cents).
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Cents(250).times(3), Some(Cents(750)));
        assert_eq!(Cents(u64::MAX).times(2), None);
        assert_eq!(Cents::sum([Cents(1), Cents(2)]), Some(Cents(3)));
        assert_eq!(Cents::sum([Cents(u64::MAX), Cents(1)]), None);
    }

    #[test]
    fn displays_as_decimal() {
        assert_eq!(Cents(1234).to_string(), "12.34");
        assert_eq!(Cents(5).to_string(), "0.05");
        assert_eq!(Cents(0).to_string(), "0.00");
    }
}
