import Fastify from 'fastify';
import { runLeakReportScenarios } from '@keyward/core/testing';
import keywardPlugin, { apiKeyLeakReports } from '../src/index.js';

runLeakReportScenarios('fastify', {
  async start(keyward, options) {
    const app = Fastify();
    await app.register(keywardPlugin, { keyward });
    await app.register(apiKeyLeakReports, { keyward, prefix: '/security/leaked-keys', ...options });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
});
