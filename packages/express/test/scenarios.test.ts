import express from 'express';
import express4 from 'express4';
import { runHttpScenarios } from '@keyward/core/testing';
import { expressFixture } from './fixture.js';

runHttpScenarios('Express 5', expressFixture(express));
runHttpScenarios('Express 4', expressFixture(express4));
