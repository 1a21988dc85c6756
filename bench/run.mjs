// `pnpm bench`: runs every benchmark of bench/ one after the other (each in its own process, so
// none inherits another's heap or JIT state), then writes the summary of targets at the top of
// bench/RESULTS.md from bench/results.json. Arguments are passed on: `pnpm bench --quick` for a
// short run (also BENCH_QUICK=1); `--only=core,http,stores,ratelimit` to run some of them (`--only=` runs
// none and only rewrites the summary from results.json). `pnpm bench --scale` runs the benchmarks
// at scale instead (bench/scale.mjs, about 15 minutes), then the summary; `--scale --quick` runs them
// small and writes neither RESULTS.md nor results.json (CI runs it after the tests).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as lib from './lib.mjs';
import { outFile } from './lib.mjs';

const SCALE = process.argv.includes('--scale');
if (SCALE) {
  const child = spawnSync(process.execPath, [outFile('scale.mjs'), ...process.argv.slice(2).filter((a) => a !== '--scale')], { stdio: 'inherit' });
  if (child.status !== 0 || lib.QUICK) process.exit(child.status ?? 1);
}
const SCRIPTS = ['core', 'http', 'stores', 'ratelimit'];
const args = process.argv.slice(2).filter((a) => !a.startsWith('--only=') && a !== '--scale' && !a.startsWith('--parts='));
const only = SCALE ? [] : process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? SCRIPTS;
const started = performance.now();
const failed = [];
const ran = SCRIPTS.filter((s) => only.includes(s));
for (const name of ran) {
  console.log(`\n=== bench/${name}.mjs ${args.join(' ')}`);
  const child = spawnSync(process.execPath, [outFile(`${name}.mjs`), ...args], { stdio: 'inherit' });
  if (child.status !== 0) failed.push(name);
}

// ---- Summary -----------------------------------------------------------------------------------
const all = JSON.parse(readFileSync(outFile('results.json'), 'utf8'));
const mark = (met) => (met === null || met === undefined ? '— not measured' : met ? '✅' : '❌');
const rows = [];
const from = (section) => (all[section] === undefined ? '' : ` (${section}, ${all[section].date.slice(0, 16).replace('T', ' ')} UTC${all[section].quick ? ', quick run' : ''})`);
if (all.core !== undefined) {
  for (const c of all.core.cases.filter((x) => x.target !== null)) {
    const measured = c.target.includes('lookups') ? `${all.core.badChecksumKeys.storeLookups} lookups` : `${lib.fmtNs(c.median)} ns median`;
    rows.push([`core: ${c.name}: ${c.target}`, mark(c.met), measured + from('core')]);
  }
  const m = all.core.memory;
  rows.push([`core: heap per cached principal at ${m.keys.toLocaleString('en-US')} entries ≤ 1 KB`, mark(m.met), `${lib.fmtBytes(m.memoryKeyStore.perEntry)} (fresh records like a networked store: ${lib.fmtBytes(m.freshRecords.perEntry)})${from('core')}`]);
}
for (const section of ['http', 'stores', 'ratelimit', 'scale']) {
  for (const t of all[section]?.targets ?? []) rows.push([`${section}: ${t.text}`, mark(t.met), t.measured + from(section)]);
}
const wiring = [];
for (const [framework, variants] of Object.entries(all.http?.frameworks ?? {})) {
  const kw = variants.find((v) => v.id === 'keyward');
  if (kw !== undefined) wiring.push(`${framework}: ${kw.wiring}`);
}
const stores = (all.stores?.stores ?? []).map((s) => `${s.id}: ${s.skipped === undefined ? 'measured' : `skipped (${s.skipped})`}`);
const machine = lib.machineInfo();
const missed = rows.filter((r) => r[1] === '❌').length;
const md = `## Summary

- Written: ${new Date().toISOString()} by \`pnpm bench\`${ran.length > 0 ? ` (${ran.join(', ')}: ${((performance.now() - started) / 60_000).toFixed(1)} min)` : ' from the results.json of the runs dated in the table'}${failed.length > 0 ? `; **failed: ${failed.join(', ')}**` : ''}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${lib.fmtGiB(machine.totalMemory)} RAM, ${machine.os}; Node ${machine.node}; ${lib.fmtLoad(machine)} at the end. Two cores: in the HTTP runs the load generator and the server under test get one core each; other work on the machine shows up as noise, so compare figures within one run.
- keyward in the HTTP runs: ${wiring.length > 0 ? wiring.join('; ') : 'not run'}. Stores: ${stores.length > 0 ? stores.join('; ') : 'not run'}.
- Run with \`pnpm bench\` (builds, then about 7 minutes), \`pnpm bench --quick\` (about 2 minutes, too short to judge by), \`node bench/run.mjs --only=stores\`, or \`pnpm bench --scale\` for the runs at scale (a million keys, eight instances, cold start, HTTP CPU per request; about 15 minutes); PostgreSQL and Redis from \`DATABASE_URL\` / \`REDIS_URL\` (default: the local servers).
- ${rows.length} targets, ${missed} missed. Each section below says how it was measured; missed targets are discussed under "Findings".

${lib.table(['target', 'met?', 'measured'], rows)}
`;
lib.writeMarkdownSection(outFile('RESULTS.md'), 'summary', 'keyward benchmarks', md, { first: true });
// The analysis of missed targets (profiles, causes) is written by hand in bench/findings.md.
if (existsSync(outFile('findings.md'))) lib.writeMarkdownSection(outFile('RESULTS.md'), 'findings', 'keyward benchmarks', readFileSync(outFile('findings.md'), 'utf8'));
console.log(`\nbench done in ${((performance.now() - started) / 60_000).toFixed(1)} min; ${missed} of ${rows.length} targets missed; summary written to bench/RESULTS.md`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
