// The shared JSON vectors of testdata/, run through the Node API: the same cases the Rust
// tests (core/tests/vectors.rs) and the Python binding run, so every language agrees.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const m = require('..')

const TESTDATA = path.resolve(__dirname, '../../../testdata')
const FILES = fs
  .readdirSync(path.join(TESTDATA, 'vectors'))
  .filter((f) => f.endsWith('.json'))
  .sort()

/** Equal JSON, floats to a relative 1e-9, a `Date` equal to the instant its text names. */
function agree(expect, got) {
  if (got instanceof Date) return typeof expect === 'string' && new Date(expect).getTime() === got.getTime()
  if (typeof expect === 'number' || typeof got === 'number') {
    if (typeof expect !== 'number' || typeof got !== 'number') return false
    return Math.abs(expect - got) <= 1e-9 * Math.max(Math.abs(expect), Math.abs(got), 1)
  }
  if (Array.isArray(expect) || Array.isArray(got)) {
    return Array.isArray(expect) && Array.isArray(got) && expect.length === got.length && expect.every((e, i) => agree(e, got[i]))
  }
  if (expect && got && typeof expect === 'object' && typeof got === 'object') {
    const keys = Object.keys(expect).sort()
    const gotKeys = Object.keys(got).sort()
    return agree(keys, gotKeys) && keys.every((k) => agree(expect[k], got[k]))
  }
  return expect === got
}

// The fields of an error's report that say why, by code, as the scripts expect them.
const WHY = {
  invalid_input: ['field', 'problem'],
  not_found: ['kind', 'id'],
  slot_unavailable: ['reason'],
  invalid_transition: ['kind', 'from', 'action'],
  policy_violation: ['action', 'rule'],
}

function reportFields(error, fields) {
  return Object.fromEntries(['code', ...fields].map((f) => [f, error.report[f] ?? null]))
}

const errorJson = (error) => reportFields(error, WHY[error.code] ?? [])

function doctors(doc) {
  const rules = new m.ClinicRules(doc.clinic)
  return doc.calendars.map((c) => new m.Availability(rules, c))
}

function bookingScript(doc, c) {
  const schedule = new m.Schedule({
    tenant: doc.tenant,
    clinic: doc.clinic,
    calendars: doc.calendars,
    appointmentTypes: doc.appointment_types,
  })
  const store = new m.InMemoryStore()
  const bookings = new m.Bookings(store)
  return c.steps.map((step) => {
    let done
    try {
      done = bookings.execute(schedule, step.actor, new Date(step.now), step.date, step.command)
    } catch (error) {
      if (!(error instanceof m.MedschedError)) throw error
      return { error: errorJson(error) }
    }
    const stored = JSON.parse(store._native.load(JSON.stringify({ tenant: doc.tenant, date: step.date })))
    assert.ok(m.DayBook.fromEvents(stored.events).equals(done.book), step.name)
    return { events: done.events.map((e) => e.type) }
  })
}

function tokenScript(doc, c) {
  const day = { tenant: doc.tenant, doctor_id: c.doctor_id, date: c.date }
  const store = new m.InMemoryStore()
  const tokens = new m.Tokens(store)
  return c.steps.map((step) => {
    let done
    try {
      done = tokens.execute(day, c.rules, step.actor, new Date(step.now), step.command)
    } catch (error) {
      if (!(error instanceof m.MedschedError)) throw error
      return { error: errorJson(error) }
    }
    const stream = { tenant: day.tenant, date: day.date, doctor_id: day.doctor_id }
    const stored = JSON.parse(store._native.load(JSON.stringify(stream)))
    assert.ok(m.Queue.fromEvents(stored.events).equals(done.queue), step.name)
    const serving = done.queue.nowServing()
    return {
      events: done.events.map((e) => e.type),
      line: done.queue.line(),
      now_serving: serving === null ? null : serving.number,
      token: done.token === null ? null : done.token.number,
    }
  })
}

function waitEstimates(c) {
  const history = c.days != null ? m.historyFromDays(c.days) : m.historyFromDurations([])
  return m.estimateWaits(c.estimator, c.snapshot, history)
}

function run(doc, c) {
  switch (c.op) {
    case 'booking_script':
      return bookingScript(doc, c)
    case 'token_script':
      return tokenScript(doc, c)
    case 'wait_estimates':
      return waitEstimates(c)
    default:
  }
  const doctor = doctors(doc)[c.doctor ?? 0]
  switch (c.op) {
    case 'resolve':
      return doctor.resolve(new Date(c.start), new Date(c.end))
    case 'resolve_dates':
      return doctor.resolveDates(c.location_id, c.first, c.last)
    case 'explain':
      return doctor.explain(new Date(c.instant))
    case 'slots':
      return doctor.slots(c.request, c.occupancy ?? null, c.options)
    case 'first_available': {
      const pairs = doctors(doc).map((d, i) => [d, c.occupancies[i]])
      return m.firstAvailable(pairs, c.request, c.count)
    }
    default:
      throw new Error(`unknown op ${c.op}`)
  }
}

let cases = 0
for (const file of FILES) {
  const doc = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'vectors', file), 'utf8'))
  for (const c of doc.cases) {
    cases += 1
    test(`${file.replace('.json', '')}: ${c.name}`, () => {
      const got = run(doc, c)
      if (c.op === 'booking_script' || c.op === 'token_script') {
        assert.equal(got.length, c.steps.length)
        c.steps.forEach((step, i) => assert.ok(agree(step.expect, got[i]), `${step.name}: ${JSON.stringify(got[i])}`))
      } else {
        assert.ok(agree(c.expect, got), JSON.stringify(got))
      }
    })
  }
}

test('every vector file runs', () => {
  assert.ok(FILES.length >= 6)
  assert.ok(cases >= 25)
})

const ERRORS = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'errors.json'), 'utf8'))
for (const c of ERRORS.cases) {
  test(`errors.json: ${c.name}`, () => {
    assert.throws(
      () => {
        const rules = new m.ClinicRules(c.clinic ?? ERRORS.base_clinic)
        if (c.calendar) {
          const doctor = new m.Availability(rules, c.calendar)
          if (c.slots) doctor.slots(c.slots)
        }
      },
      (error) => {
        assert.ok(error instanceof m.InvalidInputError)
        assert.deepEqual(reportFields(error, ['field', 'value', 'problem']), c.expect)
        return true
      },
    )
  })
}
