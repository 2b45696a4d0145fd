/**
 * One Temporal test environment per test file: the real dev server built into .tools/bin by
 * scripts/setup.sh (never a download), in-memory, on a random port, with the sync's search
 * attributes registered. Headless unless asked for its Web UI (`uiPort`, the browser test).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { SYNC_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

export const TEMPORAL_BIN = resolve(__dirname, '../../../.tools/bin/temporal');

let runtimeInstalled = false;

export interface TestEnvOptions {
  /** Serve the Web UI on this port (http://127.0.0.1:<uiPort>); without it the server is headless. */
  uiPort?: number;
}

export async function createTestEnv(opts: TestEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // Tests fail activities and runs on purpose: the SDK's WARN lines (with stacks) for those
    // are noise; the assertions say what failed.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  if (!existsSync(TEMPORAL_BIN)) throw new Error(`${TEMPORAL_BIN} is missing: run scripts/setup.sh first`);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_BIN },
      searchAttributes: SYNC_SEARCH_ATTRIBUTES,
      // json, not pretty: no raw ANSI colour escapes in the test output.
      log: { format: 'json', level: 'error' },
      ...(opts.uiPort !== undefined && { ui: true, uiPort: opts.uiPort }),
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const noop = (): void => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
