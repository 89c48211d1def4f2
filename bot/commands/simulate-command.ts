/**
 * `/wa simulate <scenario> [--plan p] [--replications n]`: run a scenario file from the scenarios
 * directory and post the summary table and a chart. Only names in that directory are accepted: a
 * chat command must not read arbitrary paths on the bot's machine.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runMonteCarlo } from '../../simulator/monte-carlo.ts';
import { summarize } from '../../simulator/report/summary.ts';
import { summaryTable } from '../../simulator/report/table.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import { chartFile } from './chart-image.ts';
import { closest } from './closest.ts';
import { code, pct } from './format.ts';
import type { CommandDeps, Invocation } from './ports.ts';
import { inChannel, problem, type Reply } from './reply.ts';

async function scenarioNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort();
  } catch {
    return [];
  }
}

export async function simulateReply(deps: CommandDeps, inv: Invocation, name: string, flags: Readonly<Record<string, string | true>>): Promise<Reply> {
  const dir = deps.settings.scenariosDir;
  const names = await scenarioNames(dir);
  const wanted = name.replace(/^.*[/\\]/, '').replace(/\.ya?ml$/, '');
  if (!names.includes(wanted)) {
    const near = closest(wanted, names);
    return problem(`No scenario ${code(name)}.`, `${near.length ? `Did you mean ${near.map(code).join(' or ')}? ` : ''}Scenarios: ${names.map(code).join(', ') || 'none'} (files in ${dir}).`);
  }
  const file = (await readdir(dir)).find((f) => f === `${wanted}.yaml` || f === `${wanted}.yml`)!;
  const parsed = parseScenario(await readFile(join(dir, file), 'utf8'), wanted);
  if (!parsed.ok) {
    return problem(`The scenario ${code(wanted)} has ${parsed.problems.length} problem(s); nothing was run.`, 'Fix the file and try again:', [
      { kind: 'code', text: parsed.problems.slice(0, 12).map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`).join('\n') },
    ]);
  }
  const scenario = parsed.scenario;
  const planNames = scenario.plans.map((p) => p.name);
  const plan = typeof flags.plan === 'string' ? flags.plan : undefined;
  if (plan !== undefined && !planNames.includes(plan)) {
    return problem(`${code(wanted)} has no plan ${code(plan)}.`, `Plans: ${planNames.map(code).join(', ')}.`);
  }
  const max = deps.settings.maxSimulationReplications;
  let replications = Math.min(scenario.replications, max);
  if (typeof flags.replications === 'string') {
    const n = Number(flags.replications);
    if (!Number.isInteger(n) || n < 1 || n > max) return problem(`\`--replications ${flags.replications}\` is out of range.`, `Give a whole number from 1 to ${max}.`);
    replications = n;
  }
  const started = performance.now();
  const run = await runMonteCarlo(scenario, { replications, ...(plan !== undefined && { plans: [plan] }) });
  const summary = summarize({ ...scenario, plans: scenario.plans.filter((p) => plan === undefined || p.name === plan) }, run.results);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const chart = await chartFile(scenario, summary, `${wanted}-risk`);
  const headline = Object.entries(summary.plans).map(([p, s]) => `${p}: ${pct(s.flaggedRisk.p)} flagged, ${pct(s.banRisk.p)} banned`).join('; ');
  return inChannel(`Simulation of ${wanted} (${replications} replications per plan): ${headline}`, [
    { kind: 'text', text: `:bar_chart: <@${inv.user}> simulated *${wanted}*${plan ? ` (plan ${plan})` : ''}: ${replications} replications per plan in ${seconds} s.` },
    ...(scenario.description ? [{ kind: 'context' as const, text: scenario.description }] : []),
    { kind: 'code', text: summaryTable(summary) },
  ], { files: [chart] });
}
