// One Node worker of the PostgreSQL test: books what it is told through a JavaScript store
// on the shared database and reports each outcome.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const m = require('..')
const w = require('./world.js')
const { PgStore } = require('../examples/pg-store.js')

async function main() {
  const { url, tenant, worker, attempts } = workerData
  const store = new PgStore(url, { max: 2 })
  const schedule = new m.Schedule({ tenant, clinic: w.clinic(), calendars: w.calendars(), appointmentTypes: w.types() })
  const bookings = new m.Bookings(store)
  const outcomes = await Promise.all(
    attempts.map(async ({ id, start }) => {
      try {
        await bookings.bookAsync(schedule, { kind: 'patient', id: `p-${worker}-${id}` }, w.NOW, w.bookRequest(id, start, 'dr-c', `p-${worker}-${id}`))
        return 'booked'
      } catch (error) {
        return error.code ?? String(error)
      }
    }),
  )
  await store.close()
  parentPort.postMessage(outcomes)
}

main().catch((error) => parentPort.postMessage([String(error)]))
