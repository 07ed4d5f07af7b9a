// The typed surface: `tsc --noEmit` over a typed usage sample, and the generated files
// (types.d.ts and types/, dates.js) up to date with the JSON Schema.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8' })

test('tsc --noEmit accepts the typed sample', () => {
  const tsc = run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '__test__/typed/tsconfig.json'])
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
})

test('types.d.ts, types/ and dates.js match the JSON Schema', () => {
  const check = run(process.execPath, ['scripts/generate.js', '--check'])
  assert.equal(check.status, 0, check.stderr)
})

test('the npm package ships every file index.js and index.d.ts need', () => {
  const pack = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'])
  assert.equal(pack.status, 0, pack.stderr)
  const files = new Set(JSON.parse(pack.stdout)[0].files.map((f) => f.path))
  const lib = ['errors', 'values', 'slots', 'stores', 'bookings', 'tokens', 'clinic_ops', 'analytics', 'interop', 'response'].map((name) => `lib/${name}.js`)
  const types = fs.readdirSync(path.join(root, 'types')).map((name) => `types/${name}`)
  for (const file of ['index.js', ...lib, 'index.d.ts', 'types.d.ts', ...types, 'dates.js', 'native.js', 'native.d.ts', 'package.json']) {
    assert.ok(files.has(file), `${file} is not in the package`)
  }
})
