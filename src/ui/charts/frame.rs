//! The frame every chart shares: an SVG with axes, ticks and labels from model scales.

use leptos::prelude::*;

use crate::model::charts::Scale;

/// The SVG's coordinate system (scaled to the container's width by `viewBox`).
pub const W: f64 = 360.0;
pub const H: f64 = 210.0;
pub const LEFT: f64 = 46.0;
pub const RIGHT: f64 = 12.0;
pub const TOP: f64 = 12.0;
pub const BOTTOM: f64 = 34.0;

/// An x scale across the plot area.
pub fn x_scale(lo: f64, hi: f64, log: bool) -> Scale {
    if log {
        Scale::log(lo, hi, LEFT, W - RIGHT)
    } else {
        Scale::linear(lo, hi, LEFT, W - RIGHT)
    }
}

/// A y scale up the plot area.
pub fn y_scale(lo: f64, hi: f64, log: bool) -> Scale {
    if log {
        Scale::log(lo, hi, H - BOTTOM, TOP)
    } else {
        Scale::linear(lo, hi, H - BOTTOM, TOP)
    }
}

/// Axes with ticks; `fx`/`fy` format tick values.
pub fn axes(
    x: Scale,
    y: Scale,
    x_label: &'static str,
    y_label: &'static str,
    fx: fn(f64) -> String,
    fy: fn(f64) -> String,
) -> impl IntoView {
    let xt = x.ticks();
    let yt = y.ticks();
    view! {
        <g class="axes">
            <line x1=LEFT y1=H - BOTTOM x2=W - RIGHT y2=H - BOTTOM></line>
            <line x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM></line>
            {xt.into_iter()
                .map(|v| {
                    let px = x.px(v);
                    view! {
                        <line class="grid" x1=px y1=TOP x2=px y2=H - BOTTOM></line>
                        <text x=px y=H - BOTTOM + 13.0 text-anchor="middle">{fx(v)}</text>
                    }
                })
                .collect_view()}
            {yt.into_iter()
                .map(|v| {
                    let py = y.px(v);
                    view! {
                        <line class="grid" x1=LEFT y1=py x2=W - RIGHT y2=py></line>
                        <text x=LEFT - 4.0 y=py + 3.0 text-anchor="end">{fy(v)}</text>
                    }
                })
                .collect_view()}
            <text class="label" x=(LEFT + W - RIGHT) / 2.0 y=H - 4.0 text-anchor="middle">{x_label}</text>
            <text class="label" x=10.0 y=(TOP + H - BOTTOM) / 2.0 text-anchor="middle" transform=format!("rotate(-90 10 {})", (TOP + H - BOTTOM) / 2.0)>
                {y_label}
            </text>
        </g>
    }
}

/// Short tick labels: `1`, `10`, `1k`, `10k`.
pub fn short(v: f64) -> String {
    if v >= 1000.0 {
        format!("{}k", v / 1000.0)
    } else if v >= 1.0 || v == 0.0 {
        format!("{v}")
    } else {
        format!("{v:.2}")
    }
}

/// Duration tick labels: `0`, `10 ms`, `1 s`.
pub fn dur(v: f64) -> String {
    if v >= 1000.0 {
        format!("{} s", v / 1000.0)
    } else if v == 0.0 {
        "0".into()
    } else if v >= 1.0 {
        format!("{v} ms")
    } else {
        format!("{v:.2}")
    }
}
