/** @module platform/workspace — the workspace folder: config, store and artifacts. */
export { ArtifactStore, type ArtifactRef } from './artifacts.ts';
export { CONFIG_FILE, readConfig, type WorkspaceConfig } from './config.ts';
export { findWorkspace, initWorkspace, openWorkspace, openWorkspaceAt, withWorkspace, type Workspace } from './workspace.ts';
