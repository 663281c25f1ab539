/**
 * The debug gate: before every launch (any debug type), a real TLS handshake with the endpoints this
 * configuration uses (the folder's when it names none) — one question to the language server, whose
 * cache and verdicts the status bar and the Problems panel show too. `devcertDoctor.preLaunch` decides what a problem
 * does: warn (launch goes on, a notification names it and offers fixes), block (modal: Fix / Launch
 * anyway / Cancel), off. Its own cost is bounded by the probe timeout: past it, the launch just goes on.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { orderedFixes, type EndpointVerdict, type FixId, type ProblemCode } from '../../core/check';
import { displayText } from '../../core/io';
import { applyFix, runRepair } from '../commands';
import type { Services } from '../services';
import { readSettings, type PreLaunchMode } from '../settings';
import { SHOW_ENDPOINTS, presentFix, primaryFixes, problemSentence, problemWords } from '../status';
import { GATE_CACHE_MS, isListening, realProblems } from '../verdicts';
import { PortWatcher, SessionWatchers } from './portWatcher';

export type GateAction = 'off' | 'no-endpoints' | 'healthy' | 'warned' | 'fixed' | 'launched-anyway' | 'cancelled' | 'timed-out' | 'error'
  /** A child session, a compound member or a restart of a launch already asked about: not asked again. */
  | 'same-launch';

export interface GateOutcome {
  configuration: string;
  type: string;
  mode: PreLaunchMode;
  action: GateAction;
  /** Every endpoint the gate looked at. */
  endpoints: string[];
  /** Endpoints with problems; `declared` when judged from the certificate the configuration names (server not up yet). */
  problems: Array<{ url: string; codes: ProblemCode[]; declared?: boolean }>;
  /** Not listening at launch: watched after the session starts. */
  waitingFor: string[];
  /** What the gate itself added to F5 before any question was asked (ms). */
  gateMs: number;
  /** Verdicts of watched endpoints once they started listening. */
  afterStart: Array<{ url: string; codes: ProblemCode[] }>;
}

interface Evaluation { verdicts: EndpointVerdict[]; declared: EndpointVerdict[] }

/**
 * One launch as the user sees it: an F5 and everything it starts (child sessions of js-debug, the other
 * configurations of a compound, a restart). The user's answer about its endpoints holds for all of them.
 */
interface Launch {
  /** Endpoints the user was already asked or told about in this launch. */
  decided: Set<string>;
  /** The answer was given under this mode: a warning does not stand for a question `block` asks. */
  mode: PreLaunchMode;
  names: Set<string>;
  sessions: Set<string>;
  decidedAt: number;
  started: boolean;
  endedAt?: number;
}

/** A launch none of whose sessions started this soon after the answer is over (cancelled, failed). */
const LAUNCH_START_MS = 30_000;
/** A restart ends the old session before the new one resolves: the launch outlives its sessions this long. */
const LAUNCH_GRACE_MS = 5_000;

/** js-debug's child sessions (a browser tab, a worker, a forked process) carry these; they belong to their parent's launch. */
function isChildConfiguration(config: vscode.DebugConfiguration): boolean {
  return Object.keys(config).some(k => k === '__pendingTargetId' || k === '__parentId' || k === '__sessionId');
}

/** A question shared by the configurations of one compound launch (asked once, not once per configuration). */
interface SharedDecision { key: string; at: number; pending: boolean; answer: Promise<string | undefined> }

export class DebugGate implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private last?: GateOutcome;
  private decision?: SharedDecision;
  private pending: Array<{ name: string; type: string; at: number; urls: string[]; outcome: GateOutcome }> = [];
  private launches: Launch[] = [];
  private readonly watchers = new SessionWatchers();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly s: Services) {
    this.subs = [
      vscode.debug.onDidStartDebugSession(session => this.sessionStarted(session)),
      vscode.debug.onDidTerminateDebugSession(session => { this.watchers.end(session); this.sessionEnded(session); }),
    ];
  }

  lastOutcome(): GateOutcome | undefined { return this.last; }
  private ranOnce = false;

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration | undefined> {
    const settings = readSettings(folder?.uri);
    const started = performance.now();
    const outcome: GateOutcome = {
      configuration: config.name, type: config.type, mode: settings.preLaunch, action: 'healthy',
      endpoints: [], problems: [], waitingFor: [], gateMs: 0, afterStart: [],
    };
    const finish = (action: GateAction, result: vscode.DebugConfiguration | undefined) => {
      outcome.action = action;
      this.last = outcome;
      // The walkthrough's "gate" step completes on this context key (there is no "onDebug" completion event).
      if (!this.ranOnce) { this.ranOnce = true; void vscode.commands.executeCommand('setContext', 'devcertDoctor.gateRan', true); }
      this.s.log.info(`gate "${config.name}" (${config.type}): ${action}, ${outcome.endpoints.length} endpoint(s), ${outcome.gateMs.toFixed(0)} ms`);
      return result;
    };
    if (settings.preLaunch === 'off') return finish('off', config);
    if (isChildConfiguration(config) && this.liveLaunches().length) {
      this.s.log.info(`gate "${config.name}": a child session of a launch already checked`);
      this.liveLaunches()[0].names.add(config.name);
      return finish('same-launch', config);
    }

    let evaluation: Evaluation | 'timeout';
    try {
      evaluation = await withDeadline(this.evaluate(folder, config), settings.timeoutMs, token);
    } catch (err) {
      this.s.log.error(`gate "${config.name}": ${(err as Error).message}; the launch goes on`);
      outcome.gateMs = performance.now() - started;
      return finish('error', config);
    }
    outcome.gateMs = performance.now() - started;
    if (evaluation === 'timeout') {
      this.s.log.warn(`gate "${config.name}": no answer within ${settings.timeoutMs} ms; the launch goes on and the result will show in the status bar`);
      return finish('timed-out', config);
    }
    const { verdicts, declared } = evaluation;
    outcome.endpoints = verdicts.map(v => v.url);
    if (verdicts.length === 0) return finish('no-endpoints', config);

    const bad = verdicts.filter(v => realProblems(v).length > 0);
    const badDeclared = declared.filter(v => realProblems(v).length > 0);
    outcome.problems = [
      ...bad.map(v => ({ url: v.url, codes: realProblems(v).map(p => p.code) })),
      ...badDeclared.map(v => ({ url: v.url, codes: realProblems(v).map(p => p.code), declared: true })),
    ];
    const notListening = verdicts.filter(v => !isListening(v)).map(v => v.url);
    outcome.waitingFor = notListening;
    const launch = (action: GateAction) => {
      if (notListening.length) this.pending.push({ name: config.name, type: config.type, at: Date.now(), urls: notListening, outcome });
      return finish(action, config);
    };
    const problems = [...bad, ...badDeclared];
    if (problems.length === 0) return launch('healthy');
    const known = this.liveLaunches().find(l => l.mode === settings.preLaunch && problems.every(v => l.decided.has(v.url)));
    if (known) {
      this.s.log.info(`gate "${config.name}": part of a launch already asked about ${problems.map(v => v.url).join(', ')}`);
      known.names.add(config.name);
      return launch('same-launch');
    }

    if (settings.preLaunch === 'warn') {
      this.warn(config.name, problems, badDeclared);
      this.recordLaunch(config.name, settings.preLaunch, problems);
      return launch('warned');
    }
    const fix = vscode.l10n.t('Fix');
    const anyway = vscode.l10n.t('Launch anyway');
    const answer = await this.sharedDecision('block', problems, () => this.s.notifier.show('warning',
      vscode.l10n.t('"{0}" will use HTTPS endpoints with certificate problems.', config.name),
      { modal: true, detail: describeProblems(problems, badDeclared) }, fix, anyway));
    if (answer === anyway) { this.recordLaunch(config.name, settings.preLaunch, problems); return launch('launched-anyway'); }
    if (answer !== fix) return finish('cancelled', undefined);
    const repaired = await runRepair(this.s, { verdicts: problems });
    if (repaired === 'repaired') { this.recordLaunch(config.name, settings.preLaunch, problems); return launch('fixed'); }
    this.s.log.info(`gate "${config.name}": repair ended as ${repaired}; the launch is cancelled`);
    return finish('cancelled', undefined);
  }

  private evaluate(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<Evaluation> {
    // Its own verdicts (launch URLs) and the folder's declared endpoints, probed or judged by the server.
    return this.s.checker.checkLaunch(folder, config, GATE_CACHE_MS);
  }

  /** One notification per distinct set of problems within the window (compound launches warn once). */
  private warn(name: string, problems: EndpointVerdict[], declared: EndpointVerdict[]): void {
    const offers = fixOffers(problems);
    const labels = offers.map(o => o.label);
    const details = vscode.l10n.t('Details');
    const message = problems.length === 1
      ? vscode.l10n.t('Launching "{0}": {1}', name, describeProblems(problems, declared))
      : vscode.l10n.t('Launching "{0}": {1} HTTPS endpoints have certificate problems: {2}', name, problems.length,
        problems.map(v => `${v.url} (${problemWords(realProblems(v).map(p => p.code)).join(', ')})`).join('; '));
    void this.sharedDecision('warn', problems, () => this.s.notifier.show('warning', message, {}, ...labels, details))
      .then(async answer => {
        if (!answer || this.decisionConsumed) return;
        this.decisionConsumed = true;
        if (answer === details) { await vscode.commands.executeCommand(SHOW_ENDPOINTS); return; }
        const offer = offers[labels.indexOf(answer)];
        if (offer) await applyFix(this.s, offer.fix, offer.target.url, offer.target.port);
      });
  }
  private decisionConsumed = false;

  /**
   * A compound launch resolves its configurations together: the same problems are asked about once.
   * A modal's answer is shared only while it is still open (a relaunch a moment later asks again);
   * a warning is not repeated within the gate's cache window.
   */
  private sharedDecision(mode: 'warn' | 'block', problems: EndpointVerdict[], ask: () => Promise<string | undefined>): Promise<string | undefined> {
    const key = mode + '|' + problems.map(v => `${v.url}:${realProblems(v).map(p => p.code).join(',')}`).sort().join('|');
    const now = Date.now();
    const d = this.decision;
    if (d && d.key === key && (d.pending || (mode === 'warn' && now - d.at < GATE_CACHE_MS))) {
      this.s.log.info('gate: same problems as a moment ago (compound launch): not asking again');
      return d.answer;
    }
    this.decisionConsumed = false;
    const decision: SharedDecision = { key, at: now, pending: true, answer: Promise.resolve(undefined) };
    decision.answer = ask().finally(() => { decision.pending = false; decision.at = Date.now(); });
    this.decision = decision;
    return decision.answer;
  }

  /** The launches whose answer still holds: sessions running, about to start, or restarting. */
  private liveLaunches(): Launch[] {
    const now = Date.now();
    this.launches = this.launches.filter(l => l.endedAt !== undefined ? now - l.endedAt < LAUNCH_GRACE_MS
      : l.started || now - l.decidedAt < LAUNCH_START_MS);
    return this.launches;
  }

  private recordLaunch(name: string, mode: PreLaunchMode, problems: EndpointVerdict[]): void {
    this.launches.push({ decided: new Set(problems.map(v => v.url)), mode, names: new Set([name]), sessions: new Set(), decidedAt: Date.now(), started: false });
  }

  private sessionEnded(session: vscode.DebugSession): void {
    for (const l of this.launches) {
      if (l.sessions.delete(session.id) && l.sessions.size === 0) l.endedAt = Date.now();
    }
  }

  private sessionStarted(session: vscode.DebugSession): void {
    // A session joins its parent's launch, or the latest launch that resolved its configuration.
    const parent = session.parentSession?.id;
    const owner = (parent && this.launches.find(l => l.sessions.has(parent)))
      || [...this.liveLaunches()].reverse().find(l => l.names.has(session.configuration.name));
    if (owner) { owner.sessions.add(session.id); owner.started = true; owner.endedAt = undefined; }
    const now = Date.now();
    this.pending = this.pending.filter(p => now - p.at < 60_000);
    const i = this.pending.findIndex(p => p.name === session.configuration.name && p.type === session.configuration.type);
    if (i < 0) return;
    const [p] = this.pending.splice(i, 1);
    const mode = readSettings(session.workspaceFolder?.uri).preLaunch;
    this.watchers.add(session, new PortWatcher(p.urls, this.s.checker, this.s.log, v => {
      p.outcome.afterStart.push({ url: v.url, codes: realProblems(v).map(x => x.code) });
      if (mode !== 'off' && realProblems(v).length) this.warn(session.name, [v], []);
    }));
  }

  dispose(): void { this.watchers.dispose(); for (const d of this.subs) d.dispose(); }
}

/**
 * The warning's buttons: one fix (core's order) per endpoint, at most two. With several endpoints each
 * button says which one it repairs ("Regenerate the certificate (localhost:7043)").
 */
function fixOffers(problems: EndpointVerdict[]): Array<{ fix: FixId; target: EndpointVerdict; label: string }> {
  if (problems.length === 1) {
    return primaryFixes([realProblems(problems[0])]).map(fix => ({ fix, target: problems[0], label: presentFix(fix).label }));
  }
  return problems.flatMap(target => {
    const fix = orderedFixes(realProblems(target)).find(f => f !== 'start-server');
    return fix ? [{ fix, target, label: `${presentFix(fix).label} (${displayText(target.url.replace(/^https:\/\//, ''))})` }] : [];
  }).slice(0, 2);
}

/** One line per endpoint; each escaped on its own (a subject's line break must not start a line of its own). */
function describeProblems(problems: EndpointVerdict[], declared: EndpointVerdict[]): string {
  return problems.map(v => {
    const prefix = declared.includes(v) ? vscode.l10n.t('(not started yet; the certificate it is configured to serve) ') : '';
    return displayText(`${v.url} — ${prefix}${realProblems(v).map(problemSentence).join(' ')}`);
  }).join('\n');
}

/** Resolves with the work's result, or 'timeout' once `ms` have passed (the work goes on in the background). */
function withDeadline<T>(work: Promise<T>, ms: number, token?: vscode.CancellationToken): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    const sub = token?.onCancellationRequested(() => { clearTimeout(timer); resolve('timeout'); });
    work.then(v => { clearTimeout(timer); sub?.dispose(); resolve(v); },
      e => { clearTimeout(timer); sub?.dispose(); reject(e); });
  });
}
