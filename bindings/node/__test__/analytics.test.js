// Analytics and pictures through the Node API: the shared vector
// (testdata/analytics/clinic_week.json: an event log in, the report and its CSV tables out)
// gives the same records and the same CSV bytes as Rust and Python.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const m = require('..')

const VECTOR = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../testdata/analytics/clinic_week.json'), 'utf8'),
)

function folded() {
  const analytics = new m.Analytics(VECTOR.time_zone)
  for (const offer of VECTOR.offers) {
    analytics.offer(offer.doctor_id, offer.first, offer.last, offer.intervals)
  }
  for (let i = 0; i < VECTOR.feed.length; i += VECTOR.page_size) {
    analytics.fold(VECTOR.feed.slice(i, i + VECTOR.page_size))
  }
  for (const observation of VECTOR.observations) analytics.record(observation)
  return analytics
}

test('the shared vector gives the same records and CSV', () => {
  const analytics = folded()
  assert.equal(analytics.position, VECTOR.feed[VECTOR.feed.length - 1].position)
  const report = analytics.report(VECTOR.first, VECTOR.last)
  assert.deepEqual(JSON.parse(JSON.stringify(report)), VECTOR.report)
  for (const table of m.REPORT_TABLES) {
    assert.equal(m.reportCsv(report, table), VECTOR.csv[table], table)
  }
})

test('bad input names the field', () => {
  assert.throws(() => new m.Analytics('Mars/Olympus'), (e) => e instanceof m.InvalidInputError && e.field === 'time_zone')
  const analytics = new m.Analytics('Asia/Kolkata')
  assert.throws(() => analytics.report('2026-03-08', '2026-03-02'), (e) => e.field === 'last')
})

test('the pictures are labelled SVG', () => {
  const asha = VECTOR.offers.find((o) => o.doctor_id === 'dr-asha')
  const week = m.weekSvg({
    doctor: 'Dr Asha', time_zone: VECTOR.time_zone, first: '2026-03-02',
    intervals: asha.intervals, free: [], booked: [],
  })
  assert.ok(week.startsWith('<svg') && week.includes('<title>leave 09:00-13:00</title>'))
  const events = VECTOR.feed
    .filter((e) => e.stream.doctor_id === 'dr-asha' && e.stream.date === '2026-03-02')
    .map((e) => e.event)
  assert.ok(m.queueSvg('Monday', VECTOR.time_zone, events).includes('completed at'))
  assert.ok(m.calibrationSvg('Waits', VECTOR.report.calibration).includes('dr-asha: '))
})
