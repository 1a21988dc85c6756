import { createServer, connect } from 'node:net';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './contract-helpers.js';
import { createTcpProxy } from './tcp-proxy.js';

let echo: Server;
let echoPort = 0;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  echoPort = address !== null && typeof address === 'object' ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('createTcpProxy', () => {
  it('forwards, refuses while stopped, and serves again on the same port after start', async () => {
    const proxy = await createTcpProxy({ host: '127.0.0.1', port: echoPort });
    try {
      expect(await roundTrip(proxy.port, 'ping')).toBe('ping');
      const port = proxy.port;
      await proxy.stop();
      await expect(roundTrip(port, 'ping')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await proxy.start();
      expect(proxy.port).toBe(port);
      expect(await roundTrip(port, 'back')).toBe('back');
    } finally {
      await proxy.close();
    }
  });

  it('dropConnections cuts open connections while new ones still work', async () => {
    const proxy = await createTcpProxy({ host: '127.0.0.1', port: echoPort });
    try {
      const socket = connect(proxy.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await waitFor(() => proxy.connections === 1);
      expect(proxy.connections).toBe(1);
      proxy.dropConnections();
      await closed;
      expect(await roundTrip(proxy.port, 'again')).toBe('again');
    } finally {
      await proxy.close();
    }
  });

  it('silence keeps connections open and drops bytes both ways; resume forwards again', async () => {
    const proxy = await createTcpProxy({ host: '127.0.0.1', port: echoPort });
    try {
      const socket = connect(proxy.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const received: string[] = [];
      socket.on('data', (data) => received.push(data.toString()));
      const echoed = (text: string) => waitFor(() => received.join('').endsWith(text));
      socket.write('one');
      await echoed('one');
      proxy.silence();
      socket.write('lost');
      // Answered by a second connection opened (and silenced) meanwhile: nothing comes back.
      const other = connect(proxy.port, '127.0.0.1');
      await new Promise<void>((resolve) => other.once('connect', () => resolve()));
      let otherData = '';
      other.on('data', (data) => (otherData += data.toString()));
      other.write('also lost');
      await waitFor(() => proxy.droppedBytes === 'lostalso lost'.length);
      expect(proxy.connections).toBe(2);
      proxy.resume();
      socket.write('two');
      await echoed('two');
      expect(received.join('')).toBe('onetwo');
      other.write('back');
      await waitFor(() => otherData === 'back');
      socket.destroy();
      other.destroy();
    } finally {
      await proxy.close();
    }
  });
});
