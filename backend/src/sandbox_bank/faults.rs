//! Fault settings, changed at run time through the bank's API: latency, answers that never
//! come, 5xx before or after booking, requests lost before booking, and a register that
//! disagrees with the bookings (another amount, a line left out), for reconciliation to find.
//! Each rule is scoped to a set of cards or to a label the caller sends, so parallel tests never
//! see each other's faults.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use std::time::Duration;

use rand::Rng;
use rust_decimal::Decimal;

use super::cards::card_hash;
use super::wire::FaultRule;

struct Rule {
    setting: FaultRule,
    cards: HashSet<String>,
}

/// The rules in force, by label.
#[derive(Default)]
pub struct Faults {
    rules: RwLock<HashMap<String, Rule>>,
}

/// What happens to one request.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    pub latency: Duration,
    pub drop: bool,
    pub error_before: bool,
    pub no_answer: bool,
    pub error_after: bool,
    /// How the booking is to appear in the register.
    pub register: RegisterFault,
}

/// How a final outcome is written to the register: as booked (the default), or with another
/// amount, or left out of `GET /ledger` (the booking and its answers stay as they are).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct RegisterFault {
    pub amount_delta: Option<Decimal>,
    pub omit: bool,
}

impl Faults {
    pub fn set(&self, label: &str, setting: FaultRule) {
        let cards = setting.cards.iter().map(|c| card_hash(c)).collect();
        self.write().insert(label.to_owned(), Rule { setting, cards });
    }

    pub fn remove(&self, label: &str) -> bool {
        self.write().remove(label).is_some()
    }

    pub fn clear(&self) {
        self.write().clear();
    }

    pub fn list(&self) -> HashMap<String, FaultRule> {
        self.read().iter().map(|(k, r)| (k.clone(), r.setting.clone())).collect()
    }

    /// Is any rule scoped by card (so the card of a request must be looked up)?
    pub fn by_card(&self) -> bool {
        self.read().values().any(|r| !r.cards.is_empty())
    }

    /// Draws what happens to a request with this card and label; `None` when no rule applies.
    pub fn plan(&self, card: Option<&str>, label: Option<&str>) -> Option<Plan> {
        let rules = self.read();
        let (_, rule) = rules.iter().find(|(name, rule)| {
            label.is_some_and(|l| l == name.as_str()) || card.is_some_and(|c| rule.cards.contains(c))
        })?;
        let s = &rule.setting;
        let mut rng = rand::thread_rng();
        let mut roll = |rate: f64| rate > 0.0 && rng.gen_bool(rate.clamp(0.0, 1.0));
        let latency = s.latency.as_ref().map_or(Duration::ZERO, |l| {
            let base = if l.max_ms > l.min_ms { rand::thread_rng().gen_range(l.min_ms..=l.max_ms) } else { l.min_ms };
            let tail = if l.tail_rate > 0.0 && rand::thread_rng().gen_bool(l.tail_rate.clamp(0.0, 1.0)) {
                l.tail_ms
            } else {
                0
            };
            Duration::from_millis(base + tail)
        });
        Some(Plan {
            latency,
            drop: roll(s.drop_rate),
            error_before: roll(s.error_before_rate),
            no_answer: roll(s.no_answer_rate),
            error_after: roll(s.error_after_rate),
            register: RegisterFault { amount_delta: s.book_amount_delta, omit: roll(s.omit_from_register_rate) },
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Rule>> {
        self.rules.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Rule>> {
        self.rules.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Checks a rule before it is taken: rates within 0..=1, a sane latency.
pub fn validate(rule: &FaultRule) -> Result<(), String> {
    for (name, rate) in [
        ("no_answer_rate", rule.no_answer_rate),
        ("error_before_rate", rule.error_before_rate),
        ("error_after_rate", rule.error_after_rate),
        ("drop_rate", rule.drop_rate),
        ("omit_from_register_rate", rule.omit_from_register_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} must be within 0..=1"));
        }
    }
    if let Some(l) = &rule.latency {
        if (l.max_ms != 0 && l.min_ms > l.max_ms) || l.max_ms > 600_000 || l.tail_ms > 600_000 {
            return Err("latency must be within 0..=600000 ms".into());
        }
        if !(0.0..=1.0).contains(&l.tail_rate) {
            return Err("latency.tail_rate must be within 0..=1".into());
        }
    }
    if rule.cards.len() > 10_000 {
        return Err("at most 10000 cards per rule".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox_bank::wire::Latency;

    #[test]
    fn a_rule_applies_to_its_cards_or_its_label_only() {
        let faults = Faults::default();
        faults.set("t1", FaultRule { cards: vec!["4111 1111 1111 1111".into()], drop_rate: 1.0, ..Default::default() });
        let card = card_hash("4111111111111111");
        let plan = faults.plan(Some(&card), None).expect("card matches");
        assert!(plan.drop && !plan.no_answer && !plan.error_before);
        assert!(faults.plan(Some(&card_hash("4242424242424242")), None).is_none());
        assert!(faults.plan(None, Some("t1")).is_some());
        assert!(faults.plan(None, Some("other")).is_none());
        assert!(faults.remove("t1"));
        assert!(faults.plan(Some(&card), None).is_none());
    }

    #[test]
    fn latency_is_drawn_within_its_bounds() {
        let faults = Faults::default();
        let latency = Latency { min_ms: 10, max_ms: 20, tail_ms: 1000, tail_rate: 0.0 };
        faults.set("slow", FaultRule { latency: Some(latency), ..Default::default() });
        for _ in 0..100 {
            let d = faults.plan(None, Some("slow")).expect("plan").latency;
            assert!((10..=20).contains(&(d.as_millis() as u64)), "{d:?}");
        }
        assert!(validate(&FaultRule { drop_rate: 1.5, ..Default::default() }).is_err());
    }

    #[test]
    fn a_register_fault_is_part_of_the_plan_and_reads_a_signed_amount() {
        let rule: FaultRule =
            serde_json::from_value(serde_json::json!({"book_amount_delta": "-10.50", "omit_from_register_rate": 1.0}))
                .expect("rule");
        assert_eq!(rule.book_amount_delta, Some(Decimal::new(-1050, 2)));
        let faults = Faults::default();
        faults.set("file", rule);
        let plan = faults.plan(None, Some("file")).expect("plan");
        assert_eq!(plan.register, RegisterFault { amount_delta: Some(Decimal::new(-1050, 2)), omit: true });
        assert_eq!(serde_json::to_value(faults.list()["file"].clone()).expect("json")["book_amount_delta"], "-10.50");
        for bad in ["-1.234", "ten", "--1"] {
            let parsed = serde_json::from_value::<FaultRule>(serde_json::json!({"book_amount_delta": bad}));
            assert!(parsed.is_err(), "{bad}");
        }
        assert!(validate(&FaultRule { omit_from_register_rate: -0.1, ..Default::default() }).is_err());
    }
}
