/** The sync run's in-memory state: phase, checkpoint, pending force, and the progress query's answer. */
import type {
  AuthResult,
  ForceSignal,
  SyncCheckpoint,
  SyncProgress,
  SyncRunInput,
} from '../common/sync-types';
import { estimatedPages } from './page-planner';

export class SyncRunState {
  phase: SyncProgress['phase'] = 'authenticate';
  auth: AuthResult | undefined;
  checkpoint: SyncCheckpoint | undefined;
  pendingForce: ForceSignal | undefined;

  constructor(
    input: SyncRunInput,
    readonly runId: string,
    readonly startedAt: string,
  ) {
    this.auth = input.auth;
    this.pendingForce = input.pendingForce;
  }

  /** Coalesce forces: any number of them while running gives one follow-up pass. */
  force(f: ForceSignal): void {
    const prev = this.pendingForce ?? {};
    this.pendingForce = {
      full: true,
      confirmMissing: !!prev.confirmMissing || !!f.confirmMissing,
    };
  }

  resume(cp: SyncCheckpoint): void {
    this.checkpoint = cp;
    this.phase = 'inventory';
  }

  progress(): SyncProgress {
    const cp = this.checkpoint;
    const c = cp?.counts;
    return {
      phase: this.phase,
      pagesDone: cp?.pagesDone ?? 0,
      pagesTotal: cp ? estimatedPages(cp.planner, cp.pagesDone) : 0,
      devicesWritten: c ? c.added + c.updated : 0,
      installationsWritten: c ? c.installationsAdded + c.installationsUpdated + c.installationsRemoved : 0,
      pendingForce: this.pendingForce !== undefined,
    };
  }
}
