// Starts one embedded mock for the whole test run and hands its URL to the contract tests.
import type { TestProject } from 'vitest/node';
import { startMock, type RunningMock } from '../../src/mock/server.ts';

let mock: RunningMock | undefined;

export async function setup(project: TestProject) {
  const t0 = performance.now();
  mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  project.provide('mockColdStartMs', Math.round(performance.now() - t0));
}

export async function teardown() {
  await mock?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    mockColdStartMs: number;
  }
}
