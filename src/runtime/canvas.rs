//! Painting on `<canvas>`: the timeline's rectangles and the meter's sparkline. The geometry
//! comes from the model (`model::timeline`); this module only paints it, at the device's
//! pixel ratio, in the page's colours.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::model::timeline::density::Density;
use crate::model::run::stats::{FRAME_BUDGET_MS, ProbeSample};
use crate::model::timeline::{AXIS_H, LABEL_W, Layout, Paint, Rect, task_hue};

/// Colours read from the page's CSS (so light and dark themes both work), and the tasks'.
#[derive(Debug, Clone)]
pub struct Theme {
    pub ink: String,
    pub muted: String,
    pub line: String,
    palette: Palette,
}

fn css_var(el: &web_sys::Element, name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

/// What a painted canvas depends on besides its layout: when it changes, paint anew.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Look {
    pub dark: bool,
    pub dpr: f64,
}

/// The look in force now (cheap: no style is read, one attribute is).
pub fn look() -> Look {
    let window = web_sys::window();
    Look {
        // A theme the link forces (`data-theme` on the root), else the colour scheme's.
        dark: match window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|r| r.get_attribute("data-theme"))
        {
            Some(theme) => theme == "dark",
            None => window
                .as_ref()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches()),
        },
        dpr: window.map_or(1.0, |w| w.device_pixel_ratio()).max(1.0),
    }
}

/// The theme in force for `el`.
pub fn theme(el: &web_sys::Element) -> Theme {
    Theme {
        ink: css_var(el, "--ink", "#1d2025"),
        muted: css_var(el, "--muted", "#5d6470"),
        line: css_var(el, "--line", "#dfe1e5"),
        palette: Palette::new(look().dark),
    }
}

/// The canvas's width in CSS pixels.
pub fn css_width(canvas: &HtmlCanvasElement) -> f64 {
    f64::from(canvas.client_width()).max(1.0)
}

/// A context scaled so that drawing uses CSS pixels, keeping what the canvas shows.
fn scaled(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let dpr = look().dpr;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    Some(ctx)
}

/// Sizes the canvas for `css_w × css_h` CSS pixels at the device pixel ratio, clears it and
/// returns a context scaled so that drawing uses CSS pixels.
fn context(canvas: &HtmlCanvasElement, css_w: f64, css_h: f64) -> Option<CanvasRenderingContext2d> {
    let dpr = look().dpr;
    let (w, h) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let _ = canvas.style().set_property("height", &format!("{css_h}px"));
    let ctx = scaled(canvas)?;
    ctx.clear_rect(0.0, 0.0, css_w, css_h);
    Some(ctx)
}

/// Fill colours per hue bucket, built once per theme (setting a fill style parses a string).
#[derive(Debug, Clone)]
struct Palette {
    cpu: Vec<String>,
    wait: Vec<String>,
    /// Waiting for a lock (the GIL): the same for every task, so it reads as "stuck".
    lock_wait: String,
}

const BUCKETS: usize = 48;

impl Palette {
    fn new(dark: bool) -> Self {
        let (l, wait_alpha) = if dark { (62, 0.42) } else { (48, 0.28) };
        let hue = |i: usize| i as f64 * 360.0 / BUCKETS as f64;
        Palette {
            cpu: (0..BUCKETS)
                .map(|i| format!("hsl({:.0} 65% {l}%)", hue(i)))
                .collect(),
            wait: (0..BUCKETS)
                .map(|i| format!("hsl({:.0} 65% {l}% / {wait_alpha})", hue(i)))
                .collect(),
            lock_wait: if dark { "#8a8f98" } else { "#7b818b" }.into(),
        }
    }

    fn bucket(task: u32) -> usize {
        ((task_hue(task) / 360.0 * BUCKETS as f64) as usize).min(BUCKETS - 1)
    }
}

/// Paints a timeline layout anew: its rows, its axis and its rectangles.
pub fn paint_timeline(canvas: &HtmlCanvasElement, layout: &Layout, theme: &Theme) {
    let Some(ctx) = context(canvas, layout.width, layout.height) else {
        return;
    };
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    for (i, row) in layout.rows.iter().enumerate() {
        if i % 2 == 0 {
            ctx.set_fill_style_str(&theme.line);
            ctx.set_global_alpha(0.35);
            ctx.fill_rect(LABEL_W, row.y, layout.width, row.h);
            ctx.set_global_alpha(1.0);
        }
        ctx.set_fill_style_str(&theme.muted);
        let _ = ctx.fill_text(&row.label, 4.0, row.y + row.h / 2.0);
    }
    fill_rects(&ctx, &layout.rects, theme);
    paint_axis(&ctx, layout, theme);
}

/// The time axis under a layout's plot.
fn paint_axis(ctx: &CanvasRenderingContext2d, layout: &Layout, theme: &Theme) {
    let plot_bottom = layout.height - AXIS_H;
    ctx.set_stroke_style_str(&theme.line);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(LABEL_W, plot_bottom + 0.5);
    ctx.line_to(layout.width, plot_bottom + 0.5);
    ctx.stroke();
    ctx.set_fill_style_str(&theme.muted);
    ctx.set_text_baseline("top");
    for (i, t) in layout.ticks.iter().enumerate() {
        ctx.fill_rect(t.x, plot_bottom, 1.0, 4.0);
        let last = i + 1 == layout.ticks.len();
        ctx.set_text_align(if i == 0 {
            "left"
        } else if last {
            "right"
        } else {
            "center"
        });
        let _ = ctx.fill_text(&t.label, t.x, plot_bottom + 6.0);
    }
    ctx.set_text_align("left");
}

/// Paints the aggregated task view: each cell of `d` one pixel of an image stretched over
/// the plot area (darker: more of the row's tasks), the row labels of `layout` and its axis.
pub fn paint_density(canvas: &HtmlCanvasElement, d: &Density, layout: &Layout, theme: &Theme) {
    let Some(ctx) = context(canvas, layout.width, layout.height) else {
        return;
    };
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_baseline("top");
    ctx.set_fill_style_str(&theme.muted);
    for row in &layout.rows {
        let _ = ctx.fill_text(&row.label, 4.0, row.y);
    }
    paint_axis(&ctx, layout, theme);
    // One colour, as the legend's waiting and computing swatches; the share sets the alpha.
    const RGB: [u8; 3] = [43, 122, 202];
    let mut pixels = vec![0u8; d.rows * d.cols * 4];
    for r in 0..d.rows {
        for c in 0..d.cols {
            let (wait, cpu) = d.at(r, c);
            let alpha = if cpu > 0.0 {
                0.45 + 0.55 * cpu
            } else if wait > 0.0 {
                0.1 + 0.35 * wait
            } else {
                continue;
            };
            let i = (r * d.cols + c) * 4;
            pixels[i..i + 3].copy_from_slice(&RGB);
            pixels[i + 3] = (alpha * 255.0) as u8;
        }
    }
    // ImageData refuses a view of the shared wasm memory: copy into a JS array first.
    let array = js_sys::Uint8ClampedArray::new_with_length(pixels.len() as u32);
    array.copy_from(&pixels);
    let (Some(image), Some(grid)) = (
        web_sys::ImageData::new_with_js_u8_clamped_array(&array, d.cols as u32).ok(),
        offscreen(),
    ) else {
        return;
    };
    grid.set_width(d.cols as u32);
    grid.set_height(d.rows as u32);
    let Some(grid_ctx) = grid
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = grid_ctx.put_image_data(&image, 0.0, 0.0);
    ctx.set_image_smoothing_enabled(false);
    let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &grid,
        LABEL_W,
        0.0,
        layout.width - LABEL_W,
        layout.height - AXIS_H,
    );
}

/// Paints more rectangles on a painted timeline.
pub fn paint_rects(canvas: &HtmlCanvasElement, rects: &[Rect], theme: &Theme) {
    if let Some(ctx) = scaled(canvas).filter(|_| !rects.is_empty()) {
        fill_rects(&ctx, rects, theme);
    }
}

/// Shows the timeline painted on `below` (an off-page canvas, see [`offscreen`]) on `canvas`,
/// with what changes at every report over it: `rects` (the tasks running now), an outline
/// around each of `outlined` (the focused task), and the replay's playhead at `playhead_x`.
pub fn paint_over<'a>(
    canvas: &HtmlCanvasElement,
    below: &HtmlCanvasElement,
    layout: &Layout,
    rects: &[Rect],
    outlined: impl Iterator<Item = &'a Rect>,
    playhead_x: Option<f64>,
    theme: &Theme,
) {
    let Some(ctx) = context(canvas, layout.width, layout.height) else {
        return;
    };
    let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        below,
        0.0,
        0.0,
        layout.width,
        layout.height,
    );
    fill_rects(&ctx, rects, theme);
    ctx.set_stroke_style_str(&theme.ink);
    ctx.set_line_width(2.0);
    for r in outlined {
        ctx.stroke_rect(r.x, r.y, r.w.max(2.0), r.h);
    }
    if let Some(x) = playhead_x {
        ctx.set_fill_style_str(&theme.ink);
        ctx.fill_rect(x - 1.0, 0.0, 2.0, layout.height - AXIS_H);
    }
}

/// A canvas that is not on the page, to paint on once and copy from often.
pub fn offscreen() -> Option<HtmlCanvasElement> {
    web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()
}

fn fill_rects(ctx: &CanvasRenderingContext2d, rects: &[Rect], theme: &Theme) {
    let palette = &theme.palette;
    let mut current = usize::MAX;
    for r in rects {
        let b = Palette::bucket(r.task);
        let w = r.w.max(1.0);
        match r.paint {
            Paint::Cpu | Paint::Wait => {
                let key = b * 2 + usize::from(r.paint == Paint::Wait);
                if key != current {
                    ctx.set_fill_style_str(if r.paint == Paint::Cpu {
                        &palette.cpu[b]
                    } else {
                        &palette.wait[b]
                    });
                    current = key;
                }
                ctx.fill_rect(r.x, r.y + 1.0, w, r.h - 2.0);
            }
            Paint::LockWait => {
                ctx.set_fill_style_str(&palette.lock_wait);
                current = usize::MAX;
                // A thin bar: a thread that waits for the GIL holds no core.
                ctx.fill_rect(r.x, r.y + r.h / 2.0 - 1.5, w, 3.0);
            }
            Paint::Open => {
                ctx.set_stroke_style_str(&palette.cpu[b]);
                ctx.set_line_width(1.0);
                ctx.stroke_rect(r.x + 0.5, r.y + 1.5, (w - 1.0).max(0.5), r.h - 3.0);
                current = usize::MAX;
            }
        }
    }
}

/// Paints frame times over the last `window_ms` (ending at `now_ms`) with the 16.7 ms budget.
/// Bars are clipped at `cap_ms`.
pub fn paint_sparkline(
    canvas: &HtmlCanvasElement,
    frames: &[ProbeSample],
    now_ms: f64,
    window_ms: f64,
    theme: &Theme,
) {
    const CAP_MS: f64 = 100.0;
    let (w, h) = (css_width(canvas), 56.0);
    let Some(ctx) = context(canvas, w, h) else {
        return;
    };
    let y = |ms: f64| h - 2.0 - (ms.min(CAP_MS) / CAP_MS) * (h - 12.0);
    let x = |t: f64| (t - (now_ms - window_ms)) / window_ms * w;
    ctx.set_fill_style_str(&theme.muted);
    for f in frames {
        let over = f.gap_ms > FRAME_BUDGET_MS * 1.5;
        if over {
            ctx.set_fill_style_str("#d9534f");
        }
        let (x0, x1) = (x(f.at_ms - f.gap_ms).max(0.0), x(f.at_ms));
        ctx.fill_rect(x0, y(f.gap_ms), (x1 - x0).max(1.0), h - 2.0 - y(f.gap_ms));
        if over {
            ctx.set_fill_style_str(&theme.muted);
        }
    }
    ctx.set_stroke_style_str(&theme.ink);
    ctx.set_line_width(1.0);
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&3.0.into(), &3.0.into()));
    ctx.begin_path();
    ctx.move_to(0.0, y(FRAME_BUDGET_MS).round() + 0.5);
    ctx.line_to(w, y(FRAME_BUDGET_MS).round() + 0.5);
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_font("10px system-ui, sans-serif");
    ctx.set_fill_style_str(&theme.muted);
    ctx.set_text_baseline("bottom");
    ctx.set_text_align("right");
    let _ = ctx.fill_text("16.7 ms frame budget", w - 4.0, y(FRAME_BUDGET_MS) - 2.0);
    ctx.set_text_align("left");
    ctx.set_text_baseline("top");
    let _ = ctx.fill_text("≥100 ms", 4.0, 0.0);
}
