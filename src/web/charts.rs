//! Charts drawn on the server as SVG by an askama template (`campaigns/burn_up.html`): no
//! JavaScript, readable without colour (the planned line is dashed, the actual line solid with
//! markers), with a title and a text alternative. This file works out where things go.

use crate::models::campaign::WeekPoint;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A point of the chart, in the SVG's coordinates rounded to tenths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    fn new(x: f64, y: f64) -> Point {
        let tenths = |v: f64| (v * 10.0).round() / 10.0;
        Point {
            x: tenths(x),
            y: tenths(y),
        }
    }
}

/// A text placed on the chart: a guide's value or a week number.
pub struct Label {
    pub at: Point,
    pub text: String,
}

/// A horizontal guide line at `y`, its value written beside it.
pub struct Guide {
    pub y: f64,
    pub label: Label,
}

/// A burn-up chart: companies reached per ISO week against the plan.
pub struct BurnUp {
    /// Starts the ids of the chart's title and description (two charts on one page).
    pub key: &'static str,
    pub title: &'static str,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right_edge: f64,
    pub target: i32,
    /// Companies reached by the latest week with a figure.
    pub reached: i64,
    /// Horizontal guides at 0, half and the top, with their values beside them.
    pub guides: Vec<Guide>,
    pub weeks: Vec<Label>,
    pub axis_label: Point,
    pub planned: Vec<Point>,
    pub actual: Vec<Point>,
}

impl BurnUp {
    /// The same chart with its own ids and title.
    pub fn keyed(self, key: &'static str, title: &'static str) -> BurnUp {
        BurnUp { key, title, ..self }
    }

    pub fn new(weeks: &[WeekPoint], target: i32) -> BurnUp {
        let max_actual = weeks.iter().filter_map(|w| w.actual).max().unwrap_or(0);
        let top_value = f64::from(target).max(max_actual as f64).max(1.0);
        let n = weeks.len().max(1);
        let step = (WIDTH - LEFT - RIGHT) / n as f64;
        let x = |i: usize| LEFT + step * (i as f64 + 0.5);
        let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top_value);
        // Every other week's number when there are many.
        let every = if n > 16 { 2 } else { 1 };
        BurnUp {
            key: "burnup",
            title: "Besøgte virksomheder pr. uge",
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right_edge: WIDTH - RIGHT,
            target,
            reached: weeks.iter().rev().find_map(|w| w.actual).unwrap_or(0),
            guides: [0.0, top_value / 2.0, top_value]
                .into_iter()
                .map(|v| Guide {
                    y: Point::new(0.0, y(v)).y,
                    label: Label {
                        at: Point::new(LEFT - 6.0, y(v) + 4.0),
                        text: (v.round() as i64).to_string(),
                    },
                })
                .collect(),
            weeks: weeks
                .iter()
                .enumerate()
                .filter(|(i, _)| i % every == 0)
                .map(|(i, w)| Label {
                    at: Point::new(x(i), HEIGHT - BOTTOM + 16.0),
                    text: w.week.to_string(),
                })
                .collect(),
            axis_label: Point::new(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6.0),
            planned: weeks
                .iter()
                .enumerate()
                .map(|(i, w)| Point::new(x(i), y(w.planned)))
                .collect(),
            actual: weeks
                .iter()
                .enumerate()
                .filter_map(|(i, w)| w.actual.map(|a| Point::new(x(i), y(a as f64))))
                .collect(),
        }
    }

    /// The points of a line as the `points` attribute of a polyline.
    pub fn polyline(points: &[Point]) -> String {
        points
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A bar per ISO week: visits (solid) with the week's other contacts stacked on top (light
/// with an outline), so the two read apart without colour.
pub struct WeekBars {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right_edge: f64,
    pub guides: Vec<Guide>,
    pub bars: Vec<Bar>,
    pub weeks: Vec<Label>,
    pub axis_label: Point,
}

/// One week's stacked bar: the visits part from `visits_y` down to the axis, the other
/// contacts from `top_y` down to `visits_y`.
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub top_y: f64,
    pub visits_y: f64,
    pub base_y: f64,
}

impl Bar {
    pub fn visits_height(&self) -> f64 {
        ((self.base_y - self.visits_y) * 10.0).round() / 10.0
    }

    pub fn other_height(&self) -> f64 {
        ((self.visits_y - self.top_y) * 10.0).round() / 10.0
    }
}

impl WeekBars {
    pub fn new(weeks: &[crate::models::overview::WeekCount]) -> WeekBars {
        let top_value = weeks
            .iter()
            .map(|w| w.visits + w.other)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let n = weeks.len().max(1);
        let step = (WIDTH - LEFT - RIGHT) / n as f64;
        let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top_value);
        let every = n.div_ceil(14);
        WeekBars {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right_edge: WIDTH - RIGHT,
            guides: [0.0, top_value / 2.0, top_value]
                .into_iter()
                .map(|v| Guide {
                    y: Point::new(0.0, y(v)).y,
                    label: Label {
                        at: Point::new(LEFT - 6.0, y(v) + 4.0),
                        text: (v.round() as i64).to_string(),
                    },
                })
                .collect(),
            bars: weeks
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let left = Point::new(LEFT + step * i as f64 + step * 0.15, 0.0).x;
                    Bar {
                        x: left,
                        width: Point::new(step * 0.7, 0.0).x,
                        top_y: Point::new(0.0, y((w.visits + w.other) as f64)).y,
                        visits_y: Point::new(0.0, y(w.visits as f64)).y,
                        base_y: Point::new(0.0, y(0.0)).y,
                    }
                })
                .collect(),
            weeks: weeks
                .iter()
                .enumerate()
                .filter(|(i, _)| i % every == 0)
                .map(|(i, w)| Label {
                    at: Point::new(LEFT + step * (i as f64 + 0.5), HEIGHT - BOTTOM + 16.0),
                    text: w.week.to_string(),
                })
                .collect(),
            axis_label: Point::new(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6.0),
        }
    }
}

/// Ranks per year as lines, rank 1 at the top: the benchmark's and Dansk Industri's.
pub struct RankLines {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right_edge: f64,
    pub guides: Vec<Guide>,
    pub years: Vec<Label>,
    /// Each line's name, dash pattern ("" for solid) and points.
    pub lines: Vec<(String, String, Vec<Point>)>,
}

impl RankLines {
    /// `series`: a name, a dash pattern and a rank per year (in the order of `years`).
    pub fn new(years: &[i32], series: Vec<(String, String, Vec<Option<i32>>)>) -> RankLines {
        let worst = series
            .iter()
            .flat_map(|(_, _, ranks)| ranks.iter().flatten())
            .max()
            .copied()
            .unwrap_or(1)
            .max(2) as f64;
        let n = years.len().max(1);
        let step = (WIDTH - LEFT - RIGHT) / n as f64;
        let x = |i: usize| LEFT + step * (i as f64 + 0.5);
        let y = |rank: f64| TOP + (HEIGHT - TOP - BOTTOM) * ((rank - 1.0) / (worst - 1.0));
        RankLines {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right_edge: WIDTH - RIGHT,
            guides: [1.0, ((1.0 + worst) / 2.0).round(), worst]
                .into_iter()
                .map(|v| Guide {
                    y: Point::new(0.0, y(v)).y,
                    label: Label {
                        at: Point::new(LEFT - 6.0, y(v) + 4.0),
                        text: (v as i64).to_string(),
                    },
                })
                .collect(),
            years: years
                .iter()
                .enumerate()
                .map(|(i, year)| Label {
                    at: Point::new(x(i), HEIGHT - BOTTOM + 16.0),
                    text: year.to_string(),
                })
                .collect(),
            lines: series
                .into_iter()
                .map(|(name, dash, ranks)| {
                    let points = ranks
                        .iter()
                        .enumerate()
                        .filter_map(|(i, r)| r.map(|r| Point::new(x(i), y(f64::from(r)))))
                        .collect();
                    (name, dash, points)
                })
                .collect(),
        }
    }
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
    fn the_lines_rise_with_the_figures_and_future_weeks_have_no_actual_point() {
        let weeks = vec![
            week(41, 10.0, Some(4)),
            week(42, 20.0, Some(9)),
            week(43, 30.0, None),
        ];
        let chart = BurnUp::new(&weeks, 30);
        assert_eq!(chart.reached, 9);
        assert_eq!(chart.planned.len(), 3);
        assert_eq!(chart.actual.len(), 2);
        // Higher figures are drawn higher up (smaller y), inside the drawing area.
        assert!(chart.planned[2].y < chart.planned[0].y);
        assert!(chart.actual[1].y < chart.actual[0].y);
        assert!(chart.planned.iter().all(|p| p.y >= TOP && p.y <= HEIGHT));
        assert_eq!(chart.guides[2].label.text, "30");
        assert_eq!(
            BurnUp::polyline(&[Point::new(1.04, 2.06), Point::new(3.0, 4.0)]),
            "1,2.1 3,4"
        );
    }
}
