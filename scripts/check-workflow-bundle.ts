/**
 * CI gate: build the workflow bundle exactly as the worker does. The bundler refuses Node
 * built-ins and anything non-deterministic it can detect, so a workflow that imports I/O
 * fails here before it fails in production.
 */
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  for (const banned of ['axios', 'better-sqlite3', 'kysely', 'node:fs', 'zod']) {
    if (code.includes(`node_modules/${banned}/`)) throw new Error(`the workflow bundle contains ${banned}`);
  }
  console.log(`workflow bundle OK (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
