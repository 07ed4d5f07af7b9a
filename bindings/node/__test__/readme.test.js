// The README's Node quick start runs as written: its ```js block, an ES module importing
// the package, prints what its comments say.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Quick start (Node.js)'))
const block = /```js\n([\s\S]*?)```/.exec(section)[1]

test('the README quick start runs and prints what it says', () => {
  const pkg = pathToFileURL(path.resolve(__dirname, '../index.js')).href
  assert.match(block, /from 'medsched'/)
  const source = block.replace("from 'medsched'", `from '${pkg}'`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsched-readme-'))
  const file = path.join(dir, 'quick-start.mjs')
  fs.writeFileSync(file, source)
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, CLINIC_DB: 'memory:' } })
  fs.rmSync(dir, { recursive: true })
  assert.equal(run.status, 0, run.stderr)
  const expected = [...block.matchAll(/console\.log\(.*\)\s+\/\/ (.*)/g)].map((m) => m[1])
  assert.deepEqual(run.stdout.trim().split('\n'), expected)
})
