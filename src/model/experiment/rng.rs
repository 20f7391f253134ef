//! A tiny deterministic random source (SplitMix64): the same seed gives the same workload on
//! every device, so a shared link reproduces the experiment's jitter exactly.

/// Mixes `x` into a well-distributed 64-bit value (SplitMix64's finaliser).
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A uniform value in `[0, 1)` drawn from `(seed, a, b)`.
pub fn unit(seed: u64, a: u64, b: u64) -> f64 {
    let x = mix64(seed ^ mix64(a.wrapping_mul(0x1000_0000_01B3) ^ mix64(b)));
    // 53 random bits, the precision of an f64 mantissa.
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_is_deterministic_and_in_range() {
        for i in 0..10_000 {
            let u = unit(7, i, 3);
            assert!((0.0..1.0).contains(&u));
            assert_eq!(u.to_bits(), unit(7, i, 3).to_bits());
        }
    }

    #[test]
    fn unit_is_roughly_uniform() {
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| unit(1, i, 0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn different_seeds_differ() {
        assert_ne!(unit(1, 5, 0).to_bits(), unit(2, 5, 0).to_bits());
    }
}
