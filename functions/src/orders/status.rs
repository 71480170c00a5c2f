//! The click & collect lifecycle: which states an order goes through, and who may move it.
//!
//! ```text
//! PLACED ──staff──▶ PICKING ──staff──▶ READY_FOR_PICKUP ──staff──▶ COLLECTED
//!    │                 │                      │
//!    └──customer, staff, system (pickup window passed)──▶ CANCELLED
//! ```
//!
//! A customer may cancel only while the order is `PLACED` (nobody has started picking it);
//! staff may cancel until it is collected; the system cancels orders not collected within the
//! environment's pickup window. Payment is taken at the store on collection
//! (`docs/adr/0001-pay-at-collection.md`), so no transition moves money.

use serde::Serialize;

/// The state of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Stock reserved; waiting for the store to start picking.
    Placed,
    /// A staff member is picking the lines.
    Picking,
    /// Packed at the store's counter; the customer may come.
    ReadyForPickup,
    /// Handed over (and paid at the store).
    Collected,
    /// Cancelled; its units went back to stock.
    Cancelled,
}

/// The status orders placed before the lifecycle existed were stored with; they read as
/// [`Status::Placed`] (stock reserved, nothing picked).
const LEGACY_CONFIRMED: &str = "CONFIRMED";

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Placed,
        Status::Picking,
        Status::ReadyForPickup,
        Status::Collected,
        Status::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Placed => "PLACED",
            Status::Picking => "PICKING",
            Status::ReadyForPickup => "READY_FOR_PICKUP",
            Status::Collected => "COLLECTED",
            Status::Cancelled => "CANCELLED",
        }
    }

    /// A stored or requested status (`CONFIRMED`, the legacy name, reads as `PLACED`).
    pub fn parse(text: &str) -> Option<Status> {
        Status::requested(text).or((text == LEGACY_CONFIRMED).then_some(Status::Placed))
    }

    /// A status a client names (one of the five; the legacy `CONFIRMED` is a stored name only).
    pub fn requested(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still holding stock and expecting a pickup: counts against the customer's open orders.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Status::Placed | Status::Picking | Status::ReadyForPickup
        )
    }

    /// Every name an open order is stored under (the legacy `CONFIRMED` too): what a filter on
    /// the stored status matches.
    pub fn open_names() -> impl Iterator<Item = &'static str> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(Status::as_str)
            .chain([LEGACY_CONFIRMED])
    }

    /// Whether `actor` may move an order from `self` to `to`.
    pub fn allows(self, to: Status, actor: &Actor) -> bool {
        use Status::*;
        match (self, to) {
            (Placed, Picking) | (Picking, ReadyForPickup) | (ReadyForPickup, Collected) => {
                matches!(actor, Actor::Staff(_))
            }
            (Placed, Cancelled) => true,
            (Picking | ReadyForPickup, Cancelled) => !matches!(actor, Actor::Customer(_)),
            _ => false,
        }
    }

    /// The next step staff take from here (the back office's one button), if any.
    pub const fn next_for_staff(self) -> Option<Status> {
        match self {
            Status::Placed => Some(Status::Picking),
            Status::Picking => Some(Status::ReadyForPickup),
            Status::ReadyForPickup => Some(Status::Collected),
            Status::Collected | Status::Cancelled => None,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who moves an order: recorded in its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The customer who placed it (their user id).
    Customer(String),
    /// A staff member (their user id).
    Staff(String),
    /// stackgen's own scheduled expiry.
    System,
}

impl Actor {
    /// `customer:<id>`, `staff:<id>`, `system`: how the history records it.
    pub fn label(&self) -> String {
        match self {
            Actor::Customer(id) => format!("customer:{id}"),
            Actor::Staff(id) => format!("staff:{id}"),
            Actor::System => "system".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_legacy_name_reads_as_placed() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::json!(s.as_str()))
            );
        }
        assert_eq!(Status::parse("CONFIRMED"), Some(Status::Placed));
        assert_eq!(Status::parse("placed"), None);
        assert_eq!(Status::requested("CONFIRMED"), None);
        assert_eq!(Status::requested("PICKING"), Some(Status::Picking));
    }

    #[test]
    fn only_staff_move_an_order_forward_and_customers_cancel_only_before_picking() {
        let customer = Actor::Customer("u-1".into());
        let staff = Actor::Staff("s-1".into());
        use Status::*;
        for (from, to) in [
            (Placed, Picking),
            (Picking, ReadyForPickup),
            (ReadyForPickup, Collected),
        ] {
            assert!(from.allows(to, &staff));
            assert!(!from.allows(to, &customer));
            assert!(!from.allows(to, &Actor::System));
            assert_eq!(from.next_for_staff(), Some(to));
        }
        assert!(Placed.allows(Cancelled, &customer));
        assert!(!Picking.allows(Cancelled, &customer));
        assert!(ReadyForPickup.allows(Cancelled, &staff));
        assert!(ReadyForPickup.allows(Cancelled, &Actor::System));
        for done in [Collected, Cancelled] {
            assert!(!done.is_open());
            assert_eq!(done.next_for_staff(), None);
            for to in Status::ALL {
                assert!(!done.allows(to, &staff), "{done} → {to}");
            }
        }
        assert!(!Placed.allows(ReadyForPickup, &staff), "no skipping");
        assert!(!Picking.allows(Placed, &staff), "no going back");
    }
}
