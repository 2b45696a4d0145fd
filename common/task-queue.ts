/** The task queue every sync worker polls. */
export const TASK_QUEUE = 'alloyscan-sync';

/** Workflow type names, so the client and the schedule never spell them by hand. */
export const WORKFLOW_TYPES = {
  syncRun: 'syncRunWorkflow',
} as const;

/** The force-sync signal's name (defined in workflows/signals.ts; the CLI sends it by name). */
export const FORCE_SYNC_SIGNAL = 'forceSync';
