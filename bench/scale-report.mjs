// The `scale` block of bench/RESULTS.md and its targets, from the results of the parts of
// bench/scale.mjs (a part that failed or did not run is shown as such).
import * as lib from './lib.mjs';

const ms = (x) => (x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
const pct = (x) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%`;
const n = (x) => Math.round(x).toLocaleString('en-US');
const STORE = { postgres: 'PostgreSQL', redis: 'Redis' };
const missing = (p) => (p === undefined ? 'not run' : 'failed (see the log)');

/** Targets of the run: `met` is null when the part did not run. */
function targets(parts) {
  const out = [];
  for (const s of ['postgres', 'redis']) {
    const p = parts[`keys-${s}`];
    const run = p?.runs?.find((r) => r.dist === 'zipf' && r.cacheMax === p.keys / 10);
    const label = p?.keys === undefined ? '' : ` (${n(p.keys)} keys, cache ${n(p.keys / 10)})`;
    out.push({ text: `${STORE[s]}: Zipf(1.1)${label}: store round trips ≤ 5% of decisions`, met: run ? run.roundTripShare <= 0.05 : null, measured: run ? `${pct(run.roundTripShare)} (lookups ${pct(run.lookupShare)}; best any cache of that size could do: ${pct(run.idealMissRatio)})` : missing(p) });
    out.push({ text: `${STORE[s]}: Zipf(1.1)${label}: authenticate p99 ≤ 2 ms`, met: run ? run.latency.p99 <= 2 : null, measured: run ? `${ms(run.latency.p99)} ms (p50 ${ms(run.latency.p50)} ms)` : missing(p) });
  }
  for (const s of ['redis', 'postgres']) {
    const p = parts[`fanout-${s}`];
    const ok = p?.drop !== undefined;
    out.push({ text: `${STORE[s]}: revocation reaches all ${p?.instances ?? 8} instances: p99 ≤ 100 ms, max ≤ 250 ms`, met: ok ? p.drop.p99 <= 100 && p.drop.max <= 250 : null, measured: ok ? `p99 ${ms(p.drop.p99)} ms, max ${ms(p.drop.max)} ms (cache dropped); first revoked_api_key answer p99 ${ms(p.answer.p99)} ms` : missing(p) });
  }
  const h = parts.http;
  for (const f of ['express', 'fastify', 'koa']) {
    const r = h?.frameworks?.[f];
    out.push({ text: `HTTP ${f}: server CPU per request, keyward − no-op auth ≤ 1.5 µs`, met: r ? r.met : null, measured: r ? `${r.diffMicros >= 0 ? '+' : ''}${r.diffMicros.toFixed(2)} µs (${r.noopCpuMicros.toFixed(1)} → ${r.keywardCpuMicros.toFixed(1)} µs)` : missing(h) });
  }
  return out;
}

export function renderScale(parts, { date, minutes, quick, startMachine, machine, failed }) {
  const t = targets(parts);
  const mark = (met) => (met === null ? '— not measured' : met ? '✅' : '❌');
  const keysParts = ['postgres', 'redis'].map((s) => [s, parts[`keys-${s}`]]);
  const seedRows = keysParts.map(([s, p]) => (p?.size === undefined ? [STORE[s], missing(p), '', '', '', '']
    : [STORE[s], n(p.keys), `${p.seedSeconds.toFixed(1)} s (${n(p.keys / p.seedSeconds)} keys/s)`, `${n(p.size.bytesPerKey)} B`,
      s === 'postgres' ? `heap table alone ${n(p.size.heapBytesPerKey)} B/key; total ${lib.fmtBytes(p.size.bytes)}` : `\`INFO\` used_memory delta ${n(p.size.infoBytesPerKey)} B/key`, p.size.how]));
  const authRows = [];
  for (const [s, p] of keysParts) {
    for (const r of p?.runs ?? []) {
      authRows.push([STORE[s], r.dist === 'zipf' ? 'Zipf(1.1)' : 'uniform', n(r.cacheMax), n(r.decisionsPerSec), `${ms(r.latency.p50)} / ${ms(r.latency.p99)} / ${ms(r.latency.max)}`,
        pct(r.hitRatio), pct(r.idealMissRatio), `${n(r.roundTripsPerSec)} (${pct(r.roundTripShare)})`, lib.fmtBytes(r.cacheHeap), lib.fmtBytes(r.heapUsed)]);
    }
  }
  const usageRows = keysParts.map(([s, p]) => {
    const u = p?.usage;
    if (u === undefined) return [STORE[s], missing(p), '', '', '', '', ''];
    return [STORE[s], `${n(u.authPerSec)} over ${n(u.keys)} keys, ${u.seconds.toFixed(0)} s`, `${u.writeCallsPerSec.toFixed(1)}${s === 'redis' ? ` (${u.redisScriptsPerSec.toFixed(1)} script calls/s)` : ''}${u.failedWritesTotal ? `; **${u.failedWritesTotal} failed**` : ''}`,
      `${n(u.rowsPerCall)} (max ${n(u.maxRowsPerCall)})`, `${n(u.rowsPerSec)} (${u.rowsPerUse.toFixed(2)} per use)`, `${ms(u.writeMs.p50)} / ${ms(u.writeMs.p99)}`, `${ms(u.lagMs.p50)} / ${ms(u.lagMs.p99)} / ${ms(u.lagMs.max)}${u.unwritten ? `; **${n(u.unwritten)} of ${n(u.uses)} uses never written** (${u.writeError})` : ''}${u.readBackSet === undefined ? '' : `; read back: lastUsedAt set on ${u.readBackSet} of ${u.readBackOf} sampled keys`}`];
  });
  const fanRows = ['redis', 'postgres'].map((s) => {
    const p = parts[`fanout-${s}`];
    if (p?.drop === undefined) return [STORE[s], missing(p), '', '', '', '', ''];
    return [STORE[s], `${p.instances} × ${p.revocations}`, `${ms(p.drop.p50)} / ${ms(p.drop.p99)} / ${ms(p.drop.max)}`, `${ms(p.answer.p50)} / ${ms(p.answer.p99)} / ${ms(p.answer.max)}`,
      ms(p.revokeCall.p50), String(p.notWithinLimit), `${p.gaps} cuts: reset ${ms(p.reset.p50)} / ${ms(p.reset.max)}, serving ${ms(p.recovered.p50)} / ${ms(p.recovered.max)}${p.missingResets ? `, **${p.missingResets} resets missing**` : ''}`];
  });
  const c = parts.cold;
  const coldRows = c?.stores === undefined ? [['—', missing(c), '', '', '', '']] : Object.entries(c.stores).map(([s, r]) => [s, ms(r.wall.p50), ms(r.wall.max), ms(r.loadedMs), ms(r.createdMs), ms(r.answeredMs)]);
  const h = parts.http;
  const httpRows = [];
  const profileRows = [];
  for (const [f, r] of Object.entries(h?.frameworks ?? {})) {
    httpRows.push([f, r.wiring, r.noopCpuMicros.toFixed(1), r.keywardCpuMicros.toFixed(1), `${r.diffMicros.toFixed(2)} (user ${r.userDiffMicros.toFixed(2)})`, r.met ? 'yes' : '**no**']);
    const kinds = new Set([...Object.keys(r.profiles['noop-auth'].kinds), ...Object.keys(r.profiles.keyward.kinds)]);
    for (const k of kinds) profileRows.push([f, k, (r.profiles['noop-auth'].kinds[k] ?? 0).toFixed(2), (r.profiles.keyward.kinds[k] ?? 0).toFixed(2)]);
    profileRows.push([f, '**total CPU µs / request in the profiled window**', r.profiles['noop-auth'].cpuMicros.toFixed(2), r.profiles.keyward.cpuMicros.toFixed(2)]);
  }
  const topRows = Object.entries(h?.frameworks ?? {}).flatMap(([f, r]) => r.profiles.keyward.topKeyward.slice(0, 6).map((x) => [f, `\`${x.fn}\``, x.microsPerRequest.toFixed(2)]));
  const k0 = keysParts.find(([, p]) => p?.keys !== undefined)?.[1];
  const md = `## At scale (\`bench/scale.mjs\`, \`pnpm bench --scale\`)

- Date: ${date}; ${minutes >= 0.05 ? `${minutes.toFixed(1)} min` : 'rendered again from results.json'}${quick ? ' (**quick run**: scripts checked, figures not to be judged)' : ''}${failed.length > 0 ? `; **failed parts: ${failed.join(', ')}**` : ''}
- Parts from the runs ending at (UTC): ${Object.entries(parts).map(([id, p]) => `${id} ${p.ranAt ? p.ranAt.slice(11, 16) : '—'}`).join(', ')}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${lib.fmtGiB(machine.totalMemory)} RAM, ${machine.os}; Node ${machine.node}
- Before: ${lib.fmtLoad(startMachine)}; after: ${lib.fmtLoad(machine)}. Other work shared the machine: compare figures within a table, not across runs.

### Targets

${lib.table(['target', 'met?', 'measured'], t.map((x) => [x.text, mark(x.met), x.measured]))}

### 1. ${k0 ? n(k0.keys) : 'A million'} keys in the store

${lib.table(['store', 'keys', 'seeding', 'bytes / key', 'besides', 'how'], seedRows)}

\`keyward.authenticate\` (core, no HTTP), ${k0?.concurrency ?? 16} decisions in flight, ${((k0?.measureMs ?? 0) / 1000).toFixed(0)} s measured after ${((k0?.warmupMs ?? 0) / 1000).toFixed(0)} s of warm-up per row:

${lib.table(['store', 'keys drawn', 'cache.max', 'decisions/s', 'latency p50 / p99 / max (ms)', 'cache hit ratio', 'lowest possible miss ratio', 'store round trips/s (of decisions)', 'heap of the cache', 'heapUsed'], authRows)}

### 2. lastUsedAt write amplification (default batching: one write per 30 s interval; early only past 100,000 pending keys)

${lib.table(['store', 'load', 'touchLastUsed calls/s', 'rows per call', 'rows written/s', 'write latency p50 / p99 (ms)', 'lag use → stored, p50 / p99 / max (ms)'], usageRows)}

### 3. Revocation fan-out and channel gaps

${lib.table(['store', 'instances × revocations', 'all caches dropped it: p50 / p99 / max (ms)', 'all answered revoked_api_key: p50 / p99 / max (ms)', '`revoke()` call p50 (ms)', 'not within 5 s', 'connections cut at the proxy (ms, p50 / max)'], fanRows)}

### 4. Cold start: process start → first authenticated answer (ms)

${lib.table(['store', 'median', 'max', 'modules loaded, store opened', 'keyward created', 'answered'], coldRows)}

The last three columns are medians of the child's own \`performance.now()\` (ms since its process started). A bare \`node\` start measured ${c?.nodeFloor ? `${ms(c.nodeFloor.p50)} ms` : '—'} (median).

### 5. HTTP: server CPU per request at a fixed rate, keyward vs a no-op auth step

${lib.table(['framework', 'keyward wired via', 'no-op auth µs / request', 'keyward µs / request', 'difference µs (median of rounds)', '≤ 1.5 µs?'], httpRows)}

Where the time goes (CPU profile of each server under the same load: shares of the busy samples applied to the CPU µs per request of that window; each sample charged to the nearest JavaScript frame, so node:crypto's hash and zlib's crc32 count for the keyward function calling them):

${lib.table(['framework', 'charged to', 'no-op auth', 'keyward'], profileRows)}

Top keyward functions (self time incl. the built-ins they call, µs per request):

${lib.table(['framework', 'function', 'µs / request'], topRows)}

### How measured

Each part runs in its own process, one after the other. Keys are minted in keyward's format (prefix, 30 base62 characters, CRC32 checksum) from the run's seed, so that every process derives the same keys without storing them; records are stored as keyward does (HMAC-SHA256 of the key with the run's pepper, pepper id "default"; 50 keys per owner, 2–3 scopes, 3 metadata fields).

1. Seeding: PostgreSQL through the real schema (\`PostgresKeyStore.migrate()\` in a table of the run's own, dropped afterwards) with multi-row \`INSERT … SELECT FROM unnest(…)\` of 5,000 rows, two in flight, then \`ANALYZE\`; Redis through \`RedisKeyStore.insert\` (its own script and encoding), 256 in flight, in a key prefix of the run's own (deleted afterwards). Each row starts a new keyward instance whose cache is first filled with the \`cache.max\` most popular keys (64 lookups in flight; for uniform draws, \`cache.max\` arbitrary keys), as a long-running instance would have it, then runs the warm-up and the measured window under the load. The driver wraps the store in a counter of the calls that reach it and runs ${k0?.concurrency ?? 16} loops, each awaiting one \`authenticate\` with a drawn key and then yielding one event-loop turn (as separate requests would); latency is the awaited call. Zipf(1.1): rank r drawn with probability ∝ (r+1)^-1.1 over all keys (hot keys spread over the key range); "lowest possible miss ratio" is the share of draws outside the \`cache.max\` hottest keys, which no cache of that size can serve. Default cache TTL (30 s: the pre-filled entries are still fresh in the measured window, so a steady state adds up to \`cache.max\` ÷ 30 refreshes per second, see Findings); \`usage: false\`, since lastUsedAt writes have their own run (part 2), so "store round trips" are the \`findByHash\` lookups. "Heap of the cache" is \`heapUsed\` (after full GCs) with the instance and its cache alive minus before creating it.
2. 20,000 authentications per second (paced in 2 ms steps, not awaited one by one) spread uniformly over 100,000 seeded keys (quick: the keys there are), all cached beforehand with a TTL longer than the run so that only the lastUsedAt writes reach the store; keyward's default usage options. Lag: from each call of \`authenticate\` to the end of the first \`touchLastUsed\` that started after it and carried the key. On Redis a call writes its rows with one script call per 500 keys, pipelined. A sample of stored \`lastUsedAt\` is read back afterwards.
3. Instances are child processes (bench/scale-instance.mjs), each with its own client reaching the server through its own \`createTcpProxy\`, keyward's default options but \`usage: false\` and a 10-minute cache TTL, every key cached. Revocations go one by one through instance 0's \`keyward.keys.revoke\`; each instance's store is wrapped so that the time is taken right after keyward's own handler of the invalidation event returned (the cache entry is gone, nothing polls), then it authenticates the key once (a store lookup) and reports \`revoked_api_key\`. Times are wall-clock (\`performance.timeOrigin + performance.now()\`) across processes, from the start of the revoke call; 3 warm-up revocations are not counted. Channel gaps: every instance drops all its connections at its proxy at once; the time until its store delivered \`reset\` (keyward dropped the whole cache) and until a valid key was served again.
4. A fresh \`node\` process per sample and store (bench/scale-cold-child.mjs), stores in turn; PostgreSQL and Redis have the key seeded by the parent, the memory store and PGlite (in-process databases) create the schema and insert it in the child, which is part of their start.
5. bench/http-server.mjs servers (the same as the HTTP benchmark: the real adapters on a \`MemoryKeyStore\`, cache hit + scope check; the no-op step reads \`X-API-Key\`, awaits, attaches a principal, plus one pass-through middleware on Express and Koa), driven by autocannon from this process at ${h?.rate ?? '—'} requests/s over ${h?.connections ?? '—'} connections; ${h?.rounds ?? '—'} rounds of ${h?.seconds ?? '—'} s alternating the two variants. CPU per request = the server's \`process.cpuUsage()\` (user + system) over the window ÷ responses (all 200). The profile is taken through \`node:inspector\` in the server over a separate window of the same load (sampling every 200 µs), so it does not slow the measured rounds.
`;
  return { md, targets: t };
}
