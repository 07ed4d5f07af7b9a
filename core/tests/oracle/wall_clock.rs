//! The wall-clock oracle: for one zone, the running maximum of the local reading, minute by
//! minute.

use chrono_tz::Tz;

use super::time::{at, local_of, naive_datetime};

/// For one zone, the local reading and the running maximum of it, minute by minute.
pub struct ZoneLine {
    first: i64,
    max_local: Vec<i64>,
}

impl ZoneLine {
    /// Scans UTC minutes `[from, to)`.
    pub fn new(tz: Tz, from: i64, to: i64) -> Self {
        let mut max_local = Vec::with_capacity((to - from) as usize);
        let mut max = i64::MIN;
        for m in from..to {
            max = max.max(local_of(tz, m));
            max_local.push(max);
        }
        ZoneLine {
            first: from,
            max_local,
        }
    }

    /// The largest wall-clock reading shown up to minute `m`.
    pub fn max_local(&self, m: i64) -> i64 {
        let i = m - self.first;
        assert!(
            i >= 0 && (i as usize) < self.max_local.len(),
            "oracle: minute {} outside its scan",
            at(m)
        );
        self.max_local[i as usize]
    }

    /// The first minute at which the wall clock has shown `boundary` (naive minutes).
    pub fn reached(&self, boundary: i64) -> i64 {
        let i = self.max_local.partition_point(|&x| x < boundary);
        assert!(
            i > 0 && i < self.max_local.len(),
            "oracle: boundary {} outside its scan",
            naive_datetime(boundary)
        );
        self.first + i as i64
    }
}
