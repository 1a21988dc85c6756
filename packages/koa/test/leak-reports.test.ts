import { createServer } from 'node:http';
import Koa from 'koa';
import { runLeakReportScenarios } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyLeakReports } from '../src/index.js';

runLeakReportScenarios('koa', {
  async start(keyward, options) {
    const app = new Koa();
    app.use(apiKeyLeakReports(keyward, { ...options, path: '/security/leaked-keys' }));
    app.use(apiKeyAuth(keyward));
    return createServer(app.callback());
  },
});
