/**
 * Every repair goes the same way: plan → show the plan (exact commands, which need elevation) in a
 * modal with Run / Copy commands / Cancel → run with progress → probe again and say what changed.
 * Nothing runs, elevated or not, without the user having seen its plan.
 */
import * as vscode from 'vscode';
import type { EndpointVerdict } from '../../core/check';
import type { RepairPlan, WithheldTrust } from '../../core/plan';
import type { RepairStrategy } from '../../core/repair';
import type { RepairRequest } from '../engine';
import { describeError, remoteCaveat } from '../output';
import { reportAfterPlan } from './afterPlan';
import { planSummary, showPlanDocument } from './planDocument';
import type { Services } from '../services';
import { requireWorkspaceTrust } from '../settings';
import { presentFix } from '../status';

export type RepairOutcome = 'repaired' | 'still-problems' | 'done' | 'nothing-to-do' | 'cancelled' | 'copied' | 'failed' | 'restricted';

/** Plans, asks, runs, re-probes. `verdicts` are the endpoints to re-probe afterwards. */
export async function runRepair(s: Services, request: RepairRequest, title?: string): Promise<RepairOutcome> {
  if (!(await requireWorkspaceTrust(s.notifier))) return 'restricted';
  if (!request.strategy) {
    const strategy = await pickStrategy(s, request);
    if (!strategy) return 'cancelled';
    request = { ...request, strategy };
  }
  let plan = await planOrSay(s, request);
  if (!plan) return 'failed';
  if (plan.withheld?.length && request.fixes?.includes('trust') && !request.allowServedAnchors) {
    // "Trust" was asked for a certificate core will not trust on its own: a separate, explicit yes first.
    const answer = await confirmUntrustedAnchor(s, plan.withheld);
    if (answer === 'cancel') return 'cancelled';
    if (answer === 'trust') {
      plan = await planOrSay(s, { ...request, allowServedAnchors: true });
      if (!plan) return 'failed';
    }
  }
  return confirmAndRun(s, plan, request.verdicts, title ?? actionTitle(request));
}

/** The modal says the action asked for ("Trust the certificate: https://localhost:7043"), not "Repair …". */
function actionTitle(request: RepairRequest): string | undefined {
  if (request.fixes?.length !== 1) return undefined;
  const label = presentFix(request.fixes[0]).label;
  return request.verdicts.length === 1 ? `${label}: ${request.verdicts[0].url}` : label;
}

async function planOrSay(s: Services, request: RepairRequest): Promise<RepairPlan | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('DevCert: planning the repair…') },
      () => s.engine.planRepair(request));
  } catch (err) {
    void s.notifier.show('error', vscode.l10n.t('Could not plan the repair: {0}', describeError(s.log, 'plan', err)));
    return undefined;
  }
}

/**
 * The second confirmation, separate from the plan's: trusting a certificate core withheld (a CA a server
 * sent, a leaf for other names, an expired one) is the user's explicit act. "Regenerate instead" goes on
 * with the safe plan (a new certificate under the local CA).
 */
async function confirmUntrustedAnchor(s: Services, withheld: WithheldTrust[]): Promise<'trust' | 'regenerate' | 'cancel'> {
  const trust = vscode.l10n.t('Trust it anyway');
  const regenerate = vscode.l10n.t('Regenerate instead');
  const which = withheld.map(w => `${w.url}: "${w.subject}" (SHA-1 ${w.sha1}) — ${w.reason}.`).join('\n');
  const answer = await s.notifier.show('warning',
    vscode.l10n.t('Whoever holds the private key of a certificate you trust can impersonate any website to this machine.'),
    { modal: true, detail: `${which}\n\n${vscode.l10n.t('DevCert Doctor does not trust it on its own; it can make a new certificate under your local CA instead.')}` },
    trust, regenerate);
  s.log.info(`untrusted anchor confirmation: ${answer ?? 'cancelled'}`);
  return answer === trust ? 'trust' : answer === regenerate ? 'regenerate' : 'cancel';
}

/**
 * Where IIS Express (Windows) or the ASP.NET Core dev cert is involved and the repair makes a new
 * certificate, the platform's own tool may make it instead: asked here, then planned and shown like any
 * other. The default when there is nothing to choose; undefined when the user dismisses the pick.
 */
async function pickStrategy(s: Services, request: RepairRequest): Promise<RepairStrategy | undefined> {
  let alternatives: RepairStrategy[];
  try { alternatives = await s.engine.alternativeStrategies(request); } catch (err) {
    s.log.warn(`strategies: ${describeError(s.log, 'strategies', err)}`);
    return 'devcert-doctor';
  }
  if (!alternatives.length) return 'devcert-doctor';
  const items: (vscode.QuickPickItem & { strategy: RepairStrategy })[] = [
    { strategy: 'devcert-doctor', label: vscode.l10n.t('Let DevCert Doctor make the certificate'), detail: vscode.l10n.t('Generate it, bind it where the endpoint is declared, and trust it') },
    ...alternatives.map(strategy => strategy === 'iisexpress'
      ? { strategy, label: vscode.l10n.t('Let IIS Express bind a new certificate'), detail: 'IisExpressAdminCmd.exe setupSslUrl -url:https://localhost:PORT/ -CertHash:SHA1' }
      : { strategy, label: vscode.l10n.t('Use dotnet dev-certs'), detail: 'dotnet dev-certs https --clean, dotnet dev-certs https --trust' }),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Who should make the new certificate? The plan is shown before anything runs.') });
  return picked?.strategy;
}

/** Shows `plan` and runs it when the user says Run. Shared with "Remove certificates added by DevCert Doctor". */
export async function confirmAndRun(s: Services, plan: RepairPlan, verdicts: EndpointVerdict[], title?: string, options: { removal?: boolean } = {}): Promise<RepairOutcome> {
  s.log.info(`plan "${plan.title}": ${plan.steps.length} step(s)`);
  if (plan.steps.length === 0) {
    void s.notifier.show('info', [vscode.l10n.t('Nothing to change: {0}', plan.title), ...plan.notes].join(' '));
    return 'nothing-to-do';
  }
  const text = s.engine.renderPlan(plan);
  s.log.info(`plan text:\n${text}`);
  const run = vscode.l10n.t('Run');
  const copy = vscode.l10n.t('Copy commands');
  // The full plan scrolls in its own tab; the modal summarises. "Copy commands" comes first: Enter (the
  // first button) never runs a plan the user may not have read.
  await showPlanDocument(s, plan, text, [remoteCaveat() ?? '']);
  const summary = planSummary(plan);
  const answer = await s.notifier.show('warning', `${title ?? plan.title} — ${summary.counts}`,
    { modal: true, detail: summary.detail }, copy, run);
  if (answer === copy) {
    await vscode.env.clipboard.writeText(s.engine.planScript(plan));
    void s.notifier.show('info', vscode.l10n.t('The commands of "{0}" are on the clipboard.', plan.title));
    return 'copied';
  }
  if (answer !== run) { s.log.info('plan cancelled'); return 'cancelled'; }

  const outcome = await s.notifier.progress(plan.title,
    async report => {
      try {
        return await s.engine.executePlan(plan, {
          onProgress: (message, step, stepFinished) => {
            s.log.info(`plan: ${message}`);
            report(step?.title ?? message, stepFinished ? 100 / Math.max(1, plan.steps.length) : 0);
          },
        });
      } catch (err) {
        return { ok: false, message: describeError(s.log, 'execute', err) };
      }
    });
  for (const m of outcome.manual ?? []) s.log.info(`you do: ${m}`);
  if (outcome.cancelled) {
    void s.notifier.show('info', vscode.l10n.t('Nothing was changed: the administrator prompt was declined.'));
    return 'cancelled';
  }
  if (!outcome.ok) {
    const showLog = vscode.l10n.t('Show log');
    void s.notifier.show('error', vscode.l10n.t('The repair did not finish: {0}', outcome.message ?? ''), {}, showLog)
      .then(a => { if (a === showLog) s.log.show(); });
    return 'failed';
  }
  if (options.removal) {
    // Removing what the tool added makes endpoints untrusted on purpose: the views follow, no "problems remain".
    if (verdicts.length) await s.checker.probe(verdicts.map(v => v.url), { maxAgeMs: 0, reloadTrust: true }).catch(err => s.log.warn(`probe after removal: ${(err as Error).message}`));
    void s.notifier.show('info', vscode.l10n.t('Removed what DevCert Doctor had added ({0}).', planSummary(plan).counts.split(',')[0]));
    return 'done';
  }
  if (verdicts.length === 0) {
    void s.notifier.show('info', vscode.l10n.t('Done: {0}', plan.title));
    return 'done';
  }
  return reportAfterPlan(s, plan, verdicts, outcome.manual ?? []);
}
