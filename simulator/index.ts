/** The simulator's public API. */
export { Simulation, type SimulationOptions, type RunResult, type EventHandler } from './engine/simulation.ts';
export { randomStream, mixSeed, type Random } from './engine/random.ts';
export { EventHeap } from './engine/event-heap.ts';
export { parseScenario, DEFAULTS as SCENARIO_DEFAULTS, type ParsedScenario, type ScenarioProblem } from './scenario/parse-scenario.ts';
export { DEFAULT_PROPENSITIES, SILENT_PROPENSITIES } from './scenario/parse-audience.ts';
export { DEFAULT_TEMPLATE } from './scenario/parse-templates.ts';
export type {
  Scenario, Segment, PlanSpec, ForcedEvent, Expectation, TemplateSpec, ReplicationResult, ReplicationCounts, TimelineEntry, TimelineKind, SeriesPoint,
} from './scenario/scenario.ts';
export { runMonteCarlo, type MonteCarloOptions, type MonteCarloRun } from './monte-carlo.ts';
export { summarize, summaryJson, type Summary, type PlanSummary, type TierTiming, type TimelineItem } from './report/summary.ts';
export { checkExpectations, type ExpectationResult } from './report/expectations.ts';
export { wilson, meanInterval, quantile, type Interval, type MeanEstimate } from './report/statistics.ts';
export { summaryTable } from './report/table.ts';
export { htmlReport } from './report/html-report.ts';
export { runCli } from './cli/run-cli.ts';
export { runReplication, replicationSeed } from './run-replication.ts';
export { DEFAULT_MODEL_PARAMETERS, resolveModelParameters, type ModelParameters } from './model/parameters.ts';
