import { runHttpScenarios } from '@keyward/core/testing';
import { fastifyFixture } from './fixture.js';

runHttpScenarios('Fastify 5', fastifyFixture);
