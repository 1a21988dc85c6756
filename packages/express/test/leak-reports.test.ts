import { createServer } from 'node:http';
import express from 'express';
import { runLeakReportScenarios } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyLeakReports } from '../src/index.js';

runLeakReportScenarios('express', {
  async start(keyward, options) {
    const app = express();
    app.post('/security/leaked-keys', apiKeyLeakReports(keyward, options)); // before the JSON parser and the API-key auth
    app.use(express.json());
    app.use('/v1', apiKeyAuth(keyward));
    return createServer(app);
  },
});
