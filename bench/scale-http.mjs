// HTTP, re-based: `node bench/scale-http.mjs`. For Express, Fastify and Koa, the server's CPU time
// per request (process.cpuUsage in the server process ÷ requests served) of keyward's adapter
// (X-API-Key, cache hit + scope check) against a no-op auth step of the same shape (reads the
// header, awaits, attaches a principal), both under the same fixed request rate from this process
// (autocannon). Servers are bench/http-server.mjs. Then a CPU profile of each server under the same
// load (the load window only), summarised as where the time per request goes. Started by bench/scale.mjs.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { check, outFile, QUICK } from './lib.mjs';
import { report } from './scale-lib.mjs';

const RATE = 2_000; // what Express sustained here under other load; the same for every server and variant
const SECONDS = QUICK ? 1 : 5;
const ROUNDS = QUICK ? 1 : 4;
const WARMUP_SECONDS = QUICK ? 1 : 3;
const PROFILE_SECONDS = QUICK ? 1 : 6;
const CONNECTIONS = 20;
const VARIANTS = ['noop-auth', 'keyward'];
const TARGET_MICROS = 1.5;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kw-scale-http-'));

function startServer(framework, variant) {
  const child = fork(outFile('http-server.mjs'), [framework, variant], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  const ask = (message, reply) => new Promise((resolve) => {
    waiting.push({ reply, resolve });
    child.send(message);
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${framework}/${variant} server exited (${code})`)));
    child.on('message', (m) => {
      if (m.type === 'ready') {
        resolve({
          ...m,
          mark: () => ask({ type: 'mark', id: 0 }, 'mark'),
          profile: async (run, file) => {
            await ask({ type: 'profile-start', intervalMicros: 200 }, 'profile-started');
            const driven = await run();
            await ask({ type: 'profile-stop', file }, 'profile-stopped');
            return driven;
          },
          stop: () => new Promise((r) => {
            child.removeAllListeners('exit');
            child.once('exit', r);
            child.send({ type: 'stop' });
          }),
        });
      } else {
        const i = waiting.findIndex((w) => w.reply === m.type);
        if (i !== -1) waiting.splice(i, 1)[0].resolve(m);
      }
    });
  });
}

/** `seconds` of `RATE` requests per second; every answer must be a 200. */
async function drive(server, seconds) {
  const before = await server.mark();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/bench`, connections: CONNECTIONS, overallRate: RATE, duration: seconds,
    headers: { 'x-api-key': server.credentials.key },
  });
  const after = await server.mark();
  const total = result.requests.total;
  check(result.errors === 0 && result.timeouts === 0 && (result.statusCodeStats['200']?.count ?? 0) === total, `all ${total} answers are 200`);
  return { requests: total, rps: total / result.duration, cpuMicros: (after.cpuMicros - before.cpuMicros) / total, userMicros: (after.userMicros - before.userMicros) / total };
}

/**
 * Where a profile's CPU time went, per request: each sample is charged to the nearest frame of a
 * JavaScript file on its stack (built-ins it calls, like node:crypto's hash or zlib's crc32, are
 * charged to their caller), grouped as keyward (packages/*), bench server code, dependencies
 * (node_modules), node internals (only built-in frames), GC, program. The profiler's clock is wall
 * time (a descheduled thread still ages its sample), so the shares of the non-idle samples are
 * applied to the CPU time per request measured over the same window.
 */
function summarize(file, driven) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const kind = (url) => (url.includes('/node_modules/') ? 'dependencies' : url.includes('/packages/') ? 'keyward' : url.includes('/bench/') ? 'bench server code' : null);
  const owner = new Map();
  const ownerOf = (id) => {
    if (owner.has(id)) return owner.get(id);
    const { callFrame } = byId.get(id);
    let o;
    if (['(garbage collector)', '(idle)', '(program)'].includes(callFrame.functionName)) o = { kind: callFrame.functionName.slice(1, -1) };
    else if (kind(callFrame.url) !== null) o = { kind: kind(callFrame.url), fn: `${callFrame.functionName || '(anonymous)'} (${path.basename(path.dirname(path.dirname(callFrame.url)))}/${path.basename(callFrame.url)}:${callFrame.lineNumber + 1})` };
    else o = parent.has(id) ? ownerOf(parent.get(id)) : { kind: 'node internals' };
    if (o.kind === 'root') o = { kind: 'node internals' };
    owner.set(id, o);
    return o;
  };
  const kinds = {};
  const fns = {};
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const o = ownerOf(profile.samples[i]);
    if (o.kind === 'idle') continue;
    kinds[o.kind] = (kinds[o.kind] ?? 0) + dt;
    if (o.kind === 'keyward') fns[o.fn] = (fns[o.fn] ?? 0) + dt;
    busy += dt;
  }
  const perRequest = (us) => (us / busy) * driven.cpuMicros;
  return {
    requests: driven.requests, cpuMicros: driven.cpuMicros, samples: profile.samples.length,
    kinds: Object.fromEntries(Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, perRequest(us)])),
    topKeyward: Object.entries(fns).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([fn, us]) => ({ fn, microsPerRequest: perRequest(us) })),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const result = { rate: RATE, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, targetMicros: TARGET_MICROS, frameworks: {} };
try {
  for (const framework of ['express', 'fastify', 'koa']) {
    const servers = {};
    for (const v of VARIANTS) servers[v] = await startServer(framework, v);
    for (const v of VARIANTS) await drive(servers[v], WARMUP_SECONDS);
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = {};
      for (const v of r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) round[v] = await drive(servers[v], SECONDS);
      rounds.push(round);
    }
    const profiles = {};
    for (const v of VARIANTS) {
      const file = path.join(tmp, `${framework}-${v}.cpuprofile`);
      const driven = await servers[v].profile(() => drive(servers[v], PROFILE_SECONDS), file);
      profiles[v] = summarize(file, driven);
    }
    for (const v of VARIANTS) await servers[v].stop();
    const diff = median(rounds.map((r) => r.keyward.cpuMicros - r['noop-auth'].cpuMicros));
    const userDiff = median(rounds.map((r) => r.keyward.userMicros - r['noop-auth'].userMicros));
    result.frameworks[framework] = {
      wiring: servers.keyward.wiring, rounds,
      noopCpuMicros: median(rounds.map((r) => r['noop-auth'].cpuMicros)), keywardCpuMicros: median(rounds.map((r) => r.keyward.cpuMicros)),
      diffMicros: diff, userDiffMicros: userDiff, met: diff <= TARGET_MICROS, profiles,
    };
    console.log(`[scale-http] ${framework}: keyward − no-op = ${diff.toFixed(2)} µs CPU/request (user ${userDiff.toFixed(2)}); keyward code in the profile ${(profiles.keyward.kinds.keyward ?? 0).toFixed(2)} µs/request`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
report(result);
