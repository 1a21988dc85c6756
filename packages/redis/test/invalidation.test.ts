import { runInvalidationContract } from '@keyward/core/testing';
import { createInvalidationFixture, randomPrefix, reachable } from './redis-env.js';

// Outages, gaps and a silent link between a RedisKeyStore and Redis, through a TCP proxy.
runInvalidationContract('RedisKeyStore', () => createInvalidationFixture(randomPrefix()), { skip: !reachable });
