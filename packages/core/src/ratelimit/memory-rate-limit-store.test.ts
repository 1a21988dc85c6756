import { runRateLimitStoreContract } from '../testing/rate-limit-contract.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';

runRateLimitStoreContract('MemoryRateLimitStore', async () => ({ store: new MemoryRateLimitStore() }));
