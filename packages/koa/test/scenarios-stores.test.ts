import Koa from 'koa';
import { describe } from 'vitest';
import { runHttpScenarios } from '@keyward/core/testing';
import { STORE_GROUPS, scenarioStores } from '../../../test/stores/scenario-stores.js';
import { koaFixture } from './fixture.js';

// The store-dependent scenarios (management, roles, sessions) on each production store.
for (const store of await scenarioStores()) {
  describe.skipIf(!store.available)(store.name, () => {
    runHttpScenarios(`Koa 3 on ${store.name}`, koaFixture(Koa), { store: store.create, only: STORE_GROUPS });
  });
}
