// Stores: the native ones, and a store written in JavaScript as the native services call it.
'use strict'

const native = require('../native.js')
const { MedschedError, call, settle } = require('./errors.js')
const { json } = require('./values.js')
const { AssertionError } = require('node:assert')

/** A store kept on the native side (services over it never leave Rust). */
class NativeStore {
  constructor(handle = new native.NativeStore()) {
    this._native = handle
  }

  async load(stream) {
    const loaded = JSON.parse(call(() => this._native.load(json(stream))))
    return { version: loaded.version, events: loaded.events.map((e) => JSON.stringify(e)) }
  }

  async append(stream, expectedVersion, events) {
    return call(() => this._native.append(json(stream), expectedVersion, `[${events.join(',')}]`))
  }

  async feed(tenant, after, limit) {
    const entries = JSON.parse(call(() => this._native.feed(tenant, after, limit)))
    return entries.map((e) => ({ ...e, event: JSON.stringify(e.event) }))
  }
}

/** The core's in-memory store. */
class InMemoryStore extends NativeStore {}

/** The store at `url` (`memory:`, `sqlite:///path`, `sqlite::memory:`, `postgresql://…`),
 * migrated. */
function openStore(url) {
  return new NativeStore(call(() => native.NativeStore.open(url)))
}

async function openStoreAsync(url) {
  return new NativeStore(await settle(() => native.NativeStore.openAsync(url)))
}

/** What a store threw, for the native side. */
function thrown(error) {
  if (error instanceof MedschedError) return { ...error.report, name: error.name, message: error.message }
  const name = (error && error.name) || 'Error'
  return { name: String(name), message: String(error && error.message !== undefined ? error.message : error) }
}

/** A version or position a store returned: a non-negative integer, nothing else. */
function count(value, method) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${method}() must give versions and positions as integers >= 0, got ${value}`)
  }
  return value
}

function texts(events, method) {
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
    throw new TypeError(`${method}() must give events as an array of JSON texts`)
  }
  return events.join(',')
}

/** A store written in JavaScript as the native side calls it. */
function jsStore(store) {
  for (const method of ['load', 'append', 'feed']) {
    if (typeof store[method] !== 'function') {
      throw new TypeError(`store must be a NativeStore or have load, append and feed; it has no ${method}()`)
    }
  }
  const reply = async (work) => {
    try {
      return { ok: await work() }
    } catch (error) {
      return { error: JSON.stringify(thrown(error)) }
    }
  }
  return new native.JsStore(
    (request) =>
      reply(async () => {
        const { version, events } = await store.load(JSON.parse(request))
        return `{"version":${count(version, 'load')},"events":[${texts(events, 'load')}]}`
      }),
    (request) =>
      reply(async () => {
        const { stream, expected_version: expected, events } = JSON.parse(request)
        const texts = events.map((e) => JSON.stringify(e))
        return String(count(await store.append(stream, expected, texts), 'append'))
      }),
    (request) =>
      reply(async () => {
        const { tenant, after, limit } = JSON.parse(request)
        const entries = await store.feed(tenant, after, limit)
        const parts = entries.map(
          (e) =>
            `{"position":${count(e.position, 'feed')},"stream":${JSON.stringify(e.stream)},` +
            `"version":${count(e.version, 'feed')},"event":${texts([e.event], 'feed')}}`,
        )
        return `[${parts.join(',')}]`
      }),
  )
}

/** The native service over a store: native, or written in JavaScript. */
function service(Native, store, maxAttempts, ...more) {
  if (store instanceof NativeStore) return Native.native(store._native, maxAttempts, ...more)
  return Native.js(jsStore(store), maxAttempts, ...more)
}

/** Runs medsched-testkit's store checks on a store (Python's `check_event_store`): the
 * contract call by call, tenant isolation, tenant keys and, with `threads` of 2 or more
 * (at most 256), writers racing on one stream and the feed read while they commit. It
 * writes under tenants named `{tenantPrefix}-{run}-…`. Rejects with an `AssertionError`
 * naming the first breach. */
async function checkEventStore(store, { tenantPrefix = 'conformance', threads = 4 } = {}) {
  const target = store instanceof NativeStore ? store._native : jsStore(store)
  try {
    await settle(() => native.checkEventStore(target, tenantPrefix, threads))
  } catch (error) {
    if (error instanceof MedschedError) throw error
    throw new AssertionError({ message: error.message })
  }
}

module.exports = { NativeStore, InMemoryStore, openStore, openStoreAsync, checkEventStore, service }
