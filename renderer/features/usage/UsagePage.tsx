import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { UsageBucket, UsageReport } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';
import { openSettings, reportError, useAppStore } from '../../stores/appStore';
import { AGENT_LABELS } from '../board/columns';
import { barPaths, SERIES_COLOURS, UplotChart } from './UplotChart';
import { useUsageStore } from './usageStore';
import { dollars, duration, perDay, shortTokens, tokenSum, usageCsv } from './usageFormat';

type Measure = 'tokens' | 'cost';
type StackBy = 'project' | 'agent';

/** Saves text as a file the browser downloads. */
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Characters of a task's title under its bar. */
const AXIS_NAME_CHARS = 14;
const axisName = (title: string) => (title.length > AXIS_NAME_CHARS ? `${title.slice(0, AXIS_NAME_CHARS - 1)}…` : title);

/** Per task: one bar each, tokens or dollars. */
function perTaskChart(report: UsageReport, measure: Measure): { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData } {
  const tasks = report.tasks.filter((t) => t.observable);
  const values = tasks.map((t) => (measure === 'cost' ? (t.costUsd ?? 0) : t.tokens ? tokenSum(t.tokens) : 0));
  return {
    data: [tasks.map((_, i) => i), values],
    options: {
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? axisName(tasks[s]?.title ?? '') : '')) },
        { values: (_u, splits) => splits.map((s) => (measure === 'cost' ? dollars(s) : shortTokens(s))), size: 60 },
      ],
      series: [{}, { label: measure === 'cost' ? 'Cost' : 'Tokens', fill: SERIES_COLOURS[0], stroke: SERIES_COLOURS[0], paths: barPaths, points: { show: false } }],
      legend: { show: false },
    },
  };
}

/** Per day, stacked by project or agent: each series drawn as the sum of its own and those below it. */
function perDayChart(report: UsageReport, measure: Measure, stackBy: StackBy, projectName: (id: string) => string) {
  const value = (b: UsageBucket) => (measure === 'cost' ? (b.costUsd ?? 0) : tokenSum(b.tokens));
  const { days, groups, series } = perDay(report.buckets, (b) => (stackBy === 'project' ? b.projectId : b.agent), value);
  const stacked = series.map((_, i) => days.map((_d, day) => series.slice(0, i + 1).reduce((s, values) => s + values[day]!, 0)));
  const label = (group: string) => (stackBy === 'project' ? projectName(group) : (AGENT_LABELS[group as keyof typeof AGENT_LABELS] ?? group));
  // The tallest (the sum of all) is drawn first, each lower one over it.
  const order = groups.map((_, i) => i).reverse();
  const data: uPlot.AlignedData = [days.map((_, i) => i), ...order.map((i) => stacked[i]!)];
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
    axes: [
      { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) && days[s] !== undefined ? DAY_FORMAT.format(days[s]) : '')) },
      { values: (_u, splits) => splits.map((s) => (measure === 'cost' ? dollars(s) : shortTokens(s))), size: 60 },
    ],
    series: [{}, ...order.map((i) => ({ label: label(groups[i]!), fill: SERIES_COLOURS[i % SERIES_COLOURS.length], stroke: SERIES_COLOURS[i % SERIES_COLOURS.length], paths: barPaths, points: { show: false } }))],
    // The groups are named in the caption, with their colours.
    legend: { show: false },
  };
  return { data, options, days: days.length, groups: groups.map(label) };
}

/** The Usage page: tokens, cost and time per day and per task, the limit windows, the budgets, the prices. */
export function UsagePage() {
  const { client } = useActions();
  const projects = useAppStore((s) => s.projects);
  const selectedProjectId = useAppStore((s) => s.selectedProjectId);
  // Reloaded whenever the selected project's figures change.
  const projectReport = useUsageStore((s) => s.report);
  const [scope, setScope] = useState<'all' | 'project'>('all');
  const [report, setReport] = useState<UsageReport | null>(null);
  const [measure, setMeasure] = useState<Measure>('tokens');
  const [stackBy, setStackBy] = useState<StackBy>('project');
  useEffect(() => {
    let current = true;
    const input = scope === 'project' && selectedProjectId ? { projectId: selectedProjectId } : {};
    client
      .call('usage.report', input)
      .then((r) => current && setReport(r))
      .catch(reportError);
    return () => {
      current = false;
    };
  }, [client, scope, selectedProjectId, projectReport]);
  const projectName = useMemo(() => {
    const names = new Map(projects.map((p) => [p.id, p.name]));
    return (id: string) => names.get(id) ?? id;
  }, [projects]);
  const costShown = report?.costMode === 'cost';
  const shownMeasure: Measure = costShown ? measure : 'tokens';
  const taskChart = useMemo(() => (report ? perTaskChart(report, shownMeasure) : null), [report, shownMeasure]);
  const dayChart = useMemo(() => (report ? perDayChart(report, shownMeasure, stackBy, projectName) : null), [report, shownMeasure, stackBy, projectName]);
  if (!report || !taskChart || !dayChart) return <p className="muted">Loading usage…</p>;
  const { totals } = report;
  const observed = report.tasks.filter((t) => t.observable);
  return (
    <section className="usage-page" aria-label="Usage">
      <header className="usage-header">
        <h2>Usage</h2>
        <label>
          Show{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value as 'all' | 'project')} aria-label="Which projects">
            <option value="all">every project</option>
            <option value="project">the selected project</option>
          </select>
        </label>
        {costShown && (
          <label>
            as{' '}
            <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)} aria-label="Measure">
              <option value="tokens">tokens</option>
              <option value="cost">cost</option>
            </select>
          </label>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => download('switchyard-usage.csv', 'text/csv', usageCsv(report))}>
          Export CSV
        </button>
        <button type="button" onClick={() => download('switchyard-usage.json', 'application/json', JSON.stringify(report, null, 2))}>
          Export JSON
        </button>
      </header>
      <p className="usage-totals" data-testid="usage-totals">
        {shortTokens(tokenSum(totals.tokens))} tokens (input {shortTokens(totals.tokens.input)}, output {shortTokens(totals.tokens.output)}, cache write{' '}
        {shortTokens(totals.tokens.cacheWrite)}, cache read {shortTokens(totals.tokens.cacheRead)})
        {totals.costUsd !== null && <> · {dollars(totals.costUsd)}</>}
        {totals.unpricedTasks > 0 && <> · {totals.unpricedTasks} unpriced</>}
        {totals.unobservableTasks > 0 && <> · {totals.unobservableTasks} not observable</>} · working {duration(totals.workingMs)} · waiting for you{' '}
        {duration(totals.waitingMs)} · idle {duration(totals.idleMs)}
      </p>

      <div className="usage-charts">
        <figure>
          <figcaption>
            Per day, stacked by{' '}
            <select value={stackBy} onChange={(e) => setStackBy(e.target.value as StackBy)} aria-label="Stack by">
              <option value="project">project</option>
              <option value="agent">agent</option>
            </select>{' '}
            {dayChart.groups.map((group, i) => (
              <span key={group} className="usage-group" style={{ borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length] }}>
                {group}
              </span>
            ))}
          </figcaption>
          <UplotChart options={dayChart.options} data={dayChart.data} bars={dayChart.days} label={`${shownMeasure} per day, stacked by ${stackBy}`} />
        </figure>
        <figure>
          <figcaption>Per task</figcaption>
          <UplotChart options={taskChart.options} data={taskChart.data} bars={observed.length} label={`${shownMeasure} per task`} />
        </figure>
        <figure className="usage-windows">
          <figcaption>Current limit window</figcaption>
          {report.limitWindows.length === 0 ? (
            <p className="muted">No limit window open.</p>
          ) : (
            report.limitWindows.map((w) => (
              <p key={`${w.agentKind}-${w.label}`}>
                {AGENT_LABELS[w.agentKind] ?? w.agentKind} {w.label}:{' '}
                {w.usedPercent !== null ? <meter min={0} max={100} value={w.usedPercent} /> : null}
                {w.usedPercent !== null ? ` ${w.usedPercent}% used` : ` ${shortTokens(w.tokens ?? 0)} tokens`}
                {w.resetsAt !== null && ` · resets ${new Date(w.resetsAt).toLocaleTimeString()}`}
              </p>
            ))
          )}
        </figure>
      </div>

      <table className="usage-table" aria-label="Usage per task">
        <thead>
          <tr>
            <th>Task</th>
            <th>Agent · model</th>
            <th>Input</th>
            <th>Output</th>
            <th>Cache write</th>
            <th>Cache read</th>
            {costShown && <th>Cost</th>}
            <th>Working</th>
            <th>Waiting</th>
            <th>Idle</th>
            <th>Ready → review</th>
          </tr>
        </thead>
        <tbody>
          {report.tasks.map((t) => (
            <tr key={t.taskId} data-task-id={t.taskId}>
              <td title={t.key}>{t.title}</td>
              <td>
                {AGENT_LABELS[t.agent] ?? t.agent}
                {t.model ? ` · ${t.model}` : ''}
              </td>
              {t.tokens ? (
                <>
                  <td>{t.tokens.input}</td>
                  <td>{t.tokens.output}</td>
                  <td>{t.tokens.cacheWrite}</td>
                  <td>{t.tokens.cacheRead}</td>
                </>
              ) : (
                <td colSpan={4} className="muted">
                  not observable
                </td>
              )}
              {costShown && <td>{t.costUsd === null ? (t.observable ? 'unpriced' : '—') : dollars(t.costUsd)}</td>}
              <td>{duration(t.workingMs)}</td>
              <td>{duration(t.waitingMs)}</td>
              <td>{duration(t.idleMs)}</td>
              <td>{t.leadTimeMs === null ? '—' : duration(t.leadTimeMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {report.budgets.some((b) => b.tokenLimit !== null || b.costLimitUsd !== null) && (
        <section aria-label="Budgets">
          <h3>Budgets</h3>
          {report.budgets
            .filter((b) => b.tokenLimit !== null || b.costLimitUsd !== null)
            .map((b) => (
              <p key={b.projectId} className={b.reached ? 'budget reached' : 'budget'}>
                {projectName(b.projectId)} ({b.period === 'day' ? 'today' : 'this run'}):{' '}
                {b.tokenLimit !== null && `${shortTokens(b.tokensUsed)} of ${shortTokens(b.tokenLimit)} tokens`}
                {b.tokenLimit !== null && b.costLimitUsd !== null && ' · '}
                {b.costLimitUsd !== null && `${dollars(b.costUsedUsd)}${b.unpriced ? '+' : ''} of ${dollars(b.costLimitUsd)}`}
                {b.reached && ` — reached: no more agents start`}
              </p>
            ))}
        </section>
      )}

      <section aria-label="Prices" className="usage-prices">
        <h3>
          Prices per million tokens{' '}
          <button type="button" className="link" onClick={() => openSettings('Usage')}>
            Edit
          </button>
        </h3>
        {report.unpricedModels.length > 0 && <p className="warning">No price for {report.unpricedModels.join(', ')}: their cost is unknown, not zero.</p>}
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Input</th>
              <th>Output</th>
              <th>Cache write</th>
              <th>Cache read</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {report.prices.map((p) => (
              <tr key={p.model}>
                <td>{p.model}</td>
                <td>{p.input}</td>
                <td>{p.output}</td>
                <td>{p.cacheWrite}</td>
                <td>{p.cacheRead}</td>
                <td>{p.origin === 'user' ? 'yours' : `${p.source ?? ''} (${p.checkedOn ?? ''})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
