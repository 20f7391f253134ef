//! The task view of a large run, aggregated: with more tasks than pixel rows, tasks are
//! bucketed into rows (consecutive task numbers) and time into pixel columns, and each cell
//! holds the share of its row's tasks that were waiting, or computing, during its column.
//! A million tasks cost one pass over their segments and a difference array per row, never
//! a rectangle each.

use crate::model::format;
use crate::model::run::record::{SegmentKind, TaskRecord};
use crate::model::timeline::{AXIS_H, LABEL_W, Layout, Row, ticks};

/// Height of one row of the aggregated view, CSS pixels, and the most rows it has.
pub const ROW_H: f64 = 2.0;
pub const MAX_ROWS: usize = 100;

/// The grid: `rows × cols` shares in `[0, 1]`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    pub rows: usize,
    pub cols: usize,
    /// Tasks in each row (the last row may hold fewer).
    pub tasks_per_row: u32,
    pub wait: Vec<f32>,
    pub cpu: Vec<f32>,
}

impl Density {
    /// The tasks of row `r`: first and last task number.
    pub fn row_tasks(&self, r: usize, tasks: u32) -> (u32, u32) {
        let first = r as u32 * self.tasks_per_row;
        (
            first,
            (first + self.tasks_per_row).min(tasks).saturating_sub(1),
        )
    }

    /// The shares at row `r`, column `c`: (waiting, computing).
    pub fn at(&self, r: usize, c: usize) -> (f32, f32) {
        let i = r * self.cols + c;
        (self.wait[i], self.cpu[i])
    }
}

/// The frame around a grid `width` CSS pixels wide: a label every 25 rows (the first task
/// of the row) and the time axis. The grid itself covers the plot area, [`ROW_H`] per row.
pub fn frame(d: &Density, span_ms: f64, width: f64) -> Layout {
    let plot_w = (width - LABEL_W).max(10.0);
    Layout {
        width,
        height: d.rows as f64 * ROW_H + AXIS_H,
        rows: (0..d.rows)
            .step_by(25)
            .map(|r| Row {
                label: format!(
                    "task {}",
                    format::count(u64::from(r as u32 * d.tasks_per_row))
                ),
                y: r as f64 * ROW_H,
                h: 12.0,
            })
            .collect(),
        rects: Vec::new(),
        ticks: ticks(span_ms, LABEL_W, plot_w),
    }
}

/// Buckets `records` of a run of `tasks` tasks into at most `max_rows` rows and `cols`
/// columns spanning `[0, span_ms]`. A segment shorter than a column still counts in it.
pub fn density(
    records: &[TaskRecord],
    tasks: u32,
    span_ms: f64,
    cols: usize,
    max_rows: usize,
) -> Density {
    let tasks = tasks.max(1);
    let tasks_per_row = tasks.div_ceil(max_rows.max(1) as u32);
    let rows = tasks.div_ceil(tasks_per_row) as usize;
    let cols = cols.max(1);
    let stride = cols + 1;
    let mut wait = vec![0i32; rows * stride];
    let mut cpu = vec![0i32; rows * stride];
    let col = |t: f64| (t / span_ms.max(1e-9) * cols as f64).clamp(0.0, cols as f64);
    for r in records {
        let row = (r.task / tasks_per_row) as usize;
        if row >= rows {
            continue;
        }
        for s in &r.segments {
            let diff = match s.kind {
                SegmentKind::Cpu => &mut cpu,
                SegmentKind::Wait | SegmentKind::LockWait => &mut wait,
            };
            let c0 = (col(s.start_ms).floor() as usize).min(cols - 1);
            let c1 = (col(s.end_ms).ceil() as usize).clamp(c0 + 1, cols);
            diff[row * stride + c0] += 1;
            diff[row * stride + c1] -= 1;
        }
    }
    let shares = |diff: Vec<i32>| {
        let mut out = vec![0f32; rows * cols];
        for r in 0..rows {
            let in_row = (tasks - r as u32 * tasks_per_row).min(tasks_per_row) as f32;
            let mut running = 0;
            for c in 0..cols {
                running += diff[r * stride + c];
                out[r * cols + c] = (running as f32 / in_row).min(1.0);
            }
        }
        out
    };
    Density {
        rows,
        cols,
        tasks_per_row,
        wait: shares(wait),
        cpu: shares(cpu),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run::record::Lane;

    fn waits(tasks: u32, start: f64, end: f64) -> Vec<TaskRecord> {
        (0..tasks)
            .map(|t| TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Wait, start, end)]))
            .collect()
    }

    #[test]
    fn a_million_waits_fill_their_columns_in_a_hundred_rows() {
        let d = density(&waits(1_000_000, 0.0, 50.0), 1_000_000, 100.0, 200, 100);
        assert_eq!((d.rows, d.cols, d.tasks_per_row), (100, 200, 10_000));
        assert_eq!(d.at(0, 0), (1.0, 0.0), "every task of the row waits");
        assert_eq!(d.at(99, 99), (1.0, 0.0));
        assert_eq!(d.at(50, 100), (0.0, 0.0), "the waits ended at 50 ms");
        assert_eq!(d.row_tasks(99, 1_000_000), (990_000, 999_999));
    }

    #[test]
    fn shares_count_the_rows_own_tasks() {
        // 250 tasks in rows of 100: the last row holds 50. Half of each row computes.
        let records: Vec<TaskRecord> = (0..250)
            .map(|t| {
                let kind = if t % 2 == 0 {
                    SegmentKind::Cpu
                } else {
                    SegmentKind::Wait
                };
                TaskRecord::from_segments(t, Lane::Main, &[(kind, 0.0, 10.0)])
            })
            .collect();
        let d = density(&records, 250, 10.0, 10, 3);
        assert_eq!((d.rows, d.tasks_per_row), (3, 84));
        assert_eq!(d.row_tasks(2, 250), (168, 249));
        let (w, c) = d.at(2, 5);
        assert!(
            (w - 41.0 / 82.0).abs() < 1e-6 && (c - 41.0 / 82.0).abs() < 1e-6,
            "{w} {c}"
        );
    }

    #[test]
    fn the_frame_labels_every_25th_row_over_the_plot() {
        let d = density(
            &waits(1_000_000, 0.0, 50.0),
            1_000_000,
            100.0,
            400,
            MAX_ROWS,
        );
        let f = frame(&d, 100.0, LABEL_W + 400.0);
        assert_eq!(f.height, 100.0 * ROW_H + AXIS_H);
        let labels: Vec<&str> = f.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["task 0", "task 250,000", "task 500,000", "task 750,000"]
        );
        assert_eq!(f.ticks.first().map(|t| t.x), Some(LABEL_W));
    }

    #[test]
    fn a_segment_shorter_than_a_column_still_shows() {
        let records = waits(1, 3.0, 3.001);
        let d = density(&records, 1, 100.0, 10, 100);
        assert_eq!(d.rows, 1);
        assert_eq!(d.at(0, 0), (1.0, 0.0));
        assert_eq!(d.at(0, 1), (0.0, 0.0));
        let late = density(&waits(1, 100.0, 100.0), 1, 100.0, 10, 100);
        assert_eq!(
            late.at(0, 9),
            (1.0, 0.0),
            "a segment at the very end is in the last column"
        );
    }
}
