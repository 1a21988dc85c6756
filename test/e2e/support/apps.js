// Where the reference apps are: examples/<framework>, each run as `node server.js`.

/** The three reference apps, one per framework, with identical behaviour (examples/README.md). */
export const FRAMEWORKS = /** @type {const} */ (['express', 'fastify', 'koa']);

/**
 * The folder of a reference app (holding server.js and reference-app.js).
 *
 * @example
 * const app = await startExampleProcess(exampleDir('koa'), { KEYWARD_JWT_SECRET: secret });
 *
 * @param {string} framework
 */
export const exampleDir = (framework) => new URL(`../../../examples/${framework}/`, import.meta.url);
