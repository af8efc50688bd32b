//! The waiting lines as an index, so that a call, an issue and a people-ahead count cost the same in
//! a 100,000-ticket day as in a 100-ticket one.
//!
//! Every *waiting* ticket is in exactly one set, chosen by the line it waits in and its same-gender
//! request, and ordered by its place (class, place in line, id). `Queue::apply` keeps the sets
//! true. The queue keeps two `Lines`: the callable tickets, and the remote places whose visitors
//! have not checked in yet (`domain::arrival`).
//!
//! Why per same-gender request: within one such set and one class, the routing rules (`routing`)
//! treat tickets alike except for the time waited, and waiting longer only ever makes a ticket
//! callable sooner (the gender fallback), as does a place time that has come (an appointment
//! checked in early is callable from its slot). So the first ticket of each class in each set the desk
//! serves is the only candidate of that set and class: `routing::choose_next` over these few heads
//! picks exactly what it picks over the whole day (a property test checks it).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::model::{Desk, DeskId, DeskKind, Gender, Rank, Route, ServiceCode, Ticket, TicketId};

/// A place in line: class, place time, id (`Ticket::order_key`).
pub type Place = (Rank, DateTime<Utc>, TicketId);

/// The line a waiting ticket stands in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LineKey {
    /// The line of a service (`Ticket::line`).
    Service(ServiceCode),
    /// Referred to the social researchers.
    Research,
    /// Transferred to one named desk.
    Desk(DeskId),
}

impl LineKey {
    pub fn of(t: &Ticket) -> Self {
        match t.route {
            Route::Service => Self::Service(t.line.clone()),
            Route::Research => Self::Research,
            Route::Desk(d) => Self::Desk(d),
        }
    }

    /// Every line `desk` calls from (the same lines as `Desk::can_serve`).
    pub fn served_by(desk: &Desk) -> Vec<Self> {
        let mut keys: Vec<Self> = desk.services.iter().cloned().map(Self::Service).collect();
        if desk.kind == DeskKind::SocialResearch {
            keys.push(Self::Research);
        }
        keys.push(Self::Desk(desk.id));
        keys
    }
}

const PREFERENCES: [Option<Gender>; 3] = [None, Some(Gender::Female), Some(Gender::Male)];

/// The waiting tickets of the branch, by line and same-gender request.
#[derive(Clone, Debug, Default)]
pub struct Lines {
    sets: HashMap<(LineKey, Option<Gender>), OrderedSet<Place>>,
}

impl Lines {
    pub fn insert(&mut self, t: &Ticket) {
        self.sets
            .entry((LineKey::of(t), t.gender_preference))
            .or_default()
            .insert(t.order_key());
    }

    pub fn remove(&mut self, t: &Ticket) {
        if let Some(set) = self.sets.get_mut(&(LineKey::of(t), t.gender_preference)) {
            set.remove(&t.order_key());
        }
    }

    /// The first ticket of each class of each set `desk` serves: the only tickets call-next can pick.
    pub fn heads(&self, desk: &Desk) -> Vec<TicketId> {
        let mut out = Vec::new();
        for line in LineKey::served_by(desk) {
            for pref in PREFERENCES {
                let Some(set) = self.sets.get(&(line.clone(), pref)) else {
                    continue;
                };
                for class in Rank::ALL {
                    if let Some(&(c, _, id)) = set.first_from(&(class, DateTime::<Utc>::MIN_UTC, 0))
                        && c == class
                    {
                        out.push(id);
                    }
                }
            }
        }
        out
    }

    /// The ticket after `t` in its own set, if it has the same class: the next candidate of that
    /// set and class once `t` is out of the running.
    pub fn next_of_class(&self, t: &Ticket) -> Option<TicketId> {
        let (class, at, id) = t.order_key();
        let set = self.sets.get(&(LineKey::of(t), t.gender_preference))?;
        match set.first_from(&(class, at, id.saturating_add(1))) {
            Some(&(c, _, next)) if c == class => Some(next),
            _ => None,
        }
    }

    /// The places of the first `n` tickets after `t` in its line and class, in order (over every
    /// same-gender set of the line).
    pub fn places_after(&self, t: &Ticket, n: usize) -> Vec<DateTime<Utc>> {
        let line = LineKey::of(t);
        let (class, at, id) = t.order_key();
        let mut places: Vec<(DateTime<Utc>, TicketId)> = Vec::new();
        for pref in PREFERENCES {
            let Some(set) = self.sets.get(&(line.clone(), pref)) else {
                continue;
            };
            let mut from = (class, at, id.saturating_add(1));
            for _ in 0..n {
                match set.first_from(&from) {
                    Some(&(c, next_at, next_id)) if c == class => {
                        places.push((next_at, next_id));
                        from = (c, next_at, next_id.saturating_add(1));
                    }
                    _ => break,
                }
            }
        }
        places.sort();
        places.into_iter().take(n).map(|(at, _)| at).collect()
    }

    /// Waiting tickets in the line of `t` with an earlier place than `t` (`t` itself not counted).
    pub fn ahead_of(&self, t: &Ticket) -> usize {
        let line = LineKey::of(t);
        let place = t.order_key();
        PREFERENCES
            .iter()
            .filter_map(|p| self.sets.get(&(line.clone(), *p)))
            .map(|set| set.count_below(&place))
            .sum()
    }

    /// How many tickets wait in all lines.
    pub fn len(&self) -> usize {
        self.sets.values().map(OrderedSet::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ----- an ordered set that also counts -----

const NIL: u32 = u32::MAX;

#[derive(Clone, Debug)]
struct Node<K> {
    key: K,
    /// Heap order of the treap: random, so the tree stays balanced whatever the insertion order.
    weight: u32,
    left: u32,
    right: u32,
    /// Nodes in this subtree, for `count_below`.
    size: u32,
}

/// A set of distinct keys with insert, remove, "first key from" and "how many keys below", each in
/// O(log n) expected (a treap with subtree sizes). The standard `BTreeSet` cannot count below a key
/// without walking every key it counts.
#[derive(Clone, Debug)]
pub struct OrderedSet<K> {
    nodes: Vec<Node<K>>,
    free: Vec<u32>,
    root: u32,
    rng: u64,
}

impl<K> Default for OrderedSet<K> {
    fn default() -> Self {
        Self {
            nodes: Vec::new(),
            free: Vec::new(),
            root: NIL,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

impl<K: Ord + Clone> OrderedSet<K> {
    pub fn len(&self) -> usize {
        self.size(self.root) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.root == NIL
    }

    pub fn contains(&self, key: &K) -> bool {
        self.first_from(key).is_some_and(|k| k == key)
    }

    /// Adds `key`; false when it was there already.
    pub fn insert(&mut self, key: K) -> bool {
        if self.contains(&key) {
            return false;
        }
        let (below, rest) = self.split(self.root, &|k| *k < key);
        let node = self.alloc(key);
        let left = self.merge(below, node);
        self.root = self.merge(left, rest);
        true
    }

    /// Removes `key`; false when it was not there.
    pub fn remove(&mut self, key: &K) -> bool {
        let (below, rest) = self.split(self.root, &|k| k < key);
        let (found, above) = self.split(rest, &|k| k <= key);
        let removed = found != NIL;
        if removed {
            self.free.push(found);
        }
        self.root = self.merge(below, above);
        removed
    }

    /// The smallest key at or after `key`.
    pub fn first_from(&self, key: &K) -> Option<&K> {
        let mut best = None;
        let mut n = self.root;
        while n != NIL {
            let node = &self.nodes[n as usize];
            if node.key >= *key {
                best = Some(&node.key);
                n = node.left;
            } else {
                n = node.right;
            }
        }
        best
    }

    /// How many keys are strictly below `key`.
    pub fn count_below(&self, key: &K) -> usize {
        let mut count = 0;
        let mut n = self.root;
        while n != NIL {
            let node = &self.nodes[n as usize];
            if node.key < *key {
                count += self.size(node.left) as usize + 1;
                n = node.right;
            } else {
                n = node.left;
            }
        }
        count
    }

    fn size(&self, n: u32) -> u32 {
        if n == NIL {
            0
        } else {
            self.nodes[n as usize].size
        }
    }

    fn resize(&mut self, n: u32) {
        let node = &self.nodes[n as usize];
        let size = 1 + self.size(node.left) + self.size(node.right);
        self.nodes[n as usize].size = size;
    }

    fn alloc(&mut self, key: K) -> u32 {
        // xorshift64: deterministic, and good enough to keep a treap balanced.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let node = Node {
            key,
            weight: (self.rng >> 32) as u32,
            left: NIL,
            right: NIL,
            size: 1,
        };
        match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                u32::try_from(self.nodes.len() - 1).expect("fewer than 2^32 waiting tickets")
            }
        }
    }

    /// Splits subtree `n` into (keys where `goes_left`, the rest); `goes_left` must be true for a
    /// prefix of the order.
    fn split(&mut self, n: u32, goes_left: &dyn Fn(&K) -> bool) -> (u32, u32) {
        if n == NIL {
            return (NIL, NIL);
        }
        if goes_left(&self.nodes[n as usize].key) {
            let (l, r) = self.split(self.nodes[n as usize].right, goes_left);
            self.nodes[n as usize].right = l;
            self.resize(n);
            (n, r)
        } else {
            let (l, r) = self.split(self.nodes[n as usize].left, goes_left);
            self.nodes[n as usize].left = r;
            self.resize(n);
            (l, n)
        }
    }

    /// Joins two subtrees where every key of `a` is below every key of `b`.
    fn merge(&mut self, a: u32, b: u32) -> u32 {
        if a == NIL {
            return b;
        }
        if b == NIL {
            return a;
        }
        if self.nodes[a as usize].weight > self.nodes[b as usize].weight {
            let r = self.merge(self.nodes[a as usize].right, b);
            self.nodes[a as usize].right = r;
            self.resize(a);
            a
        } else {
            let l = self.merge(a, self.nodes[b as usize].left);
            self.nodes[b as usize].left = l;
            self.resize(b);
            b
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::OrderedSet;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]
        /// The treap answers like a `BTreeSet` walked in full.
        #[test]
        fn ordered_set_answers_like_a_sorted_set(ops in proptest::collection::vec((0u8..3, 0u32..64), 1..300)) {
            let mut set = OrderedSet::default();
            let mut reference = BTreeSet::new();
            for (op, k) in ops {
                match op {
                    0 => prop_assert_eq!(set.insert(k), reference.insert(k)),
                    1 => prop_assert_eq!(set.remove(&k), reference.remove(&k)),
                    _ => {}
                }
                prop_assert_eq!(set.len(), reference.len());
                prop_assert_eq!(set.count_below(&k), reference.range(..k).count());
                prop_assert_eq!(set.first_from(&k), reference.range(k..).next());
                prop_assert_eq!(set.contains(&k), reference.contains(&k));
            }
        }
    }
}
