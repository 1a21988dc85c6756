import Koa from 'koa';
import Koa2 from 'koa2';
import { runHttpScenarios } from '@keyward/core/testing';
import { koaFixture } from './fixture.js';

runHttpScenarios('Koa 3', koaFixture(Koa));
runHttpScenarios('Koa 2', koaFixture(Koa2));
