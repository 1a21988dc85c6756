// The workspace packages as a user would get them once published: `pnpm pack` (which rewrites
// `workspace:` ranges to real ones) served by a throwaway npm registry for the @keyward scope, so
// a copied example installs with its package.json untouched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGES = fileURLToPath(new URL('../../../packages/', import.meta.url));

/**
 * pnpm as it runs this test (`npm_execpath` under `pnpm test`), else the one on the PATH.
 * @returns {[string, string[]]}
 */
function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? '';
  return /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ['pnpm', []];
}

/**
 * Pack every package of packages/ (built: `pnpm build`) into `dir`. Returns the tarball paths.
 *
 * @example
 * const tarballs = await packWorkspace(join(tmp, 'tarballs'));
 *
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function packWorkspace(dir) {
  const names = await readdir(PACKAGES);
  const [command, prefix] = pnpmCommand();
  return Promise.all(
    names.map(async (name) => {
      const cwd = join(PACKAGES, name);
      if (!existsSync(join(cwd, 'dist'))) throw new Error(`packages/${name} is not built: run pnpm build first (pnpm test does)`);
      const { stdout } = await run(command, [...prefix, 'pack', '--pack-destination', dir], { cwd, timeout: 120_000 });
      const file = stdout.trim().split('\n').at(-1) ?? '';
      if (!file.endsWith('.tgz')) throw new Error(`pnpm pack in packages/${name} printed no tarball`);
      return file.startsWith('/') ? file : join(dir, file);
    }),
  );
}

/**
 * An npm registry on 127.0.0.1 serving `tarballs` (one version each): the packument at
 * `/<name>` and the tarball at `/-/<file>`. Everything else is a 404.
 *
 * @example
 * const registry = await serveRegistry(tarballs);
 * await run('npm', ['install', `--@keyward:registry=${registry.url}`], { cwd });
 * await registry.close();
 *
 * @param {string[]} tarballs
 */
export async function serveRegistry(tarballs) {
  /** @type {Map<string, { manifest: Record<string, unknown>, file: string, data: Buffer }>} */
  const byName = new Map();
  for (const file of tarballs) {
    const { stdout } = await run('tar', ['-xzOf', file, 'package/package.json']);
    const manifest = JSON.parse(stdout);
    byName.set(manifest.name, { manifest, file: file.slice(file.lastIndexOf('/') + 1), data: await readFile(file) });
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').slice(1);
    const tarball = [...byName.values()].find((p) => path === `-/${p.file}`);
    const pkg = byName.get(path);
    if (tarball) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball.data);
    if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const version = /** @type {string} */ (pkg.manifest.version);
    const dist = {
      tarball: `${url}/-/${pkg.file}`,
      shasum: createHash('sha1').update(pkg.data).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(pkg.data).digest('base64')}`,
    };
    const packument = { name: path, 'dist-tags': { latest: version }, versions: { [version]: { ...pkg.manifest, dist } } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
