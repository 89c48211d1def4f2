/** The sandbox Cloud API: start it in-process, or describe and drive a running one. */
export { startSandbox, type Sandbox, type SandboxDescription, type SandboxStats } from './server.ts';
export { resolveSandboxOptions, type SandboxOptions, type SandboxNumberOption } from './sandbox-options.ts';
export { parseFaults, FAULT_KINDS, type FaultRule, type FaultsSpec, type FaultKind } from './faults.ts';
export { resolveWorldParameters, type SandboxWorldParameters, type RecipientScript, type SandboxAudience } from './world-parameters.ts';
export { TemplateCatalog, DEFAULT_TEMPLATES_FILE } from './template-catalog.ts';
export type { SandboxWorld, WorldEvent, WorldSend, WorldAnswer, NumberSnapshot } from './world.ts';
export type { RecipientCount, CallbackCount, Duplicate, RateStats } from './send-ledger.ts';
