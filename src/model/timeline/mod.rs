//! Timeline geometry: where each segment of each task is drawn, as rectangles in pixels.
//!
//! Two views of the same records: *lanes* (one row per executor: the main thread and each
//! worker; who held which thread when) and *tasks* (one row per task; how waits overlap).
//! Pure: the canvas code only paints the rectangles this module returns, and hit-testing for
//! hover and focus uses the same rectangles.

pub mod density;
pub mod replay;

use crate::model::experiment::params::Strategy;
use crate::model::run::record::{Lane, SegmentKind, TaskRecord};

/// Height of one lane or task row, and the gap under it, in CSS pixels.
pub const LANE_H: f64 = 22.0;
pub const TASK_H: f64 = 8.0;
pub const ROW_GAP: f64 = 3.0;
/// Width of the label column at the left.
pub const LABEL_W: f64 = 78.0;
/// Height of the time axis at the bottom.
pub const AXIS_H: f64 = 22.0;
/// The task view is drawn for runs with at most this many tasks.
pub const TASK_VIEW_MAX: usize = 200;

/// A task that has started but not finished (drawn up to "now").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenTask {
    pub task: u32,
    pub lane: Lane,
    pub start_ms: f64,
}

/// What a rectangle shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Cpu,
    Wait,
    /// Waiting for a lock (the GIL): one colour for every task.
    LockWait,
    /// A task still running (its kind is not known until it ends).
    Open,
}

/// One rectangle to paint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub task: u32,
    pub paint: Paint,
}

impl Rect {
    /// Whether the point lies inside (with `slop` pixels of tolerance left and right, so thin
    /// segments can be hovered).
    pub fn contains(&self, x: f64, y: f64, slop: f64) -> bool {
        x >= self.x - slop
            && x <= self.x + self.w.max(1.0) + slop
            && y >= self.y
            && y <= self.y + self.h
    }
}

/// A labelled row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub y: f64,
    pub h: f64,
}

/// A tick on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// Everything to draw for one view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub rows: Vec<Row>,
    pub rects: Vec<Rect>,
    pub ticks: Vec<Tick>,
}

impl Layout {
    /// The rectangle under a point, preferring the narrowest (the most specific) one.
    pub fn hit(&self, x: f64, y: f64) -> Option<&Rect> {
        let exact = self
            .rects
            .iter()
            .filter(|r| r.contains(x, y, 0.0))
            .min_by(|a, b| a.w.total_cmp(&b.w));
        exact.or_else(|| {
            self.rects
                .iter()
                .filter(|r| r.contains(x, y, 3.0))
                .min_by(|a, b| a.w.total_cmp(&b.w))
        })
    }
}

/// The lanes a run shows: the main thread, and the run's `workers` (every worker of the pool for
/// pool strategies, every process for processes; idle ones show as empty lanes), plus the `known`
/// lanes and any lane a record names (so a live view can pass only the records that arrived since
/// it last looked).
pub fn lanes(
    strategy: Strategy,
    workers: u32,
    known: &[Lane],
    records: &[TaskRecord],
    open: &[OpenTask],
) -> Vec<Lane> {
    let pool = strategy
        .uses_pool()
        .then_some(0..workers)
        .into_iter()
        .flatten();
    let processes = (strategy == Strategy::Processes)
        .then_some(0..workers)
        .into_iter()
        .flatten();
    Lane::distinct(
        std::iter::once(Lane::Main)
            .chain(pool.map(|k| Lane::Worker(k as u16)))
            .chain(processes.map(|k| Lane::Process(k as u16)))
            .chain(known.iter().copied())
            .chain(records.iter().flat_map(TaskRecord::lanes))
            .chain(open.iter().map(|o| o.lane)),
    )
}

/// The axis span for a run still going that needs `needed_ms`: the `drawn_ms` span while it
/// suffices, else at least half as long again. Everything on the axis moves when the span
/// does, so a live view grows it in a few large steps rather than at every report.
pub fn grown_span(drawn_ms: f64, needed_ms: f64) -> f64 {
    if drawn_ms >= needed_ms {
        drawn_ms
    } else {
        needed_ms.max(drawn_ms * 1.5)
    }
}

/// A step of 1, 2 or 5 × 10^k giving about `target` intervals over `span`.
pub fn nice_step(span: f64, target: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn time_label(ms: f64, step: f64) -> String {
    if step >= 100.0 && ms >= 1000.0 {
        format!("{} s", ms / 1000.0)
    } else if step >= 1.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The shortest span the axis labels: under a microsecond (an empty timeline's span), a run's
/// time scale has nothing to say, and every tick would read "0.0 ms".
const MIN_TICKED_SPAN_MS: f64 = 1e-3;

/// Axis ticks for `[0, span_ms]` across `plot_w` pixels starting at `x0`; none for a span
/// under a microsecond or not finite.
pub fn ticks(span_ms: f64, x0: f64, plot_w: f64) -> Vec<Tick> {
    if !(MIN_TICKED_SPAN_MS..f64::MAX).contains(&span_ms) {
        return Vec::new();
    }
    let step = nice_step(span_ms, (plot_w / 90.0).max(2.0));
    let mut out = Vec::new();
    let mut t = 0.0;
    while t <= span_ms + step * 1e-9 {
        out.push(Tick {
            x: x0 + t / span_ms.max(1e-9) * plot_w,
            label: time_label(t, step),
        });
        t += step;
    }
    out
}

/// Maps run time onto the plot area (right of the labels).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Plot {
    span_ms: f64,
    plot_w: f64,
}

impl Plot {
    fn new(span_ms: f64, width: f64) -> Self {
        Plot {
            span_ms: span_ms.max(1e-9),
            plot_w: (width - LABEL_W).max(10.0),
        }
    }

    fn x(&self, t: f64) -> f64 {
        LABEL_W + t / self.span_ms * self.plot_w
    }

    fn rect(&self, task: u32, (y, h): (f64, f64), (start, end): (f64, f64), paint: Paint) -> Rect {
        Rect {
            x: self.x(start),
            y,
            w: self.x(end) - self.x(start),
            h,
            task,
            paint,
        }
    }
}

fn paint_of(kind: SegmentKind) -> Paint {
    match kind {
        SegmentKind::Cpu => Paint::Cpu,
        SegmentKind::Wait => Paint::Wait,
        SegmentKind::LockWait => Paint::LockWait,
    }
}

/// What the rows of a view are.
#[derive(Debug, Clone, PartialEq)]
enum Rows {
    /// One per lane; the strategy decides which segments hold a lane.
    Lanes(Strategy, Vec<Lane>),
    /// One per task, of this many.
    Tasks(u32),
}

/// One view of a run: its rows and its time scale, `span_ms` across `width` pixels. A
/// record's rectangles depend on nothing else, so a live view can paint each record once,
/// when it arrives, for as long as its `View` stays equal.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    rows: Rows,
    plot: Plot,
    width: f64,
    /// Lanes named as the Python twin's ([`Lane::python_label`]).
    python: bool,
}

impl View {
    /// The lane view: one row per lane.
    pub fn lanes(strategy: Strategy, lanes: Vec<Lane>, span_ms: f64, width: f64) -> Self {
        View {
            rows: Rows::Lanes(strategy, lanes),
            plot: Plot::new(span_ms, width),
            width,
            python: false,
        }
    }

    /// Names its lanes as the Python twin's: a run it measured in CPython.
    pub fn in_python(self) -> Self {
        View {
            python: true,
            ..self
        }
    }

    /// The task view: one row per task, for runs of at most [`TASK_VIEW_MAX`] tasks.
    pub fn tasks(tasks: u32, span_ms: f64, width: f64) -> Option<Self> {
        (tasks as usize <= TASK_VIEW_MAX).then(|| View {
            rows: Rows::Tasks(tasks),
            plot: Plot::new(span_ms, width),
            width,
            python: false,
        })
    }

    /// The lanes of a lane view (none for a task view).
    pub fn lane_list(&self) -> &[Lane] {
        match &self.rows {
            Rows::Lanes(_, lanes) => lanes,
            Rows::Tasks(_) => &[],
        }
    }

    /// The time the axis spans.
    pub fn span_ms(&self) -> f64 {
        self.plot.span_ms
    }

    /// Where the replay's playhead at `at_ms` is: its x, within the plot.
    pub fn playhead_x(&self, at_ms: f64) -> f64 {
        let t = if at_ms.is_finite() { at_ms } else { 0.0 };
        self.plot.x(t.clamp(0.0, self.plot.span_ms))
    }

    /// Whether a segment of this kind is drawn. A wait holds a worker (a blocking wait) and the
    /// sequential loop (one at a time), but not the async event loop: there waits overlap and
    /// belong to the task view.
    fn shows(&self, kind: SegmentKind) -> bool {
        match &self.rows {
            Rows::Lanes(strategy, _) => kind == SegmentKind::Cpu || !strategy.on_event_loop(),
            Rows::Tasks(_) => true,
        }
    }

    /// Where a task's row is, if the view has one for it.
    fn row(&self, task: u32, lane: Lane) -> Option<(f64, f64)> {
        match &self.rows {
            Rows::Lanes(_, lanes) => lanes
                .iter()
                .position(|l| *l == lane)
                .map(|i| (i as f64 * (LANE_H + ROW_GAP), LANE_H)),
            Rows::Tasks(_) => Some((f64::from(task) * (TASK_H + 1.0), TASK_H)),
        }
    }

    /// The rows, the axis and the size, without rectangles.
    pub fn frame(&self) -> Layout {
        let (rows, plot_h) = match &self.rows {
            Rows::Lanes(_, lanes) => (
                lanes
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Row {
                        label: if self.python {
                            l.python_label()
                        } else {
                            l.short_label()
                        },
                        y: i as f64 * (LANE_H + ROW_GAP),
                        h: LANE_H,
                    })
                    .collect(),
                lanes.len() as f64 * (LANE_H + ROW_GAP),
            ),
            Rows::Tasks(tasks) => (
                (0..*tasks)
                    .filter(|t| t % 10 == 0)
                    .map(|t| Row {
                        label: format!("task {t}"),
                        y: f64::from(t) * (TASK_H + 1.0),
                        h: TASK_H,
                    })
                    .collect(),
                f64::from(*tasks) * (TASK_H + 1.0),
            ),
        };
        Layout {
            width: self.width,
            height: plot_h + AXIS_H,
            rows,
            rects: Vec::new(),
            ticks: ticks(self.plot.span_ms, LABEL_W, self.plot.plot_w),
        }
    }

    /// Adds the rectangles of finished tasks' segments to `out`.
    pub fn push_rects(&self, records: &[TaskRecord], out: &mut Vec<Rect>) {
        for r in records {
            for s in r.segments.iter().filter(|s| self.shows(s.kind)) {
                if let Some(row) = self.row(r.task, s.lane_of(r)) {
                    out.push(
                        self.plot
                            .rect(r.task, row, (s.start_ms, s.end_ms), paint_of(s.kind)),
                    );
                }
            }
        }
    }

    /// Adds the rectangles of tasks still running, each from its start to `now_ms`, to `out`.
    pub fn push_open(&self, open: &[OpenTask], now_ms: f64, out: &mut Vec<Rect>) {
        // Async tasks in flight are waiting or queued, not holding the loop: only the task view
        // shows them.
        if matches!(self.rows, Rows::Lanes(s, _) if s.on_event_loop()) {
            return;
        }
        for o in open {
            if let Some(row) = self.row(o.task, o.lane) {
                out.push(self.plot.rect(
                    o.task,
                    row,
                    (o.start_ms, now_ms.max(o.start_ms)),
                    Paint::Open,
                ));
            }
        }
    }
}

/// A task's colour hue (degrees): neighbours differ by the golden angle, so adjacent tasks
/// never share a colour.
pub fn task_hue(task: u32) -> f64 {
    (f64::from(task) * 137.507_764) % 360.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(task: u32, lane: Lane, segs: &[(SegmentKind, f64, f64)]) -> TaskRecord {
        TaskRecord::from_segments(task, lane, segs)
    }

    /// Everything a view shows at once, as a full repaint draws it.
    fn layout(view: &View, records: &[TaskRecord], open: &[OpenTask], now_ms: f64) -> Layout {
        let mut l = view.frame();
        view.push_rects(records, &mut l.rects);
        view.push_open(open, now_ms, &mut l.rects);
        l
    }

    fn open_rects(view: &View, open: &[OpenTask], now_ms: f64) -> Vec<Rect> {
        let mut out = Vec::new();
        view.push_open(open, now_ms, &mut out);
        out
    }

    fn lane_layout(
        strategy: Strategy,
        lanes: &[Lane],
        records: &[TaskRecord],
        span_ms: f64,
        width: f64,
    ) -> Layout {
        layout(
            &View::lanes(strategy, lanes.to_vec(), span_ms, width),
            records,
            &[],
            span_ms,
        )
    }

    #[test]
    fn the_playhead_is_placed_on_the_time_axis_and_kept_on_the_plot() {
        let v = View::lanes(Strategy::Async, vec![Lane::Main], 100.0, LABEL_W + 500.0);
        assert_eq!(v.playhead_x(0.0), LABEL_W);
        assert_eq!(v.playhead_x(50.0), LABEL_W + 250.0);
        assert_eq!(v.playhead_x(1e9), LABEL_W + 500.0);
        assert_eq!(v.playhead_x(-5.0), LABEL_W);
        assert_eq!(v.playhead_x(f64::NAN), LABEL_W);
    }

    #[test]
    fn threads_runs_show_main_plus_every_worker() {
        let r = [rec(0, Lane::Worker(1), &[(SegmentKind::Cpu, 0.0, 1.0)])];
        assert_eq!(
            lanes(Strategy::Threads, 3, &[], &r, &[]),
            vec![
                Lane::Main,
                Lane::Worker(0),
                Lane::Worker(1),
                Lane::Worker(2)
            ]
        );
        assert_eq!(lanes(Strategy::Async, 3, &[], &[], &[]), vec![Lane::Main]);
    }

    #[test]
    fn lanes_seen_before_stay_when_only_new_records_are_passed() {
        let r = [rec(0, Lane::Worker(5), &[(SegmentKind::Cpu, 0.0, 1.0)])];
        let seen = lanes(Strategy::Threads, 1, &[], &r, &[]);
        assert_eq!(seen, vec![Lane::Main, Lane::Worker(0), Lane::Worker(5)]);
        assert_eq!(lanes(Strategy::Threads, 1, &seen, &[], &[]), seen);
    }

    #[test]
    fn segments_map_linearly_onto_the_plot() {
        let r = [rec(
            4,
            Lane::Worker(0),
            &[
                (SegmentKind::Wait, 0.0, 50.0),
                (SegmentKind::Cpu, 50.0, 100.0),
            ],
        )];
        let l = lane_layout(
            Strategy::Threads,
            &[Lane::Main, Lane::Worker(0)],
            &r,
            100.0,
            LABEL_W + 200.0,
        );
        assert_eq!(l.rects.len(), 2);
        let (wait, cpu) = (l.rects[0], l.rects[1]);
        assert_eq!((wait.x, wait.w, wait.paint), (LABEL_W, 100.0, Paint::Wait));
        assert_eq!(
            (cpu.x, cpu.w, cpu.paint),
            (LABEL_W + 100.0, 100.0, Paint::Cpu)
        );
        assert_eq!(cpu.y, LANE_H + ROW_GAP, "second lane");
        assert_eq!(l.rows[1].label, "worker 0");
        assert_eq!(l.height, 2.0 * (LANE_H + ROW_GAP) + AXIS_H);
    }

    #[test]
    fn records_painted_in_batches_give_the_rectangles_of_one_paint() {
        let r: Vec<TaskRecord> = (0..30)
            .map(|t| {
                let at = f64::from(t);
                let lane = Lane::Worker((t % 3) as u16);
                rec(
                    t,
                    lane,
                    &[
                        (SegmentKind::Wait, at, at + 0.5),
                        (SegmentKind::Cpu, at + 0.5, at + 2.0),
                    ],
                )
            })
            .collect();
        let view = || {
            View::lanes(
                Strategy::Threads,
                lanes(Strategy::Threads, 3, &[], &r, &[]),
                40.0,
                500.0,
            )
        };
        let mut whole = Vec::new();
        view().push_rects(&r, &mut whole);
        let mut batches = Vec::new();
        for chunk in r.chunks(7) {
            view().push_rects(chunk, &mut batches);
        }
        assert_eq!(batches, whole);
        assert_eq!(view(), view(), "equal views paint alike");
        assert_ne!(
            view(),
            View::lanes(Strategy::Threads, view().lane_list().to_vec(), 60.0, 500.0)
        );
    }

    #[test]
    fn the_event_loop_lane_shows_who_held_the_main_thread() {
        let r = [
            rec(
                0,
                Lane::Main,
                &[
                    (SegmentKind::Wait, 0.0, 100.0),
                    (SegmentKind::Cpu, 100.0, 110.0),
                ],
            ),
            rec(
                1,
                Lane::Main,
                &[
                    (SegmentKind::Wait, 0.0, 100.0),
                    (SegmentKind::Cpu, 110.0, 120.0),
                ],
            ),
        ];
        let l = lane_layout(Strategy::Async, &[Lane::Main], &r, 120.0, 200.0);
        assert!(
            l.rects.iter().all(|r| r.paint == Paint::Cpu),
            "async waits do not hold the loop"
        );
        assert_eq!(
            l.rects.iter().map(|r| r.task).collect::<Vec<_>>(),
            vec![0, 1]
        );
        let seq = lane_layout(Strategy::Sequential, &[Lane::Main], &r, 120.0, 200.0);
        assert_eq!(
            seq.rects.len(),
            4,
            "a sequential wait occupies the loop's turn"
        );
    }

    #[test]
    fn open_tasks_grow_to_now() {
        let open = [OpenTask {
            task: 2,
            lane: Lane::Worker(0),
            start_ms: 10.0,
        }];
        let v = View::lanes(
            Strategy::Threads,
            vec![Lane::Main, Lane::Worker(0)],
            100.0,
            LABEL_W + 100.0,
        );
        let r = open_rects(&v, &open, 30.0);
        assert_eq!(r[0].paint, Paint::Open);
        assert!((r[0].w - 20.0).abs() < 1e-9);
        let async_lanes = View::lanes(Strategy::Async, vec![Lane::Main], 100.0, 200.0);
        assert_eq!(open_rects(&async_lanes, &open, 30.0).len(), 0);
        let tasks = View::tasks(3, 100.0, 200.0).unwrap();
        assert_eq!(
            open_rects(&tasks, &open, 30.0).len(),
            1,
            "the task view shows async tasks in flight"
        );
    }

    #[test]
    fn the_task_view_has_a_row_per_task_and_stops_at_its_limit() {
        let r = [rec(3, Lane::Main, &[(SegmentKind::Wait, 0.0, 10.0)])];
        let t = layout(
            &View::tasks(5, 10.0, LABEL_W + 10.0).unwrap(),
            &r,
            &[],
            10.0,
        );
        assert_eq!(t.rects[0].y, 3.0 * (TASK_H + 1.0));
        assert!(View::tasks(TASK_VIEW_MAX as u32 + 1, 10.0, 100.0).is_none());
    }

    #[test]
    fn a_live_span_grows_in_few_large_steps() {
        assert_eq!(grown_span(100.0, 80.0), 100.0);
        assert_eq!(grown_span(100.0, 101.0), 150.0);
        assert_eq!(grown_span(100.0, 400.0), 400.0);
        let (mut span, mut steps) = (105.0, 0);
        for report in 1..=300 {
            let next = grown_span(span, f64::from(report) * 1.05);
            steps += usize::from(next != span);
            span = next;
        }
        assert!(span >= 315.0 && steps <= 3, "{steps} steps to {span}");
    }

    #[test]
    fn hit_testing_finds_the_segment_under_the_pointer() {
        let r = [
            rec(7, Lane::Worker(0), &[(SegmentKind::Cpu, 0.0, 50.0)]),
            rec(8, Lane::Worker(0), &[(SegmentKind::Cpu, 50.0, 50.2)]),
        ];
        let l = lane_layout(
            Strategy::Threads,
            &[Lane::Worker(0)],
            &r,
            100.0,
            LABEL_W + 100.0,
        );
        assert_eq!(l.hit(LABEL_W + 10.0, 5.0).unwrap().task, 7);
        assert_eq!(
            l.hit(LABEL_W + 51.5, 5.0).unwrap().task,
            8,
            "thin segments get slop"
        );
        assert!(l.hit(LABEL_W + 90.0, 5.0).is_none());
        assert!(l.hit(LABEL_W + 10.0, LANE_H + 5.0).is_none());
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(nice_step(1000.0, 5.0), 200.0);
        assert_eq!(nice_step(95.0, 10.0), 10.0);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
        let t = ticks(2500.0, 0.0, 500.0);
        assert_eq!(t.first().unwrap().label, "0 ms");
        assert!(t.iter().any(|k| k.label == "1 s"), "{t:?}");
        assert!((t[1].x - t[0].x - 500.0 * nice_step(2500.0, 500.0 / 90.0) / 2500.0).abs() < 1e-9);
        assert_eq!(ticks(0.01, 0.0, 500.0).first().unwrap().label, "0.0 ms");
    }

    #[test]
    fn an_empty_or_unbounded_span_has_no_ticks() {
        // The empty timeline's span (1e-9 ms) read "0.0 ms" eleven times.
        for span in [0.0, 1e-9, -5.0, f64::NAN, f64::INFINITY] {
            assert!(ticks(span, 0.0, 1000.0).is_empty(), "{span}");
        }
    }

    #[test]
    fn hues_differ_between_neighbours() {
        for t in 0..100 {
            let d = (task_hue(t) - task_hue(t + 1)).abs();
            assert!(d.min(360.0 - d) > 20.0);
        }
    }
}
