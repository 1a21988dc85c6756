import fc from 'fast-check';

// Thousands of runs per property in CI, fewer on a laptop. FC_NUM_RUNS overrides both.
fc.configureGlobal({ numRuns: Number(process.env.FC_NUM_RUNS ?? (process.env.CI ? 5_000 : 1_000)) });
