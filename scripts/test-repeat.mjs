#!/usr/bin/env node
// Runs the test suite N times in a row, the way CI does (.ci/run): the whole suite on the default server, then
// again on PostgreSQL 15 when its binaries are installed. Reports every failing test with how often it failed.
//
//   npm run test:repeat -- 5            five rounds
//   npm run test:repeat -- 5 test/faults.test.ts   five rounds of one file
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [countArg = '5', ...files] = process.argv.slice(2);
const rounds = Number(countArg);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`test:repeat: "${countArg}" is not a number of rounds. Usage: npm run test:repeat -- 5 [test files]`);
  process.exit(2);
}

const PG15 = '/usr/lib/postgresql/15/bin';
const passes = [{ name: 'default server', env: {} }];
if (fs.existsSync(path.join(PG15, 'postgres'))) passes.push({ name: 'PostgreSQL 15', env: { TEST_PG_BIN: PG15 } });

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-repeat-'));
/** "pass: file > test" -> times failed */
const failures = new Map();
const results = [];
for (let round = 1; round <= rounds; round++) {
  for (const pass of passes) {
    const out = path.join(dir, `round-${round}-${results.length}.json`);
    const started = Date.now();
    const run = spawnSync(
      'npx',
      ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${out}`, ...files],
      {
        stdio: 'inherit',
        env: { ...process.env, ...pass.env },
      },
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    let failed = [];
    let total = 0;
    try {
      const report = JSON.parse(fs.readFileSync(out, 'utf8'));
      total = report.numTotalTests;
      for (const file of report.testResults) {
        for (const t of file.assertionResults) {
          if (t.status === 'failed') failed.push(`${path.relative(process.cwd(), file.name)} > ${t.fullName}`);
        }
        if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) {
          failed.push(
            `${path.relative(process.cwd(), file.name)} (the file itself: ${file.message ?? 'failed to run'})`,
          );
        }
      }
    } catch {
      failed = [`the run itself (exit ${run.status}, no report)`];
    }
    if (run.status !== 0 && failed.length === 0) failed = [`the run itself (exit ${run.status})`];
    for (const f of failed) failures.set(`${pass.name}: ${f}`, (failures.get(`${pass.name}: ${f}`) ?? 0) + 1);
    results.push({ round, pass: pass.name, ok: failed.length === 0, total, seconds });
    console.log(
      `\n=== round ${round}/${rounds}, ${pass.name}: ${failed.length === 0 ? 'passed' : `${failed.length} failed`} (${total} tests, ${seconds} s)\n`,
    );
  }
}
fs.rmSync(dir, { recursive: true, force: true });

console.log('\nRounds:');
for (const r of results)
  console.log(`  round ${r.round}, ${r.pass}: ${r.ok ? 'passed' : 'FAILED'} (${r.total} tests, ${r.seconds} s)`);
if (failures.size === 0) {
  console.log(`\nEvery test passed in all ${rounds} rounds.`);
} else {
  console.log('\nFailing tests (times failed):');
  for (const [name, n] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`  ${n}x  ${name}`);
  process.exit(1);
}
