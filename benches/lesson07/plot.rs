//! Two line plots side by side as SVG text, by hand: the servers' peak
//! memory and the time to serve everyone, against the number of clients.
//! A light background (it reads in dark themes too), linear axes.

use std::fmt::Write;

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 470.0;
/// One panel's plot area.
const PANEL_W: f64 = 330.0;
const PANEL_H: f64 = 260.0;
const TOP: f64 = 60.0;
const LEFTS: [f64; 2] = [80.0, 530.0];
const COLORS: [&str; 5] =
    ["#1f6feb", "#d1242f", "#8250df", "#1a7f37", "#9a6700"];
const DASHES: [&str; 5] = ["", "8 4", "2 3", "10 3 2 3", "4 4"];

/// A round step for about five ticks up to `max`.
fn step(max: f64) -> f64 {
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|n| n * power >= raw)
        .unwrap_or(10.0);
    nice * power
}

/// `series[i]` is (memory in MiB, time in s) of design `names[i]`, one
/// value per entry of `counts`; NaN where nothing was measured.
pub fn svg(
    counts: &[usize],
    names: &[&str],
    series: &[(Vec<f64>, Vec<f64>)],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="13" role="img" aria-label="Peak memory and time to serve everyone against the number of clients, one line per server design">"##
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff" stroke="#d0d7de"/>"##
    );
    let memory: Vec<&Vec<f64>> = series.iter().map(|(m, _)| m).collect();
    let time: Vec<&Vec<f64>> = series.iter().map(|(_, t)| t).collect();
    panel(
        &mut s,
        LEFTS[0],
        "Peak memory of the server",
        "MiB",
        counts,
        &memory,
    );
    panel(
        &mut s,
        LEFTS[1],
        "Time until all are served (if all were)",
        "seconds",
        counts,
        &time,
    );
    // The legend, below both panels.
    for (i, name) in names.iter().enumerate() {
        let (color, dash) =
            (COLORS[i % COLORS.len()], DASHES[i % DASHES.len()]);
        let lx = LEFTS[0] + (i % 2) as f64 * 420.0;
        let ly = TOP + PANEL_H + 75.0 + (i / 2) as f64 * 24.0;
        let _ = writeln!(
            s,
            r##"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/><text x="{}" y="{}" fill="#1f2328">{}</text>"##,
            lx + 28.0,
            lx + 36.0,
            ly + 4.0,
            escape(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// One panel: title, grid, axes, one line per design.
fn panel(
    s: &mut String,
    left: f64,
    title: &str,
    unit: &str,
    counts: &[usize],
    lines: &[&Vec<f64>],
) {
    let top_value = lines
        .iter()
        .flat_map(|l| l.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9);
    let tick = step(top_value);
    let y_max = (top_value / tick).ceil() * tick;
    let x_max = counts.iter().copied().max().unwrap_or(1) as f64;
    let x = |c: usize| left + c as f64 / x_max * PANEL_W;
    let y = |v: f64| TOP + PANEL_H - v / y_max * PANEL_H;
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="30" text-anchor="middle" font-size="15" fill="#1f2328">{}</text>"##,
        left + PANEL_W / 2.0,
        escape(title)
    );
    // Grid and y ticks.
    let mut value = 0.0;
    while value <= y_max + tick / 2.0 {
        let yy = y(value);
        let label = if tick < 1.0 {
            format!("{value:.1}")
        } else {
            format!("{value:.0}")
        };
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#d0d7de"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1f2328">{label}</text>"##,
            left + PANEL_W,
            left - 8.0,
            yy + 4.0,
        );
        value += tick;
    }
    // x ticks: every count measured.
    for &c in counts {
        let xx = x(c);
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#1f2328"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#1f2328">{c}</text>"##,
            TOP + PANEL_H,
            TOP + PANEL_H + 5.0,
            TOP + PANEL_H + 20.0
        );
    }
    let _ = writeln!(
        s,
        r##"<path d="M{left} {TOP} V{:.1} H{:.1}" fill="none" stroke="#1f2328"/>"##,
        TOP + PANEL_H,
        left + PANEL_W
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1f2328">clients connected at once</text>"##,
        left + PANEL_W / 2.0,
        TOP + PANEL_H + 42.0
    );
    let _ = writeln!(
        s,
        r##"<text transform="translate({:.1} {:.1}) rotate(-90)" text-anchor="middle" fill="#1f2328">{unit}</text>"##,
        left - 52.0,
        TOP + PANEL_H / 2.0
    );
    for (i, values) in lines.iter().enumerate() {
        let (color, dash) =
            (COLORS[i % COLORS.len()], DASHES[i % DASHES.len()]);
        let points: Vec<(f64, f64)> = counts
            .iter()
            .zip(values.iter())
            .filter(|(_, v)| v.is_finite())
            .map(|(&c, &v)| (x(c), y(v)))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = writeln!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/>"##,
            path.join(" ")
        );
        for (px, py) in points {
            let _ = writeln!(
                s,
                r##"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="{color}"/>"##
            );
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
}
