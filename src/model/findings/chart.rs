//! A verdict's deciding figures as a compact bar chart: one bar per measured figure, in one
//! unit, each beside the articles' own figure when they give one, so the card shows what was
//! judged where the verdict is.

use std::borrow::Cow;

use crate::model::format;

/// What a chart's figures count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Ms,
    Us,
    Bytes,
    /// A speed against one thread's.
    Times,
    Count,
}

impl Unit {
    /// A figure for people.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Ms => format::ms(v),
            Unit::Us => format::us(v),
            Unit::Bytes => format::bytes(v),
            Unit::Times => format::times(v),
            Unit::Count if v.is_finite() && v >= 0.0 => format::count(v.round() as u64),
            Unit::Count => "–".into(),
        }
    }

    /// A stable key (`data-unit`, the report's JSON).
    pub fn key(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::Us => "us",
            Unit::Bytes => "bytes",
            Unit::Times => "times",
            Unit::Count => "count",
        }
    }
}

/// One figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Stable among a claim's bars (tests, the bench); owned when read from a file.
    pub key: Cow<'static, str>,
    pub label: String,
    pub value: f64,
    /// The articles' figure for the same thing, when they give one.
    pub articles: Option<f64>,
}

/// A verdict's figures; empty when it has none to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    pub unit: Unit,
    pub bars: Vec<Bar>,
}

impl Chart {
    pub fn new(unit: Unit) -> Self {
        Chart {
            unit,
            bars: Vec::new(),
        }
    }

    /// Adds a measured figure.
    pub fn bar(mut self, key: &'static str, label: impl Into<String>, value: f64) -> Self {
        self.bars.push(Bar {
            key: Cow::Borrowed(key),
            label: label.into(),
            value,
            articles: None,
        });
        self
    }

    /// Adds a measured figure beside the articles' one.
    pub fn against(
        mut self,
        key: &'static str,
        label: impl Into<String>,
        value: f64,
        articles: f64,
    ) -> Self {
        self = self.bar(key, label, value);
        if let Some(b) = self.bars.last_mut() {
            b.articles = Some(articles);
        }
        self
    }

    /// The largest figure, measured or the articles', that every bar is drawn against (at
    /// least a tiny positive number, so an all-zero chart draws empty bars).
    pub fn top(&self) -> f64 {
        self.bars
            .iter()
            .flat_map(|b| [Some(b.value), b.articles])
            .flatten()
            .filter(|v| v.is_finite())
            .fold(f64::MIN_POSITIVE, f64::max)
    }

    /// How far along the chart `v` reaches, in percent (0 to 100).
    pub fn pct(&self, v: f64) -> f64 {
        if v.is_finite() {
            (v / self.top() * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    }

    /// A bar's figures in words: "101 ms (the articles: 180 ms)".
    pub fn said(&self, b: &Bar) -> String {
        match b.articles {
            Some(a) => format!(
                "{} (the articles: {})",
                self.unit.format(b.value),
                self.unit.format(a)
            ),
            None => self.unit.format(b.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_against_the_largest_figure_measured_or_quoted() {
        let c = Chart::new(Unit::Ms)
            .against("seq", "sequential", 5000.0, 5200.0)
            .bar("async", "async", 104.0)
            .bar("broken", "a figure that is not one", f64::NAN);
        assert_eq!(c.top(), 5200.0);
        assert_eq!(c.pct(5200.0), 100.0);
        assert_eq!(c.pct(2600.0), 50.0);
        assert_eq!(c.pct(f64::NAN), 0.0);
        assert_eq!(c.said(&c.bars[0]), "5.00 s (the articles: 5.20 s)");
        assert_eq!(c.said(&c.bars[1]), "104 ms");
        let empty = Chart::new(Unit::Count).bar("none", "nothing lost", 0.0);
        assert_eq!(empty.pct(0.0), 0.0);
        assert_eq!(Unit::Count.format(-1.0), "–");
    }
}
