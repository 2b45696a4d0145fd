/** Signals and queries of the sync-run workflow, shared by the workflow and the CLI. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ForceSignal, SyncProgress } from '../common/sync-types';
import { FORCE_SYNC_SIGNAL } from '../common/task-queue';

/**
 * Force a sync. Delivered to a running run, it is coalesced into one follow-up full pass
 * right after the current one (a signal, not an update: the caller must not wait for it).
 */
export const forceSyncSignal = defineSignal<[ForceSignal]>(FORCE_SYNC_SIGNAL);

/** Live progress: phase, pages done/total, devices and installations written. */
export const progressQuery = defineQuery<SyncProgress>('progress');
