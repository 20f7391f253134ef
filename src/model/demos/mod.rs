//! The "Interleaving and shared state" demos (issue #7, sections 3 and 4), as pure logic:
//! their parameters and bounds, what their measurements mean (trace orders, lost updates,
//! queue depth, the wait-for graph of a deadlock), and the one-sentence verdicts. The
//! browser runs them in `runtime::demos`; the page shows them in `ui::demos`.
//!
//! [`async_sync`] and [`deadlock::TaskLock`] are the synchronisation the demos run with:
//! plain `std`, so they are tested here natively, the async ones with a hand-driven poll and
//! the thread one with real threads.

pub mod async_sync;
pub mod deadlock;
pub mod errors;
pub mod interleave;
pub mod queue;
pub mod race;
pub mod scale;
pub mod spawn;
pub mod switch;

use crate::model::experiment::params::parse_number;
use crate::model::format;

/// One whole-number parameter of a demo: its label, inclusive bounds and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub label: &'static str,
    pub lo: u32,
    pub hi: u32,
    pub default: u32,
}

impl Bound {
    /// Parses what was typed into the field.
    ///
    /// # Errors
    /// A message for the person who typed `text`: what is wrong and what is allowed.
    pub fn parse(&self, text: &str) -> Result<u32, String> {
        let n = parse_number(text.trim())?;
        if n < f64::from(self.lo) || n > f64::from(self.hi) {
            return Err(format!(
                "must be from {} to {}",
                format::count(u64::from(self.lo)),
                format::count(u64::from(self.hi))
            ));
        }
        if n.fract() != 0.0 {
            return Err("must be a whole number".into());
        }
        Ok(n as u32)
    }

    /// The range as the field's hint shows it: `2 to 20`.
    pub fn range(&self) -> String {
        format!(
            "{} to {}",
            format::count(u64::from(self.lo)),
            format::count(u64::from(self.hi))
        )
    }
}

/// `1 order`, `3 orders`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", format::count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Bound = Bound {
        label: "steps",
        lo: 2,
        hi: 20_000,
        default: 8,
    };

    #[test]
    fn bounds_accept_whole_numbers_in_range_and_say_what_is_wrong() {
        assert_eq!(B.parse(" 8 "), Ok(8));
        assert_eq!(B.parse("20,000"), Ok(20_000));
        assert_eq!(B.parse("1"), Err("must be from 2 to 20,000".into()));
        assert_eq!(B.parse("20001"), Err("must be from 2 to 20,000".into()));
        assert_eq!(B.parse("2.5"), Err("must be a whole number".into()));
        assert_eq!(B.parse(""), Err("is empty: enter a number".into()));
        assert_eq!(B.parse("lots"), Err("“lots” is not a number".into()));
        assert_eq!(B.parse("1e99"), Err("must be from 2 to 20,000".into()));
        assert_eq!(B.range(), "2 to 20,000");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "order", "orders"), "1 order");
        assert_eq!(plural(1_000, "order", "orders"), "1,000 orders");
    }
}
