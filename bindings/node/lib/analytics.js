// Analytics and pictures (docs/ANALYTICS.md): a tenant's report folded from its change feed,
// its tables as CSV, and the SVG pictures of a week, a queue and the wait calibration.
'use strict'

const native = require('../native.js')
const { call } = require('./errors.js')
const { day, json, read } = require('./values.js')

/** The tables of a report, in order: each a key of the report and a name for `reportCsv`. */
const REPORT_TABLES = Object.freeze([
  'utilisation',
  'doctors',
  'hours',
  'lead_times',
  'token_kinds',
  'calibration',
  'conversion',
])

/** A tenant's running analytics, folded from its change feed a page at a time. */
class Analytics {
  constructor(timeZone) {
    this._native = call(() => new native.Analytics(timeZone))
  }

  /** The last feed position folded (0 before any). */
  get position() {
    return this._native.position
  }

  /** Folds a page of feed entries; entries at or below `position` are skipped. */
  fold(page) {
    call(() => this._native.fold(json(page)))
  }

  /** Records a host observation: a search, or a wait estimate shown. */
  record(observation) {
    call(() => this._native.record(json(observation)))
  }

  /** Sets the time a doctor was open on the dates `first` to `last`: its timeline's open intervals. */
  offer(doctorId, first, last, intervals) {
    call(() => this._native.offer(doctorId, day(first), day(last), json(intervals)))
  }

  /** The report of the dates `first` to `last`, as plain records. */
  report(first, last) {
    return read('Report', call(() => this._native.report(day(first), day(last))))
  }
}

/** One table of a report as CSV text. */
function reportCsv(report, table) {
  return call(() => native.reportCsv(json(report), table))
}

/** A doctor's week as SVG text. */
function weekSvg(picture) {
  return call(() => native.weekSvg(json(picture)))
}

/** A day's token queue (the queue stream's events) as SVG text. */
function queueSvg(title, timeZone, events) {
  return call(() => native.queueSvg(title, timeZone, json(events)))
}

/** The wait calibration (a report's `calibration` rows) as SVG text. */
function calibrationSvg(title, rows) {
  return call(() => native.calibrationSvg(title, json(rows)))
}

module.exports = { REPORT_TABLES, Analytics, reportCsv, weekSvg, queueSvg, calibrationSvg }
