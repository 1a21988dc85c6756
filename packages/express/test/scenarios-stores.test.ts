import express from 'express';
import { describe } from 'vitest';
import { runHttpScenarios } from '@keyward/core/testing';
import { STORE_GROUPS, scenarioStores } from '../../../test/stores/scenario-stores.js';
import { expressFixture } from './fixture.js';

// The store-dependent scenarios (management, roles, sessions) on each production store.
for (const store of await scenarioStores()) {
  describe.skipIf(!store.available)(store.name, () => {
    runHttpScenarios(`Express 5 on ${store.name}`, expressFixture(express), { store: store.create, only: STORE_GROUPS });
  });
}
