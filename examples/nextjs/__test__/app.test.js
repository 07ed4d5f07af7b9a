// The Next.js example end to end on a production server (`next start` of the built app, on
// a free loopback port): slots for a date, hold and book, the token desk, and the queue board
// page in headless Chromium (Debian's, driven by playwright-core) showing a token move when
// the desk calls the next patient.
'use strict'
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const net = require('node:net')
const path = require('node:path')
const { chromium } = require('playwright-core')

const root = path.resolve(__dirname, '..')
let server
let base

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}

before(async () => {
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      if ((await fetch(`${base}/`)).ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error('next start did not answer within 60 s')
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
})

after(() => server && server.kill())

const post = (route, body) =>
  fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** Tomorrow in Kochi (+05:30), as YYYY-MM-DD. */
const tomorrow = () => new Date(Date.now() + 5.5 * 3600e3 + 86400e3).toISOString().slice(0, 10)

test('slots for a date, hold one, book it: it is no longer offered', async () => {
  const date = tomorrow()
  const listing = await fetch(`${base}/api/slots?date=${date}`)
  assert.equal(listing.headers.get('content-type'), 'application/json')
  const text = await listing.text()
  assert.equal(listing.headers.get('content-length'), String(Buffer.byteLength(text)))
  const listed = JSON.parse(text)
  assert.equal(listed.slots.length, 16, 'four hours of 15-minute slots')
  assert.equal(listed.truncated, false)
  assert.match(listed.slots[0].start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/)
  const start = listed.slots[2].start
  const held = await post('/api/holds', { start, patient_id: 'pat-1', hold_id: 'h-1' })
  assert.equal(held.status, 201)
  const hold = (await held.json()).hold
  assert.equal(hold.status, 'held')
  const booked = await post('/api/bookings', { date, hold_id: hold.id, appointment_id: 'a-1', patient_id: 'pat-1' })
  assert.equal(booked.status, 201)
  assert.equal(Date.parse((await booked.json()).appointment.slot.start), Date.parse(start))
  const after = await (await fetch(`${base}/api/slots?date=${date}`)).json()
  assert.equal(after.slots.length, 15)
  assert.ok(!after.slots.some((s) => s.start === start))
  const again = await post('/api/holds', { start, patient_id: 'pat-2', hold_id: 'h-2' })
  assert.equal(again.status, 409)
  assert.equal((await again.json()).error.code, 'slot_unavailable')
  const bad = await fetch(`${base}/api/slots?date=someday`)
  assert.equal(bad.status, 400)
  assert.equal((await bad.json()).error.field, 'date')
})

test('the queue board shows a token move when the desk calls the next patient', async () => {
  const issued = []
  for (const patient of ['p-1', 'p-2', 'p-3']) issued.push((await (await post('/api/desk', { action: 'walk_in', patient_id: patient })).json()).token.number)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage()
    await page.goto(`${base}/board`)
    await page.waitForSelector('#line')
    assert.equal(await page.textContent('#line'), issued.join(' '))
    assert.equal(await page.textContent('#called'), '—')
    const called = await (await post('/api/desk', { action: 'call_next' })).json()
    assert.equal(called.token.number, issued[0])
    await page.waitForFunction((n) => document.querySelector('#called')?.textContent === String(n), issued[0], { timeout: 10_000 })
    const start = await post('/api/desk', { action: 'start', number: issued[0] })
    assert.equal(start.status, 200)
    await page.waitForFunction((rest) => document.querySelector('#line')?.textContent === rest, issued.slice(1).join(' '), { timeout: 10_000 })
  } finally {
    await browser.close()
  }
})
