/** The Alloy Navigator Express emulator: start it, drive it from tests and the demo. */
export { startNavigatorEmulator, type NavigatorEmulator } from './server';
export type { NavigatorCounters } from './counters';
export type { NavigatorEmulatorOptions, NavigatorFaults, FailNext, ProductSeed } from './options';
export type { NavRecord } from './values';
export {
  DEFAULT_ACTIONS,
  DEFAULT_BASE_PATH,
  DEFAULT_CLASS_NAMES,
  DEFAULT_TEMPLATES,
  FIELDS,
  MESSAGES,
  STATUS,
} from './paths';
export { writeSecretFile } from './secret-file';
