//! The pictures of the clinic week: their markup (title, description, a label on every
//! mark, the same bytes for the same input) and, rendered by headless Chromium, their
//! pixels: a leave day's band has the leave colour where Wednesday morning is, a booked
//! slot is blue, the holiday purple, the end of the queue's day mostly completed.
//!
//! The pixel tests need Debian's `chromium`; `scripts/test-pictures.sh` installs it and runs
//! them (`cargo test -p medsched --test pictures -- --include-ignored`).

mod analytics_support;

use std::path::PathBuf;
use std::process::Command;

use analytics_support::{ZONE, date, monday_queue_events, timelines, week};
use chrono::Duration;
use medsched::{
    Status,
    analytics::Analytics,
    pictures::{Span, WeekPicture, calibration_svg, colours, queue_svg, week_svg},
    store::Change,
};

/// Dr Asha's week: her timeline, her booked slots, and the 15-minute slots of her open time
/// that nobody booked.
fn asha_week() -> WeekPicture {
    let week = week().unwrap();
    let mut booked: Vec<Span> = Vec::new();
    for entry in &week.feed {
        if let Change::AppointmentBooked { appointment } = &entry.event.change
            && appointment.slot.doctor_id.as_str() == "dr-asha"
        {
            booked.push(Span {
                start: appointment.slot.start,
                end: appointment.slot.end,
            });
        }
        if let Change::AppointmentCancelled { slot, .. } = &entry.event.change {
            booked.retain(|s| !(s.start == slot.start && slot.doctor_id.as_str() == "dr-asha"));
        }
    }
    let (_, intervals) = timelines()
        .into_iter()
        .find(|(d, _)| d == "dr-asha")
        .unwrap();
    let mut free = Vec::new();
    for interval in intervals.iter().filter(|i| i.status == Status::Open) {
        let mut start = interval.start;
        while start + Duration::minutes(15) <= interval.end {
            if !booked.iter().any(|b| b.start == start) {
                free.push(Span {
                    start,
                    end: start + Duration::minutes(15),
                });
            }
            start += Duration::minutes(15);
        }
    }
    WeekPicture {
        doctor: "Dr Asha".into(),
        time_zone: ZONE.into(),
        first: date(2),
        intervals,
        free,
        booked,
    }
}

fn calibration() -> String {
    let week = week().unwrap();
    let mut analytics = Analytics::new(ZONE).unwrap();
    analytics.fold(&week.feed).unwrap();
    for observation in &week.observations {
        analytics.record(observation).unwrap();
    }
    let report = analytics.report(date(2), date(8)).unwrap();
    calibration_svg("Wait estimates against waits", &report.calibration).unwrap()
}

fn queue() -> String {
    let week = week().unwrap();
    let events = monday_queue_events(&week.store).unwrap();
    queue_svg("Dr Asha's queue, Monday 2 March", ZONE, &events).unwrap()
}

#[test]
fn the_markup_is_labelled_and_stable() {
    let picture = asha_week();
    let svg = week_svg(&picture).unwrap();
    assert_eq!(svg, week_svg(&picture).unwrap());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\"") && svg.contains("<desc id=\"desc\">"));
    assert!(svg.contains("<title id=\"title\">Dr Asha: the week of 2 March 2026</title>"));
    assert_eq!(svg.matches("<title>booked ").count(), picture.booked.len());
    assert_eq!(svg.matches("<title>free ").count(), picture.free.len());
    assert!(svg.contains("<title>leave 09:00-13:00</title>"));
    assert!(svg.contains("<title>holiday 09:00-13:00</title>"));
    assert!(svg.contains("<title>blocked 11:00-12:00</title>"));
    let queue = queue();
    assert!(queue.contains("completed at") && queue.contains("skipped at"));
    let calibration = calibration();
    assert!(calibration.contains("dr-asha: "));
    // Escaped text, a refused zone.
    let mut odd = picture.clone();
    odd.doctor = "Dr <Asha> & co".into();
    assert!(week_svg(&odd).unwrap().contains("Dr &lt;Asha&gt; &amp; co"));
    odd.time_zone = "Nowhere/Else".into();
    assert_eq!(week_svg(&odd).unwrap_err().field(), Some("time_zone"));
}

/// The screenshot of `svg` at its own size, as RGB rows.
struct Shot {
    width: usize,
    rgb: Vec<u8>,
}

impl Shot {
    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    fn assert_colour(&self, what: &str, x: f64, y: f64, hex: &str) {
        self.assert_near(what, x, y, hex, 8);
    }

    /// As [`assert_colour`](Self::assert_colour), each channel within `tolerance`.
    fn assert_near(&self, what: &str, x: f64, y: f64, hex: &str, tolerance: u8) {
        let want: Vec<u8> = (0..3)
            .map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap())
            .collect();
        let got = self.at(x as usize, y as usize);
        let close = got
            .iter()
            .zip(&want)
            .all(|(g, w)| g.abs_diff(*w) <= tolerance);
        assert!(close, "{what} at ({x}, {y}): {got:?}, want {hex}");
    }
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

fn render(name: &str, svg: &str) -> Shot {
    let size = |attr: &str| -> usize {
        let at = svg.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
        svg[at..]
            .split('"')
            .next()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            .ceil() as usize
    };
    let (width, height) = (size("width"), size("height"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pictures");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.svg"));
    let png = dir.join(format!("{name}.png"));
    std::fs::write(&file, svg).unwrap();
    let _ = std::fs::remove_file(&png);
    let status = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--force-color-profile=srgb",
            &format!(
                "--user-data-dir={}",
                dir.join(format!("profile-{name}")).display()
            ),
            &format!("--window-size={width},{height}"),
            &format!("--screenshot={}", png.display()),
            &format!("file://{}", file.display()),
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} could not run ({e}): scripts/test-pictures.sh installs it",
                chromium()
            )
        });
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert!(info.width as usize >= width && info.height as usize >= height);
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    Shot {
        width: info.width as usize,
        rgb,
    }
}

// The week's geometry (core/src/pictures/week.rs): columns of 128 px from x = 56, hours of
// 36 px from y = 64, starting at the first hour shown (09:00 for Dr Asha).
fn column_middle(day: usize) -> f64 {
    56.0 + 128.0 * day as f64 + 64.0
}

fn hour_y(hour: f64) -> f64 {
    64.0 + (hour - 9.0) * 36.0
}

#[test]
#[ignore = "needs headless Chromium: scripts/test-pictures.sh installs it and runs this"]
fn the_week_looks_right() {
    let picture = asha_week();
    let shot = render("week", &week_svg(&picture).unwrap());
    // Wednesday: leave all morning; Friday: the holiday; Tuesday 11:00-12:00: the block.
    shot.assert_colour(
        "Wednesday's leave",
        column_middle(2),
        hour_y(10.5),
        colours::LEAVE,
    );
    shot.assert_colour(
        "Friday's holiday",
        column_middle(4),
        hour_y(11.0),
        colours::HOLIDAY,
    );
    shot.assert_colour(
        "Tuesday's block",
        column_middle(1),
        hour_y(11.5),
        colours::BLOCK,
    );
    // The band's margin beside a slot is open (light green) on Monday.
    shot.assert_colour(
        "Monday's open band",
        56.0 + 8.0,
        hour_y(10.0),
        colours::OPEN,
    );
    // Sunday: nothing scheduled, the day's background.
    shot.assert_colour("Sunday", column_middle(6), hour_y(11.5), colours::OUTSIDE);
    // A booked slot and a free one, each at its middle.
    let middle_of = |span: &Span| {
        let local = span.start.with_timezone(&chrono_tz::Asia::Kolkata);
        let day = (local.date_naive() - date(2)).num_days() as usize;
        let hour = f64::from(chrono::Timelike::hour(&local))
            + f64::from(chrono::Timelike::minute(&local)) / 60.0
            + 7.5 / 60.0;
        (column_middle(day), hour_y(hour))
    };
    let (x, y) = middle_of(&picture.booked[0]);
    shot.assert_colour("a booked slot", x, y, colours::BOOKED);
    let (x, y) = middle_of(&picture.free[0]);
    shot.assert_colour("a free slot", x, y, colours::FREE);
}

#[test]
#[ignore = "needs headless Chromium: scripts/test-pictures.sh installs it and runs this"]
fn the_queue_looks_right() {
    let shot = render("queue", &queue());
    // The plot runs x 48..888, y 48..348. Near the end of the day most tokens are seen:
    // the bottom of the stack is green; the first moments have only waiting tokens (amber).
    shot.assert_colour(
        "the day's end, bottom",
        48.0 + 830.0,
        340.0,
        colours::COMPLETED,
    );
    shot.assert_colour("the first tokens", 49.0, 346.0, colours::WAITING);
    // Above the first tokens, the background.
    shot.assert_colour("above the first tokens", 52.0, 60.0, colours::OUTSIDE);
}

#[test]
#[ignore = "needs headless Chromium: scripts/test-pictures.sh installs it and runs this"]
fn the_calibration_looks_right() {
    let svg = calibration();
    let shot = render("calibration", &svg);
    // The diagonal's middle (the plot is x 64..424, y 48..408), and the first dot's centre.
    // A line across pixels is smoothed at its edges: its middle is near its colour.
    shot.assert_near(
        "the diagonal",
        64.0 + 180.0,
        48.0 + 180.0,
        colours::DIAGONAL,
        24,
    );
    let at = svg.find("<circle cx=\"").unwrap() + 12;
    let cx: f64 = svg[at..].split('"').next().unwrap().parse().unwrap();
    let at = svg[at..].find("cy=\"").unwrap() + at + 4;
    let cy: f64 = svg[at..].split('"').next().unwrap().parse().unwrap();
    shot.assert_colour("the first dot", cx, cy, colours::SERIES[0]);
}
