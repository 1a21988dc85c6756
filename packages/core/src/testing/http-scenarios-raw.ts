import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { ScenarioResponse } from './http-scenarios-helpers.js';

function toResponse(res: IncomingMessage, text: string): ScenarioResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  let body: Record<string, unknown>;
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: res.statusCode ?? 0, headers, body };
}

/** Read a response to its end, keeping what arrived if the connection is cut after it. */
function readResponse(res: IncomingMessage): Promise<ScenarioResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(toResponse(res, Buffer.concat(chunks).toString('utf8')));
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', done);
    res.on('error', done);
    res.on('aborted', done);
  });
}

/**
 * A request over node:http where a header given as an array goes out as one line per value
 * (fetch joins them into one line).
 */
export function requestWithLines(base: string, method: string, path: string, headers: Record<string, string | string[]>): Promise<ScenarioResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => void readResponse(res).then(resolve));
    req.on('error', reject);
    req.end();
  });
}

/** What {@link sendOversizedBody} saw: the answer, and how many body bytes the server let it write first. */
export interface OversizedResult {
  readonly response: ScenarioResponse;
  readonly bytesWritten: number;
}

/**
 * POST a body of `totalBytes` (JSON whitespace) in 64 KiB chunks, chunked or with its
 * `Content-Length`, writing only as fast as the server reads. Stops writing as soon as the
 * response arrives; a server that reads the whole body first lets all of it through.
 */
export function sendOversizedBody(base: string, path: string, headers: Record<string, string>, totalBytes: number, declareLength: boolean): Promise<OversizedResult> {
  return new Promise((resolve, reject) => {
    const extra = declareLength ? { 'content-length': String(totalBytes) } : { 'transfer-encoding': 'chunked' };
    const req = request(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', ...extra }, agent: false });
    const chunk = Buffer.alloc(65_536, 0x20);
    let written = 0;
    let answered = false;
    // The server closes the connection after its 413: writes after that fail, which is expected.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      void readResponse(res).then((response) => {
        req.destroy();
        resolve({ response, bytesWritten: written });
      });
    });
    const pump = () => {
      while (!answered && written < totalBytes) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
