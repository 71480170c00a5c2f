//! What a customer is told about their order: one email per step that concerns them.
//!
//! The order notifier reads the orders table's stream; for an order whose newest step moved it
//! to ready for pickup or cancelled, [`Notice::for_step`] writes the email. The notice's key
//! names the order and the step's place in its history (`notice#<orderId>#<n>`), so one step
//! gives one email however often its stream record is delivered.

use super::record::{Order, Transition};
use super::status::Status;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// One email to one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `notice#<orderId>#<n>`: the claim that makes it one email per step.
    pub key: String,
    pub subject: String,
    pub body: String,
}

impl Notice {
    /// The email for the order's newest step, when that step concerns the customer (ready for
    /// pickup, cancelled) and is the order's current state; `store` is how the email names the
    /// order's store (its display name). Orders without history (placed
    /// before the lifecycle) have no step to tell.
    pub fn for_step(order: &Order, pickup_window_hours: u32, store: &str) -> Option<Notice> {
        let step = order.history.last().filter(|s| s.to == order.status)?;
        let key = format!("notice#{}#{}", order.order_id, order.history.len() - 1);
        let (subject, opening) = match step.to {
            Status::ReadyForPickup => (
                format!("Your order {} is ready for pickup", order.order_id),
                ready(order, pickup_window_hours, store),
            ),
            Status::Cancelled => (
                format!("Your order {} was cancelled", order.order_id),
                cancelled(step, pickup_window_hours),
            ),
            _ => return None,
        };
        let body = format!(
            "Hello,\n\n{opening}\n\n{}\nOrder {} at {store}, placed {}.\n",
            lines(order),
            order.order_id,
            order.created_at
        );
        Some(Notice { key, subject, body })
    }
}

fn ready(order: &Order, pickup_window_hours: u32, store: &str) -> String {
    let by = OffsetDateTime::parse(&order.created_at, &Rfc3339)
        .ok()
        .map(|placed| placed + Duration::hours(i64::from(pickup_window_hours)))
        .and_then(|t| t.format(&Rfc3339).ok());
    let deadline = by.map_or_else(
        || format!("within {pickup_window_hours} hours of placing it"),
        |t| format!("by {t} (UTC)"),
    );
    format!(
        "Your order is packed and waiting at {store}. Please collect it {deadline}; \
         you pay {} {} at the counter when you collect it.",
        order.total_cents, order.currency
    )
}

fn cancelled(step: &Transition, pickup_window_hours: u32) -> String {
    let why = if step.actor.starts_with("customer:") {
        "You cancelled it.".to_owned()
    } else if step.actor == "system" {
        format!("It was not collected within {pickup_window_hours} hours of being placed.")
    } else {
        match &step.reason {
            Some(reason) => format!("The store cancelled it: {reason}"),
            None => "The store cancelled it.".to_owned(),
        }
    };
    format!(
        "Your order was cancelled. {why} Nothing was charged, and its items are back on the shelf."
    )
}

fn lines(order: &Order) -> String {
    order
        .items
        .iter()
        .map(|l| format!("  {} x {} ({})\n", l.qty, l.name, l.sku))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Cents;
    use crate::orders::OrderLine;

    fn order(steps: &[(Status, &str, Option<&str>)]) -> Order {
        Order {
            order_id: "ord-1".into(),
            user_id: "u-1".into(),
            store_id: "store-01".into(),
            status: steps.last().map_or(Status::Placed, |s| s.0),
            history: steps
                .iter()
                .map(|(to, actor, reason)| Transition {
                    at: "2026-12-02T10:00:00Z".into(),
                    from: None,
                    to: *to,
                    actor: (*actor).into(),
                    reason: reason.map(str::to_owned),
                })
                .collect(),
            items: vec![OrderLine {
                sku: "FRU-001".into(),
                name: "Bananas".into(),
                qty: 2,
                unit_price_cents: Cents(125),
                line_total_cents: Cents(250),
            }],
            total_cents: Cents(250),
            currency: "USD".into(),
            created_at: "2026-12-02T09:00:00Z".into(),
            updated_at: "2026-12-02T10:00:00Z".into(),
            event_published: false,
        }
    }

    #[test]
    fn ready_for_pickup_names_the_store_the_deadline_and_the_lines() {
        let o = order(&[
            (Status::Placed, "customer:u-1", None),
            (Status::Picking, "staff:s-1", None),
            (Status::ReadyForPickup, "staff:s-1", None),
        ]);
        let n = Notice::for_step(&o, 48, "Downtown (store-01)").expect("a notice");
        assert_eq!(n.key, "notice#ord-1#2");
        assert_eq!(n.subject, "Your order ord-1 is ready for pickup");
        assert!(
            n.body.contains("waiting at Downtown (store-01)"),
            "{}",
            n.body
        );
        assert!(
            n.body.contains("by 2026-12-04T09:00:00Z (UTC)"),
            "{}",
            n.body
        );
        assert!(n.body.contains("2 x Bananas (FRU-001)"), "{}", n.body);
        assert!(n.body.contains("2.50 USD"), "{}", n.body);
    }

    #[test]
    fn a_cancellation_says_who_and_why() {
        let staff = order(&[
            (Status::Placed, "customer:u-1", None),
            (Status::Cancelled, "staff:s-1", Some("out of bananas")),
        ]);
        let n = Notice::for_step(&staff, 48, "Downtown").expect("a notice");
        assert_eq!(n.key, "notice#ord-1#1");
        assert!(
            n.body.contains("The store cancelled it: out of bananas"),
            "{}",
            n.body
        );
        let expired = order(&[(Status::Cancelled, "system", None)]);
        let text = Notice::for_step(&expired, 24, "Downtown")
            .expect("a notice")
            .body;
        assert!(text.contains("not collected within 24 hours"), "{text}");
        let own = order(&[(Status::Cancelled, "customer:u-1", None)]);
        assert!(
            Notice::for_step(&own, 24, "Downtown")
                .expect("a notice")
                .body
                .contains("You cancelled it.")
        );
    }

    #[test]
    fn other_steps_and_old_orders_tell_nothing() {
        assert_eq!(
            Notice::for_step(
                &order(&[(Status::Placed, "customer:u-1", None)]),
                48,
                "Downtown"
            ),
            None
        );
        assert_eq!(
            Notice::for_step(
                &order(&[(Status::Collected, "staff:s", None)]),
                48,
                "Downtown"
            ),
            None
        );
        assert_eq!(Notice::for_step(&order(&[]), 48, "Downtown"), None);
    }
}
