/** The Alloy Navigator Express API client: contract, implementation, errors and schema. */
export type {
  CallOptions,
  ListParams,
  NavigatorClient,
  NavigatorClientOptions,
  NavigatorLogger,
  NavigatorRow,
  WriteOutcome,
} from './client-types';
export { createNavigatorClient } from './client';
export { NavigatorError } from './errors';
export { CLASS_DEFAULTS, PATHS, TEMPLATE_DEFAULT_STATUS } from './schema';
export { NAVIGATOR_DEFAULTS } from './settings';
export { clearTokenCache } from './token-cache';
