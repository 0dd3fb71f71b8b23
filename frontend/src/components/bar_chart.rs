//! A bar chart in plain SVG, for «Отчетность»: bars from zero, the value axis with round ticks
//! and its grid lines, the labels under the bars, and under the pointer a guide line and a
//! tooltip. Drawn here rather than by a charting library, which was a fifth of the cabinet's
//! gzipped wasm. The bars are placed in percent, so the chart takes the card's width.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

const HEIGHT: f64 = 320.0;
const TOP: f64 = 12.0;
/// Room for the labels under the bars.
const BOTTOM: f64 = 28.0;

/// How a value reads on the axis or in the tooltip.
pub type Format = fn(f64) -> String;

/// One bar: its label under the axis and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

/// Round ticks from zero up to `max` or just past it, about `count` steps of 1, 2 or 5 times a
/// power of ten (never less than 1: counts and roubles).
pub fn ticks(max: f64, count: usize) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let raw = max / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step =
        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power).max(1.0);
    let steps = (max / step).ceil() as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    /// The series' name, the chart's accessible name and the tooltip's caption.
    name: &'static str,
    /// A tick's label on the value axis.
    axis: Format,
    /// A bar's value in the tooltip.
    tip: Format,
) -> impl IntoView {
    let ticks = ticks(bars.iter().map(|b| b.value).fold(0.0, f64::max), 5);
    let top = ticks.last().copied().unwrap_or(1.0);
    let base = HEIGHT - BOTTOM;
    let y = move |v: f64| base - (base - TOP) * (v / top).clamp(0.0, 1.0);
    let n = bars.len().max(1);
    let at = move |slot: f64| format!("{:.3}%", slot * 100.0 / n as f64);
    // About a dozen labels at most, so a month's days do not overlap on a phone.
    let every = n.div_ceil(12);
    let hovered = RwSignal::new(None::<usize>);
    let tips: Vec<(String, String)> = bars.iter().map(|b| (b.label.clone(), tip(b.value))).collect();
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let Some(svg) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let rect = svg.get_bounding_client_rect();
        if rect.width() > 0.0 {
            let slot = ((f64::from(ev.client_x()) - rect.left()) / rect.width() * n as f64).floor();
            hovered.set((slot >= 0.0).then(|| (slot as usize).min(n - 1)));
        }
    };

    view! {
        <div class="bar-chart">
            // The value axis in HTML, so the chart stays one SVG whose bars take the rest.
            <div class="bar-chart-axis" aria-hidden="true">
                {ticks.iter().map(|&t| view! { <span style=format!("top:{:.1}px", y(t))>{axis(t)}</span> }).collect_view()}
            </div>
            <div class="bar-chart-plot">
                <svg width="100%" height=HEIGHT role="img" aria-label=name on:mousemove=on_move on:mouseleave=move |_| hovered.set(None)>
                    {ticks.iter().map(|&t| view! {
                        <line class="bar-chart-grid" x1="0" x2="100%" y1=y(t) y2=y(t)></line>
                    }).collect_view()}
                    <g class="bar-chart-bars">
                        {bars.iter().enumerate().map(|(i, b)| view! {
                            <rect x=at(i as f64 + 0.15) width=at(0.7) y=y(b.value) height=base - y(b.value)></rect>
                        }).collect_view()}
                    </g>
                    <line class="bar-chart-edge" x1="0" x2="0" y1=TOP y2=base></line>
                    <line class="bar-chart-edge" x1="0" x2="100%" y1=base y2=base></line>
                    {bars.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, b)| view! {
                        <text x=at(i as f64 + 0.5) y=HEIGHT - 8.0 text-anchor="middle">{b.label.clone()}</text>
                    }).collect_view()}
                    {move || hovered.get().map(|i| view! {
                        <line class="bar-chart-guide" x1=at(i as f64 + 0.5) x2=at(i as f64 + 0.5) y1=TOP y2=base></line>
                    })}
                </svg>
                {move || hovered.get().and_then(|i| tips.get(i).cloned().map(|(label, value)| {
                    // Centred over its bar, but kept inside the card at both ends.
                    let (start, end) = (i * 5 < n, (i + 1) * 5 > n * 4);
                    view! {
                        <div class="bar-chart-tip" class:start=start class:end=end style=format!("left:{}", at(i as f64 + 0.5))>
                            <strong>{label}</strong>
                            <span>{name}": "{value}</span>
                        </div>
                    }
                }))}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0.0, 5), vec![0.0, 1.0]);
        assert_eq!(ticks(3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(47.0, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(ticks(1_234_567.0, 5), vec![0.0, 500_000.0, 1_000_000.0, 1_500_000.0]);
    }
}
