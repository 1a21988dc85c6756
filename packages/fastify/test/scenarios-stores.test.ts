import { describe } from 'vitest';
import { runHttpScenarios } from '@keyward/core/testing';
import { STORE_GROUPS, scenarioStores } from '../../../test/stores/scenario-stores.js';
import { fastifyFixture } from './fixture.js';

// The store-dependent scenarios (management, roles, sessions) on each production store.
for (const store of await scenarioStores()) {
  describe.skipIf(!store.available)(store.name, () => {
    runHttpScenarios(`Fastify 5 on ${store.name}`, fastifyFixture, { store: store.create, only: STORE_GROUPS });
  });
}
