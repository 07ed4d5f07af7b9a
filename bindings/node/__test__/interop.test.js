// FHIR R4 and iCalendar through the Node API: the shared interop vectors of testdata/interop
// (the same cases the Rust tests and the Python binding run), and the typed wrappers.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const m = require('..')
const native = require('../native.js')

const VECTORS = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../testdata/interop/vectors.json'), 'utf8'),
)
const SCENARIO = VECTORS.cases.find((c) => c.call === 'fhir_bundle').input.export

/** One vector's call through the native module, JSON in and out, as in Rust. */
function call(name, input) {
  const exported = JSON.stringify(input.export ?? null)
  switch (name) {
    case 'fhir_bundle': return JSON.parse(native.fhirBundle(exported))
    case 'fhir_slot_search': return JSON.parse(native.fhirSlotSearch(exported, JSON.stringify(input.search)))
    case 'ics': return native.icsFeed(exported)
    case 'freebusy': return native.freebusy(exported)
    case 'read_ics': return JSON.parse(native.readIcs(input.ics, JSON.stringify(input.request)))
    case 'read_fhir': {
      const fhir = typeof input.fhir === 'string' ? input.fhir : JSON.stringify(input.fhir)
      return JSON.parse(native.readFhir(fhir))
    }
    default: throw new Error(name)
  }
}

for (const c of VECTORS.cases) {
  test(`interop vector: ${c.name}`, () => {
    if (c.error) {
      let report = null
      try {
        call(c.call, c.input)
      } catch (error) {
        report = JSON.parse(error.message)
      }
      assert.ok(report, 'refused')
      assert.equal(report.code, c.error.code)
      assert.equal(report.field, c.error.field)
    } else {
      assert.deepEqual(call(c.call, c.input), c.expect)
    }
  })
}

test('the wrappers: Dates in, Dates out, refusals as MedschedError', () => {
  const feed = m.icsFeed(SCENARIO)
  const busy = m.readIcs(feed, { start: new Date(SCENARIO.start), end: new Date(SCENARIO.end), time_zone: 'Europe/London' })
  assert.ok(busy.length > 0)
  assert.ok(busy[0].start instanceof Date)
  const bundle = m.fhirBundle(SCENARIO)
  assert.equal(bundle.resourceType, 'Bundle')
  const back = m.readFhir(bundle)
  assert.equal(back.appointments.length, SCENARIO.appointments.length + 1)
  const found = m.fhirSlotSearch(SCENARIO, { schedule: 'dr-asha.london', status: 'free' })
  assert.equal(found.total, found.entry.length)
  assert.throws(() => m.readFhir({ resourceType: 'Patient' }), (e) => e instanceof m.InvalidInputError && e.field === 'resourceType')
})
