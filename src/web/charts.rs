//! Charts drawn on the server as SVG: no JavaScript, readable without colour (the planned line
//! is dashed, the actual line solid with markers), with a title and a text alternative. They
//! contain numbers and week labels only, never text a user typed.

use std::fmt::Write;

use crate::models::campaign::WeekPoint;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A coordinate written with one decimal. Chart coordinates are never negative; integer
/// arithmetic here is many times faster than `{:.1}`, which formats the float exactly.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        let t = (self.0.max(0.0) * 10.0).round() as u64;
        std::fmt::Display::fmt(&(t / 10), f)?;
        f.write_char('.')?;
        f.write_char(char::from(b'0' + (t % 10) as u8))
    }
}

/// A burn-up chart: companies reached per ISO week against the plan.
pub fn burn_up(weeks: &[WeekPoint], target: i32) -> String {
    let max_actual = weeks.iter().filter_map(|w| w.actual).max().unwrap_or(0);
    let top_value = f64::from(target).max(max_actual as f64).max(1.0);
    let n = weeks.len().max(1);
    let step = (WIDTH - LEFT - RIGHT) / n as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top_value);
    let reached = weeks.iter().rev().find_map(|w| w.actual).unwrap_or(0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="burnup-title burnup-desc" class="chart">"#
    );
    let _ = write!(
        svg,
        r#"<title id="burnup-title">Besøgte virksomheder pr. uge</title><desc id="burnup-desc">Stiplet linje: planlagt, i alt {target} virksomheder. Fuldt optrukket linje: faktisk besøgt, {reached} indtil nu. Tallene står også i tabellen under grafen.</desc>"#
    );
    // Axes and horizontal guides at 0, half and the top.
    for v in [0.0, top_value / 2.0, top_value] {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy}" x2="{x2}" y2="{yy}" stroke="#c9cfd2" stroke-width="1"/><text x="{tx}" y="{ty}" font-size="12" text-anchor="end" fill="#1b1b1b">{label}</text>"##,
            yy = Tenths(y(v)),
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = Tenths(y(v) + 4.0),
            label = v.round() as i64
        );
    }
    // Week labels; every other one when there are many.
    let every = if n > 16 { 2 } else { 1 };
    for (i, w) in weeks.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="#1b1b1b">{}</text>"##,
            Tenths(x(i)),
            Tenths(HEIGHT - BOTTOM + 16.0),
            w.week
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="#1b1b1b">Uge</text>"##,
        Tenths(LEFT + (WIDTH - LEFT - RIGHT) / 2.0),
        Tenths(HEIGHT - 6.0)
    );
    svg.push_str(r#"<polyline points=""#);
    for (i, w) in weeks.iter().enumerate() {
        let sep = if i == 0 { "" } else { " " };
        let _ = write!(svg, "{sep}{},{}", Tenths(x(i)), Tenths(y(w.planned)));
    }
    svg.push_str(r##"" fill="none" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>"##);
    let actual: Vec<(f64, f64)> = weeks
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.actual.map(|a| (x(i), y(a as f64))))
        .collect();
    if !actual.is_empty() {
        svg.push_str(r#"<polyline points=""#);
        for (i, (px, py)) in actual.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(svg, "{sep}{},{}", Tenths(*px), Tenths(*py));
        }
        svg.push_str(r##"" fill="none" stroke="#0b4f8a" stroke-width="3"/>"##);
        for (px, py) in &actual {
            let _ = write!(
                svg,
                r##"<circle cx="{}" cy="{}" r="4" fill="#0b4f8a"/>"##,
                Tenths(*px),
                Tenths(*py)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn week(n: u32, planned: f64, actual: Option<i64>) -> WeekPoint {
        WeekPoint {
            week: n,
            monday: NaiveDate::from_isoywd_opt(2026, n, chrono::Weekday::Mon).unwrap(),
            planned,
            actual,
        }
    }

    #[test]
    fn coordinates_have_one_decimal() {
        let shown: Vec<String> = [0.0, 12.34, 12.36, 99.96, 640.0, -3.0]
            .into_iter()
            .map(|v| Tenths(v).to_string())
            .collect();
        assert_eq!(shown, ["0.0", "12.3", "12.4", "100.0", "640.0", "0.0"]);
    }

    #[test]
    fn the_chart_is_labelled_and_draws_both_lines() {
        let weeks = vec![
            week(41, 10.0, Some(4)),
            week(42, 20.0, Some(9)),
            week(43, 30.0, None),
        ];
        let svg = burn_up(&weeks, 30);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("<title") && svg.contains("<desc"));
        assert!(svg.contains("9 indtil nu"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "future weeks have no actual point"
        );
        assert!(
            svg.contains("stroke-dasharray"),
            "the plan is dashed, not just coloured"
        );
    }
}
