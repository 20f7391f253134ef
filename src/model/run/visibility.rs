//! When the page was hidden: browsers throttle timers (to once a second or less) and stop
//! rendering in background tabs, so a run that overlaps a hidden stretch cannot be trusted.

/// Stretches of time the page was hidden, oldest first; the last may still be open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HiddenSpans {
    spans: Vec<(f64, Option<f64>)>,
}

/// Spans kept: a page hidden and shown this often is long past any run still measured.
const KEEP: usize = 1_000;

impl HiddenSpans {
    /// The page became hidden at `at_ms` (ignored if it already was).
    pub fn hidden(&mut self, at_ms: f64) {
        if !self.is_hidden() {
            if self.spans.len() >= KEEP {
                self.spans.remove(0);
            }
            self.spans.push((at_ms, None));
        }
    }

    /// The page became visible at `at_ms`.
    pub fn visible(&mut self, at_ms: f64) {
        if let Some((_, end @ None)) = self.spans.last_mut() {
            *end = Some(at_ms);
        }
    }

    /// Whether the page is hidden now.
    pub fn is_hidden(&self) -> bool {
        matches!(self.spans.last(), Some((_, None)))
    }

    /// How long the page was hidden within `[from_ms, to_ms]` (an open span lasts until `to_ms`).
    pub fn overlap_ms(&self, from_ms: f64, to_ms: f64) -> f64 {
        self.spans
            .iter()
            .map(|(a, b)| (b.unwrap_or(to_ms).min(to_ms) - a.max(from_ms)).max(0.0))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hidden_part_inside_the_window_counts() {
        let mut h = HiddenSpans::default();
        h.hidden(100.0);
        h.visible(300.0);
        h.hidden(500.0);
        assert!(h.is_hidden());
        assert_eq!(h.overlap_ms(0.0, 50.0), 0.0);
        assert_eq!(h.overlap_ms(200.0, 400.0), 100.0);
        assert_eq!(
            h.overlap_ms(0.0, 600.0),
            300.0,
            "the open span counts up to the end"
        );
        h.visible(550.0);
        assert!(!h.is_hidden());
        assert_eq!(h.overlap_ms(0.0, 1000.0), 250.0);
    }

    #[test]
    fn repeated_events_do_not_open_two_spans() {
        let mut h = HiddenSpans::default();
        h.visible(10.0);
        h.hidden(20.0);
        h.hidden(30.0);
        h.visible(40.0);
        h.visible(50.0);
        assert_eq!(h.overlap_ms(0.0, 100.0), 20.0);
    }

    #[test]
    fn the_oldest_spans_go_first() {
        let mut h = HiddenSpans::default();
        for i in 0..(KEEP + 10) {
            h.hidden(i as f64 * 10.0);
            h.visible(i as f64 * 10.0 + 1.0);
        }
        assert_eq!(h.overlap_ms(0.0, 100.0), 0.0);
        assert_eq!(h.overlap_ms(0.0, 1e9), KEEP as f64);
    }
}
