import type { ManagementProblem } from './responses.js';

/** A request body read as a JSON object, or the problem that stopped it. */
export type BodyResult = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly problem: ManagementProblem };

type Bytes = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: ManagementProblem };

const TOO_LARGE: Bytes & { ok: false } = Object.freeze({ ok: false, problem: Object.freeze({ code: 'body_too_large', message: 'The request body is too large.' }) });
const INVALID_JSON: BodyResult = Object.freeze({ ok: false, problem: Object.freeze({ code: 'invalid_json', message: 'The request body is not valid JSON.' }) });
const NOT_OBJECT: BodyResult = Object.freeze({ ok: false, problem: Object.freeze({ code: 'invalid_input', message: 'The body must be a JSON object.', field: 'body' }) });

/** The Node stream members the reader uses (an `IncomingMessage`, or any `Readable`). */
interface NodeReadable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

const isNodeReadable = (value: object): value is NodeReadable =>
  typeof (value as NodeReadable).on === 'function' && typeof (value as NodeReadable).pause === 'function' && typeof (value as NodeReadable).removeListener === 'function';

const toBuffer = (chunk: Uint8Array | string) => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

/**
 * Read a Node stream up to `limit` bytes. Past the limit it stops listening and pauses the
 * stream, so the rest is never read (the 413 closes the connection); a declared
 * `Content-Length` over the limit is refused before reading anything. Rejects if the stream fails.
 */
function readNodeStream(stream: NodeReadable, limit: number): Promise<Bytes> {
  // Already read to its end by someone else: nothing more will come.
  if ((stream as { readableEnded?: unknown }).readableEnded === true) return Promise.resolve({ ok: true, bytes: Buffer.alloc(0) });
  const declared = Number(stream.headers?.['content-length']);
  if (declared > limit) {
    stream.pause();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise<Bytes>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
    };
    const onData = (chunk: Uint8Array | string) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        stream.pause();
        resolve(TOO_LARGE);
      } else {
        chunks.push(toBuffer(chunk));
      }
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, bytes: Buffer.concat(chunks) });
    };
    const onError = (error: unknown) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('the request stream closed before its end'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}

/** Read any other async iterable of bytes or strings, stopping at the limit. */
async function readIterable(body: AsyncIterable<Uint8Array | string>, limit: number): Promise<Bytes> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) return TOO_LARGE;
    chunks.push(toBuffer(chunk));
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/**
 * Read a management request body into a JSON object: `{}` when empty. The body may be parsed
 * already (an object), raw (a string or bytes) or a stream. Problems are values:
 * `body_too_large`, `invalid_json`, or `invalid_input` for JSON that is not an object.
 */
export async function readJsonObject(body: unknown, limit: number): Promise<BodyResult> {
  let value = body;
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
    const read = isNodeReadable(value) ? await readNodeStream(value, limit) : await readIterable(value as AsyncIterable<Uint8Array | string>, limit);
    if (!read.ok) return read;
    value = read.bytes;
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength > limit) return TOO_LARGE;
    value = toBuffer(value).toString('utf8');
  }
  if (typeof value === 'string') {
    if (value.trim() === '') return { ok: true, value: {} };
    try {
      value = JSON.parse(value);
    } catch {
      return INVALID_JSON;
    }
  }
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return NOT_OBJECT;
  return { ok: true, value: value as Record<string, unknown> };
}
