//! Chart geometry: axes (linear and logarithmic), points, and the Amdahl fit; and the
//! sweeps whose runs the charts draw ([`sweep`]).

pub mod sweep;

use crate::model::timeline::nice_step;

/// A scale from data to pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub px_lo: f64,
    pub px_hi: f64,
    pub log: bool,
}

impl Scale {
    /// A linear scale.
    pub fn linear(lo: f64, hi: f64, px_lo: f64, px_hi: f64) -> Self {
        Scale {
            lo,
            hi: if hi > lo { hi } else { lo + 1.0 },
            px_lo,
            px_hi,
            log: false,
        }
    }

    /// A log10 scale over whole decades covering `[lo, hi]` (both > 0).
    pub fn log(lo: f64, hi: f64, px_lo: f64, px_hi: f64) -> Self {
        let lo = 10f64.powf(lo.max(1e-9).log10().floor());
        let hi = 10f64.powf(hi.max(lo * 10.0).log10().ceil());
        Scale {
            lo,
            hi,
            px_lo,
            px_hi,
            log: true,
        }
    }

    /// Pixel position of `v`.
    pub fn px(&self, v: f64) -> f64 {
        let f = if self.log {
            (v.max(self.lo * 1e-3).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.px_lo + f * (self.px_hi - self.px_lo)
    }

    /// Tick values: decades on a log scale, round steps on a linear one.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let (a, b) = (
                self.lo.log10().round() as i32,
                self.hi.log10().round() as i32,
            );
            (a..=b).map(|e| 10f64.powi(e)).collect()
        } else {
            let step = nice_step(self.hi - self.lo, 5.0);
            let mut v = (self.lo / step).ceil() * step;
            let mut out = Vec::new();
            while v <= self.hi + step * 1e-9 {
                out.push(v);
                v += step;
            }
            out
        }
    }
}

/// An SVG polyline `points` attribute.
pub fn polyline(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    points
        .into_iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Amdahl's law: the speedup on `n` workers with serial fraction `s`.
pub fn amdahl(s: f64, n: f64) -> f64 {
    1.0 / (s + (1.0 - s) / n)
}

/// Fits Amdahl's serial fraction to measured `(workers, speedup)` points by least squares on
/// `1/S − 1/n = s (1 − 1/n)`, clamped to `[0, 1]`. `None` without a point at `n > 1`.
pub fn fit_serial_fraction(points: &[(f64, f64)]) -> Option<f64> {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &(n, s) in points.iter().filter(|(n, s)| *n > 1.0 && *s > 0.0) {
        let x = 1.0 - 1.0 / n;
        let y = 1.0 / s - 1.0 / n;
        sxy += x * y;
        sxx += x * x;
    }
    (sxx > 0.0).then(|| (sxy / sxx).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_scales_map_ends_to_ends() {
        let s = Scale::linear(0.0, 10.0, 100.0, 0.0);
        assert_eq!(s.px(0.0), 100.0);
        assert_eq!(s.px(10.0), 0.0);
        assert_eq!(s.px(5.0), 50.0);
        assert_eq!(s.ticks(), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    }

    #[test]
    fn log_scales_cover_whole_decades() {
        let s = Scale::log(3.0, 4500.0, 0.0, 400.0);
        assert_eq!((s.lo, s.hi), (1.0, 10_000.0));
        assert_eq!(s.px(100.0), 200.0);
        assert_eq!(s.ticks(), vec![1.0, 10.0, 100.0, 1000.0, 10_000.0]);
    }

    #[test]
    fn polylines_are_svg_points() {
        assert_eq!(polyline([(1.0, 2.0), (3.25, 4.0)]), "1.0,2.0 3.2,4.0");
    }

    #[test]
    fn amdahl_recovers_a_known_serial_fraction() {
        let pts: Vec<(f64, f64)> = (1..=8).map(|n| (n as f64, amdahl(0.1, n as f64))).collect();
        let s = fit_serial_fraction(&pts).unwrap();
        assert!((s - 0.1).abs() < 1e-12, "{s}");
    }

    #[test]
    fn amdahl_fits_noisy_points_and_clamps() {
        let pts = [(1.0, 1.0), (2.0, 1.9), (4.0, 3.4)];
        let s = fit_serial_fraction(&pts).unwrap();
        assert!((0.03..0.1).contains(&s), "{s}");
        assert_eq!(
            fit_serial_fraction(&[(2.0, 2.5)]),
            Some(0.0),
            "superlinear clamps to 0"
        );
        assert_eq!(
            fit_serial_fraction(&[(2.0, 0.5)]),
            Some(1.0),
            "a slowdown clamps to 1"
        );
        assert_eq!(fit_serial_fraction(&[(1.0, 1.0)]), None);
        assert_eq!(amdahl(0.0, 4.0), 4.0);
        assert_eq!(amdahl(1.0, 4.0), 1.0);
    }
}
