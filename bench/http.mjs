// HTTP benchmark: Express, Fastify and Koa, bare and with keyward, and popular peers, driven by
// autocannon in this process while each server runs in its own child process (bench/http-server.mjs).
// Variants of one framework take turns (A B C ... then B C ... A) over several rounds; every figure
// is compared with the bare framework of the same round. Writes the `http` block of
// bench/RESULTS.md and the `http` entry of bench/results.json. `--quick` for a short run.
import crypto from 'node:crypto';
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import * as lib from './lib.mjs';
import { outFile, PREFIX, QUICK } from './lib.mjs';

const ROUNDS = QUICK ? 2 : 8;
const SECONDS = QUICK ? 1 : 2;
const WARMUP_SECONDS = QUICK ? 1 : 2;
const CONNECTIONS = 10;
const DISTINCT_REQUESTS = 1_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A well-formed-looking key: right prefix, length and alphabet, random characters (its checksum fails). */
const randomKey = () => PREFIX + Array.from(crypto.randomBytes(36), (b) => BASE62[b % 62]).join('');

// What each variant's client sends. Bare frameworks get the same X-API-Key header, ignored, so
// that every server parses requests of the same size.
const send = {
  apiKey: (c) => ({ 'x-api-key': c.key }),
  bearer: (c) => ({ authorization: `Bearer ${c.key}` }),
  jwt: (c) => ({ authorization: `Bearer ${c.jwt}` }),
  flood: () => ({ 'x-api-key': randomKey() }),
};
// The framework's cost of any async auth step: reads the X-API-Key header, awaits a resolved
// promise, attaches a fixed principal (and, on Express and Koa, passes one more no-op middleware,
// where the scope guard sits). keyward minus this is keyward's own work.
const noopVariant = (framework) => ({ id: 'noop-auth', name: `${framework}, no-op auth step of the same shape (reads the header, awaits, attaches a principal)`, headers: send.apiKey, status: 200 });
const keywardVariants = [
  { id: 'keyward', name: 'keyward, `X-API-Key`, cache hit + scope check', headers: send.apiKey, status: 200 },
  { id: 'keyward-bearer', name: 'keyward, `Authorization: Bearer`, cache hit + scope check', headers: send.bearer, status: 200 },
  { id: 'keyward-flood', name: 'keyward, flood of random wrong keys (right prefix and length)', headers: send.flood, status: 401 },
];
const FRAMEWORKS = {
  express: [
    { id: 'bare', name: 'Express, no auth', headers: send.apiKey, status: 200 },
    noopVariant('Express'),
    ...keywardVariants,
    { id: 'passport', name: 'passport + passport-headerapikey (`X-API-Key`)', headers: send.apiKey, status: 200, peer: true },
    { id: 'express-jwt', name: 'express-jwt (HS256, KeyObject secret)', headers: send.jwt, status: 200, peer: true },
  ],
  fastify: [
    { id: 'bare', name: 'Fastify, no auth', headers: send.apiKey, status: 200 },
    noopVariant('Fastify'),
    ...keywardVariants,
    { id: 'bearer-auth', name: '@fastify/bearer-auth (`Authorization: Bearer`)', headers: send.bearer, status: 200, peer: true },
  ],
  koa: [
    { id: 'bare', name: 'Koa, no auth', headers: send.apiKey, status: 200 },
    noopVariant('Koa'),
    ...keywardVariants,
    { id: 'koa-jwt', name: 'koa-jwt (HS256)', headers: send.jwt, status: 200, peer: true },
  ],
};
const only = process.argv.find((a) => a.startsWith('--frameworks='))?.slice(13).split(',');

/**
 * Start one server process, trying again a few times: other engineers rebuild packages while the
 * bench runs, and a dist folder can be missing for a few seconds.
 */
async function startServer(framework, variant) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(framework, variant);
    } catch (error) {
      if (attempt === 4) throw error;
      console.log(`  ${error.message}; retrying in 5 s`);
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

/** Start one server process; resolves with its port, credentials, and a `mark()` for CPU and store calls. */
function startServerOnce(framework, variant) {
  const serverVariant = variant.startsWith('keyward') ? 'keyward' : variant;
  const child = fork(outFile('http-server.mjs'), [framework, serverVariant], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${framework}/${variant} server exited (${code})`)));
    child.on('message', (m) => {
      if (m.type === 'ready') {
        resolve({
          ...m,
          child,
          mark: () => new Promise((r) => {
            waiting.set(++seq, r);
            child.send({ type: 'mark', id: seq });
          }),
          stop: () => new Promise((r) => {
            child.removeAllListeners('exit');
            child.once('exit', r);
            child.send({ type: 'stop' });
          }),
        });
      } else if (m.type === 'mark') {
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    });
  });
}

/** One autocannon run against `server`, with the server's CPU time over the same window. */
async function drive(server, variant, seconds) {
  const requests = Array.from({ length: DISTINCT_REQUESTS }, () => ({ method: 'GET', path: '/bench', headers: variant.headers(server.credentials) }));
  const before = await server.mark();
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}`, connections: CONNECTIONS, pipelining: 1, duration: seconds, requests });
  const after = await server.mark();
  const total = result.requests.total;
  const expected = result.statusCodeStats[variant.status]?.count ?? 0;
  if (result.errors > 0 || result.timeouts > 0 || expected !== total) {
    throw new Error(`${variant.id}: ${total} responses, ${expected} with status ${variant.status}, ${result.errors} errors, ${result.timeouts} timeouts (${JSON.stringify(result.statusCodeStats)})`);
  }
  const cpuMicros = after.cpuMicros - before.cpuMicros;
  return {
    rps: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: total,
    serverCpuMicrosPerRequest: cpuMicros / total,
    serverUserMicrosPerRequest: (after.userMicros - before.userMicros) / total,
    serverCpuShare: cpuMicros / 1e6 / result.duration,
    findByHash: after.findByHash - before.findByHash,
  };
}

const median = (xs) => lib.summarize(xs).median;

async function benchFramework(framework) {
  const variants = FRAMEWORKS[framework];
  console.log(`${framework}: starting ${variants.length} servers`);
  const servers = {};
  for (const v of variants) servers[v.id] = await startServer(framework, v.id);
  const lookupsAtStart = Object.fromEntries(await Promise.all(variants.map(async (v) => [v.id, (await servers[v.id].mark()).findByHash])));
  for (const v of variants) await drive(servers[v.id], v, WARMUP_SECONDS);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {};
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(r + k) % variants.length];
      round[v.id] = await drive(servers[v.id], v, SECONDS);
    }
    rounds.push(round);
    console.log(`  ${framework} round ${r + 1}/${ROUNDS}: ${variants.map((v) => `${v.id} ${Math.round(round[v.id].rps)}`).join(', ')}`);
  }
  const rows = [];
  for (const v of variants) {
    const samples = rounds.map((round) => round[v.id]);
    const end = await servers[v.id].mark();
    rows.push({
      id: v.id,
      name: v.name,
      peer: v.peer === true,
      wiring: servers[v.id].wiring,
      rps: median(samples.map((s) => s.rps)),
      ratioToBare: median(rounds.map((round) => round[v.id].rps / round.bare.rps)),
      ratioToKeyward: median(rounds.map((round) => round[v.id].rps / round.keyward.rps)),
      cpuRatioToBare: median(rounds.map((round) => round.bare.serverCpuMicrosPerRequest / round[v.id].serverCpuMicrosPerRequest)),
      cpuRatioToKeyward: median(rounds.map((round) => round.keyward.serverCpuMicrosPerRequest / round[v.id].serverCpuMicrosPerRequest)),
      p50: median(samples.map((s) => s.p50)),
      p99: median(samples.map((s) => s.p99)),
      serverCpuMicrosPerRequest: median(samples.map((s) => s.serverCpuMicrosPerRequest)),
      serverUserMicrosPerRequest: median(samples.map((s) => s.serverUserMicrosPerRequest)),
      userMicrosOverBare: median(rounds.map((round) => round[v.id].serverUserMicrosPerRequest - round.bare.serverUserMicrosPerRequest)),
      serverCpuShare: median(samples.map((s) => s.serverCpuShare)),
      requests: samples.reduce((n, s) => n + s.requests, 0),
      storeLookups: v.id.startsWith('keyward') ? end.findByHash - lookupsAtStart[v.id] : null,
      rounds: samples,
    });
  }
  for (const v of variants) await servers[v.id].stop();
  return rows;
}

const startMachine = lib.machineInfo();
const frameworks = Object.keys(FRAMEWORKS).filter((f) => only === undefined || only.includes(f));
console.log(`keyward HTTP bench: ${frameworks.join(', ')}; ${ROUNDS} rounds × ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections`);
const results = {};
for (const f of frameworks) results[f] = await benchFramework(f);

// ---- Targets and report ------------------------------------------------------------------------
const TITLE = { express: 'Express 5', fastify: 'Fastify 5', koa: 'Koa 3' };
const pct = (x) => `${x.toFixed(3)}×`;
const mark = (ok) => (ok ? '✅' : '❌');
const targets = [];
for (const f of frameworks) {
  const by = Object.fromEntries(results[f].map((r) => [r.id, r]));
  const kw = by.keyward;
  const peers = results[f].filter((r) => r.peer);
  targets.push({ id: `${f}-vs-bare`, text: `${TITLE[f]}: keyward (cache hit + scope) ≥ 0.95× bare`, met: kw.ratioToBare >= 0.95, measured: `${pct(kw.ratioToBare)} req/s (CPU-cost ratio ${pct(kw.cpuRatioToBare)}; no-op auth step ${pct(by['noop-auth'].ratioToBare)})` });
  for (const p of peers) {
    targets.push({ id: `${f}-vs-${p.id}`, text: `${TITLE[f]}: keyward ahead of ${p.id}`, met: kw.ratioToBare > p.ratioToBare, measured: `keyward ${pct(kw.ratioToBare)} vs ${pct(p.ratioToBare)} of bare` });
  }
  const flood = by['keyward-flood'];
  targets.push({ id: `${f}-flood-lookups`, text: `${TITLE[f]}: flood causes 0 store lookups`, met: flood.storeLookups === 0, measured: `${flood.storeLookups} lookups for ${flood.requests.toLocaleString('en-US')} requests` });
  targets.push({ id: `${f}-flood-throughput`, text: `${TITLE[f]}: flood throughput ≥ 0.95× valid-key run`, met: flood.ratioToKeyward >= 0.95, measured: `${pct(flood.ratioToKeyward)} req/s (CPU-cost ratio ${pct(flood.cpuRatioToKeyward)})` });
}

const machine = lib.machineInfo();
const date = new Date().toISOString();
const sections = frameworks.map((f) => {
  const rows = results[f].map((r) => [
    r.name, r.wiring === 'none' ? '—' : r.wiring, lib.fmtOps(r.rps), r.id === 'bare' ? '1' : pct(r.ratioToBare), `${r.p50} / ${r.p99}`,
    `${r.serverCpuMicrosPerRequest.toFixed(1)} (${r.serverUserMicrosPerRequest.toFixed(1)})`, r.id === 'bare' ? '—' : `${r.userMicrosOverBare >= 0 ? '+' : ''}${r.userMicrosOverBare.toFixed(1)}`, r.id === 'bare' ? '1' : pct(r.cpuRatioToBare), `${Math.round(r.serverCpuShare * 100)}%`, r.storeLookups === null ? '—' : String(r.storeLookups),
  ]);
  return `### ${TITLE[f]}\n\n${lib.table(['variant', 'keyward wired via', 'median req/s', 'req/s ratio to bare (median of rounds)', 'latency p50 / p99 (ms)', 'server CPU µs / request (of which user)', 'user CPU µs / request vs bare', 'CPU-cost ratio (bare ÷ variant)', 'server CPU use', 'store lookups (whole run)'], rows)}`;
});
const md = `## HTTP benchmark (\`bench/http.mjs\`)

- Date: ${date}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${lib.fmtGiB(machine.totalMemory)} RAM, ${machine.os}; Node ${machine.node}
- Before the run: ${lib.fmtLoad(startMachine)}; after: ${lib.fmtLoad(machine)}
- ${ROUNDS} rounds × ${SECONDS} s per variant after a ${WARMUP_SECONDS} s warm-up each; autocannon ${CONNECTIONS} connections, no pipelining${QUICK ? ' (**quick run**: too short to judge by)' : ''}

### Targets

${lib.table(['target', 'met?', 'measured'], targets.map((t) => [t.text, mark(t.met), t.measured]))}

${sections.join('\n\n')}

### How measured

Each variant is its own server process (\`bench/http-server.mjs\`) on 127.0.0.1, started once per framework; autocannon runs in the parent process. This machine has ${machine.cores} cores, so the load generator and the server under test each get about one core; the other servers of the framework are idle meanwhile. In each round every variant runs once for ${SECONDS} s, in an order rotated by one each round, and its req/s is divided by the bare framework's req/s of the same round; the table gives the median of those per-round ratios, and medians over rounds for the other columns. "Server CPU µs / request" is the server process's user + system CPU time (\`process.cpuUsage\`) over the run divided by the responses: it is the cost per request independent of what the load generator can push, and "CPU-cost ratio" is the bare server's CPU per request divided by the variant's (per round, median), i.e. the throughput ratio a saturated server would show. "Server CPU use" near 100% means the server, not autocannon, was the bottleneck; well below it, autocannon (sharing the machine's two cores with the server) was, and req/s ratios are pulled towards 1.

The "no-op auth step" variant has the shape of an auth middleware without doing any verification: it reads \`X-API-Key\`, awaits a resolved promise and attaches a fixed principal (on Express and Koa followed by one more pass-through middleware, where \`requireScopes\` sits). Its gap to the bare framework is what the framework charges for having an async auth step at all; keyward's gap to it is keyward's own work. "User CPU µs / request vs bare" is the per-round difference of the server's user CPU time per request (system time, mostly socket writes, is left out because it varies with the machine's load far more than with the variant).

All servers answer \`GET /bench\` with the same JSON body. The keyward servers use a \`MemoryKeyStore\` wrapped in \`createFaultyStore\` (which counts store calls), a 32-byte pepper, one key with scopes \`agents:run agents:read\`, and require \`agents:run\` on the route; "real adapter" means \`@keyward/<framework>\` from its built dist (\`apiKeyAuth\` + \`requireScopes\`, or the Fastify plugin with route \`config.scopes\`), "core stand-in" a few lines calling \`keyward.authenticate\` + \`compileScopes\` directly (used while an adapter was not built yet). The bare servers receive the same \`X-API-Key\` header and ignore it. Peers authenticate only, with no scope check: passport-headerapikey looks the key up in a \`Map\`, @fastify/bearer-auth compares against a one-key set, express-jwt and koa-jwt verify an HS256 JWT signed with jose. Every response is checked: valid-key runs must be 100% 200, the flood 100% 401, with no errors or timeouts. The flood sends ${DISTINCT_REQUESTS.toLocaleString('en-US')} distinct random keys per connection, each with the right prefix, length and alphabet (so they fail only at the checksum); the other runs cycle through ${DISTINCT_REQUESTS.toLocaleString('en-US')} prebuilt requests as well, so that autocannon does the same work in every run. "Store lookups" counts \`findByHash\` calls over the whole run, warm-up included (each keyward server authenticates its key once at start-up, before counting starts, so valid-key runs show one lookup each time the 30 s cache TTL runs out).
`;
lib.writeMarkdownSection(outFile('RESULTS.md'), 'http', 'keyward benchmarks', md);
lib.writeJsonSection(outFile('results.json'), 'http', { date, machine, quick: QUICK, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, targets, frameworks: results });
for (const t of targets) console.log(`${mark(t.met)} ${t.text}: ${t.measured}`);
console.log('wrote bench/RESULTS.md and bench/results.json');
