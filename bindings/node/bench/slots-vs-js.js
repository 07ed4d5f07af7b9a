// Slot search: medsched from Node against a plain-JavaScript implementation (pure-slots.js,
// date-fns-tz), on the scenarios of the Python benchmark (bindings/python/bench):
//   (a) one doctor in Kochi, Mon-Sat, two sessions (one with a break), a holiday, leave,
//       300 bookings (some with buffers, some 30 minutes, live and expired holds), 90 days;
//   (b) 1,000 doctors x 30 days over Asia/Kolkata, Europe/London and America/New_York (the
//       range crosses both DST changes of March 2026), four weekly patterns, holidays, leave,
//       about 15% of each doctor's slots booked.
// Two route handlers, each with its pure-JS baseline:
// - objects: the handler gets slot objects with Dates. Pure JS returns its objects;
//   medsched's `availability.slots(request, bookings as plain objects with Dates)`, sync and
//   async, the same with occupancies prepared once, all doctors in one slotsForDoctors call.
// - body: the handler answers with the JSON response body. Pure JS: `Response.json` of its
//   objects; medsched: `jsonResponse` of the text `slotsJson` writes natively (bookings as
//   plain objects, sync and async; prepared; all doctors in one slotsForDoctorsJson call),
//   and once `new Response` of it, which copies the bytes.
//   Every body row's run also reads the body's stream to the end, chunk by chunk, as the
//   server does when it sends the response (timing stops once the bytes are out).
// Rows take turns, one sample each (so load on the machine falls on every row alike): each
// sample repeats the run until it lasts ~50 ms (time per run); --samples samples per row,
// reported as the median and the min-max spread; speed-up = the handler's pure-JS median /
// the row's. The slots of every row's result are counted once (a body parsed) and must
// equal pure JS's.
//
//   node bench/slots-vs-js.js [--samples 7] [--doctors 1000] [--only a|b] [--clock wall|cpu] [--smoke]
'use strict'
const m = require('..')
const pure = require('./pure-slots.js')

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args[at + 1] : fallback
}
const smoke = args.includes('--smoke')
const samples = Number(option('samples', smoke ? 1 : 7))
const doctorsB = Number(option('doctors', smoke ? 12 : 1000))
const only = option('only', null)
const clock = option('clock', 'wall')
if (!['wall', 'cpu'].includes(clock)) throw new Error(`--clock must be wall or cpu, not ${clock}`)
const MINUTE = 60 * 1000
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** A seeded generator (mulberry32), so every run books the same slots. */
function random(seed) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function sample(rng, list, count) {
  const pool = [...list]
  const out = []
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(rng() * (pool.length - i))
    ;[pool[i], pool[j]] = [pool[j], pool[i]]
    out.push(pool[i])
  }
  return out
}

function pickBookings(rng, doctorId, free, count, holds, now) {
  const picked = sample(rng, free, count)
  const out = picked.map((start, k) => ({
    doctorId,
    start,
    end: new Date(start.getTime() + (k % 7 === 3 ? 30 : 15) * MINUTE),
    bufferBeforeMinutes: k % 11 === 0 ? 5 : 0,
    bufferAfterMinutes: k % 5 === 0 ? 5 : 0,
    expiresAt: k >= picked.length - holds ? new Date(now.getTime() + 10 * MINUTE) : null,
  }))
  for (const start of free.slice(0, 2)) {
    out.push({ doctorId, start, end: new Date(start.getTime() + 15 * MINUTE), expiresAt: new Date(now.getTime() - MINUTE) })
  }
  return out
}

const medschedClinic = (clinic) => ({
  locations: Object.entries(clinic.zones).map(([id, zone]) => ({ id, time_zone: zone })),
  holidays: clinic.holidays.map((h, i) => ({ id: `holiday-${i}`, first: h.first, last: h.last, location_id: h.locationId ?? null })),
})

const medschedCalendar = (doctor) => ({
  doctor_id: doctor.id,
  templates: doctor.templates.map((t, i) => ({
    id: `template-${i}`,
    location_id: t.locationId,
    weekdays: t.weekdays.map((d) => WEEKDAYS[d]),
    sessions: t.sessions.map((s) => ({ start: s.start, end: s.end, breaks: (s.breaks ?? []).map(([a, b]) => ({ start: a, end: b })) })),
    settings: {
      slot_minutes: t.slotMinutes,
      buffer_before_minutes: t.bufferBeforeMinutes ?? 0,
      buffer_after_minutes: t.bufferAfterMinutes ?? 0,
      max_parallel: t.maxParallel ?? 1,
    },
  })),
  leaves: (doctor.leaves ?? []).map((l, i) => ({ id: `leave-${i}`, status: 'approved', first: l.first, last: l.last })),
})

const medschedRequest = (kind, start, end, now) => ({
  appointment_type: {
    id: 'consult',
    duration_minutes: kind.durationMinutes,
    buffer_before_minutes: kind.bufferBeforeMinutes ?? 0,
    buffer_after_minutes: kind.bufferAfterMinutes ?? 0,
    min_notice_minutes: kind.minNoticeMinutes ?? 0,
    max_days_ahead: kind.maxDaysAhead ?? null,
  },
  start,
  end,
  now,
})

const medschedOccupancy = (bookings) => ({
  reservations: bookings.map((b, i) => ({
    id: `r${i}`,
    doctor_id: b.doctorId,
    start: b.start,
    end: b.end,
    buffer_before_minutes: b.bufferBeforeMinutes ?? 0,
    buffer_after_minutes: b.bufferAfterMinutes ?? 0,
    seats: 1,
    expires_at: b.expiresAt ?? null,
  })),
})

function build(name, clinic, kind, [start, end, now], doctors, bookingsOf) {
  const rules = new m.ClinicRules(medschedClinic(clinic))
  const began = performance.now()
  const availabilities = doctors.map((d) => new m.Availability(rules, medschedCalendar(d)))
  const compileMs = performance.now() - began
  const request = medschedRequest(kind, start, end, now)
  const rng = random(20260302)
  const cases = doctors.map((doctor, i) => {
    const free = availabilities[i].slots(request).slots.map((s) => s.start)
    const bookings = bookingsOf(rng, doctor, free)
    return { doctor, bookings, availability: availabilities[i], occupancy: medschedOccupancy(bookings) }
  })
  return { name, clinic, kind, start, end, now, request, cases, compileMs }
}

const MON_TO_FRI = [0, 1, 2, 3, 4]
const MON_TO_SAT = [0, 1, 2, 3, 4, 5]

function scenarioA() {
  const clinic = { zones: { kochi: 'Asia/Kolkata' }, holidays: [{ first: '2026-03-04', last: '2026-03-04' }] }
  const doctor = {
    id: 'dr-asha',
    templates: [{
      locationId: 'kochi',
      weekdays: MON_TO_SAT,
      sessions: [{ start: '09:00', end: '13:00', breaks: [['11:00', '11:15']] }, { start: '16:00', end: '20:00' }],
      slotMinutes: 15,
    }],
    leaves: [{ first: '2026-04-13', last: '2026-04-14' }],
  }
  const kind = { durationMinutes: 15, bufferAfterMinutes: 5, minNoticeMinutes: 120, maxDaysAhead: 75 }
  const start = new Date('2026-03-01T18:30:00Z')
  const span = [start, new Date(start.getTime() + 90 * 24 * 60 * MINUTE), new Date('2026-03-02T04:00:00Z')]
  return build('(a) 1 doctor x 90 days', clinic, kind, span, [doctor], (rng, d, free) => pickBookings(rng, d.id, free, 300, 6, span[2]))
}

const ZONES = [['kochi', 'Asia/Kolkata'], ['london', 'Europe/London'], ['new-york', 'America/New_York']]

function doctorB(i) {
  const locationId = ZONES[i % 3][0]
  const pattern = Math.floor(i / 3) % 4
  const templates = [
    { locationId, weekdays: MON_TO_FRI, sessions: [{ start: '09:00', end: '13:00', breaks: [['11:00', '11:15']] }, { start: '16:00', end: '19:00' }], slotMinutes: 15 },
    { locationId, weekdays: MON_TO_SAT, sessions: [{ start: '08:30', end: '12:30' }, { start: '14:00', end: '17:00' }], slotMinutes: 20 },
    { locationId, weekdays: [0, 2, 4, 5], sessions: [{ start: '10:00', end: '14:00' }, { start: '17:00', end: '21:00' }], slotMinutes: 10, maxParallel: 2 },
    { locationId, weekdays: [1, 2, 3, 4, 5], sessions: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00', breaks: [['15:00', '15:15']] }], slotMinutes: 15, bufferAfterMinutes: 5 },
  ]
  const leaves = []
  if (i % 20 === 7) {
    const first = `2026-03-${String(9 + (i % 10)).padStart(2, '0')}`
    leaves.push({ first, last: pure.addDays(first, 1) })
  }
  if (i % 50 === 11) leaves.push({ first: '2026-03-23', last: '2026-03-27' })
  return { id: `dr-${String(i).padStart(5, '0')}`, templates: [templates[pattern]], leaves }
}

function scenarioB(count) {
  const clinic = {
    zones: Object.fromEntries(ZONES),
    holidays: [
      { first: '2026-03-04', last: '2026-03-04', locationId: 'kochi' },
      { first: '2026-03-20', last: '2026-03-20', locationId: 'london' },
      { first: '2026-03-13', last: '2026-03-13', locationId: 'new-york' },
      { first: '2026-01-01', last: '2026-01-01' },
    ],
  }
  const kind = { durationMinutes: 15, minNoticeMinutes: 60, maxDaysAhead: 28 }
  const start = new Date('2026-03-02T00:00:00Z')
  const span = [start, new Date(start.getTime() + 30 * 24 * 60 * MINUTE), new Date('2026-03-02T06:00:00Z')]
  const doctors = Array.from({ length: count }, (_, i) => doctorB(i))
  const name = `(b) ${count.toLocaleString('en')} doctors x 30 days`
  return build(name, clinic, kind, span, doctors, (rng, d, free) => pickBookings(rng, d.id, free, Math.floor((free.length * 15) / 100), 2, span[2]))
}

/** The clock, in ms: wall time, or with --clock cpu the CPU time of the whole process (every
 * thread: tokio's workers, V8's GC helpers), which other processes on a shared machine do
 * not inflate as they do wall time. */
const clockMs = clock === 'cpu' ? () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
} : () => performance.now()

/** How many runs make a sample of ~50 ms. */
async function calibrate(run, sc) {
  await run(sc)
  const began = clockMs()
  await run(sc)
  return Math.max(1, Math.round(50 / Math.max(clockMs() - began, 1e-3)))
}

/** One sample: the time per run (ms) of `inner` runs. */
async function timed(run, sc, inner) {
  const began = clockMs()
  for (let j = 0; j < inner; j++) await run(sc)
  return (clockMs() - began) / inner
}

/** The response a route handler makes of a body medsched wrote: streamed as it is. */
const respond = (body) => m.jsonResponse(body)
/** The same made as `new Response(body)`, which copies the bytes. */
const respondCopied = (body) => new Response(body, { headers: { 'content-type': 'application/json' } })
/** What the server does with a handler's response: reads its body stream to the end, chunk
 * by chunk, to write each chunk out. Returns the chunks (the timed runs drop them). */
const send = async (response) => {
  const chunks = []
  for await (const chunk of response.body) chunks.push(chunk)
  return chunks
}
/** The slots of a sent body (checked once per row, outside the timing). */
const slotsInBody = (chunks) => {
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  return (Array.isArray(body) ? body : [body]).reduce((n, series) => n + series.slots.length, 0)
}
const slotsInLists = (lists) => lists.reduce((n, slots) => n + slots.length, 0)

/**
 * The rows: [handler, label, run, slots of a run's result]. Handler `objects`: the route
 * handler gets the slots as objects with Dates (pure JS's own objects; medsched's
 * `slots`); handler `body`: it answers with the JSON response body (pure JS:
 * `Response.json` of its objects; medsched: `jsonResponse` of `slotsJson`'s text), which
 * the row then sends (`send`).
 */
function rows(sc) {
  const prepared = sc.cases.map((c) => new m.PreparedOccupancy(c.occupancy))
  const pairs = sc.cases.map((c, i) => [c.availability, prepared[i]])
  const pureSlots = (s) => s.cases.map((c) => pure.findSlots(s.clinic, c.doctor, s.kind, s.start, s.end, s.now, c.bookings))
  const [open, comma, close] = ['[', ',', ']'].map((c) => Buffer.from(c))
  /** One doctor's body as it is; many doctors' bodies joined as one JSON list. */
  const body = (parts) => (parts.length === 1 ? parts[0] : Buffer.concat([open, ...parts.flatMap((p, i) => (i ? [comma, p] : [p])), close]))
  return [
    ['objects', 'pure JS (date-fns-tz): slot objects', pureSlots, slotsInLists],
    ['objects', 'medsched: slots(request, bookings)', (s) => s.cases.map((c) => c.availability.slots(s.request, c.occupancy).slots), slotsInLists],
    ['objects', 'medsched: slotsAsync, in turn', async (s) => {
      const out = []
      for (const c of s.cases) out.push((await c.availability.slotsAsync(s.request, c.occupancy)).slots)
      return out
    }, slotsInLists],
    ['objects', 'medsched, prepared occupancy: slots', (s) => pairs.map(([a, o]) => a.slots(s.request, o).slots), slotsInLists],
    ['objects', 'medsched, prepared: slotsForDoctors', (s) => m.slotsForDoctors(pairs, s.request).map((found) => found.slots), slotsInLists],
    ['body', 'pure JS (date-fns-tz): Response.json', (s) => {
      const found = pureSlots(s).map((slots) => ({ slots }))
      return send(Response.json(found.length === 1 ? found[0] : found))
    }, slotsInBody],
    ['body', 'medsched: slotsJson(request, bookings)', (s) => send(respond(body(s.cases.map((c) => c.availability.slotsJson(s.request, c.occupancy))))), slotsInBody],
    ['body', 'medsched: slotsJsonAsync, in turn', async (s) => {
      const parts = []
      for (const c of s.cases) parts.push(await c.availability.slotsJsonAsync(s.request, c.occupancy))
      return send(respond(body(parts)))
    }, slotsInBody],
    ['body', 'medsched, prepared: slotsJson', (s) => send(respond(body(pairs.map(([a, o]) => a.slotsJson(s.request, o))))), slotsInBody],
    ['body', 'medsched, prepared: slotsJson, new Response', (s) => send(respondCopied(body(pairs.map(([a, o]) => a.slotsJson(s.request, o))))), slotsInBody],
    ['body', 'medsched, prepared: slotsForDoctorsJson', (s) => send(respond(sc.cases.length === 1 ? pairs[0][0].slotsJson(s.request, pairs[0][1]) : m.slotsForDoctorsJson(pairs, s.request))), slotsInBody],
  ]
}

const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`)
const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]

async function report(sc) {
  const bookings = sc.cases.reduce((n, c) => n + c.bookings.length, 0)
  console.log(`\n${sc.name}: ${sc.cases.length} doctor(s), ${bookings} bookings incl. holds`)
  const table = rows(sc)
  const counts = []
  for (const [, label, run, slotsOf] of table) {
    counts.push(await slotsOf(await run(sc)))
    if (counts.at(-1) !== counts[0]) throw new Error(`${label}: ${counts.at(-1)} slots, pure JS ${counts[0]}`)
  }
  // The rows take turns, one sample each, so that load on the machine falls on every row.
  const inner = []
  for (const [, , run] of table) inner.push(await calibrate(run, sc))
  const times = table.map(() => [])
  for (let round = 0; round < samples; round++) {
    for (let i = 0; i < table.length; i++) times[i].push(await timed(table[i][2], sc, inner[i]))
  }
  console.log(`  ${'handler'.padEnd(8)} ${'row'.padEnd(44)} ${'median'.padStart(10)} ${'min-max'.padStart(22)} ${'slots'.padStart(8)} ${'speed-up'.padStart(9)}`)
  const base = {}
  table.forEach(([handler, label], i) => {
    const t = { median: median(times[i]), min: Math.min(...times[i]), max: Math.max(...times[i]) }
    base[handler] = base[handler] ?? t
    const ratio = `${(base[handler].median / t.median).toFixed(1)}x`
    console.log(`  ${handler.padEnd(8)} ${label.padEnd(44)} ${fmt(t.median).padStart(10)} ${`${fmt(t.min)} - ${fmt(t.max)}`.padStart(22)} ${String(counts[i]).padStart(8)} ${ratio.padStart(9)}`)
  })
  console.log(`  ${'(once)'.padEnd(8)} ${'compile every Availability'.padEnd(44)} ${fmt(sc.compileMs).padStart(10)}`)
}

async function main() {
  const load = require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')
  console.log(`Node ${process.version} (${process.arch}), ${samples} sample(s) per row, ${clock} clock, load ${load}; speed-up = pure-JS median / row median`)
  if (only === null || only === 'a') await report(scenarioA())
  if (only === null || only === 'b') await report(scenarioB(doctorsB))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
