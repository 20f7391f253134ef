//! The memory bound on kept runs: which runs give up their task records so that the records
//! of every kept run fit in [`DETAIL_BUDGET_BYTES`].
//!
//! Why a bound: a wasm instance's memory grows and never shrinks, so every byte of records the
//! page ever held stays reserved until it reloads, and records are large: a mixed run of
//! 10,000 tasks × 100 rounds holds 2 segments × 100 rounds × 24 bytes per task, about 48 MB.
//! A run that gives up its records keeps its digest (every figure but the timeline), see
//! [`RunRecord::without_details`](crate::model::record::RunRecord::without_details).

/// The most bytes of task records the page keeps across runs.
pub const DETAIL_BUDGET_BYTES: usize = 64 << 20;

/// Which runs to drop the details of, given each kept run's
/// [`detail_bytes`](crate::model::record::RunRecord::detail_bytes) oldest first: their indices,
/// oldest first. The newest run keeps its records even alone over the budget (it is the one
/// being looked at).
pub fn details_to_drop(detail_bytes: &[usize]) -> Vec<usize> {
    to_drop(detail_bytes, DETAIL_BUDGET_BYTES)
}

fn to_drop(detail_bytes: &[usize], budget: usize) -> Vec<usize> {
    let Some((_newest, older)) = detail_bytes.split_last() else {
        return Vec::new();
    };
    let mut kept: usize = detail_bytes.iter().sum();
    let mut drop = Vec::new();
    // Runs without records free nothing, so they are passed over rather than counted as drops.
    for (i, &bytes) in older.iter().enumerate().filter(|(_, b)| **b > 0) {
        if kept <= budget {
            break;
        }
        kept -= bytes;
        drop.push(i);
    }
    drop
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MB: usize = 1 << 20;

    #[test]
    fn runs_within_the_budget_keep_their_records() {
        assert!(details_to_drop(&[]).is_empty());
        assert!(details_to_drop(&[10 * MB, 20 * MB, 34 * MB]).is_empty());
    }

    #[test]
    fn the_oldest_runs_go_first() {
        let big = 48 * MB;
        assert_eq!(details_to_drop(&[big, big, big]), vec![0, 1]);
        assert_eq!(details_to_drop(&[big, 0, MB, big]), vec![0]);
    }

    #[test]
    fn the_newest_run_keeps_its_records_even_over_the_budget() {
        assert!(details_to_drop(&[100 * MB]).is_empty());
        assert_eq!(details_to_drop(&[MB, 0, 100 * MB]), vec![0]);
    }

    proptest! {
        #[test]
        fn within_budget_and_no_more_drops_than_needed(
            sizes in prop::collection::vec(prop_oneof![Just(0usize), 1usize..600], 0..12),
        ) {
            let budget = 1_000;
            let drop = to_drop(&sizes, budget);
            prop_assert!(drop.windows(2).all(|w| w[0] < w[1]), "oldest first: {:?}", drop);
            prop_assert!(drop.iter().all(|&i| i + 1 < sizes.len() && sizes[i] > 0), "{:?}", drop);
            let kept = sizes.iter().sum::<usize>() - drop.iter().map(|&i| sizes[i]).sum::<usize>();
            let newest = sizes.last().copied().unwrap_or(0);
            prop_assert!(kept <= budget || kept == newest, "kept {} of {:?}", kept, sizes);
            if let Some(&last) = drop.last() {
                prop_assert!(kept + sizes[last] > budget, "run {} was dropped needlessly", last);
            }
        }
    }
}
