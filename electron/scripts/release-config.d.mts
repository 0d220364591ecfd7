// Types for release-config.mjs (a plain script: it runs before anything is built).
/* eslint-disable @typescript-eslint/no-explicit-any -- electron-builder.yml is parsed YAML: untyped on purpose. */
export type Platform = 'win' | 'mac' | 'linux'
export const PLATFORMS: Record<Platform, string>
export const PACKAGING_NODE: { major: number; minor: number }
/** Why this Node (`process.version`) cannot package the app, or undefined when it can. */
export function packagingNodeProblem(version: string): string | undefined
/** electron-builder.yml plus signing, notarization and the update feed from `env`; throws on unusable values. */
export function releaseConfig(
  base: Record<string, any>,
  platform: Platform,
  env: Record<string, string | undefined>,
): { config: Record<string, any>; notices: string[] }
