// Bookability and the rate limiter's GCRA from Node: the shared vectors of
// testdata/clinic_ops (the same cases the Rust tests and the Python binding run), and the
// typed rate_limited error.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const m = require('..')

const TESTDATA = path.resolve(__dirname, '../../../testdata/clinic_ops')
const load = (name) => JSON.parse(fs.readFileSync(path.join(TESTDATA, name), 'utf8'))

/** Equal JSON, a `Date` equal to the instant its text names. */
function agree(expect, got) {
  if (got instanceof Date) return typeof expect === 'string' && new Date(expect).getTime() === got.getTime()
  if (Array.isArray(expect) || Array.isArray(got)) {
    return Array.isArray(expect) && Array.isArray(got) && expect.length === got.length && expect.every((e, i) => agree(e, got[i]))
  }
  if (expect && got && typeof expect === 'object' && typeof got === 'object') {
    const keys = Object.keys(expect).sort()
    return agree(keys, Object.keys(got).sort()) && keys.every((k) => agree(expect[k], got[k]))
  }
  return expect === got
}

const BOOKABILITY = load('bookability.json')
const RULES = new m.ClinicRules(BOOKABILITY.clinic)
for (const c of BOOKABILITY.cases) {
  test(`bookability: ${c.name}`, () => {
    const got = m.evaluateBookability(c.facts, RULES, c.calendar, c.appointment_type, c.now, c.policy ?? null)
    assert.ok(agree(c.expect, got), JSON.stringify(got))
  })
}

for (const c of load('rate_limit.json').cases) {
  test(`rate_check: ${c.name}`, () => {
    let now = new Date(c.start).getTime()
    let tat = null
    for (const step of c.steps) {
      now += step.after_ms
      const got = m.checkRate(c.rate, tat, new Date(now), step.cost)
      if (got.decision === 'allowed') tat = got.tat
      assert.ok(agree(step.expect, got), JSON.stringify(got))
    }
  })
}

test('kept calendar facts are re-scored without a slot search', () => {
  const c = BOOKABILITY.cases[0]
  const facts = m.gatherCalendarFacts(RULES, c.calendar, c.appointment_type, c.now)
  assert.ok(facts.first_slot instanceof Date)
  const verdict = m.scoreBookability({ ...c.facts, status: 'suspended' }, facts)
  assert.equal(verdict.can_receptionist_book, false)
  assert.equal(verdict.score, 90)
})

test('a refused cost names its field', () => {
  assert.throws(() => m.checkRate({ limit: 2, period_seconds: 60 }, null, new Date(), 3), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'cost')
    return true
  })
})

test('rate_limited is a RateLimitedError with the key kind and the wait', () => {
  const error = new m.RateLimitedError({ message: 'too many requests for this ip: retry in 5 ms', kind: 'ip', retry_after_ms: 5 })
  assert.ok(error instanceof m.MedschedError)
  assert.deepEqual([error.code, error.kind, error.retry_after_ms], ['rate_limited', 'ip', 5])
})
