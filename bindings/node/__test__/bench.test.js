// The benchmark's smoke mode: the pure-JavaScript slot search and every medsched row find
// the same slots on a small version of the benchmark's scenarios (the script checks the
// counts and exits non-zero when they differ). Speed is not asserted.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('bench/slots-vs-js.js --smoke: pure JS and medsched agree', () => {
  const run = spawnSync(process.execPath, ['bench/slots-vs-js.js', '--smoke'], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' })
  assert.equal(run.status, 0, run.stdout + run.stderr)
  assert.match(run.stdout, /\(a\) 1 doctor x 90 days/)
  assert.match(run.stdout, /\(b\) 12 doctors x 30 days/)
})
