// `pnpm bench --scale` (run by bench/run.mjs; or `node bench/scale.mjs`): the benchmarks at scale,
// each part in its own process: a million keys on PostgreSQL and on Redis (seeding, authenticate
// under Zipf and uniform load, lastUsedAt write amplification: bench/scale-keys.mjs), revocation
// fan-out to eight instances and cache resets after cut connections (bench/scale-fanout.mjs), cold
// start (bench/scale-cold.mjs) and HTTP CPU per request against a no-op auth step
// (bench/scale-http.mjs). Writes the `scale` block of bench/RESULTS.md and the `scale` entry of
// bench/results.json. `--quick` runs the same scripts small (10,000 keys, two instances, seconds
// per step) and writes its report to a temporary file instead: it checks that the scripts work.
// `--parts=keys-redis,cold,...` runs some parts only (a full run keeps the others' last results;
// `--parts=none` only renders the section again from results.json).
// Exits non-zero when a part failed.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as lib from './lib.mjs';
import { outFile, QUICK } from './lib.mjs';
import { renderScale } from './scale-report.mjs';

const PARTS = [
  { id: 'keys-postgres', script: 'scale-keys.mjs', args: ['postgres'] },
  { id: 'keys-redis', script: 'scale-keys.mjs', args: ['redis'] },
  { id: 'fanout-redis', script: 'scale-fanout.mjs', args: ['redis'] },
  { id: 'fanout-postgres', script: 'scale-fanout.mjs', args: ['postgres'] },
  { id: 'cold', script: 'scale-cold.mjs', args: [] },
  { id: 'http', script: 'scale-http.mjs', args: [] },
];
const only = process.argv.find((a) => a.startsWith('--parts='))?.slice(8).split(',');
const seed = crypto.randomBytes(16).toString('hex');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kw-scale-'));
const started = performance.now();
const startMachine = lib.machineInfo();
// A full run of some parts keeps the other parts' results of the last full run.
const last = only !== undefined && !QUICK && existsSync(outFile('results.json')) ? JSON.parse(readFileSync(outFile('results.json'), 'utf8')).scale : undefined;
const parts = Object.fromEntries(Object.entries(last?.parts ?? {}).map(([id, p]) => [id, { ranAt: last.date, ...p }]));
const failed = [];
for (const part of PARTS.filter((p) => only === undefined || only.includes(p.id))) {
  const out = path.join(tmp, `${part.id}.json`);
  console.log(`\n=== bench/${part.script} ${part.args.join(' ')}${QUICK ? ' --quick' : ''}`);
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [outFile(part.script), ...part.args, ...(QUICK ? ['--quick'] : [])], {
    stdio: 'inherit', env: { ...process.env, SCALE_SEED: seed, SCALE_RUN_ID: `${seed.slice(0, 6)}${part.id.slice(0, 2)}`, SCALE_OUT: out },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0 || !existsSync(out)) {
    failed.push(part.id);
    parts[part.id] = { failed: true, seconds };
    continue;
  }
  parts[part.id] = { ...JSON.parse(readFileSync(out, 'utf8')), seconds, ranAt: new Date().toISOString() };
}
rmSync(tmp, { recursive: true, force: true });

const minutes = (performance.now() - started) / 60_000;
const date = new Date().toISOString();
const { md, targets } = renderScale(parts, { date, minutes, quick: QUICK, startMachine, machine: lib.machineInfo(), failed });
if (QUICK) {
  const file = path.join(os.tmpdir(), 'keyward-scale-quick.md');
  writeFileSync(file, `${md}\n`);
  console.log(`\nquick run: report written to ${file} (bench/RESULTS.md left as is)`);
} else {
  lib.writeMarkdownSection(outFile('RESULTS.md'), 'scale', 'keyward benchmarks', md);
  lib.writeJsonSection(outFile('results.json'), 'scale', { date, quick: false, minutes, machine: lib.machineInfo(), targets, parts });
  console.log('\nwrote the scale section of bench/RESULTS.md and bench/results.json');
}
for (const t of targets) console.log(`${t.met === null ? '—' : t.met ? '✅' : '❌'} ${t.text}: ${t.measured}`);
console.log(`scale bench done in ${minutes.toFixed(1)} min${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`);
if (failed.length > 0) process.exitCode = 1;
