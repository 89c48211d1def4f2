/** The simulator's public API. */
export { Simulation, type SimulationOptions, type RunResult, type EventHandler } from './engine/simulation.ts';
export { randomStream, mixSeed, type Random } from './engine/random.ts';
export { EventHeap } from './engine/event-heap.ts';
