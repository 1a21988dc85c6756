// Shared helpers of the benchmarks in bench/: timing rounds, statistics, machine facts, and the
// writers of bench/RESULTS.md and bench/results.json. Each benchmark script owns one section of
// each file (a marked block of RESULTS.md, a top-level key of results.json) and leaves the others.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** `--quick` (or BENCH_QUICK=1): a short run of whichever benchmark imports this, too short to judge by. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** The key prefix of every keyward instance in the benchmarks, load generator and servers alike. */
export const PREFIX = 'eck_live_';

/** The absolute path of `name` in bench/ (RESULTS.md, results.json, a script). */
export const outFile = (name) => fileURLToPath(new URL(name, import.meta.url));

/** Stops the benchmark when it would measure something else than it says (a failed insert, a wrong count). */
export function check(ok, what) {
  if (!ok) throw new Error(`bench sanity check failed: ${what}`);
}

/** Collected by every case so that no measured result is dead code. */
export const sink = { value: 0 };

/**
 * True when `gc()` is available. Otherwise re-runs the script at `scriptUrl` under `node --expose-gc`
 * (same flags and arguments), waits for it, takes its exit code and returns false: the caller stops.
 */
export async function ensureExposeGc(scriptUrl) {
  if (typeof globalThis.gc === 'function') return true;
  const { spawnSync } = await import('node:child_process');
  const args = ['--expose-gc', ...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
  return false;
}

/** The live heap in bytes, after full collections until it stops falling (at most six). */
export function settledHeap() {
  globalThis.gc();
  let used = process.memoryUsage().heapUsed;
  for (let i = 1; i < 6; i++) {
    globalThis.gc();
    const next = process.memoryUsage().heapUsed;
    const settled = used - next < 64 * 1024;
    used = Math.min(used, next);
    if (settled) break;
  }
  return used;
}

/**
 * Warm every case up, then run `rounds` rounds; each round runs every case once (one batch of
 * `case.iterations` calls), starting with a different case each round so that no case always runs
 * right after the same neighbour. A full GC before each batch keeps one case's garbage out of the
 * next case's time. Each sample is the batch's wall time divided by its iterations (ns/op).
 */
export async function runRounds(cases, { rounds, log = console.log }) {
  for (const c of cases) {
    c.samples = [];
    await c.run(c.warmup ?? Math.ceil(c.iterations / 4));
  }
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length];
      globalThis.gc?.();
      const t0 = process.hrtime.bigint();
      await c.run(c.iterations);
      const elapsed = process.hrtime.bigint() - t0;
      c.samples.push(Number(elapsed) / c.iterations);
    }
    log(`  round ${r + 1}/${rounds} done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  }
  return cases.map((c) => ({ ...summarize(c.samples), id: c.id, name: c.name, iterations: c.iterations }));
}

/** Median, min and max of samples (ns/op), and the median as ops/s. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], opsPerSec: 1e9 / median, samples };
}

/** Where and on what the numbers were taken. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemory: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    /** 1, 5 and 15 minute load averages when read: above the core count, other work competed. */
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const fmtNs = (ns) => (ns >= 100 ? Math.round(ns).toLocaleString('en-US') : ns.toFixed(1));
export const fmtOps = (ops) => Math.round(ops).toLocaleString('en-US');
export const fmtBytes = (b) => (Math.abs(b) >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(1)} MiB` : `${Math.round(b).toLocaleString('en-US')} B`);
export const fmtGiB = (b) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
export const fmtLoad = (m) => `load average ${m.loadavg.join(' / ')} (1 / 5 / 15 min) on ${m.cores} cores`;

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replace this benchmark's block of RESULTS.md (between `<!-- name:start -->` and
 * `<!-- name:end -->`), appending it when absent (or, with `first`, putting it before every other
 * block); the rest of the file is kept.
 */
export function writeMarkdownSection(file, name, title, body, { first = false } = {}) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  let text = readOr(file, `# ${title}\n\nGenerated by the scripts in \`bench/\` (\`pnpm bench\`); do not edit by hand.\n`);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const firstBlock = text.indexOf('<!-- ');
  if (from !== -1 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else if (first && firstBlock !== -1) text = `${text.slice(0, firstBlock)}${block}\n\n${text.slice(firstBlock)}`;
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/** Set `results.json[name]`, keeping the other benchmarks' entries. */
export function writeJsonSection(file, name, value) {
  let all = {};
  try {
    all = JSON.parse(readOr(file, '{}'));
  } catch {
    all = {};
  }
  all[name] = value;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

function readOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
