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

const NOW = new Date('2026-03-01T06:00:00Z')
const rateKeys = (patient = 'pat-1') => [
  { tenant: 'clinic-1', kind: 'patient', value: patient },
  { tenant: 'clinic-1', kind: 'phone', value: '+91 98460 12345' },
  { tenant: 'clinic-1', kind: 'ip', value: '203.0.113.9' },
]

test('the rate limiter counts every key and refuses over a limit, naming the kind, not the key', async () => {
  const limits = { ...new m.RateLimiter(new m.InMemoryStore()).limits, phone: { limit: 1, period_seconds: 600 } }
  const limiter = new m.RateLimiter(new m.InMemoryStore(), limits)
  assert.deepEqual(limiter.limits, limits)
  assert.equal(limiter.acquire(rateKeys(), NOW), 0)
  const later = new Date(NOW.getTime() + 1000)
  assert.throws(() => limiter.acquire(rateKeys('pat-2'), later), (error) => {
    assert.ok(error instanceof m.RateLimitedError)
    assert.deepEqual([error.code, error.kind, error.retry_after_ms], ['rate_limited', 'phone', 599_000])
    assert.equal(error.retry_at.getTime(), NOW.getTime() + 600_000)
    assert.equal(error.message, 'too many requests for this phone: retry in 599000 ms')
    return true
  })
  await assert.rejects(limiter.acquireAsync(rateKeys('pat-3'), later), { code: 'rate_limited', kind: 'phone' })
})

test('two limiters on one store never pass more than the limit', async () => {
  const store = new m.InMemoryStore()
  const limits = { ...new m.RateLimiter(store).limits, ip: { limit: 12, period_seconds: 3600 } }
  const limiters = [new m.RateLimiter(store, limits), new m.RateLimiter(store, limits)]
  const key = [{ tenant: 'clinic-1', kind: 'ip', value: '198.51.100.7' }]
  const tries = Array.from({ length: 40 }, (_, i) => limiters[i % 2].acquireAsync(key, NOW))
  const settled = await Promise.allSettled(tries)
  assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 12)
  assert.ok(settled.every((s) => s.status === 'fulfilled' || s.reason instanceof m.RateLimitedError))
})

test('the rate limiter refuses bad limits and a store written in JavaScript by field', () => {
  assert.throws(() => new m.RateLimiter(new m.InMemoryStore(), { patient: { limit: 0, period_seconds: 60 } }), {
    code: 'invalid_input',
  })
  const jsStore = { load: async () => ({ version: 0, events: [] }), append: async () => 0, feed: async () => [] }
  assert.throws(() => new m.RateLimiter(jsStore), (error) => {
    assert.ok(error instanceof m.InvalidInputError)
    assert.equal(error.field, 'store')
    return true
  })
  const limiter = new m.RateLimiter(new m.InMemoryStore())
  assert.throws(() => limiter.acquire([{ tenant: 'clinic-1', kind: 'fax', value: '1' }], NOW), { code: 'invalid_input' })
  assert.throws(() => limiter.acquire(rateKeys(), new Date('nope')), { code: 'invalid_input', field: 'now' })
})
