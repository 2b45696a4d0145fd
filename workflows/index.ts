/** The workflow bundle's entry point: every workflow the worker registers. */
export { syncRunWorkflow } from './sync-run';
