/**
 * Room `io` — how the engine touches the machine: running processes (argument arrays, elevation), atomic
 * file writes, this tool's config folder, the platform names, and how outside text is shown safely
 * (`displayText`: control and bidi characters escaped), and how a file someone else named is read
 * (`readBoundedFile`: regular files only, capped, optionally contained). The lowest room: imports no other room.
 */
export { describeFsError, writeFileAtomic } from './atomicWrite';
export { displayLines, displayText, markdownText } from './displayText';
export { ElevationCancelledError, ExecError, formatCommand, formatPowerShellCommand, isInstalled, psQuote, quoteArg, run, runElevated, setExecLogger } from './exec';
export type { ElevatedOp, ElevatedUnit, ElevationRunner, ExecResult } from './exec';
export { caDir, configDir, generatedCertsDir, isForeignPlatform, ledgerFile, nodeBundleFile, pathFor, placeholderHome, trustedCertsDir } from './paths';
export type { ConfigContext, PathContext } from './paths';
export type { Platform } from './platform';
export { containedTarget, isInsideFolder, isRealPath, realTarget } from './realPath';
export { readBoundedFile, readBoundedFileSync, specialFileKind } from './boundedRead';
export type { BoundedRead, BoundedReadOptions, BoundedReadRefusal } from './boundedRead';
