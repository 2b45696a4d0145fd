/** The AlloyScan site emulator: start it, add sites, drive them from tests. */
export { startEmulator } from './server';
export { PATHS } from './routes';
export { JUNK_SERIALS } from './inventory';
export type {
  ChurnLog,
  ChurnOptions,
  EmulatedSite,
  Emulator,
  FaultOptions,
  GroundTruthOptions,
  MalformedVariant,
  RegistrationInfo,
  SecurityEvent,
  SiteOptions,
  SiteStats,
  TrafficReport,
  TrafficSecond,
  WorkloadLimit,
} from './types';
