// Bookable slots in plain JavaScript with date-fns-tz, for the benchmark against medsched
// (slots-vs-js.js): what a JavaScript developer would write for the slot rules the
// benchmark's input uses, with medsched's semantics (the port of
// bindings/python/bench/pure_slots.py):
// - weekly templates at a location: weekdays, sessions in local wall-clock time (less their
//   breaks), slot step, session buffers and capacity (max_parallel);
// - whole-day holidays (clinic-wide or per location) and whole-day leave close every session
//   of their dates;
// - candidate starts every step from the start of each open piece of a session, the whole
//   slot inside the piece, starting in [start, end);
// - a slot is bookable when it starts at least min_notice after now, its local date is at
//   most max_days_ahead days after today's local date, and at every instant of it and its
//   buffers the bookings (each with its buffers; holds until they expire) leave a seat.
// The benchmark's sessions never start in a DST gap, where date-fns-tz and medsched differ.
'use strict'
const { fromZonedTime, formatInTimeZone } = require('date-fns-tz')

const MINUTE = 60 * 1000
const DAY = 24 * 60 * MINUTE

/** `YYYY-MM-DD` plus `n` days. */
function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)
}

/** Monday 0 … Sunday 6. */
const weekday = (day) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7

/** The instant the wall clock in `zone` shows `day` `time`. */
const localInstant = (zone, day, time) => fromZonedTime(`${day}T${time}:00`, zone)

/** The open parts of a session: the session less its breaks. */
function pieces(session) {
  const out = []
  let cursor = session.start
  for (const [begin, finish] of [...(session.breaks ?? [])].sort()) {
    if (begin > cursor) out.push([cursor, begin])
    cursor = finish
  }
  if (session.end > cursor) out.push([cursor, session.end])
  return out
}

/** The seats a doctor's bookings use over time, buffers included. */
class Load {
  constructor(bookings, doctorId, now) {
    this.spans = bookings
      .filter((b) => b.doctorId === doctorId && (b.expiresAt == null || b.expiresAt > now))
      .map((b) => [b.start - (b.bufferBeforeMinutes ?? 0) * MINUTE, b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MINUTE, b.seats ?? 1])
      .sort((a, b) => a[0] - b[0])
    this.longest = this.spans.reduce((most, [s, e]) => Math.max(most, e - s), 0)
  }

  /** The most seats in use at any instant of [lo, hi). */
  peak(lo, hi) {
    const events = []
    for (const [s, e, n] of this.spans) {
      if (s >= hi) break
      if (s < lo - this.longest || e <= lo) continue
      events.push([Math.max(s, lo), n], [Math.min(e, hi), -n])
    }
    if (events.length === 0) return 0
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    let level = 0
    let peak = 0
    for (const [, delta] of events) {
      level += delta
      peak = Math.max(peak, level)
    }
    return peak
  }
}

/** The local dates a holiday or the doctor's leave closes at a location. */
function closedDates(clinic, doctor, locationId) {
  const closed = new Set()
  const spans = clinic.holidays.filter((h) => h.locationId == null || h.locationId === locationId).concat(doctor.leaves ?? [])
  for (const { first, last } of spans) {
    for (let day = first; day <= last; day = addDays(day, 1)) closed.add(day)
  }
  return closed
}

/** The bookable slots of `kind` with `doctor` starting in [start, end) as seen at `now`. */
function findSlots(clinic, doctor, kind, start, end, now, bookings = []) {
  const duration = kind.durationMinutes * MINUTE
  const earliest = now.getTime() + (kind.minNoticeMinutes ?? 0) * MINUTE
  const load = new Load(bookings, doctor.id, now)
  const found = []
  for (const template of doctor.templates) {
    const zone = clinic.zones[template.locationId]
    let horizon = Infinity
    if (kind.maxDaysAhead != null) {
      const today = formatInTimeZone(now, zone, 'yyyy-MM-dd')
      horizon = localInstant(zone, addDays(today, kind.maxDaysAhead + 1), '00:00').getTime()
    }
    const closed = closedDates(clinic, doctor, template.locationId)
    const step = (kind.stepMinutes ?? template.slotMinutes) * MINUTE
    const before = Math.max(kind.bufferBeforeMinutes ?? 0, template.bufferBeforeMinutes ?? 0) * MINUTE
    const after = Math.max(kind.bufferAfterMinutes ?? 0, template.bufferAfterMinutes ?? 0) * MINUTE
    const last = formatInTimeZone(end, zone, 'yyyy-MM-dd')
    for (let day = formatInTimeZone(start, zone, 'yyyy-MM-dd'); day <= last; day = addDays(day, 1)) {
      if (!template.weekdays.includes(weekday(day)) || closed.has(day)) continue
      for (const session of template.sessions) {
        for (const [begin, finish] of pieces(session)) {
          const pieceEnd = localInstant(zone, day, finish).getTime()
          let s = localInstant(zone, day, begin).getTime()
          if (s < start.getTime()) s += Math.ceil((start - s) / step) * step
          for (; s < end.getTime() && s + duration <= pieceEnd; s += step) {
            if (s < earliest || s >= horizon) continue
            const left = (template.maxParallel ?? 1) - load.peak(s - before, s + duration + after)
            if (left >= 1) {
              found.push({ doctorId: doctor.id, locationId: template.locationId, start: new Date(s), end: new Date(s + duration), capacityLeft: left })
            }
          }
        }
      }
    }
  }
  return found.sort((a, b) => a.start - b.start)
}

module.exports = { findSlots, localInstant, addDays }
