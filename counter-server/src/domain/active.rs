//! The active tickets (waiting, called, serving) by id, packed in one vector.
//!
//! A big day is tens of thousands of waiting tickets. A `BTreeMap` filled in id order (the order
//! tickets are issued and loaded) splits its nodes about half full, so it held ~210 bytes per
//! ticket; here a ticket is its own size plus a hash-table entry, and a finished ticket's slot is
//! reused by the next one issued.

use std::collections::HashMap;

use super::model::{Ticket, TicketId};

#[derive(Clone, Debug, Default)]
pub struct ActiveTickets {
    slots: Vec<Option<Ticket>>,
    by_id: HashMap<TicketId, u32>,
    free: Vec<u32>,
}

impl ActiveTickets {
    pub fn get(&self, id: &TicketId) -> Option<&Ticket> {
        let slot = *self.by_id.get(id)?;
        self.slots[slot as usize].as_ref()
    }

    /// Adds `t`, or replaces the ticket with its id.
    pub fn insert(&mut self, t: Ticket) {
        if let Some(&slot) = self.by_id.get(&t.id) {
            self.slots[slot as usize] = Some(t);
            return;
        }
        let id = t.id;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(t);
                slot
            }
            None => {
                self.slots.push(Some(t));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 active tickets")
            }
        };
        self.by_id.insert(id, slot);
    }

    pub fn remove(&mut self, id: &TicketId) -> Option<Ticket> {
        let slot = self.by_id.remove(id)?;
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    /// Every active ticket, in no particular order (callers that show a list sort it).
    pub fn values(&self) -> impl Iterator<Item = &Ticket> {
        self.slots.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeZone, Utc};
    use proptest::prelude::*;

    use super::ActiveTickets;
    use crate::domain::{Channel, Priority, Route, Ticket, TicketState};

    fn ticket_with_id(id: i64) -> Ticket {
        Ticket {
            id,
            service: "new_request".into(),
            line: "new_request".into(),
            service_day: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            number: 1,
            priority: Priority::Normal,
            gender_preference: None,
            state: TicketState::Waiting,
            route: Route::Service,
            desk: None,
            issued_at: Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap(),
            called_at: None,
            recalls: 0,
            channel: Channel::Kiosk,
            place_at: Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap(),
            slot: None,
            awaiting_arrival: false,
            moved_back: 0,
            checked_in_at: None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]
        /// Insert, replace and remove answer like a map, and the values are the map's values.
        #[test]
        fn active_tickets_answer_like_a_map(ops in proptest::collection::vec((0u8..2, 0i64..40, 0u32..5), 1..200)) {
            let mut active = ActiveTickets::default();
            let mut reference = BTreeMap::new();
            for (op, id, recalls) in ops {
                if op == 0 {
                    let mut t = ticket_with_id(id);
                    t.recalls = recalls;
                    active.insert(t.clone());
                    reference.insert(id, t);
                } else {
                    prop_assert_eq!(active.remove(&id), reference.remove(&id));
                }
                prop_assert_eq!(active.get(&id), reference.get(&id));
                let mut values: Vec<_> = active.values().cloned().collect();
                values.sort_by_key(|t| t.id);
                prop_assert_eq!(values, reference.values().cloned().collect::<Vec<_>>());
            }
        }
    }
}
