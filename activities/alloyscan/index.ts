/** The AlloyScan API client: contract, implementation, errors and schemas. */
export type { AlloyScanClient, AlloyScanClientOptions, DevicePage, ProductPage } from './client-types';
export { createAlloyScanClient } from './client';
export { AlloyScanError, QuarantineError } from './errors';
export { API_PATHS, DEFAULT_PAGE_SIZE, DEFAULT_TOKEN_PATH, LEGACY_TOKEN_PATH } from './schema';
export { parseRetryAfter } from './classify';
export { clearTokenCache } from './token-cache';
