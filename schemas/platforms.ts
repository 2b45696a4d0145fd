/** Platforms the *selected platforms* import option can name, and that snapshots are normalised to. */
export const PLATFORMS = ['Windows', 'Linux', 'macOS'] as const;
export type Platform = (typeof PLATFORMS)[number];
