//! Dates as briefs write them (a day for `updated` and `due`; a day with an optional time of
//! day and UTC offset for a brief's `date`), and the moment that orders briefs.

use jiff::civil::Date;

/// The time of day a brief's `date:` gives (`2025-07-11T14:30`), as written: with its UTC
/// offset if it had one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    pub time: jiff::civil::Time,
    pub offset: Option<jiff::tz::Offset>,
}

impl TimeOfDay {
    /// For readers: `14:30`, `14:30:15` when seconds were given, and `UTC+08:00` (or `UTC`)
    /// when an offset was.
    pub fn display(&self) -> String {
        let mut s = self.clock();
        match self.offset {
            Some(o) if o == jiff::tz::Offset::UTC => s.push_str(" UTC"),
            Some(o) => s.push_str(&format!(" UTC{}", offset_text(o))),
            None => {}
        }
        s
    }

    /// For machines (an HTML `datetime`, ISO 8601): `14:30`, `14:30+08:00`, `14:30Z`.
    pub fn iso(&self) -> String {
        let mut s = self.clock();
        match self.offset {
            Some(o) if o == jiff::tz::Offset::UTC => s.push('Z'),
            Some(o) => s.push_str(&offset_text(o)),
            None => {}
        }
        s
    }

    /// For RFC 3339 (feeds): `14:30:00+08:00`, or `Z` without an offset (read as UTC).
    pub fn rfc3339(&self) -> String {
        let offset = self.offset.map(offset_text).unwrap_or_else(|| "Z".into());
        format!("{}{offset}", self.time.strftime("%H:%M:%S"))
    }

    fn clock(&self) -> String {
        let t = self.time;
        let mut s = format!("{:02}:{:02}", t.hour(), t.minute());
        if t.second() != 0 {
            s.push_str(&format!(":{:02}", t.second()));
        }
        s
    }
}

fn offset_text(offset: jiff::tz::Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// Where a brief falls in time, for ordering: its date as written, then, within that date, a
/// brief without a time first (the date alone is the start of the day), then by the instant
/// its time names (a time without an offset is read as UTC). Briefs are never moved to another
/// date than the one written, so a day's archive and its order agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    date: Date,
    instant: Option<jiff::Timestamp>,
}

impl Moment {
    pub fn new(date: Date, time: Option<TimeOfDay>) -> Moment {
        let instant = time.map(|t| {
            let offset = t.offset.unwrap_or(jiff::tz::Offset::UTC);
            // Out of range only for dates near year -9999 or 9999; such a time sorts first.
            offset
                .to_timestamp(date.to_datetime(t.time))
                .unwrap_or(jiff::Timestamp::MIN)
        });
        Moment { date, instant }
    }

    /// A text that sorts as moments do (for the search index's date sort): the date, then,
    /// when there is a time, its instant as seconds, offset to stay positive.
    pub fn sort_key(&self) -> String {
        match self.instant {
            None => self.date.to_string(),
            Some(t) => format!("{}T{:012}", self.date, t.as_second() + 100_000_000_000),
        }
    }

    /// The value of an HTML `datetime` attribute: `2025-07-11`, `2025-07-11T14:30` or
    /// `2025-07-11T14:30+08:00`.
    pub fn datetime(date: Date, time: Option<TimeOfDay>) -> String {
        match time {
            None => date.to_string(),
            Some(t) => format!("{date}T{}", t.iso()),
        }
    }
}

/// A date as `YYYY-MM-DD`; a full timestamp (`2025-07-11T09:00:00+08:00`) keeps its date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if let Ok(d) = text.parse::<Date>() {
        return Ok(d);
    }
    // A timestamp keeps the calendar date as written, in its own offset.
    if text.parse::<jiff::Timestamp>().is_ok()
        && let Some(Ok(d)) = text.get(..10).map(str::parse::<Date>)
    {
        return Ok(d);
    }
    text.parse::<jiff::civil::DateTime>()
        .map(|dt| dt.date())
        .map_err(|e| e.to_string())
}

/// A brief's `date:`: a day (`2025-07-11`), or a day and a time (`2025-07-11T14:30`,
/// `2025-07-11 14:30:00`), with or without a UTC offset (`+08:00`, `Z`). Kept as written.
pub fn parse_when(text: &str) -> Result<(Date, Option<TimeOfDay>), String> {
    let text = text.trim();
    let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(|e| e.to_string())?;
    if pieces.time_zone_annotation().is_some() {
        return Err(
            "a time zone name is not read here; give the UTC offset instead, e.g. `2025-07-11T14:30+08:00`"
                .into(),
        );
    }
    let time = pieces.time().map(|time| TimeOfDay {
        time,
        offset: pieces.to_numeric_offset(),
    });
    Ok((pieces.date(), time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_accept_days_and_timestamps() {
        assert_eq!(
            parse_date("2025-07-11").unwrap(),
            jiff::civil::date(2025, 7, 11)
        );
        assert_eq!(
            parse_date("2025-07-11T09:30:00+08:00").unwrap(),
            jiff::civil::date(2025, 7, 11)
        );
        assert_eq!(
            parse_date("2025-07-11T09:30:00").unwrap(),
            jiff::civil::date(2025, 7, 11)
        );
        assert!(parse_date("11/07/2025").is_err());
        assert!(parse_date("2025-02-30").is_err());
    }

    #[test]
    fn brief_dates_keep_their_time_and_offset() {
        let (date, time) = parse_when("2025-07-11").unwrap();
        assert_eq!((date, time), (jiff::civil::date(2025, 7, 11), None));
        let (_, time) = parse_when("2025-07-11T14:30").unwrap();
        let time = time.unwrap();
        assert_eq!(
            (time.display(), time.iso()),
            ("14:30".into(), "14:30".into())
        );
        let (date, time) = parse_when("2025-07-11T00:30:15+08:00").unwrap();
        assert_eq!(date, jiff::civil::date(2025, 7, 11));
        let time = time.unwrap();
        assert_eq!(time.display(), "00:30:15 UTC+08:00");
        assert_eq!(time.iso(), "00:30:15+08:00");
        assert_eq!(
            parse_when("2025-07-11 09:00Z").unwrap().1.unwrap().iso(),
            "09:00Z"
        );
        assert!(parse_when("2025-07-11T14:30[Asia/Tokyo]").is_err());
        assert!(parse_when("11/07/2025").is_err());
        assert!(parse_when("2025-07-11T25:00").is_err());
    }
}
